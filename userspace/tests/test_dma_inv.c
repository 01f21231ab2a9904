/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DMA monitor's view of the module's inventory (dma_inv.c): every
 * function, however many, so that a BMC function listed after hundreds of
 * others (the module lists them in hash order) is still checked; a bad
 * inventory is refused (the monitor then says so) and keeps the last good
 * one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "dma_inv.h"
#include "tap.h"

/* An inventory of @n functions; the BMC function is the last line. */
static char *inventory(unsigned int n, size_t *len)
{
	size_t cap = 64 + (size_t)n * 200, used;
	char *t = malloc(cap);

	used = snprintf(t, cap, "# functions=%u host_fp=00112233445566aa\n", n);
	for (unsigned int i = 0; i < n; i++) {
		bool bmc = i == n - 1;

		/* 10 domains of 64 buses, VMD's among them */
		used += snprintf(t + used, cap - used,
				 "%04x:%02x:%02x.%u vendor=%s device=%s subsys=1af4:1100 class=%s rev=01 hdr=00 flags=0x%x fp=%016x driver=- path=%s\n",
				 (i / 256) ? 0x10000 + i / 256 : 0, i % 256 / 8, i % 8, 0,
				 bmc ? "1a03" : "8086", bmc ? "2000" : "1234",
				 bmc ? "030000" : "020000",
				 bmc ? BMCW_FN_KNOWN | BMCW_FN_BMC : BMCW_FN_KNOWN, i,
				 bmc ? "0000:00:1c.0" : "-");
	}
	*len = used;
	return t;
}

int main(void)
{
	struct dma_inv inv = { 0 };
	const struct dma_fn *f;
	char err[256];
	size_t len;
	char *text = inventory(1000, &len);

	ok(!dma_inv_parse(text, len, &inv, err, sizeof(err)), "1000 functions parse (%s)",
	   inv.n ? "ok" : err);
	is_int(inv.n, 1000, "all 1000 functions kept, none dropped past 256");
	is_int(dma_inv_bmc_count(&inv), 1, "the BMC function listed last is there");
	f = dma_inv_find(&inv, "10003:1c:07.0");
	ok(f && (f->flags & BMCW_FN_BMC) && f->vendor == 0x1a03 &&
	   !strcmp(f->path, "0000:00:1c.0"),
	   "the BMC function in VMD domain 10003 is found with its flags and path");
	f = dma_inv_find(&inv, "0000:00:01.0");
	ok(f && !(f->flags & BMCW_FN_BMC) && !f->path[0], "another function: no BMC flag, no path");
	free(text);

	text = inventory(257, &len);
	ok(!dma_inv_parse(text, len, &inv, err, sizeof(err)) && inv.n == 257 &&
	   dma_inv_bmc_count(&inv) == 1, "257 functions: the 257th (a BMC function) is kept");
	free(text);

	/* A bad line: refused, loudly, and the last good inventory stays. */
	text = strdup("# functions=2 host_fp=00112233445566aa\n"
		      "0000:00:01.0 vendor=8086 device=1234 subsys=1af4:1100 class=020000 rev=01 hdr=00 flags=0x8000 fp=0000000000000001 driver=- path=-\n"
		      "0000:00:02.0 vendor=1a03 device=2000 garbage\n");
	ok(dma_inv_parse(text, strlen(text), &inv, err, sizeof(err)) == -1 &&
	   strstr(err, "line 3"), "a bad inventory line is refused, naming the line: %s", err);
	is_int(inv.n, 257, "the last good inventory is kept");
	free(text);

	ok(dma_inv_read("/nonexistent/inventory", &inv, err, sizeof(err)) < 0 && inv.n == 257,
	   "an unreadable inventory is an error, the last good one kept");
	dma_inv_free(&inv);
	ok(!inv.n && !inv.fn, "freed");
	return tap_done();
}
