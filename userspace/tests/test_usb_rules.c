/* SPDX-License-Identifier: GPL-2.0 */
/* USB rules: BMC devices coming and going, input from BMC keyboards. */
#include <stdio.h>
#include <string.h>

#include "usb_rules.h"
#include "tap.h"

static const char *extra(const struct bmcw_alert *a, const char *key)
{
	for (unsigned int i = 0; i < a->n_extra; i++)
		if (!strcmp(a->extra[i].key, key))
			return a->extra[i].value;
	return "";
}

static struct bmcw_usb_dev dev(uint8_t change, uint32_t flags)
{
	struct bmcw_usb_dev d = {
		.busnum = 1, .devnum = 3, .vendor = 0x046b, .product = 0xff10,
		.change = change, .flags = flags, .nr_ifs = 2,
		.ifs = { { 0, 0x03, 0x01, 0x01 }, { 1, 0x03, 0x01, 0x02 } },
	};

	strcpy(d.name, "1-1");
	strcpy(d.port, "0000:00:14.0-1");
	strcpy(d.manufacturer, "American Megatrends Inc.");
	strcpy(d.product_name, "Virtual Keyboard and Mouse");
	return d;
}

static void devices(void)
{
	struct bmcw_usb_dev d = dev(BMCW_DEV_ADDED, BMCW_USB_F_BMC | BMCW_USB_F_BUILTIN);
	struct bmcw_alert al;

	is_int(usb_rules_dev(&d, &al), 1, "a BMC keyboard appearing raises one alert");
	is_str(al.rule, "usb.bmc_device_added", "... usb.bmc_device_added");
	is_str(al.subject.locus, "usb 1-1 046b:ff10",
	       "... its locus is the device: port and ids");
	is_str(extra(&al, "usb_id"), "046b:ff10", "... with its id");
	is_str(extra(&al, "usb_port"), "0000:00:14.0-1", "... and port");
	is_str(extra(&al, "usb_role"), "virtual keyboard/mouse", "... what it is for");
	is_str(extra(&al, "usb_interfaces"), "keyboard 03/01/01, mouse 03/01/02",
	       "... its interfaces");
	ok(strstr(al.why, "table of BMC virtual devices") != NULL,
	   "... and why it is the BMC's: %s", al.why);
	ok(strstr(al.message, "Virtual Keyboard and Mouse"), "message names it: %s",
	   al.message);

	d = dev(BMCW_DEV_REMOVED, BMCW_USB_F_BMC | BMCW_USB_F_BY_PORT);
	is_int(usb_rules_dev(&d, &al), 1, "a BMC device leaving raises one alert");
	is_str(al.rule, "usb.bmc_device_removed", "... usb.bmc_device_removed");
	ok(strstr(al.why, "by port") != NULL, "... matched by port: %s", al.why);

	d = dev(BMCW_DEV_ADDED, BMCW_USB_F_BMC | BMCW_USB_F_BUILTIN | BMCW_USB_F_SESSION);
	is_int(usb_rules_dev(&d, &al), 1, "a BMC keyboard appearing in a session: one alert");
	is_str(al.rule, "usb.bmc_console_attached", "... usb.bmc_console_attached (info)");

	d = dev(BMCW_DEV_ADDED, 0);
	is_int(usb_rules_dev(&d, &al), 0, "an ordinary USB device raises nothing");
	d = dev(BMCW_DEV_PRESENT, BMCW_USB_F_BMC | BMCW_USB_F_BUILTIN);
	is_int(usb_rules_dev(&d, &al), 0, "a BMC device present at load raises nothing");

	/* virtual media: a CD-ROM presented as SCSI over bulk-only transport */
	d = dev(BMCW_DEV_ADDED, BMCW_USB_F_BMC | BMCW_USB_F_BY_ID);
	d.nr_ifs = 1;
	d.ifs[0] = (struct bmcw_usb_if){ 0, 0x08, 0x06, 0x50 };
	is_int(usb_rules_dev(&d, &al), 1, "BMC mass storage appearing raises one alert");
	is_str(extra(&al, "usb_role"), "virtual media", "... as virtual media");
	d.flags |= BMCW_USB_F_SESSION;
	usb_rules_dev(&d, &al);
	is_str(al.rule, "usb.bmc_device_added",
	       "virtual media in a console session is still usb.bmc_device_added");
	d.flags &= ~BMCW_USB_F_SESSION;
	usb_rules_dev(&d, &al);
	ok(strstr(al.why, "boot") != NULL, "... which the host may boot from: %s", al.why);
	d.ifs[0].subcls = 0x04;
	is_str(usb_dev_role(&d), "virtual media", "a UFI floppy is virtual media");
	is_str(usb_if_kind(&d.ifs[0]), "mass storage (floppy)", "... named floppy");
	d.ifs[0] = (struct bmcw_usb_if){ 0, 0x02, 0x06, 0x00 };
	is_str(usb_dev_role(&d), "virtual network interface", "CDC ECM is a network interface");
	d.ifs[0] = (struct bmcw_usb_if){ 0, 0xef, 0x04, 0x01 };
	is_str(usb_if_kind(&d.ifs[0]), "network (RNDIS)", "RNDIS (misc 04/01) is a network interface");
	d.nr_ifs = 200;	/* as the module would never send: bounded */
	usb_dev_role(&d);
	ok(1, "an interface count beyond the array is bounded");
}

