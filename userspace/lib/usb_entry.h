/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An entry of bmcwatch.ko's usb_bmc_devices list as the daemon's [usb]
 * device lines give it: "VENDOR:PRODUCT" or "VENDOR:*" (four hex digits
 * each) or "port:PORT", PORT being "CONTROLLER-DEVPATH" or
 * "BUS-DEVPATH" ("port:0000:00:14.0-1.2", "port:1-1.2"). Checked here so
 * that a bad line is a FILE:LINE error at start, not a write the module
 * refuses; a subset of what the module accepts.
 */
#ifndef BMCW_USB_ENTRY_H
#define BMCW_USB_ENTRY_H

/* What the module's list holds (kmod/usb_match.c BMCW_MAX_USER_USB). */
#define USB_ENTRY_MAX		32
/* A port's longest name (BMCW_USB_PORT_LEN less its NUL) */
#define USB_ENTRY_PORT_MAX	39

/* 0 if @s is a well-formed entry, -1 if not. */
int usb_entry_check(const char *s);

#endif /* BMCW_USB_ENTRY_H */
