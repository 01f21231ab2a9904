// SPDX-License-Identifier: GPL-2.0
/* The module's posture table: see posture_tab.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture_tab.h"

/* "XXXX" (hex, at most 16 bits) or "-"; -2 for anything else. */
static int ctrl_value(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "-"))
		return POSTURE_CTRL_ABSENT;
	v = strtol(s, &end, 16);
	if (end == s || *end || v < 0 || v > 0xffff)
		return -2;
	return v;
}

int posture_tab_parse(const char *text, size_t len, struct posture_row *rows,
		      int max)
{
	const char *p = text, *end = text + len;
	int n = 0;

	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', end - p);
		size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char line[128], bdf[24], ats[8], acs[8], tail;
		struct posture_row *r = &rows[n];

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			if (sscanf(line, "%23s ats=%7s acs=%7s %c", bdf, ats,
				   acs, &tail) == 3 && !bdf_canonical(bdf, r->bdf)) {
				r->ats = ctrl_value(ats);
				r->acs = ctrl_value(acs);
				n += r->ats != -2 && r->acs != -2;
			}
		}
		p += l + 1;
	}
	return n;
}

int posture_tab_read(const char *path, struct posture_row *rows, int max)
{
	char buf[16384];
	FILE *f = fopen(path, "re");
	size_t len;

	if (!f)
		return -1;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return posture_tab_parse(buf, len, rows, max);
}

const struct posture_row *posture_tab_find(const struct posture_row *rows,
					   int n, const char *bdf)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].bdf, bdf))
			return &rows[i];
	return NULL;
}
