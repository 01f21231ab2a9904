// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the DMA monitor's reader of the module's inventory
 * (dma_inv.c over inventory.c): a parsed inventory keeps every function,
 * each findable by its address, with a valid canonical address; a refused
 * one says why and leaves the previous inventory as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "bdf.h"
#include "dma_inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prev_text[] = "# functions=1 host_fp=0000000000000001\n"
		"10000:00:02.0 vendor=1a03 device=2000 subsys=0000:0000 class=030000 rev=00 hdr=00 flags=0x8001 fp=0000000000000002 driver=- path=-\n";
	struct dma_inv inv = { 0 };
	char err[512] = "", canon[BDF_STR_MAX];
	size_t bmc = 0;

	/* a previous good inventory, which a refused one must not touch */
	if (dma_inv_parse(prev_text, sizeof(prev_text) - 1, &inv, err, sizeof(err)) ||
	    inv.n != 1)
		abort();
	if (dma_inv_parse((const char *)data, size, &inv, err, sizeof(err))) {
		if (!err[0] || inv.n != 1 || strcmp(inv.fn[0].bdf, "10000:00:02.0"))
			abort();
		dma_inv_free(&inv);
		return 0;
	}
	for (size_t i = 0; i < inv.n; i++) {
		const struct dma_fn *f = &inv.fn[i];

		if (bdf_canonical(f->bdf, canon) || strcmp(canon, f->bdf))
			abort();
		if (dma_inv_find(&inv, f->bdf) != f)
			abort();
		if (memchr(f->path, '\0', sizeof(f->path)) == NULL || !strcmp(f->path, "-"))
			abort();
		bmc += !!(f->flags & BMCW_FN_BMC);
	}
	if (dma_inv_bmc_count(&inv) != bmc)
		abort();
	dma_inv_free(&inv);
	return 0;
}
