// SPDX-License-Identifier: GPL-2.0
/*
 * Which USB devices are a BMC's: a built-in table of the virtual devices
 * BMC firmwares present to the host, plus the operator's list (module
 * parameter and sysfs knob "usb_bmc_devices"): VENDOR:PRODUCT, VENDOR:*,
 * or port:PORT. A server's BMC sits behind a fixed internal port, so a
 * port names it whatever IDs its firmware uses: "CONTROLLER-DEVPATH"
 * (the host controller's device name, a PCI address, then the chain of
 * port numbers from its root hub: "0000:00:14.0-1.2"; it matches on
 * either root hub of the controller) or the kernel's "BUS-DEVPATH"
 * ("1-1.2", which depends on the order controllers registered).
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/usb.h>
#include "bmcwatch.h"
#include "oplist.h"

/*
 * Only IDs a public source ties to a BMC. Sources: usb.ids
 * (linux-usb.org; as systemd's hwdb 20-usb-vendor-model.hwdb ships it),
 * Linux's drivers/hid/hid-ids.h (USB_DEVICE_ID_AMI_VIRT_KEYBOARD_AND_MOUSE)
 * and systemd's 20-net-ifname.hwdb (413c:a102 named "idrac"); OpenBMC's
 * obmc-ikvm create_usbhid.sh (the Linux Foundation's composite gadget
 * 1d6b:0104 with manufacturer "OpenBMC"; the same IDs are every Linux
 * gadget's default, hence the string). No public source found for
 * Lenovo/IBM XCC/IMM devices: add them by port.
 */
static const struct {
	u16 vendor, product;
	const char *manufacturer;	/* NULL: any */
} builtin[] = {
	{ 0x046b, 0xff10 },	/* AMI Virtual Keyboard and Mouse */
	{ 0x046b, 0xff20 },	/* AMI Virtual CDROM */
	{ 0x413c, 0x0000 },	/* Dell DRAC 5 Virtual Keyboard and Mouse */
	{ 0x413c, 0x0001 },	/* Dell DRAC 5 Virtual Media */
	{ 0x413c, 0x2500 },	/* Dell DRAC4 Remote Access Card */
	{ 0x413c, 0xa102 },	/* Dell iDRAC Virtual NIC */
	{ 0x03f0, 0x1027 },	/* HP Virtual keyboard and mouse (iLO) */
	{ 0x03f0, 0x1227 },	/* HP Virtual CD-ROM (iLO) */
	{ 0x03f0, 0x1327 },	/* HP iLO Virtual Hub */
	{ 0x1d6b, 0x0104, "OpenBMC" },	/* obmc-ikvm keyboard and mouse */
};

#define BMCW_MAX_USER_USB	32

struct usb_entry {
	bool by_port;
	bool any_product;
	u16 vendor, product;
	char port[BMCW_USB_PORT_LEN];
};

static int parse_entry(const char *tok, void *entry);
static int show_entry(const void *entry, char *buf, size_t len);

/* Devices that stop or start matching are classified again. */
static void list_changed(void)
{
	bmcw_usb_reclassify();
	bmcw_usb_input_rematch();
}

static const struct bmcw_oplist_type usb_list_type = {
	.knob = "usb_bmc_devices",
	.dropped = "devices",
	.monitor = BMCW_MON_USB,
	.max = BMCW_MAX_USER_USB,
	.entry_size = sizeof(struct usb_entry),
	.parse = parse_entry,
	.show = show_entry,
	.changed = list_changed,
};

struct bmcw_oplist_head bmcw_usb_list = {
	.type = &usb_list_type,
	.lock = __MUTEX_INITIALIZER(bmcw_usb_list.lock),
};

void bmcw_usb_port_path(struct usb_device *udev, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", dev_name(udev->bus->controller),
		 udev->devpath);
}

static bool entry_matches(const struct usb_entry *e, struct usb_device *udev,
			  const char *port)
{
	if (e->by_port)
		return !strcmp(e->port, port) ||
		       !strcmp(e->port, dev_name(&udev->dev));
	return e->vendor == le16_to_cpu(udev->descriptor.idVendor) &&
	       (e->any_product ||
		e->product == le16_to_cpu(udev->descriptor.idProduct));
}

