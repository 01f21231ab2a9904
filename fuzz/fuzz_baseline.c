// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the baseline file parser. Beyond "does not crash",
 * it checks the property the daemon relies on: a baseline that parses
 * serialises to text that parses back to the same inventory (no
 * differences) and the same traffic profile (the text of the second
 * serialisation is the first's), so a saved baseline never turns into a
 * corrupt one; and the lookups enforcement uses find every listed entry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b = { 0 }, again = { 0 };
	struct baseline_change *ch = NULL;
	size_t nch = 0;
	char err[512];
	char *text, *again_text;

	if (baseline_parse((const char *)data, size, &b, err, sizeof(err))) {
		if (!err[0])
			abort();
		baseline_free(&b);
		return 0;
	}
	text = baseline_to_json(&b);
	if (!text)
		abort();
	if (baseline_parse(text, strlen(text), &again, err, sizeof(err)))
		abort();	/* what we wrote we cannot read back */
	if (baseline_diff(&b.inv, &again.inv, &ch, &nch) || nch)
		abort();	/* the round trip changed the inventory */
	if (b.has_traffic != again.has_traffic ||
	    b.traffic.n_ipmi != again.traffic.n_ipmi ||
	    b.traffic.n_irqs != again.traffic.n_irqs)
		abort();	/* ... or the traffic profile */
	again_text = baseline_to_json(&again);
	if (!again_text || strcmp(text, again_text))
		abort();	/* serialising is not stable */
	for (size_t i = 0; i < b.traffic.n_ipmi; i++) {
		const struct baseline_ipmi_cmd *c = &b.traffic.ipmi[i];

		if (baseline_find_ipmi(&again.traffic, c->netfn, c->cmd, c->dir,
				       c->origin) == NULL)
			abort();
	}
	for (size_t i = 0; i < b.traffic.n_irqs; i++)
		if (!baseline_find_irq(&again.traffic, b.traffic.irqs[i].bdf,
				       b.traffic.irqs[i].vector))
			abort();
	free(again_text);
	free(ch);
	free(text);
	baseline_free(&again);
	baseline_free(&b);
	return 0;
}
