// SPDX-License-Identifier: GPL-2.0
/*
 * USB rules. The facts they rest on (USB-IF class codes):
 *  - interface class 0x03 HID; subclass 0x01 boot interface, protocol
 *    0x01 keyboard, 0x02 mouse (HID 1.11, 4.2 and 4.3);
 *  - class 0x08 mass storage; subclass 0x02 MMC-5 (ATAPI: CD/DVD), 0x04
 *    UFI (floppy), 0x06 SCSI transparent (disk, or a CD presented as SCSI);
 *  - class 0x02 communications, subclass 0x06 Ethernet (ECM), 0x0d NCM;
 *    RNDIS: 0x02/0x02/0xff, or 0xe0/0x01/0x03 (wireless controller), or
 *    0xef/0x04/0x01 (miscellaneous);
 *  - class 0x09 hub.
 */
#include <stdio.h>
#include <string.h>

#include "usb_rules.h"

const char *usb_if_kind(const struct bmcw_usb_if *i)
{
	switch (i->cls) {
	case 0x03:
		if (i->subcls == 0x01 && i->proto == 0x01)
			return "keyboard";
		if (i->subcls == 0x01 && i->proto == 0x02)
			return "mouse";
		return "HID";
	case 0x08:
		switch (i->subcls) {
		case 0x02: return "mass storage (CD/DVD)";
		case 0x04: return "mass storage (floppy)";
		default:   return "mass storage";
		}
	case 0x02:
		if (i->subcls == 0x06 || i->subcls == 0x0d)
			return "network (CDC Ethernet)";
		if (i->subcls == 0x02 && i->proto == 0xff)
			return "network (RNDIS)";
		return "communications";
	case 0x0a:
		return "communications data";
	case 0xe0:
		return i->subcls == 0x01 && i->proto == 0x03 ?
		       "network (RNDIS)" : "wireless controller";
	case 0xef:
		return i->subcls == 0x04 && i->proto == 0x01 ?
		       "network (RNDIS)" : "miscellaneous";
	case 0x09:
		return "hub";
	default:
		return "other";
	}
}

const char *usb_dev_role(const struct bmcw_usb_dev *d)
{
	bool media = false, input = false, net = false, hub = d->dev_class == 0x09;
	unsigned int n = d->nr_ifs < BMCW_USB_MAX_IFS ? d->nr_ifs : BMCW_USB_MAX_IFS;

	for (unsigned int i = 0; i < n; i++) {
		const char *k = usb_if_kind(&d->ifs[i]);

		media |= !strncmp(k, "mass storage", 12);
		input |= !strcmp(k, "keyboard") || !strcmp(k, "mouse") ||
			 !strcmp(k, "HID");
		net |= !strncmp(k, "network", 7);
		hub |= !strcmp(k, "hub");
	}
	if (media)
		return "virtual media";
	if (input)
		return "virtual keyboard/mouse";
	if (net)
		return "virtual network interface";
	return hub ? "hub" : "device";
}

void usb_describe_ifs(const struct bmcw_usb_dev *d, char *buf, size_t len)
{
	unsigned int n = d->nr_ifs < BMCW_USB_MAX_IFS ? d->nr_ifs : BMCW_USB_MAX_IFS;
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && used < len; i++) {
		const struct bmcw_usb_if *f = &d->ifs[i];

		used += snprintf(buf + used, len - used, "%s%s %02x/%02x/%02x",
				 i ? ", " : "", usb_if_kind(f), f->cls,
				 f->subcls, f->proto);
	}
	if (!n)
		snprintf(buf, len, "no interfaces");
}

const char *usb_matched_by(uint32_t flags)
{
	if (flags & BMCW_USB_F_BY_PORT)
		return "the operator's usb_bmc_devices, by port";
	if (flags & BMCW_USB_F_BY_ID)
		return "the operator's usb_bmc_devices, by id";
	if (flags & BMCW_USB_F_BUILTIN)
		return "bmcwatch's table of BMC virtual devices";
	return "nothing";
}

/*
 * Fields every USB alert carries. The locus has the port and the ids: a
 * keyboard and then virtual media on the same port are two subjects, not
 * one aggregate.
 */
