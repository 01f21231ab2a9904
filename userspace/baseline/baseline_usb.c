// SPDX-License-Identifier: GPL-2.0
/* See baseline.h: the BMC's USB devices of a baseline. */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "baseline_priv.h"

int baseline_add_usb(struct baseline *b, const struct baseline_usb *u)
{
	return baseline_append(&b->usb, &b->n_usb, sizeof(*u), u);
}

static int cmp_key(const char *port, uint16_t vendor, uint16_t product,
		   const struct baseline_usb *u)
{
	int c = strcmp(port, u->port);

	if (c)
		return c;
	if (vendor != u->vendor)
		return vendor < u->vendor ? -1 : 1;
	return product < u->product ? -1 : product > u->product;
}

static int cmp_usb(const void *a, const void *b)
{
	const struct baseline_usb *x = a;

	return cmp_key(x->port, x->vendor, x->product, b);
}

void baseline_usb_sort(struct baseline *b)
{
	if (b->n_usb)
		qsort(b->usb, b->n_usb, sizeof(*b->usb), cmp_usb);
}

const struct baseline_usb *baseline_find_usb(const struct baseline *b, const char *port,
					     uint16_t vendor, uint16_t product)
{
	size_t lo = 0, hi = b->n_usb;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(port, vendor, product, &b->usb[mid]);

		if (!c)
			return &b->usb[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