/* BMCW_USB_F_BMC and how it matched, or 0. Root hubs are the host's. */
u32 bmcw_usb_bmc_flags(struct usb_device *udev)
{
	u16 vid = le16_to_cpu(udev->descriptor.idVendor);
	u16 pid = le16_to_cpu(udev->descriptor.idProduct);
	char port[BMCW_USB_PORT_LEN];
	const struct usb_entry *e;
	struct bmcw_oplist *l;
	u32 flags = 0;
	unsigned int i;

	if (!udev->parent)
		return 0;
	for (i = 0; i < ARRAY_SIZE(builtin); i++)
		if (builtin[i].vendor == vid && builtin[i].product == pid &&
		    (!builtin[i].manufacturer ||
		     (udev->manufacturer &&
		      !strcmp(udev->manufacturer, builtin[i].manufacturer))))
			flags |= BMCW_USB_F_BMC | BMCW_USB_F_BUILTIN;
	bmcw_usb_port_path(udev, port, sizeof(port));
	rcu_read_lock();
	l = rcu_dereference(bmcw_usb_list.cur);
	for (i = 0; l && i < l->n; i++) {
		e = bmcw_oplist_at(&bmcw_usb_list, l, i);
		if (entry_matches(e, udev, port))
			flags |= BMCW_USB_F_BMC | (e->by_port ?
				 BMCW_USB_F_BY_PORT : BMCW_USB_F_BY_ID);
	}
	rcu_read_unlock();
	return flags;
}

/* "046b:ff10", "046b:*", "port:0000:00:14.0-1.2", "port:1-1.2"; strict. */
static int parse_entry(const char *tok, void *entry)
{
	struct usb_entry *e = entry;
	unsigned int a, b;
	size_t len = strlen(tok);
	const char *p;
	char tail;

	memset(e, 0, sizeof(*e));
	if (!strncmp(tok, "port:", 5)) {
		p = tok + 5;
		/* a device name, a dash, port numbers separated by dots */
		if (!*p || strlen(p) >= sizeof(e->port) || !strchr(p, '-'))
			return -EINVAL;
		for (; *p; p++)
			if (!isalnum(*p) && !strchr(":.-_", *p))
				return -EINVAL;
		p = strrchr(tok, '-') + 1;
		if (!isdigit(*p))
			return -EINVAL;
		for (; *p; p++)
			if (!isdigit(*p) && *p != '.')
				return -EINVAL;
		e->by_port = true;
		strscpy(e->port, tok + 5, sizeof(e->port));
		return 0;
	}
	if (len == 6 && sscanf(tok, "%4x:%c", &a, &tail) == 2 && tail == '*' &&
	    isxdigit(tok[3])) {
		*e = (struct usb_entry){ .vendor = a, .any_product = true };
		return 0;
	}
	if (len == 9 && sscanf(tok, "%4x:%4x%c", &a, &b, &tail) == 2 &&
	    isxdigit(tok[3]) && isxdigit(tok[8])) {
		*e = (struct usb_entry){ .vendor = a, .product = b };
		return 0;
	}
	return -EINVAL;
}

static int show_entry(const void *entry, char *buf, size_t len)
{
	const struct usb_entry *e = entry;

	if (e->by_port)
		return scnprintf(buf, len, "port:%s", e->port);
	if (e->any_product)
		return scnprintf(buf, len, "%04x:*", e->vendor);
	return scnprintf(buf, len, "%04x:%04x", e->vendor, e->product);
}

/* Read-only once loaded: the sysfs knob changes it (oplist.c says why). */
module_param_cb(usb_bmc_devices, &bmcw_oplist_param_ops, &bmcw_usb_list, 0400);
MODULE_PARM_DESC(usb_bmc_devices,
		 "BMC USB devices besides the built-in ones: VENDOR:PRODUCT, VENDOR:*, port:CONTROLLER-DEVPATH or port:BUS-DEVPATH");
