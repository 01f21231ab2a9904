// SPDX-License-Identifier: GPL-2.0
/* bmcwatch inventory: the module's table of PCI functions. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inventory.h"

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

int do_inventory(int argc, char **argv)
{
	const char *path = INVENTORY_PATH;
	struct inventory inv;
	char err[512], flags[96];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc)
			path = argv[++i];
		else
			return cli_usage_err("inventory: unexpected argument '%s'", argv[i]);
	}
	if (inventory_read(path, &inv, err, sizeof(err)))
		return cli_err("%s", err);
	if (cli.json) {
		struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
		char fp[24];

		snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)inv.host_fp);
		json_object_object_add(root, "host_fingerprint", jsonw_str(fp));
		for (size_t i = 0; i < inv.n; i++)
			json_object_array_add(arr, inventory_fn_json(&inv.fn[i]));
		json_object_object_add(root, "functions", arr);
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
	}
	inventory_free(&inv);
	return 0;
}
