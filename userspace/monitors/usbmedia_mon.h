/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BMC's virtual media mounted on the host, watched for the USB
 * monitor (usb.c): usb.bmc_media_mounted once per mount of a filesystem
 * whose block device lies under a BMC USB device, critical when the host
 * runs from it.
 */
#ifndef BMCW_USBMEDIA_MON_H
#define BMCW_USBMEDIA_MON_H

struct bmcw_daemon;
struct usb_tab_bmc;
struct usbmedia;

/* What is mounted already is reported at once. NULL only without memory. */
struct usbmedia *usbmedia_open(struct bmcw_daemon *d);
/*
 * Read the mount table again when it changed, or when the BMC's devices
 * (@bmc, as the module's usb table lists them now) did.
 */
void usbmedia_interval(struct usbmedia *m, const struct usb_tab_bmc *bmc,
		       int bmc_n);
void usbmedia_close(struct usbmedia *m);

#endif /* BMCW_USBMEDIA_MON_H */
