// SPDX-License-Identifier: GPL-2.0
/* Rows of the module's small debugfs tables: see table_rows.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table_rows.h"

int table_rows_parse(const char *text, size_t len, void *rows, size_t size,
		     int max, bool (*parse)(const char *line, void *row))
{
	const char *p = text, *end = text + len;
	int n = 0;

	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', end - p);
		size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char line[TABLE_LINE_MAX];

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			n += parse(line, (char *)rows + (size_t)n * size);
		}
		p += l + 1;
	}
	return n;
}

int table_rows_read(const char *path, void *rows, size_t size, int max,
		    bool (*parse)(const char *line, void *row))
{
	FILE *f = fopen(path, "re");
	size_t cap = 65536, len;
	char *buf;
	int n;

	if (!f)
		return -1;
	buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return -1;
	}
	len = fread(buf, 1, cap, f);
	fclose(f);
	n = table_rows_parse(buf, len, rows, size, max, parse);
	free(buf);
	return n;
}
