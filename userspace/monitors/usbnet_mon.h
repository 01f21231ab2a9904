/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BMC's USB network interfaces, watched for the USB monitor (usb.c):
 * tc programs on each interface a BMC's USB device presents, their
 * per-CPU flow counters swept every interval, connection records turned
 * into alerts (usbnet_rules.c).
 */
#ifndef BMCW_USBNET_MON_H
#define BMCW_USBNET_MON_H

struct bmcw_daemon;
struct ring_buffer;
struct usb_tab_bmc;
struct usbnet;

/*
 * Load the programs and add their ring buffer to @rb. NULL when they
 * cannot be loaded (said in the log and by a health alert): the rest of
 * the USB monitor runs without them.
 */
struct usbnet *usbnet_open(struct bmcw_daemon *d, struct ring_buffer *rb);
/*
 * Attach to interfaces that appeared under the BMC's USB devices (@bmc, as
 * the module's usb table lists them now), sweep the counters.
 */
void usbnet_interval(struct usbnet *n, const struct usb_tab_bmc *bmc,
		     int bmc_n);
/* Detach from every interface, leaving the qdiscs as they were found. */
void usbnet_close(struct usbnet *n);

#endif /* BMCW_USBNET_MON_H */