static void subject(struct bmcw_alert *al, const char *name,
		    uint16_t vendor, uint16_t product)
{
	snprintf(al->subject.locus, sizeof(al->subject.locus), "usb %.16s %04x:%04x",
		 name, vendor, product);
	alert_add_extra(al, "usb_device", "%s", name);
	alert_add_extra(al, "usb_id", "%04x:%04x", vendor, product);
}

int usb_rules_dev(const struct bmcw_usb_dev *d, struct bmcw_alert *out)
{
	char ifs[160], what[2 * BMCW_USB_STR_LEN + 4];
	const char *role, *during = "";

	/* at load, what is already there is inventory, not news */
	if (!(d->flags & BMCW_USB_F_BMC) ||
	    (d->change != BMCW_DEV_ADDED && d->change != BMCW_DEV_REMOVED))
		return 0;
	memset(out, 0, sizeof(*out));
	role = usb_dev_role(d);
	usb_describe_ifs(d, ifs, sizeof(ifs));
	snprintf(what, sizeof(what), "%.*s%s%.*s",
		 BMCW_USB_STR_LEN, d->manufacturer,
		 d->manufacturer[0] && d->product_name[0] ? " " : "",
		 BMCW_USB_STR_LEN, d->product_name);
	if (d->change == BMCW_DEV_ADDED && (d->flags & BMCW_USB_F_SESSION) &&
	    !strcmp(role, "virtual keyboard/mouse")) {
		/* what opening a declared remote console looks like */
		out->rule = "usb.bmc_console_attached";
		during = " during a declared console session";
		snprintf(out->why, sizeof(out->why),
			 "a remote-console session was declared (console_session); recognised as the BMC's by %s",
			 usb_matched_by(d->flags));
	} else if (d->change == BMCW_DEV_ADDED) {
		out->rule = "usb.bmc_device_added";
		snprintf(out->why, sizeof(out->why),
			 "the BMC presents it to act on the host over USB (%s); recognised as the BMC's by %s",
			 !strcmp(role, "virtual media") ?
			 "a disk or CD the host may read or boot from" :
			 !strcmp(role, "virtual keyboard/mouse") ?
			 "a keyboard that types on the host's console" :
			 "a device the BMC controls", usb_matched_by(d->flags));
	} else {
		out->rule = "usb.bmc_device_removed";
		snprintf(out->why, sizeof(out->why),
			 "the end of what the BMC did through it; recognised as the BMC's by %s",
			 usb_matched_by(d->flags));
	}
	snprintf(out->message, sizeof(out->message),
		 "BMC %s %04x:%04x \"%s\" %s USB %.16s%s: %.90s",
		 role, d->vendor, d->product, what,
		 d->change == BMCW_DEV_ADDED ? "appeared at" : "left", d->name,
		 during, ifs);
	subject(out, d->name, d->vendor, d->product);
	alert_add_extra(out, "usb_port", "%.40s", d->port);
	alert_add_extra(out, "usb_role", "%s", role);
	alert_add_extra(out, "usb_interfaces", "%s", ifs);
	alert_add_extra(out, "usb_matched_by", "%s", usb_matched_by(d->flags));
	return 1;
}

int usb_rules_unlearnt(const struct bmcw_usb_dev *d, const char *learnt,
		       struct bmcw_alert *out)
{
	struct bmcw_usb_dev added = *d;

	added.change = BMCW_DEV_ADDED;
	added.flags &= ~BMCW_USB_F_SESSION;
	if (!usb_rules_dev(&added, out))
		return 0;
	snprintf(out->message, sizeof(out->message),
		 "BMC %s %04x:%04x present at USB %.16s at start, not in the baseline: %.120s",
		 usb_dev_role(d), d->vendor, d->product, d->name, out->why);
	snprintf(out->why, sizeof(out->why),
		 "the baseline learnt %.32s lists the BMC's USB devices then, and not this one: the BMC presented it while bmcwatchd was not running (recognised as the BMC's by %s)",
		 learnt, usb_matched_by(d->flags));
	alert_add_extra(out, "found", "at start, not in the baseline");
	return 1;
}

