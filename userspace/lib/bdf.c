// SPDX-License-Identifier: GPL-2.0
/* See bdf.h. */
#include <stdio.h>
#include <string.h>

#include "bdf.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly @n hex digits at @s into *v. */
static bool hex_n(const char *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;

	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

int bdf_parse_n(const char *s, size_t len, struct bdf *b)
{
	uint32_t dom, bus, dev, fn;
	size_t dlen;

	/* the domain is what comes before the fixed-width tail ":BB:DD.F" */
	if (len < 4 + 8 || len > 8 + 8)
		return -1;
	dlen = len - 8;
	if (s[dlen] != ':' || s[dlen + 3] != ':' || s[dlen + 6] != '.')
		return -1;
	if (dlen > 4 && s[0] == '0')
		return -1;	/* "%04x" pads to four digits, no further */
	if (!hex_n(s, dlen, &dom) || !hex_n(s + dlen + 1, 2, &bus) ||
	    !hex_n(s + dlen + 4, 2, &dev) || !hex_n(s + dlen + 7, 1, &fn) ||
	    dev > 0x1f || fn > 7)
		return -1;
	b->domain = dom;
	b->bus = bus;
	b->devfn = dev << 3 | fn;
	return 0;
}

int bdf_parse(const char *s, struct bdf *b)
{
	return bdf_parse_n(s, strnlen(s, BDF_STR_MAX), b);
}

int bdf_format(const struct bdf *b, char buf[BDF_STR_MAX])
{
	return snprintf(buf, BDF_STR_MAX, "%04x:%02x:%02x.%u", b->domain, b->bus,
			b->devfn >> 3, b->devfn & 7);
}

int bdf_canonical(const char *s, char buf[BDF_STR_MAX])
{
	struct bdf b;

	if (bdf_parse(s, &b))
		return -1;
	bdf_format(&b, buf);
	return 0;
}
