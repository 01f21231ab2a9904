// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the parser of /sys/kernel/debug/bmcwatch/inventory
 * text. A parsed inventory must hold only valid, sorted, findable entries:
 * the CLI and the baseline diff depend on that.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bdf.h"
#include "inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv = { 0 };
	char err[512];

	if (inventory_parse((const char *)data, size, &inv, err, sizeof(err))) {
		if (!err[0] || inv.n)
			abort();
		inventory_free(&inv);
		return 0;
	}
	for (size_t i = 0; i < inv.n; i++) {
		char flags[128], canon[BDF_STR_MAX];
		struct bdf b;

		if (!inventory_valid_bdf(inv.fn[i].bdf))
			abort();
		/* every domain round-trips: stored as the kernel prints it */
		if (bdf_parse(inv.fn[i].bdf, &b) || bdf_format(&b, canon) < 12 ||
		    strcmp(canon, inv.fn[i].bdf))
			abort();
		if (i && strcmp(inv.fn[i - 1].bdf, inv.fn[i].bdf) >= 0)
			abort();
		if (inventory_find(&inv, inv.fn[i].bdf) != &inv.fn[i])
			abort();
		inventory_flags_str(inv.fn[i].flags, flags, sizeof(flags));
	}
	inventory_free(&inv);
	return 0;
}