static void input(void)
{
	struct usb_input_count c = {
		.busnum = 1, .devnum = 3, .vendor = 0x0627, .product = 0x0001,
		.reports = 12, .keys = 6, .moves = 0,
	};
	struct bmcw_alert al;

	is_int(usb_rules_input(&c, "1-1", "QEMU USB Keyboard", 200, &al), 1,
	       "key presses without a session raise one alert");
	is_str(al.rule, "usb.bmc_input", "... usb.bmc_input");
	is_str(extra(&al, "keys"), "6", "... counting the presses");
	is_str(extra(&al, "session"), "none", "... outside a session");
	ok(strstr(al.why, "no remote-console session") != NULL, "... why: %s", al.why);
	ok(strstr(al.message, "6 key presses") && strstr(al.message, "200 ms"),
	   "message has counts and timing: %s", al.message);
	is_int((int)al.count, 12, "... and stands for its reports");

	c.session = true;
	is_int(usb_rules_input(&c, "1-1", "", 200, &al), 1, "in a session: one alert");
	is_str(al.rule, "usb.bmc_input_session", "... usb.bmc_input_session");

	c.session = false;
	c.keys = 0;
	c.moves = 9;
	is_int(usb_rules_input(&c, "", "", 200, &al), 1, "pointer moves count too");
	is_str(al.subject.locus, "usb (gone) 0627:0001",
	       "... a device gone since is named so");

	c.moves = 0;
	is_int(usb_rules_input(&c, "1-1", "", 200, &al), 0,
	       "reports without a press or move (releases) raise nothing");
}

static void media(void)
{
	struct usb_media_mount mm = {
		.usb_name = "1-1", .vendor = 0x046b, .product = 0xff20,
		.source = "/dev/sda", .target = "/mnt/iso", .fstype = "iso9660",
	};
	struct bmcw_alert al;

	is_int(usb_rules_media_mount(&mm, &al), 1, "BMC virtual media mounted: one alert");
	is_str(al.rule, "usb.bmc_media_mounted", "... usb.bmc_media_mounted");
	is_str(al.message,
	       "/dev/sda of the BMC's USB device 1-1 046b:ff20 mounted on /mnt/iso (iso9660)",
	       "... what, whose, where");
	is_str(extra(&al, "mountpoint"), "/mnt/iso", "... the mount point");
	is_str(al.subject.locus, "usb 1-1 046b:ff20", "... the device is the subject");
	ok(al.severity == BMCW_SEV_INFO, "... the rule's severity (warning) stands");

	strcpy(mm.target, "/boot");
	usb_rules_media_mount(&mm, &al);
	ok(al.severity == BMCW_SEV_CRITICAL && strstr(al.message, "runs from"),
	   "mounted on /boot: critical, the host runs from it: %s", al.message);
	strcpy(mm.target, "/");
	usb_rules_media_mount(&mm, &al);
	ok(al.severity == BMCW_SEV_CRITICAL, "... and on /");
	strcpy(mm.target, "/bootx");
	usb_rules_media_mount(&mm, &al);
	ok(al.severity == BMCW_SEV_INFO, "... not on /bootx");
}

/* The baseline's view at start, and a device it had coming back. */
static void baseline(void)
{
	struct bmcw_usb_dev d = dev(BMCW_DEV_PRESENT, BMCW_USB_F_BMC | BMCW_USB_F_BY_PORT);
	struct bmcw_alert al;

	is_int(usb_rules_unlearnt(&d, "2026-12-01T10:00:00.000Z", &al), 1,
	       "a BMC device present at start, not learnt: one alert");
	is_str(al.rule, "usb.bmc_device_added", "... usb.bmc_device_added");
	ok(strstr(al.message, "at start, not in the baseline") &&
	   strstr(al.why, "2026-12-01T10:00:00.000Z") && strstr(al.why, "by port"),
	   "... says when the baseline was learnt and how the device is the BMC's: %s", al.why);
	is_str(extra(&al, "found"), "at start, not in the baseline", "... found at start");
	is_str(extra(&al, "usb_port"), "0000:00:14.0-1", "... with its port");
	d.flags = 0;
	is_int(usb_rules_unlearnt(&d, "x", &al), 0, "... not for a device that is not the BMC's");

	is_int(usb_rules_unseen("0000:00:14.0-4", 0x046b, 0xff20, "virtual media",
				"2026-12-01T10:00:00.000Z", &al), 1,
	       "a learnt BMC device absent at start: one alert");
	is_str(al.rule, "usb.bmc_device_removed", "... usb.bmc_device_removed");
	is_str(al.subject.locus, "usb port 0000:00:14.0-4 046b:ff20", "... by port and ids");
	ok(strstr(al.message, "virtual media") != NULL, "... names its role: %s", al.message);

	d = dev(BMCW_DEV_ADDED, BMCW_USB_F_BMC | BMCW_USB_F_BUILTIN);
	usb_rules_dev(&d, &al);
	usb_rules_learnt(&al, "2026-12-01T10:00:00.000Z");
	is_str(al.rule, "usb.bmc_device_known", "a learnt device appearing: usb.bmc_device_known");
	ok(strstr(al.why, "in the baseline learnt 2026-12-01T10:00:00.000Z") != NULL &&
	   !strcmp(extra(&al, "baseline"), "known"), "... saying so: %s", al.why);
}

int main(void)
{
	baseline();
	devices();
	input();
	media();
	return tap_done();
}
