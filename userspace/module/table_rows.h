/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's small debugfs tables of one row per line (posture_tab.c,
 * msi_tab.c): the lines of a table's text handed to a row parser, which
 * keeps a row by returning true. A line too long to be a row is skipped.
 */
#ifndef BMCW_TABLE_ROWS_H
#define BMCW_TABLE_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#define TABLE_LINE_MAX	512

/*
 * Rows of @size bytes each into @rows, at most @max, by @parse (given the
 * line and the next row); the number kept.
 */
int table_rows_parse(const char *text, size_t len, void *rows, size_t size,
		     int max, bool (*parse)(const char *line, void *row));
/* The same for the file @path, or -1 when it cannot be opened. */
int table_rows_read(const char *path, void *rows, size_t size, int max,
		    bool (*parse)(const char *line, void *row));

#endif /* BMCW_TABLE_ROWS_H */
