/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatch.ko internals shared between its files.
 */
#ifndef _BMCWATCH_H
#define _BMCWATCH_H

#include <linux/types.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <uapi/linux/bmcwatch.h>

#define BMCW_MODULE_VERSION	"0.1.0"

/* A config-space range of one function and its register class. */
struct bmcw_region {
	u16 start;
	u16 end;		/* exclusive */
	u16 cap;		/* start of the capability, 0 in the header */
	u8 cls;			/* enum bmcw_cfg_class */
};

#define BMCW_MAX_REGIONS	32
#define BMCW_MAX_CAPS		24

/*
 * One PCI function as the inventory knows it. Created when the device is
 * added, replaced (never edited) when its regions change, freed after an
 * RCU grace period; only @flags changes in place (WRITE_ONCE/READ_ONCE).
 */
struct bmcw_fn {
	struct hlist_node node;
	struct rcu_head rcu;
	u32 key;			/* seg << 16 | bus << 8 | devfn */
	u32 flags;			/* BMCW_FN_* */
	struct pci_dev *pdev;		/* holds a reference */
	u16 vendor, device, subvendor, subdevice;
	u32 class;
	u8 revision, hdr_type;
	u8 nr_caps, nr_ecaps;
	u8 caps[BMCW_MAX_CAPS];
	u16 ecaps[BMCW_MAX_CAPS];
	u32 lnkcap;
	u64 fingerprint;
	u8 nr_regions;
	struct bmcw_region regions[BMCW_MAX_REGIONS];
};

static inline u32 bmcw_key(u32 seg, u8 bus, u8 devfn)
{
	return seg << 16 | (u32)bus << 8 | devfn;
}

static inline u32 bmcw_pdev_key(struct pci_dev *pdev)
{
	return bmcw_key(pci_domain_nr(pdev->bus), pdev->bus->number,
			pdev->devfn);
}

/* inventory.c */
int bmcw_inventory_init(void);
void bmcw_inventory_exit(void);
struct bmcw_fn *bmcw_fn_lookup(u32 key);	/* under rcu_read_lock() */
void bmcw_inventory_update_flags(void);
u64 bmcw_host_fingerprint(void);
int bmcw_inventory_show(struct seq_file *m, void *v);
int bmcw_regions_show(struct seq_file *m, void *v);

/* cfg_class.c */
void bmcw_class_init(void);
void bmcw_fn_build_regions(struct bmcw_fn *fn);
const struct bmcw_region *bmcw_region_of(const struct bmcw_fn *fn, u16 off,
					 u8 size);
const char *bmcw_class_name(u8 cls);

/* cfg_hook.c */
int bmcw_cfg_hook_init(void);
void bmcw_cfg_hook_exit(void);
int bmcw_cfg_hook_bus(struct pci_bus *bus);
int bmcw_cfg_hooks_show(struct seq_file *m, void *v);
extern bool bmcw_enabled;

/* origin.c */
int bmcw_origin_init(void);
u8 bmcw_origin(unsigned long caller);

/* bmc_match.c */
bool bmcw_is_bmc(struct pci_dev *pdev);
int bmcw_bmc_devices_set(const char *buf);
int bmcw_bmc_devices_get(char *buf, size_t len);
void bmcw_bmc_match_exit(void);

/* sysfs.c / debugfs.c */
int bmcw_sysfs_init(void);
void bmcw_sysfs_exit(void);
int bmcw_debugfs_init(void);
void bmcw_debugfs_exit(void);

/* stats (per-CPU, main.c) */
enum bmcw_kstat {
	BMCW_KSTAT_CFG_READS,
	BMCW_KSTAT_CFG_WRITES,
	BMCW_KSTAT_CFG_TRACED,
	BMCW_KSTAT_DEV_EVENTS,
	BMCW_KSTAT_MAX,
};

void bmcw_kstat_inc(enum bmcw_kstat s);
u64 bmcw_kstat_sum(enum bmcw_kstat s);
void bmcw_emit_health(u32 kind, int err, const char *what);

#endif /* _BMCWATCH_H */
