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
#include <linux/workqueue.h>
#include <uapi/linux/bmcwatch.h>
#include "health.h"

/* BMCW_MODULE_VERSION comes from the VERSION file, through kmod/Kbuild. */
#ifndef BMCW_MODULE_VERSION
#error "BMCW_MODULE_VERSION is set by kmod/Kbuild from VERSION"
#endif

struct dentry;
struct bmcw_oplist_head;

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
	struct rcu_work free_work;
	u64 key;			/* bmcw_key(): unique for any domain */
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

/*
 * The key of a function in the inventory. Domains go beyond 16 bits (Intel
 * VMD numbers its domains from 0x10000), so the key keeps all 32.
 */
static inline u64 bmcw_key(u32 seg, u8 bus, u8 devfn)
{
	return (u64)seg << 16 | (u32)bus << 8 | devfn;
}

static inline u32 bmcw_key_seg(u64 key)
{
	return key >> 16;
}

static inline u64 bmcw_pdev_key(struct pci_dev *pdev)
{
	return bmcw_key(pci_domain_nr(pdev->bus), pdev->bus->number,
			pdev->devfn);
}

/* pcie_inventory.c */
#define BMCW_FN_HASH_BITS	8
extern struct hlist_head bmcw_fn_table[1 << BMCW_FN_HASH_BITS];

/*
 * Under rcu_read_lock() or with preemption disabled (the config fast path).
 * Inline: it runs on every traced config access.
 */
static inline struct bmcw_fn *bmcw_fn_lookup(u64 key)
{
	struct bmcw_fn *fn;

	hlist_for_each_entry_rcu(fn, &bmcw_fn_table[hash_min(key,
							     BMCW_FN_HASH_BITS)],
				 node)
		if (fn->key == key)
			return fn;
	return NULL;
}

/* Also debugfs inventory and regions in @dir (the module's, or an error) */
int bmcw_inventory_init(struct dentry *dir);
/* Stop the PCI bus notifier: no inventory change or bus hook after it. */
void bmcw_inventory_stop(void);
void bmcw_inventory_exit(void);
void bmcw_inventory_update_flags(void);
u64 bmcw_host_fingerprint(void);
struct bmcw_fn *bmcw_fn_find_bmc_bar(u64 start, u64 len, int *bar);
void bmcw_inventory_show(struct seq_file *m, u32 mask,
			 void (*show)(struct seq_file *m, struct bmcw_fn *fn));

/* pcie_registers.c: debugfs tables of registers read when they are read */
void bmcw_registers_debugfs_init(struct dentry *dir, struct dentry **files);

/* pcie_class.c */
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

/*
 * Classes whose rules compare a write with the value before it; those
 * registers have no side effects on read (pcie_hook.c reads them first).
 */
static inline bool bmcw_class_wants_old(u8 cls)
{
	return cls == BMCW_CFG_COMMAND || cls == BMCW_CFG_MSI ||
	       cls == BMCW_CFG_LPC_DECODE;
}

/* pcie_hook.c */
int bmcw_cfg_hook_init(struct dentry *dir);	/* also debugfs pci_ops */
void bmcw_cfg_hook_exit(void);
int bmcw_cfg_hook_bus(struct pci_bus *bus);
void bmcw_cfg_hook_dev_gone(struct pci_dev *pdev);
/* Fill @a for an access, then bmcw_cfg_report() it once it is done. */
void bmcw_cfg_describe(struct bmcw_cfg_access *a, u32 seg, u8 bus, u8 devfn,
		       u16 where, u8 size, u8 dir, u8 origin);
void bmcw_cfg_report(const struct bmcw_cfg_access *a);
/* Does anyone listen on the config tracepoints (describe only if so)? */
bool bmcw_cfg_watched(void);

/* pcie_acpi.c: config accesses by ACPI AML, which bypass bus ops */
void bmcw_cfg_acpi_init(void);
void bmcw_cfg_acpi_exit(void);
extern bool bmcw_enabled;

/* pcie_origin.c: the text of the six pci_user_{read,write}_config_*() */
struct bmcw_text_range {
	unsigned long start;
	unsigned long end;
};

#define BMCW_USER_CFG_FNS	6
extern struct bmcw_text_range bmcw_user_cfg[BMCW_USER_CFG_FNS];
/* From the lowest start to the highest end of the six */
extern struct bmcw_text_range bmcw_user_cfg_span;
int bmcw_origin_init(void);
void bmcw_origin_exit(void);
/* A user access that came through vfio-pci's config region (a VMM). */
bool bmcw_user_via_vfio(void);
/* The origin from further up the stack (through another wrapper). */
u8 bmcw_origin_deep(void);

/*
 * Origin of a config access from the return address of the bus op. The
 * six functions sit side by side in the kernel's text: the kernel's own
 * accesses, nearly all of them, are told by one range check.
 */
static inline u8 bmcw_origin(unsigned long caller)
{
	int i;

	if (caller < bmcw_user_cfg_span.start ||
	    caller >= bmcw_user_cfg_span.end)
		return BMCW_ORIGIN_KERNEL;
	for (i = 0; i < BMCW_USER_CFG_FNS; i++)
		if (caller >= bmcw_user_cfg[i].start &&
		    caller < bmcw_user_cfg[i].end)
			return BMCW_ORIGIN_USER;
	return BMCW_ORIGIN_KERNEL;
}

/* pcie_bmc_match.c */
bool bmcw_is_bmc(struct pci_dev *pdev);
extern struct bmcw_oplist_head bmcw_bmc_list;	/* the bmc_devices knob */

/* sysfs.c / debugfs.c */
int bmcw_sysfs_init(void);
void bmcw_sysfs_exit(void);
struct dentry *bmcw_debugfs_init(void);
void bmcw_debugfs_exit(void);

/* lpc_hook.c: port I/O grants, /dev/port, BAR and /dev/mem windows */
/* Never fails: lost hooks are reported. Also debugfs lpc_decode in @dir. */
void bmcw_lpc_init(struct dentry *dir);
void bmcw_lpc_exit(void);

/* dma_iommu.c: every IOMMU fault record (VT-d, AMD-Vi) */
void bmcw_iommu_fault_init(struct dentry *dir);	/* lost hooks are reported */
void bmcw_iommu_fault_exit(void);

/* ipmi_*.c: IPMI KCS/BT state machine and message layer, unknown NMIs */
void bmcw_ipmi_init(struct dentry *dir);	/* lost hooks are reported */
void bmcw_ipmi_exit(void);

/* usb_*.c: BMC USB devices coming and going, input from BMC keyboards */
struct usb_device;
struct device;
u32 bmcw_usb_bmc_flags(struct usb_device *udev);	/* BMCW_USB_F_* or 0 */
void bmcw_usb_port_path(struct usb_device *udev, char *buf, size_t len);
extern struct bmcw_oplist_head bmcw_usb_list;	/* usb_bmc_devices */
void bmcw_usb_init(struct dentry *dir);	/* lost hooks are reported */
void bmcw_usb_exit(void);
void bmcw_usb_reclassify(void);
u32 bmcw_usb_bmc_of(struct device *dev, struct bmcw_usb_input *id);
int bmcw_usb_input_init(void);
void bmcw_usb_input_rematch(void);
void bmcw_usb_input_exit(void);
unsigned int bmcw_console_session_left(void);
void bmcw_console_session_set(unsigned int secs);

#endif /* _BMCWATCH_H */
