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
#include <linux/slab.h>
#include "bmcwatch.h"

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

struct bmc_list {
	struct rcu_head rcu;
	unsigned int n;
	struct bmc_entry e[BMCW_MAX_USER_BMC];
};

static struct bmc_list __rcu *user_list;
static DEFINE_MUTEX(list_lock);

static bool entry_matches(const struct bmc_entry *e, struct pci_dev *pdev)
{
	if (e->by_bdf)
		return e->seg == pci_domain_nr(pdev->bus) &&
		       e->bus == pdev->bus->number && e->devfn == pdev->devfn;
	return e->vendor == pdev->vendor && e->device == pdev->device;
}

bool bmcw_is_bmc(struct pci_dev *pdev)
{
	struct bmc_list *l;
	bool hit = false;
	unsigned int i;

	if (pci_match_id(builtin_bmc_ids, pdev))
		return true;
	rcu_read_lock();
	l = rcu_dereference(user_list);
	for (i = 0; l && i < l->n && !hit; i++)
		hit = entry_matches(&l->e[i], pdev);
	rcu_read_unlock();
	return hit;
}

/*
 * "1234:11e8", "00:03.0" or "0000:00:03.0"; strict, whole token. The
 * domain has 4 to 8 hex digits, as the kernel prints it: Intel VMD's
 * start at 10000.
 */
static int parse_entry(const char *tok, struct bmc_entry *e)
{
	unsigned int a, b, c, d;
	size_t len = strlen(tok);
	char tail;

	memset(e, 0, sizeof(*e));
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

static bool all_xdigits(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isxdigit(*s) && !strchr(extra, *s))
			return false;
	return true;
}

/*
 * Replace the operator's list with the tokens of @buf (separated by spaces,
 * commas or newlines; empty clears it). Nothing changes on error.
 */
int bmcw_bmc_devices_set(const char *buf)
{
	struct bmc_list *nl, *ol;
	char *copy, *cur, *tok;
	int ret = 0;

	nl = kzalloc(sizeof(*nl), GFP_KERNEL);
	copy = kstrdup(buf, GFP_KERNEL);
	if (!nl || !copy) {
		ret = -ENOMEM;
		goto out;
	}
	cur = copy;
	while ((tok = strsep(&cur, " ,\t\n")) != NULL) {
		if (!*tok)
			continue;
		if (nl->n == BMCW_MAX_USER_BMC || !all_xdigits(tok, ":.") ||
		    parse_entry(tok, &nl->e[nl->n])) {
			ret = -EINVAL;
			goto out;
		}
		nl->n++;
	}
	mutex_lock(&list_lock);
	ol = rcu_replace_pointer(user_list, nl, lockdep_is_held(&list_lock));
	mutex_unlock(&list_lock);
	nl = NULL;
	if (ol)
		kfree_rcu(ol, rcu);
	bmcw_inventory_update_flags();
out:
	kfree(copy);
	kfree(nl);
	return ret;
}

unsigned int bmcw_bmc_devices_count(void)
{
	struct bmc_list *l;
	unsigned int n;

	rcu_read_lock();
	l = rcu_dereference(user_list);
	n = l ? l->n : 0;
	rcu_read_unlock();
	return n;
}

int bmcw_bmc_devices_get(char *buf, size_t len)
{
	struct bmc_list *l;
	unsigned int i;
	size_t n = 0;

	rcu_read_lock();
	l = rcu_dereference(user_list);
	for (i = 0; l && i < l->n; i++) {
		const struct bmc_entry *e = &l->e[i];

		if (e->by_bdf)
			n += scnprintf(buf + n, len - n, "%s%04x:%02x:%02x.%u",
				       i ? " " : "", e->seg, e->bus,
				       PCI_SLOT(e->devfn), PCI_FUNC(e->devfn));
		else
			n += scnprintf(buf + n, len - n, "%s%04x:%04x",
				       i ? " " : "", e->vendor, e->device);
	}
	rcu_read_unlock();
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

void bmcw_bmc_match_exit(void)
{
	struct bmc_list *l;

	mutex_lock(&list_lock);
	l = rcu_replace_pointer(user_list, NULL, lockdep_is_held(&list_lock));
	mutex_unlock(&list_lock);
	synchronize_rcu();
	kfree(l);
}

static int param_set(const char *val, const struct kernel_param *kp)
{
	return bmcw_bmc_devices_set(val);
}

static int param_get(char *buf, const struct kernel_param *kp)
{
	return bmcw_bmc_devices_get(buf, PAGE_SIZE);
}

static const struct kernel_param_ops bmc_devices_ops = {
	.set = param_set,
	.get = param_get,
};

/*
 * Read-only once loaded: a parameter's set op sees a C string, so a write
 * with an embedded NUL would be taken for its first part. Run-time changes
 * go through /sys/kernel/bmcwatch/bmc_devices, which rejects that.
 */
module_param_cb(bmc_devices, &bmc_devices_ops, NULL, 0400);
MODULE_PARM_DESC(bmc_devices,
		 "Extra BMC functions: VENDOR:DEVICE or [SEG:]BUS:DEV.FN, comma separated");
