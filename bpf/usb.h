/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by usb.bpf.c and its loader userspace/monitors/usb.c. */
#ifndef BMCW_USB_H
#define BMCW_USB_H

#define USB_RINGBUF_BYTES	(64 * 1024)	/* ~300 device records */
#define USB_INPUT_KEYS		256	/* BMC input devices x session x kind */

/* What a counter of the per-CPU input map counts. */
enum usb_input_kind {
	USB_INPUT_REPORTS	= 0,	/* input reports (SYN_REPORT) */
	USB_INPUT_KEYS_DOWN	= 1,	/* key and button presses */
	USB_INPUT_MOVES		= 2,	/* pointer and wheel values */
	USB_INPUT_KIND_MAX,
};

/* Key of the per-CPU input counters: one device, in a session or not. */
struct usb_input_key {
	__u16 busnum;
	__u16 devnum;
	__u16 vendor;
	__u16 product;
	__u8 kind;		/* enum usb_input_kind */
	__u8 session;		/* 1: a console session was declared */
	__u8 pad[2];
};

/* Indexes of the per-CPU stats array. */
enum usb_stat {
	USB_STAT_DEV_SEEN	= 0,	/* every device event */
	USB_STAT_INPUT_SEEN	= 1,	/* every BMC input report */
	USB_STAT_MAP_FULL	= 2,	/* input counter key could not be added */
	USB_STAT_RB_FULL	= 3,
	USB_STAT_READ_FAIL	= 4,
	USB_STAT_RB_SENT	= 5,
	USB_STAT_MAX		= 8,
};

#endif /* BMCW_USB_H */
