// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the baseline file parser. Beyond "does not crash",
 * it checks the property the daemon relies on: a baseline that parses
 * serialises to text that parses back to the same inventory (no
 * differences), so a saved baseline never turns into a corrupt one.
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
	char *text;

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
	free(ch);
	free(text);
	baseline_free(&again);
	baseline_free(&b);
	return 0;
}
