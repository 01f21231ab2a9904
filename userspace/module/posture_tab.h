/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's posture table (debugfs "posture", kmod/pcie_inventory.c):
 * the ATS control register of each BMC function and the ACS control
 * register of each bridge above one, as the module read them. Config space
 * past 64 bytes is closed through sysfs to a reader without CAP_SYS_ADMIN,
 * which bmcwatchd's unit does not grant. Pure but for posture_tab_read().
 */
#ifndef BMCW_POSTURE_TAB_H
#define BMCW_POSTURE_TAB_H

#include <stddef.h>

#include "bdf.h"

#define POSTURE_CTRL_ABSENT	-1	/* the function has no such capability */

struct posture_row {
	char bdf[BDF_STR_MAX];
	int ats, acs;			/* control register, or POSTURE_CTRL_ABSENT */
};

/*
 * Rows of @len bytes of table text ("BDF ats=XXXX|- acs=XXXX|-" lines), at
 * most @max; a line that is not one is skipped.
 */
int posture_tab_parse(const char *text, size_t len, struct posture_row *rows,
		      int max);
/* Read and parse @path: the number of rows, or -1 (no such table). */
int posture_tab_read(const char *path, struct posture_row *rows, int max);
const struct posture_row *posture_tab_find(const struct posture_row *rows,
					   int n, const char *bdf);

#endif /* BMCW_POSTURE_TAB_H */
