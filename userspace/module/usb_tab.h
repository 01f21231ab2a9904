/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's USB table (debugfs "usb", kmod/usb_dev.c): the BMC's USB
 * devices present now, by the kernel's name and ids.
 */
#ifndef BMCW_USB_TAB_H
#define BMCW_USB_TAB_H

#include <stdbool.h>
#include <stdint.h>

struct usb_tab_bmc {
	char name[16];			/* "1-1" */
	uint16_t vendor, product;
};

#define USB_TAB_MAX_BMC		32	/* BMC devices read at most */

/* A row of the table, if it is a BMC's device. */
bool usb_tab_parse_bmc(const char *line, void *row);
/* The BMC's devices into @rows (at most @max), or -1 without the table. */
int usb_tab_read_bmc(struct usb_tab_bmc *rows, int max);

#endif /* BMCW_USB_TAB_H */