int usb_rules_unseen(const char *port, uint16_t vendor, uint16_t product,
		     const char *role, const char *learnt, struct bmcw_alert *out)
{
	memset(out, 0, sizeof(*out));
	out->rule = "usb.bmc_device_removed";
	snprintf(out->message, sizeof(out->message),
		 "BMC %s %04x:%04x of the baseline absent at start (port %.40s)",
		 role, vendor, product, port);
	snprintf(out->why, sizeof(out->why),
		 "the baseline learnt %.32s had it; the BMC withdrew it while bmcwatchd was not running (or the BMC is resetting)",
		 learnt);
	snprintf(out->subject.locus, sizeof(out->subject.locus), "usb port %.40s %04x:%04x",
		 port, vendor, product);
	alert_add_extra(out, "usb_port", "%.40s", port);
	alert_add_extra(out, "usb_id", "%04x:%04x", vendor, product);
	alert_add_extra(out, "usb_role", "%s", role);
	alert_add_extra(out, "found", "at start, absent");
	return 1;
}

void usb_rules_learnt(struct bmcw_alert *al, const char *learnt)
{
	size_t n = strlen(al->why);

	al->rule = "usb.bmc_device_known";
	snprintf(al->why + n, sizeof(al->why) - n,
		 "; in the baseline learnt %.32s: a device the BMC presented then (a BMC reset presents its devices again)",
		 learnt);
	alert_add_extra(al, "baseline", "known");
}

int usb_rules_input(const struct usb_input_count *c, const char *name,
		    const char *product, uint64_t window_ms,
		    struct bmcw_alert *out)
{
	char dev[24];

	if (!c->keys && !c->moves)
		return 0;
	memset(out, 0, sizeof(*out));
	snprintf(dev, sizeof(dev), "%s", name && *name ? name :
		 "(gone)");
	out->rule = c->session ? "usb.bmc_input_session" : "usb.bmc_input";
	snprintf(out->message, sizeof(out->message),
		 "BMC keyboard/mouse %04x:%04x%s%s%s at USB %s: %llu key presses, %llu pointer moves in %llu reports within %llu ms",
		 c->vendor, c->product, product && *product ? " \"" : "",
		 product && *product ? product : "",
		 product && *product ? "\"" : "", dev,
		 (unsigned long long)c->keys, (unsigned long long)c->moves,
		 (unsigned long long)c->reports,
		 (unsigned long long)window_ms);
	snprintf(out->why, sizeof(out->why), "%s",
		 c->session ?
		 "within a remote-console session the operator declared" :
		 "no remote-console session was declared (console_session): someone or something at the BMC is typing on the host's console");
	subject(out, dev, c->vendor, c->product);
	alert_add_extra(out, "keys", "%llu", (unsigned long long)c->keys);
	alert_add_extra(out, "moves", "%llu", (unsigned long long)c->moves);
	alert_add_extra(out, "reports", "%llu", (unsigned long long)c->reports);
	alert_add_extra(out, "session", "%s", c->session ? "declared" : "none");
	out->count = c->reports;
	return 1;
}

/* Mount points the host runs or boots from. */
static bool system_mount(const char *target)
{
	static const char *const sys[] = { "/", "/boot", "/boot/efi", "/usr" };

	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (!strcmp(target, sys[i]))
			return true;
	return false;
}

int usb_rules_media_mount(const struct usb_media_mount *m,
			  struct bmcw_alert *out)
{
	bool sys = system_mount(m->target);

	memset(out, 0, sizeof(*out));
	out->rule = "usb.bmc_media_mounted";
	if (sys)
		out->severity = BMCW_SEV_CRITICAL;
	snprintf(out->message, sizeof(out->message),
		 "%.40s of the BMC's USB device %.15s %04x:%04x mounted on %.80s (%.15s)%s",
		 m->source, m->usb_name, m->vendor, m->product, m->target,
		 m->fstype, sys ? ": the host runs from the BMC's virtual media" : "");
	snprintf(out->why, sizeof(out->why),
		 "the BMC's virtual media holds what the BMC wrote: mounting it is how files from the BMC reach the host%s",
		 sys ? ", and a host that boots or runs from it runs what the BMC chose" : "");
	subject(out, m->usb_name, m->vendor, m->product);
	alert_add_extra(out, "source", "%s", m->source);
	alert_add_extra(out, "mountpoint", "%.90s", m->target);
	alert_add_extra(out, "fstype", "%s", m->fstype);
	return 1;
}
