/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One row of the module's debugfs hook tables (lpc_hooks, iommu, ...):
 *
 *   hook=NAME state=STATE err=N missed=N [KEY=VALUE ...] [# free text]
 *
 * key=value tokens separated by spaces, "hook=" first; state and err are
 * required, missed may be absent (older modules), other keys are ignored
 * (newer modules add some), and a lone "#" starts a comment that runs to
 * the end of the line. A pure function, no I/O: the monitors that read
 * the tables and a fuzzer share it.
 */
#ifndef BMCW_HOOKTAB_H
#define BMCW_HOOKTAB_H

#include <stdbool.h>
#include <stdint.h>

#define HOOKTAB_NAME_MAX	96	/* "module/symbol" and its NUL */
#define HOOKTAB_STATE_MAX	24

struct hooktab_row {
	char hook[HOOKTAB_NAME_MAX];	/* NAME: printable, no spaces */
	char state[HOOKTAB_STATE_MAX];	/* STATE: [a-z0-9_-]+ */
	int err;			/* N: decimal, may be negative */
	uint64_t missed;		/* N: decimal; 0 when absent */
	bool has_missed;
};

enum hooktab_result {
	HOOKTAB_ROW = 0,	/* *row filled */
	HOOKTAB_OTHER = 1,	/* not a hook row (no "hook=" first): skip it */
	HOOKTAB_BAD = -1,	/* a hook row that does not parse: say so */
};

/*
 * Parse one line (a trailing newline is allowed) into *row, which is
 * zeroed first. Returns enum hooktab_result.
 */
int hooktab_parse_line(const char *line, struct hooktab_row *row);

#endif /* BMCW_HOOKTAB_H */
