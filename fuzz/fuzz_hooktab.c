// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the rows of the module's debugfs hook tables
 * (hooktab.c: lpc_hooks, iommu, ...), fed line by line as the monitors
 * read them. A row has a printable hook name without spaces, a state of
 * [a-z0-9_-], and missed only when the line said so; anything that is not
 * a row leaves nothing behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooktab.h"

static void check(const char *line)
{
	struct hooktab_row r;
	int ret = hooktab_parse_line(line, &r);

	if (ret != HOOKTAB_ROW && ret != HOOKTAB_OTHER && ret != HOOKTAB_BAD)
		abort();
	if (ret == HOOKTAB_OTHER &&
	    (r.hook[0] || r.state[0] || r.err || r.missed || r.has_missed))
		abort();
	if (ret != HOOKTAB_ROW)
		return;
	if (strncmp(line, "hook=", 5) || !r.hook[0] || !r.state[0] ||
	    (!r.has_missed && r.missed) || !strstr(line, "err="))
		abort();
	for (const char *p = r.hook; *p; p++)
		if (*p <= ' ' || *p > '~')
			abort();
	for (const char *p = r.state; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* each line on its own, as fgets() gives them (NULs end the text) */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		check(line);
	free(text);
	return 0;
}
