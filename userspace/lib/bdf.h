/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI function addresses as Linux names them, "DOMAIN:BUS:DEV.FN" in hex
 * ("%04x:%02x:%02x.%u"): the domain is pci_domain_nr(), an int, so four
 * digits up to 0xffff (Hyper-V goes that far) and more above (Intel VMD's
 * domains start at 0x10000), up to eight. Pure functions, no I/O: the
 * inventory, baseline, policy and CLI parsers share them, and a fuzzer.
 */
#ifndef BMCW_BDF_H
#define BMCW_BDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "ffffffff:ff:1f.7" and its NUL, rounded up */
#define BDF_STR_MAX	20

struct bdf {
	uint32_t domain;
	uint8_t bus;
	uint8_t devfn;			/* dev << 3 | fn */
};

/*
 * Parse exactly @len bytes of @s: a domain of 4 to 8 hex digits (no
 * leading zero beyond four digits: the kernel's "%04x"), ':', 2 digits of
 * bus, ':', 2 digits of device (at most 0x1f), '.', one digit of function
 * (at most 7). Either case of hex. 0, or -1 without touching *b.
 */
int bdf_parse_n(const char *s, size_t len, struct bdf *b);
/* The same for a NUL-terminated string. */
int bdf_parse(const char *s, struct bdf *b);
/* The canonical text (lower case), always NUL-terminated; its length. */
int bdf_format(const struct bdf *b, char buf[BDF_STR_MAX]);
/* Canonical text of @s into @buf; -1 when @s is not an address. */
int bdf_canonical(const char *s, char buf[BDF_STR_MAX]);

#endif /* BMCW_BDF_H */
