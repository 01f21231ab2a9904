// SPDX-License-Identifier: GPL-2.0
/*
 * cfg_sysfs BDF COUNT [BYTES]: what lspci does, COUNT times: read the first
 * BYTES (256) of BDF's config space through sysfs with one pread(2).
 * Prints "count=N ns=T bytes=B" (in the instruction-count mode ns are
 * instructions).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned char buf[4096];
	unsigned long n, i, bytes = 256;
	char path[256];
	uint64_t t0;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: cfg_sysfs BDF COUNT [BYTES]\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	if (argc == 4)
		bytes = strtoul(argv[3], NULL, 0);
	if (!n || !bytes || bytes > sizeof(buf))
		return 2;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, buf, bytes, 0) != (ssize_t)bytes) {
		perror(path);
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (pread(fd, buf, bytes, 0) != (ssize_t)bytes) {
			perror(path);
			return 1;
		}
	printf("count=%lu ns=%llu bytes=%lu\n", n,
	       (unsigned long long)(now_ns() - t0), bytes);
	return 0;
}
