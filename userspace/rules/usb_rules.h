/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USB rules: from a USB device record (bmcwatch_usb_dev, through the ring
 * buffer) or the input counted for one BMC device over a sweep, to the
 * alerts they deserve. Pure functions, no I/O.
 */
#ifndef BMCW_USB_RULES_H
#define BMCW_USB_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

#include "alert.h"

/* What an interface is, for people: "keyboard", "mass storage (CD/DVD)" */
const char *usb_if_kind(const struct bmcw_usb_if *i);
/* What the device is for: "virtual media", "keyboard/mouse", ... */
const char *usb_dev_role(const struct bmcw_usb_dev *d);
/* "keyboard 03/01/01, mouse 03/01/02" into buf */
void usb_describe_ifs(const struct bmcw_usb_dev *d, char *buf, size_t len);
/* "built-in table", "operator's id", "operator's port" */
const char *usb_matched_by(uint32_t flags);

/* 0 or 1 alert for a device record. */
int usb_rules_dev(const struct bmcw_usb_dev *d, struct bmcw_alert *out);

/*
 * The baseline's view (daemon start): @d, a BMC device present now, is
 * not in the baseline learnt at @learnt (RFC 3339): usb.bmc_device_added,
 * warning: the BMC presented it while no daemon watched. 1 alert.
 */
int usb_rules_unlearnt(const struct bmcw_usb_dev *d, const char *learnt,
		       struct bmcw_alert *out);
/* A BMC device of the baseline is absent at start: removed, notice. */
int usb_rules_unseen(const char *port, uint16_t vendor, uint16_t product,
		     const char *role, const char *learnt, struct bmcw_alert *out);
/*
 * A BMC device appearing at run time that the baseline had (a BMC reset
 * presents its devices again): the usb.bmc_device_added alert of
 * usb_rules_dev() becomes usb.bmc_device_known (notice), saying so.
 */
void usb_rules_learnt(struct bmcw_alert *al, const char *learnt);

/* Input of one BMC device, in or out of a session, over one sweep. */
struct usb_input_count {
	uint16_t busnum, devnum, vendor, product;
	bool session;
	uint64_t reports, keys, moves;
};

/*
 * 0 or 1 alert. @name is the kernel's name of the device ("1-1") and
 * @product its product string, "" when unknown; @window_ms the sweep.
 */
int usb_rules_input(const struct usb_input_count *c, const char *name,
		    const char *product, uint64_t window_ms,
		    struct bmcw_alert *out);

/* A filesystem of a BMC USB device mounted on the host. */
struct usb_media_mount {
	char usb_name[16];		/* the BMC's device: "1-1" */
	uint16_t vendor, product;
	char source[64];		/* "/dev/sda1" */
	char target[160];		/* where */
	char fstype[16];
};

/* 1 alert; critical when the host runs from it (/, /boot, /usr). */
int usb_rules_media_mount(const struct usb_media_mount *m,
			  struct bmcw_alert *out);

#endif /* BMCW_USB_RULES_H */
