// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the small parsers of kernel text the daemon reads:
 * /proc/ioports (where the IPMI KCS ports are) and the lockdown state
 * (securityfs or /sys/kernel/bmcwatch/lockdown). Both take C strings, so
 * the input is cut at its first NUL, as fgets/read would leave it. Also
 * the interrupt accounting of the dma monitor (irq_stat.h): per-CPU
 * counts, /proc/interrupts lines, /proc/irq/N/spurious, and /dev/kmsg
 * records (those by length, NULs and all).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "irq_stat.h"
#include "lockdown.h"
#include "lpc_rules.h"

static void fuzz_irq_stat(const uint8_t *data, size_t size, const char *text)
{
	unsigned int col[8];
	uint32_t c[8];
	struct irq_spurious a = { 0 }, b;
	struct kmsg_vector k;
	int n, exact;

	n = irq_stat_parse_percpu(text, c, 8);
	if (n < -1 || n > 8)
		abort();
	n = irq_stat_parse_header(text, col, 8);
	if (n < -1 || n > 8)
		abort();
	if (n > 0 && irq_stat_parse_line(text, 24, col, n, c, 8) > 1)
		abort();
	if (!irq_spurious_parse(text, &b) &&
	    irq_unhandled_delta(&a, &b, size, IRQ_SPURIOUS_RESTART_MS, &exact) >
	    (uint64_t)b.unhandled + 1)
		abort();
	switch (kmsg_parse_vector((const char *)data, size, &k)) {
	case KMSG_VECTOR_NO_HANDLER:
		if (k.vector > 255)
			abort();
		break;
	case KMSG_VECTOR_SUPPRESSED:
	case KMSG_VECTOR_NONE:
		break;
	default:
		abort();
	}
}

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
	fuzz_irq_stat(data, size, text);
	free(text);
	return 0;
}
