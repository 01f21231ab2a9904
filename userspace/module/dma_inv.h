/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DMA monitor needs of the module's inventory (debugfs
 * "inventory", parsed by inventory.c): every function, with its BMC flags
 * and the bridges above it. No cap: a BMC function listed after thousands
 * of others is checked like the first. Pure (no I/O) but for
 * dma_inv_read(), so that a unit test and a fuzzer can drive the parser.
 */
#ifndef BMCW_DMA_INV_H
#define BMCW_DMA_INV_H

#include <stddef.h>
#include <stdint.h>

#include "bdf.h"

struct dma_fn {
	char bdf[BDF_STR_MAX];
	uint16_t vendor, device;
	uint32_t flags;			/* BMCW_FN_* */
	char path[128];			/* bridges above, comma separated; "" if none */
};

struct dma_inv {
	size_t n;
	struct dma_fn *fn;		/* sorted by bdf (as inventory.c sorts) */
};

/*
 * Parse @len bytes of inventory text into *out (replaced only on success:
 * a bad inventory keeps the previous one). 0, or -1 with "line N: ..." in
 * err.
 */
int dma_inv_parse(const char *text, size_t len, struct dma_inv *out,
		  char *err, size_t errlen);
/* Read and parse @path; 0, or -errno / -1 with err set; *out as above. */
int dma_inv_read(const char *path, struct dma_inv *out, char *err, size_t errlen);
void dma_inv_free(struct dma_inv *inv);
const struct dma_fn *dma_inv_find(const struct dma_inv *inv, const char *bdf);
/* Number of functions flagged BMCW_FN_BMC. */
size_t dma_inv_bmc_count(const struct dma_inv *inv);

#endif /* BMCW_DMA_INV_H */
