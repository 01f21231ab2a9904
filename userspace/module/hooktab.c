// SPDX-License-Identifier: GPL-2.0
/* See hooktab.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hooktab.h"

/* The longest line worth reading: a row is far shorter. */
#define LINE_MAX_LEN	1024

static bool printable(char c)
{
	return c > ' ' && c <= '~';
}

/* Decimal, optional '-', fits in an int. */
static bool parse_int(const char *s, size_t n, int *out)
{
	char buf[16], *end;
	long v;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!(buf[0] == '-' ? buf[1] >= '0' && buf[1] <= '9' : buf[0] >= '0' && buf[0] <= '9'))
		return false;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* Decimal, no sign, fits in 64 bits. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	char buf[24], *end;
	unsigned long long v;

	if (!n || n >= sizeof(buf) || s[0] < '0' || s[0] > '9')
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool copy_word(char *dst, size_t len, const char *s, size_t n)
{
	if (!n || n >= len)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

static bool state_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int hooktab_parse_line(const char *line, struct hooktab_row *row)
{
	size_t len = strnlen(line, LINE_MAX_LEN + 1), pos = 0;
	bool have_state = false, have_err = false, first = true;

	memset(row, 0, sizeof(*row));
	if (len > LINE_MAX_LEN)
		return strncmp(line, "hook=", 5) ? HOOKTAB_OTHER : HOOKTAB_BAD;
	if (len && line[len - 1] == '\n')
		len--;
	if (strncmp(line, "hook=", 5) || len < 5)
		return HOOKTAB_OTHER;
	while (pos < len) {
		size_t start, n, klen;
		const char *tok, *eq;

		while (pos < len && line[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		start = pos;
		while (pos < len && line[pos] != ' ')
			pos++;
		tok = line + start;
		n = pos - start;
		if (n == 1 && tok[0] == '#')
			break;		/* a comment to the end of the line */
		for (size_t i = 0; i < n; i++)
			if (!printable(tok[i]))
				return HOOKTAB_BAD;
		eq = memchr(tok, '=', n);
		if (!eq || eq == tok)
			return HOOKTAB_BAD;
		klen = (size_t)(eq - tok);
		eq++;
		n -= klen + 1;		/* the value's length */
		if (first) {
			/* "hook=" is first, by the test above */
			if (!copy_word(row->hook, sizeof(row->hook), eq, n))
				return HOOKTAB_BAD;
			first = false;
		} else if (klen == 4 && !memcmp(tok, "hook", 4)) {
			return HOOKTAB_BAD;
		} else if (klen == 5 && !memcmp(tok, "state", 5)) {
			if (have_state || !state_chars(eq, n) ||
			    !copy_word(row->state, sizeof(row->state), eq, n))
				return HOOKTAB_BAD;
			have_state = true;
		} else if (klen == 3 && !memcmp(tok, "err", 3)) {
			if (have_err || !parse_int(eq, n, &row->err))
				return HOOKTAB_BAD;
			have_err = true;
		} else if (klen == 6 && !memcmp(tok, "missed", 6)) {
			if (row->has_missed || !parse_u64(eq, n, &row->missed))
				return HOOKTAB_BAD;
			row->has_missed = true;
		}
		/* any other key: a newer module's, ignored */
	}
	if (!row->hook[0] || !have_state || !have_err) {
		memset(row, 0, sizeof(*row));
		return HOOKTAB_BAD;
	}
	return HOOKTAB_ROW;
}
