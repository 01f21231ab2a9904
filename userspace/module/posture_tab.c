// SPDX-License-Identifier: GPL-2.0
/* The module's posture table: see posture_tab.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posture_tab.h"
#include "table_rows.h"

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

static bool parse_line(const char *line, void *row)
{
	char bdf[24], ats[8], acs[8], tail;
	struct posture_row *r = row;

	if (sscanf(line, "%23s ats=%7s acs=%7s %c", bdf, ats, acs, &tail) != 3 ||
	    bdf_canonical(bdf, r->bdf))
		return false;
	r->ats = ctrl_value(ats);
	r->acs = ctrl_value(acs);
	return r->ats != -2 && r->acs != -2;
}

int posture_tab_parse(const char *text, size_t len, struct posture_row *rows,
		      int max)
{
	return table_rows_parse(text, len, rows, sizeof(*rows), max, parse_line);
}

int posture_tab_read(const char *path, struct posture_row *rows, int max)
{
	return table_rows_read(path, rows, sizeof(*rows), max, parse_line);
}

const struct posture_row *posture_tab_find(const struct posture_row *rows,
					   int n, const char *bdf)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].bdf, bdf))
			return &rows[i];
	return NULL;
}
