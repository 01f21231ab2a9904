// SPDX-License-Identifier: GPL-2.0
/*
 * Which PCI functions belong to a BMC: a built-in table of host-visible BMC
 * functions plus the operator's list (module parameter and sysfs knob
 * "bmc_devices", by VENDOR:DEVICE or [SEG:]BUS:DEV.FN).
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include "bmcwatch.h"
#include "oplist.h"

static const struct pci_device_id builtin_bmc_ids[] = {
	{ PCI_DEVICE(0x1a03, 0x2000) },	/* ASPEED VGA (P2A bridge in BAR1) */
	{ PCI_DEVICE(0x1a03, 0x1150) },	/* ASPEED PCIe-to-PCI bridge */
	{ PCI_DEVICE(0x1a03, 0x2402) },	/* ASPEED BMC device */
	{ PCI_DEVICE(0x103c, 0x3306) },	/* HPE iLO */
	{ PCI_DEVICE(0x103c, 0x3307) },	/* HPE iLO */
	{ PCI_DEVICE(0x0e11, 0xb204) },	/* HPE iLO */
	{ PCI_DEVICE(0x102b, 0x0522) },	/* Matrox G200e (BMC video) */
	{ PCI_DEVICE(0x102b, 0x0524) },
	{ PCI_DEVICE(0x102b, 0x0530) },
	{ PCI_DEVICE(0x102b, 0x0532) },	/* G200eW */
	{ PCI_DEVICE(0x102b, 0x0533) },	/* G200eH */
	{ PCI_DEVICE(0x102b, 0x0534) },	/* G200eR */
	{ PCI_DEVICE(0x102b, 0x0536) },	/* G200eW3 */
	{ PCI_DEVICE(0x102b, 0x0538) },	/* G200eH3 */
	{ PCI_DEVICE(0x102b, 0x053a) },	/* G200eH5 */
	{ PCI_DEVICE_CLASS(PCI_CLASS_SERIAL_IPMI << 8, 0xffff00) },
	{ }
};

#define BMCW_MAX_USER_BMC	32

struct bmc_entry {
	bool by_bdf;
	u16 vendor, device;
	u32 seg;
	u8 bus, devfn;
};

static bool entry_matches(const struct bmc_entry *e, struct pci_dev *pdev)
{
	if (e->by_bdf)
		return e->seg == pci_domain_nr(pdev->bus) &&
		       e->bus == pdev->bus->number && e->devfn == pdev->devfn;
	return e->vendor == pdev->vendor && e->device == pdev->device;
}

static bool all_xdigits(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isxdigit(*s) && !strchr(extra, *s))
			return false;
	return true;
}

/*
 * "1234:11e8", "00:03.0" or "0000:00:03.0"; strict, whole token. The
 * domain has 4 to 8 hex digits, as the kernel prints it: Intel VMD's
 * start at 10000.
 */
static int parse_entry(const char *tok, void *entry)
{
	struct bmc_entry *e = entry;
	unsigned int a, b, c, d;
	size_t len = strlen(tok);
	char tail;

	memset(e, 0, sizeof(*e));
	if (!all_xdigits(tok, ":."))
		return -EINVAL;
	/* DOMAIN:BB:DD.F, the domain being all before the first colon */
	if (len >= 12 && len <= 16 && strchr(tok, ':') == tok + len - 8 &&
	    tok[len - 5] == ':' && tok[len - 2] == '.' &&
	    sscanf(tok, "%8x:%2x:%2x.%1u%c", &a, &b, &c, &d, &tail) == 4 &&
	    c < 32 && d < 8 && a <= INT_MAX) {
		*e = (struct bmc_entry){ .by_bdf = true, .seg = a, .bus = b,
					 .devfn = PCI_DEVFN(c, d) };
		return 0;
	}
	if (sscanf(tok, "%2x:%2x.%1u%c", &b, &c, &d, &tail) == 3 &&
	    len == 7 && c < 32 && d < 8) {
		*e = (struct bmc_entry){ .by_bdf = true, .bus = b,
					 .devfn = PCI_DEVFN(c, d) };
		return 0;
	}
	if (sscanf(tok, "%4x:%4x%c", &a, &b, &tail) == 2 && len == 9) {
		*e = (struct bmc_entry){ .vendor = a, .device = b };
		return 0;
	}
	return -EINVAL;
}

static int show_entry(const void *entry, char *buf, size_t len)
{
	const struct bmc_entry *e = entry;

	if (e->by_bdf)
		return scnprintf(buf, len, "%04x:%02x:%02x.%u", e->seg, e->bus,
				 PCI_SLOT(e->devfn), PCI_FUNC(e->devfn));
	return scnprintf(buf, len, "%04x:%04x", e->vendor, e->device);
}

static const struct bmcw_oplist_type bmc_list_type = {
	.knob = "bmc_devices",
	.dropped = "functions",
	.monitor = BMCW_MON_PCIE,
	.max = BMCW_MAX_USER_BMC,
	.entry_size = sizeof(struct bmc_entry),
	.parse = parse_entry,
	.show = show_entry,
	.changed = bmcw_inventory_update_flags,
};

struct bmcw_oplist_head bmcw_bmc_list = {
	.type = &bmc_list_type,
	.lock = __MUTEX_INITIALIZER(bmcw_bmc_list.lock),
};

bool bmcw_is_bmc(struct pci_dev *pdev)
{
	struct bmcw_oplist *l;
	bool hit = false;
	unsigned int i;

	if (pci_match_id(builtin_bmc_ids, pdev))
		return true;
	rcu_read_lock();
	l = rcu_dereference(bmcw_bmc_list.cur);
	for (i = 0; l && i < l->n && !hit; i++)
		hit = entry_matches(bmcw_oplist_at(&bmcw_bmc_list, l, i), pdev);
	rcu_read_unlock();
	return hit;
}

/* Read-only once loaded: the sysfs knob changes it (oplist.c says why). */
module_param_cb(bmc_devices, &bmcw_oplist_param_ops, &bmcw_bmc_list, 0400);
MODULE_PARM_DESC(bmc_devices,
		 "Extra BMC functions: VENDOR:DEVICE or [SEG:]BUS:DEV.FN, comma separated");
