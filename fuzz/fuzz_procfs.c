// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the small parsers of kernel text the daemon reads:
 * /proc/ioports (where the IPMI KCS ports are) and the lockdown state
 * (securityfs or /sys/kernel/bmcwatch/lockdown). Both take C strings, so
 * the input is cut at its first NUL, as fgets/read would leave it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lockdown.h"
#include "lpc_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lpc_port_range r[POLICY_LPC_MAX_WATCH];
	char *text = malloc(size + 1);
	char state[64];
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	n = lpc_ioports_ipmi(text, r, POLICY_LPC_MAX_WATCH);
	if (n < 0 || n > POLICY_LPC_MAX_WATCH)
		abort();
	for (int i = 0; i < n; i++)
		if (r[i].lo > r[i].hi)
			abort();
	if (lockdown_parse(text, state, sizeof(state)) == 0 && !state[0])
		abort();
	free(text);
	return 0;
}
