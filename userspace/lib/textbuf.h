/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded string builder for the output formatters: appends never
 * overrun, and an overflow is remembered so the record can be refused
 * whole instead of sent cut.
 */
#ifndef BMCW_TEXTBUF_H
#define BMCW_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct textbuf {
	char *buf;
	size_t len, used;
	bool overflow;
};

static inline void textbuf_put(struct textbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->used + n >= b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->used, s, n + 1);
	b->used += n;
}

#endif /* BMCW_TEXTBUF_H */
