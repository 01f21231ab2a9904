/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's PCI inventory as /sys/kernel/debug/bmcwatch/inventory prints
 * it: a header "# functions=N host_fp=HEX", then one line per function,
 * "DOMAIN:BUS:DEV.FN key=value ...". The parser is a pure function over a
 * buffer (no I/O), strict about what it knows and explicit about what it
 * rejects, so that the CLI, the baseline and a fuzzer share it.
 */
#ifndef BMCW_INVENTORY_H
#define BMCW_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdf.h"

#define INVENTORY_PATH		"/sys/kernel/debug/bmcwatch/inventory"
#define INVENTORY_MAX_LINE	4096
#define INVENTORY_MAX_FNS	65536

struct inv_fn {
	char bdf[BDF_STR_MAX];		/* "0000:00:01.0", "10000:00:02.0" */
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;			/* 24 bits */
	uint8_t revision, hdr_type;
	uint32_t flags;			/* BMCW_FN_* */
	uint64_t fingerprint;
	char driver[64];		/* "-" if none */
	char path[128];			/* bridges above, "-" if none */
};

struct inventory {
	bool has_host_fp;
	uint64_t host_fp;
	size_t n, cap;
	struct inv_fn *fn;		/* sorted by bdf */
};

/*
 * Parse @len bytes of @text into *inv (zeroed by the caller). Returns 0, or
 * -1 with "line N: ..." in err; *inv is then empty.
 */
int inventory_parse(const char *text, size_t len, struct inventory *inv,
		    char *err, size_t errlen);
/* Read and parse a file (default INVENTORY_PATH); -errno or -1 on parse errors. */
int inventory_read(const char *path, struct inventory *inv, char *err, size_t errlen);
void inventory_free(struct inventory *inv);
const struct inv_fn *inventory_find(const struct inventory *inv, const char *bdf);
/* Append (used by the baseline loader); keeps the caller responsible for order. */
int inventory_add(struct inventory *inv, const struct inv_fn *fn);
void inventory_sort(struct inventory *inv);
/* Strict "DDDD:BB:DD.F" check (a domain of 4 to 8 digits: bdf.h). */
bool inventory_valid_bdf(const char *s);
/* "bmc,upstream,driver" for flags; "-" for none. */
void inventory_flags_str(uint32_t flags, char *buf, size_t len);

#endif /* BMCW_INVENTORY_H */
