/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatch.ko internals shared between its files.
 */
#ifndef _BMCWATCH_H
#define _BMCWATCH_H

#include <linux/types.h>
#include <linux/pci.h>
#include <linux/hashtable.h>
#include <linux/percpu.h>
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
#define BMCW_FN_HASH_BITS	8
extern struct hlist_head bmcw_fn_table[1 << BMCW_FN_HASH_BITS];

/*
 * Under rcu_read_lock() or with preemption disabled (the config fast path).
 * Inline: it runs on every traced config access.
 */
static inline struct bmcw_fn *bmcw_fn_lookup(u32 key)
{
	struct bmcw_fn *fn;

	hlist_for_each_entry_rcu(fn, &bmcw_fn_table[hash_min(key,
							     BMCW_FN_HASH_BITS)],
				 node)
		if (fn->key == key)
			return fn;
	return NULL;
}

int bmcw_inventory_init(void);
void bmcw_inventory_exit(void);
void bmcw_inventory_update_flags(void);
u64 bmcw_host_fingerprint(void);
int bmcw_inventory_show(struct seq_file *m, void *v);
struct bmcw_fn *bmcw_fn_find_bmc_bar(u64 start, u64 len, int *bar);
int bmcw_regions_show(struct seq_file *m, void *v);

/* cfg_class.c */
void bmcw_class_init(void);
void bmcw_fn_build_regions(struct bmcw_fn *fn);
extern struct bmcw_region bmcw_hdr_regions[2][64];
extern const struct bmcw_region bmcw_unclaimed_region;

static inline const struct bmcw_region *bmcw_region_of_byte(const struct bmcw_fn *fn,
							    u16 off)
{
	int i;

	if (off < 0x40)
		return &bmcw_hdr_regions[fn && (fn->hdr_type & 0x7f) ==
					 PCI_HEADER_TYPE_BRIDGE][off];
	if (!fn)
		return &bmcw_unclaimed_region;
	for (i = 0; i < fn->nr_regions; i++)
		if (off >= fn->regions[i].start && off < fn->regions[i].end)
			return &fn->regions[i];
	return &bmcw_unclaimed_region;
}

/*
 * Region of an access at @off: that of its first byte, except that an
 * access that starts on a capability header and reaches into the body (a
 * dword write at an MSI capability's start) takes the body's.
 */
static inline const struct bmcw_region *bmcw_region_of(const struct bmcw_fn *fn,
						       u16 off, u8 size)
{
	const struct bmcw_region *r = bmcw_region_of_byte(fn, off);

	if (r->cls == BMCW_CFG_CAPPTR && size > 1)
		r = bmcw_region_of_byte(fn, off + size - 1);
	return r;
}

const char *bmcw_class_name(u8 cls);

/* cfg_hook.c */
int bmcw_cfg_hook_init(void);
void bmcw_cfg_hook_exit(void);
int bmcw_cfg_hook_bus(struct pci_bus *bus);
int bmcw_cfg_hooks_show(struct seq_file *m, void *v);
/* Fill @a for an access, then bmcw_cfg_report() it once it is done. */
void bmcw_cfg_describe(struct bmcw_cfg_access *a, u32 seg, u8 bus, u8 devfn,
		       u16 where, u8 size, u8 dir, u8 origin);
void bmcw_cfg_report(const struct bmcw_cfg_access *a);

/* cfg_acpi.c: config accesses by ACPI AML, which bypass bus ops */
void bmcw_cfg_acpi_init(void);
void bmcw_cfg_acpi_exit(void);
int bmcw_cfg_acpi_show(struct seq_file *m, void *v);
extern bool bmcw_enabled;

/* origin.c: the text of the six pci_user_{read,write}_config_*() */
struct bmcw_text_range {
	unsigned long start;
	unsigned long end;
};

#define BMCW_USER_CFG_FNS	6
extern struct bmcw_text_range bmcw_user_cfg[BMCW_USER_CFG_FNS];
int bmcw_origin_init(void);
void bmcw_origin_exit(void);
/* A user access that came through vfio-pci's config region (a VMM). */
bool bmcw_user_via_vfio(void);

/* Origin of a config access from the return address of the bus op. */
static inline u8 bmcw_origin(unsigned long caller)
{
	int i;

	for (i = 0; i < BMCW_USER_CFG_FNS; i++)
		if (caller >= bmcw_user_cfg[i].start &&
		    caller < bmcw_user_cfg[i].end)
			return BMCW_ORIGIN_USER;
	return BMCW_ORIGIN_KERNEL;
}

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

/* lpc_hook.c: port I/O grants, /dev/port, BAR and /dev/mem windows */
void bmcw_lpc_init(void);		/* never fails: lost hooks are reported */
void bmcw_lpc_exit(void);
int bmcw_lpc_decode_show(struct seq_file *m, void *v);
int bmcw_lpc_hooks_show(struct seq_file *m, void *v);
const char *bmcw_lockdown_state(void);

/* iommu_fault.c: every IOMMU fault record (VT-d, AMD-Vi) */
void bmcw_iommu_fault_init(void);	/* never fails: lost hooks are reported */
void bmcw_iommu_fault_exit(void);

/* ipmi_hook.c: IPMI KCS/BT state machine and message layer, unknown NMIs */
void bmcw_ipmi_init(void);		/* never fails: lost hooks are reported */
void bmcw_ipmi_exit(void);

/* stats (per-CPU, main.c) */
enum bmcw_kstat {
	BMCW_KSTAT_CFG_READS,
	BMCW_KSTAT_CFG_WRITES,
	BMCW_KSTAT_CFG_TRACED,
	BMCW_KSTAT_DEV_EVENTS,
	BMCW_KSTAT_MAX,
};

DECLARE_PER_CPU(u64, bmcw_kstats[BMCW_KSTAT_MAX]);

/* Inline: it sits in the config-space fast path. */
static inline void bmcw_kstat_inc(enum bmcw_kstat s)
{
	this_cpu_inc(bmcw_kstats[s]);
}

u64 bmcw_kstat_sum(enum bmcw_kstat s);
void bmcw_emit_health(u32 kind, int err, const char *what);

#endif /* _BMCWATCH_H */
