// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch inventory: the module's table of PCI functions, then its USB
 * devices (debugfs "usb"), the BMC's marked with how they were known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "cli.h"
#include "inventory.h"
#include "usb_rules.h"
#include "usb_tab.h"

struct json_object *inventory_fn_json(const struct inv_fn *f)
{
	struct json_object *o = json_object_new_object();
	char buf[24];

	json_object_object_add(o, "bdf", jsonw_str(f->bdf));
	snprintf(buf, sizeof(buf), "%04x", f->vendor);
	json_object_object_add(o, "vendor", jsonw_str(buf));
	snprintf(buf, sizeof(buf), "%04x", f->device);
	json_object_object_add(o, "device", jsonw_str(buf));
	snprintf(buf, sizeof(buf), "%04x:%04x", f->subvendor, f->subdevice);
	json_object_object_add(o, "subsystem", jsonw_str(buf));
	snprintf(buf, sizeof(buf), "%06x", f->class);
	json_object_object_add(o, "class", jsonw_str(buf));
	snprintf(buf, sizeof(buf), "%02x", f->revision);
	json_object_object_add(o, "revision", jsonw_str(buf));
	json_object_object_add(o, "flags", json_object_new_int64(f->flags));
	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)f->fingerprint);
	json_object_object_add(o, "fingerprint", jsonw_str(buf));
	json_object_object_add(o, "driver", jsonw_str(f->driver));
	json_object_object_add(o, "path", jsonw_str(f->path));
	return o;
}

static struct json_object *usb_dev_json(const struct usb_tab_dev *u)
{
	struct json_object *o = json_object_new_object();
	char buf[160];

	json_object_object_add(o, "name", jsonw_str(u->d.name));
	json_object_object_add(o, "port", jsonw_str(u->d.port));
	snprintf(buf, sizeof(buf), "%04x", u->d.vendor);
	json_object_object_add(o, "vendor", jsonw_str(buf));
	snprintf(buf, sizeof(buf), "%04x", u->d.product);
	json_object_object_add(o, "product", jsonw_str(buf));
	json_object_object_add(o, "bmc", json_object_new_boolean(u->d.flags & BMCW_USB_F_BMC));
	if (u->d.flags & BMCW_USB_F_BMC)
		json_object_object_add(o, "matched_by", jsonw_str(usb_matched_by(u->d.flags)));
	json_object_object_add(o, "role", jsonw_str(usb_dev_role(&u->d)));
	usb_describe_ifs(&u->d, buf, sizeof(buf));
	json_object_object_add(o, "interfaces", jsonw_str(buf));
	json_object_object_add(o, "description", jsonw_str(u->desc));
	return o;
}

/* The BMC column: how the module knew the device was the BMC's, short. */
static const char *bmc_col(uint32_t flags)
{
	if (!(flags & BMCW_USB_F_BMC))
		return "-";
	if (flags & BMCW_USB_F_BY_PORT)
		return "yes (port)";
	if (flags & BMCW_USB_F_BY_ID)
		return "yes (id)";
	return "yes (built-in)";
}

static void usb_print(const struct usb_tab_dev *u, int n)
{
	char ifs[160];

	printf("\n%-10s  %-22s  %-9s  %-22s  %-14s  %s\n", "USB", "PORT", "ID", "ROLE",
	       "BMC'S", "INTERFACES");
	for (int i = 0; i < n; i++) {
		usb_describe_ifs(&u[i].d, ifs, sizeof(ifs));
		printf("%-10s  %-22s  %04x:%04x  %-22s  %-14s  %s\n", u[i].d.name, u[i].d.port,
		       u[i].d.vendor, u[i].d.product, usb_dev_role(&u[i].d),
		       bmc_col(u[i].d.flags), ifs);
	}
	printf("%d USB devices\n", n);
}

int do_inventory(int argc, char **argv)
{
	const char *path = INVENTORY_PATH, *usb_path = USB_TAB_PATH;
	struct usb_tab_dev *usb;
	struct inventory inv;
	char err[512], flags[96];
	int nusb;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--usb-file") && i + 1 < argc)
			usb_path = argv[++i];
		else
			return cli_usage_err("inventory: unexpected argument '%s'", argv[i]);
	}
	if (inventory_read(path, &inv, err, sizeof(err)))
		return cli_err("%s", err);
	/* the USB table came with module ABI 1.7: absent before, said so */
	nusb = usb_tab_read_dev(usb_path, &usb);
	if (cli.json) {
		struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
		char fp[24];

		snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)inv.host_fp);
		json_object_object_add(root, "host_fingerprint", jsonw_str(fp));
		for (size_t i = 0; i < inv.n; i++)
			json_object_array_add(arr, inventory_fn_json(&inv.fn[i]));
		json_object_object_add(root, "functions", arr);
		if (nusb >= 0) {
			arr = json_object_new_array();
			for (int i = 0; i < nusb; i++)
				json_object_array_add(arr, usb_dev_json(&usb[i]));
			json_object_object_add(root, "usb_devices", arr);
		}
		jsonw_print(root);
	} else {
		printf("%-12s  %-9s  %-6s  %-3s  %-22s  %-12s  %s\n", "BDF", "ID", "CLASS",
		       "REV", "FLAGS", "DRIVER", "FINGERPRINT");
		for (size_t i = 0; i < inv.n; i++) {
			const struct inv_fn *f = &inv.fn[i];

			inventory_flags_str(f->flags, flags, sizeof(flags));
			printf("%-12s  %04x:%04x  %06x  %02x   %-22s  %-12s  %016llx\n", f->bdf,
			       f->vendor, f->device, f->class, f->revision, flags, f->driver,
			       (unsigned long long)f->fingerprint);
		}
		printf("%zu functions, host fingerprint %016llx\n", inv.n,
		       (unsigned long long)inv.host_fp);
		if (nusb >= 0)
			usb_print(usb, nusb);
		else
			printf("\nUSB devices: %s not readable (module before ABI 1.7?)\n",
			       usb_path);
	}
	free(usb);
	inventory_free(&inv);
	return 0;
}
