// SPDX-License-Identifier: GPL-2.0
/* The module's USB table: see usb_tab.h. */
#include <stdio.h>

#include <linux/bmcwatch.h>

#include "table_rows.h"
#include "usb_tab.h"

bool usb_tab_parse_bmc(const char *line, void *row)
{
	struct usb_tab_bmc *u = row;
	unsigned int vid, pid, flags;

	if (sscanf(line, "usb=%15s bus=%*u dev=%*u port=%*s id=%4x:%4x class=%*x flags=%x",
		   u->name, &vid, &pid, &flags) != 4 || !(flags & BMCW_USB_F_BMC))
		return false;
	u->vendor = vid;
	u->product = pid;
	return true;
}

int usb_tab_read_bmc(struct usb_tab_bmc *rows, int max)
{
	return table_rows_read(BMCW_DEBUGFS_DIR "/usb", rows, sizeof(rows[0]),
			       max, usb_tab_parse_bmc);
}
