// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the config parser (policy_load_file: inih plus our
 * key handlers). The loader takes a path, so the input goes into one memfd
 * reached through /proc/self/fd: no temporary files pile up, and the code
 * under test is the daemon's, open and fgets included.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	char err[4096];

	if (fd < 0) {
		fd = memfd_create("fuzz_policy", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (policy_init(&p))
		abort();
	if (policy_load_file(&p, path, err, sizeof(err)) == 0) {
		/* What was accepted must be usable as the daemon uses it. */
		if (p.bmc_devices.n && !p.bmc)
			abort();
		if (p.lpc_nwatch > POLICY_LPC_MAX_WATCH)
			abort();
		for (unsigned int i = 0; i < p.lpc_nwatch; i++)
			if (p.lpc_watch[i].lo > p.lpc_watch[i].hi)
				abort();
	} else if (!err[0]) {
		/* A rejected file always says why. */
		abort();
	}
	policy_free(&p);
	return 0;
}
