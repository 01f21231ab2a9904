// SPDX-License-Identifier: GPL-2.0
/* The module's USB table: see usb_tab.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return table_rows_read(USB_TAB_PATH, rows, sizeof(rows[0]),
			       max, usb_tab_parse_bmc);
}

/*
 * "usb=1-1 bus=1 dev=2 port=0000:00:04.0-1 id=0627:0001 class=00
 * flags=0x5 ifs=03/01/01,08/06/50 # QEMU QEMU USB Keyboard"
 */
bool usb_tab_parse_dev(const char *line, void *row)
{
	struct usb_tab_dev *u = row;
	unsigned int bus, dev, vid, pid, cls, flags, a, b, c;
	const char *p, *hash;
	int n = 0;

	memset(u, 0, sizeof(*u));
	if (sscanf(line, "usb=%15s bus=%u dev=%u port=%39s id=%4x:%4x class=%2x flags=%x ifs=%n",
		   u->d.name, &bus, &dev, u->d.port, &vid, &pid, &cls, &flags, &n) != 8 || !n)
		return false;
	u->d.busnum = bus;
	u->d.devnum = dev;
	u->d.vendor = vid;
	u->d.product = pid;
	u->d.dev_class = cls;
	u->d.flags = flags;
	for (p = line + n; u->d.nr_ifs < BMCW_USB_MAX_IFS &&
	     sscanf(p, "%2x/%2x/%2x", &a, &b, &c) == 3; ) {
		u->d.ifs[u->d.nr_ifs++] = (struct bmcw_usb_if){
			.cls = a, .subcls = b, .proto = c,
		};
		p += 8;
		if (*p != ',')
			break;
		p++;
	}
	hash = strstr(line + n, " # ");
	if (hash)
		snprintf(u->desc, sizeof(u->desc), "%.*s", (int)strcspn(hash + 3, "\n"),
			 hash + 3);
	return true;
}

int usb_tab_read_dev(const char *path, struct usb_tab_dev **rows)
{
	int n = -1;

	*rows = calloc(USB_TAB_MAX_DEV, sizeof(**rows));
	if (*rows)
		n = table_rows_read(path, *rows, sizeof(**rows), USB_TAB_MAX_DEV,
				    usb_tab_parse_dev);
	if (n < 0) {
		free(*rows);
		*rows = NULL;
	}
	return n;
}
