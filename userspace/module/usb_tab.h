/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's USB table (debugfs "usb", kmod/usb_dev.c): the BMC's USB
 * devices present now, by the kernel's name and ids.
 */
#ifndef BMCW_USB_TAB_H
#define BMCW_USB_TAB_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

struct usb_tab_bmc {
	char name[16];			/* "1-1" */
	uint16_t vendor, product;
};

#define USB_TAB_MAX_BMC		32	/* BMC devices read at most */

/* A row of the table, if it is a BMC's device. */
bool usb_tab_parse_bmc(const char *line, void *row);
/* The BMC's devices into @rows (at most @max), or -1 without the table. */
int usb_tab_read_bmc(struct usb_tab_bmc *rows, int max);

/* Any device of the table, whole, for the inventory. */
struct usb_tab_dev {
	struct bmcw_usb_dev d;		/* but ts_ns, change, speed, bcd_device, ifs[].number */
	char desc[2 * BMCW_USB_STR_LEN + 2];	/* "manufacturer product" */
};

#define USB_TAB_MAX_DEV		128	/* devices read at most */

#define USB_TAB_PATH		BMCW_DEBUGFS_DIR "/usb"

/* A row of the table. */
bool usb_tab_parse_dev(const char *line, void *row);
/*
 * Every device of the table at @path (USB_TAB_PATH) into *@rows, an array
 * of USB_TAB_MAX_DEV the caller frees: how many; -1 and *@rows NULL
 * without the table or memory.
 */
int usb_tab_read_dev(const char *path, struct usb_tab_dev **rows);

#endif /* BMCW_USB_TAB_H */
