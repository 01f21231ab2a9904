// SPDX-License-Identifier: GPL-2.0
/* See dma_inv.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "dma_inv.h"
#include "errmsg.h"
#include "inventory.h"

/* The module's inventory, strictly parsed, as the DMA monitor keeps it. */
static int convert(struct inventory *inv, struct dma_inv *out, char *err,
		   size_t errlen)
{
	struct dma_fn *fn = calloc(inv->n ? inv->n : 1, sizeof(*fn));

	if (!fn) {
		errmsg_set(err, errlen, "out of memory for %zu functions", inv->n);
		inventory_free(inv);
		return -1;
	}
	for (size_t i = 0; i < inv->n; i++) {
		const struct inv_fn *f = &inv->fn[i];

		memcpy(fn[i].bdf, f->bdf, sizeof(fn[i].bdf));
		fn[i].vendor = f->vendor;
		fn[i].device = f->device;
		fn[i].flags = f->flags;
		if (strcmp(f->path, "-"))
			snprintf(fn[i].path, sizeof(fn[i].path), "%s", f->path);
	}
	dma_inv_free(out);
	out->fn = fn;
	out->n = inv->n;
	inventory_free(inv);
	return 0;
}

int dma_inv_parse(const char *text, size_t len, struct dma_inv *out,
		  char *err, size_t errlen)
{
	struct inventory inv;

	if (inventory_parse(text, len, &inv, err, errlen))
		return -1;
	return convert(&inv, out, err, errlen);
}

int dma_inv_read(const char *path, struct dma_inv *out, char *err, size_t errlen)
{
	struct inventory inv;
	int ret = inventory_read(path, &inv, err, errlen);

	if (ret)
		return ret;
	return convert(&inv, out, err, errlen);
}

void dma_inv_free(struct dma_inv *inv)
{
	free(inv->fn);
	inv->fn = NULL;
	inv->n = 0;
}

static int cmp_bdf(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dma_fn *)elem)->bdf);
}

const struct dma_fn *dma_inv_find(const struct dma_inv *inv, const char *bdf)
{
	if (!inv->n)
		return NULL;
	return bsearch(bdf, inv->fn, inv->n, sizeof(*inv->fn), cmp_bdf);
}

size_t dma_inv_bmc_count(const struct dma_inv *inv)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->n; i++)
		n += !!(inv->fn[i].flags & BMCW_FN_BMC);
	return n;
}
