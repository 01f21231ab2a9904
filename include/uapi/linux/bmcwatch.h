/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * bmcwatch ABI: the one header shared by bmcwatch.ko, the BPF programs and
 * the userspace daemon/CLI.
 *
 * Versioning rules (see include/uapi/linux/ABI_VERSIONING):
 *  - BMCW_ABI_MAJOR changes when a struct layout, an enum value or the
 *    meaning of a field changes; readers refuse a different major.
 *  - BMCW_ABI_MINOR changes when something is only appended (a new enum
 *    value at the end, a new event type, a new sysfs knob).
 *  - Retired enum values and event types stay reserved forever.
 */
#ifndef _UAPI_LINUX_BMCWATCH_H
#define _UAPI_LINUX_BMCWATCH_H

#ifndef __VMLINUX_H__		/* BPF programs get the types from vmlinux.h */
#include <linux/types.h>
#endif

#define BMCW_ABI_MAJOR		1
#define BMCW_ABI_MINOR		0
#define BMCW_ABI_VERSION	((BMCW_ABI_MAJOR << 16) | BMCW_ABI_MINOR)

#define BMCW_COMM_LEN		16

/* Direction of an access. */
enum bmcw_dir {
	BMCW_DIR_READ	= 0,
	BMCW_DIR_WRITE	= 1,
};

/* Who caused an access: the kernel itself, or a user process (pid/comm). */
enum bmcw_origin {
	BMCW_ORIGIN_KERNEL	= 0,
	BMCW_ORIGIN_USER	= 1,	/* sysfs/procfs config, /dev/port, ... */
	BMCW_ORIGIN_VFIO	= 2,	/* a VMM through vfio-pci */
	BMCW_ORIGIN_MAX,
};

/* Register class of a configuration-space access. */
enum bmcw_cfg_class {
	BMCW_CFG_ID		= 0,	/* vendor/device/class/revision/subsys */
	BMCW_CFG_COMMAND	= 1,	/* 0x04: memory, I/O, bus master enable */
	BMCW_CFG_STATUS		= 2,
	BMCW_CFG_BAR		= 3,
	BMCW_CFG_ROM		= 4,
	BMCW_CFG_CAPPTR		= 5,	/* 0x34 and the next pointers */
	BMCW_CFG_HEADER		= 6,	/* rest of the type 0/1 header */
	BMCW_CFG_BRIDGE		= 7,	/* type 1: bus numbers, windows */
	BMCW_CFG_INTX		= 8,	/* interrupt line/pin */
	BMCW_CFG_MSI		= 9,
	BMCW_CFG_MSIX		= 10,
	BMCW_CFG_PM		= 11,
	BMCW_CFG_PCIE		= 12,	/* PCIe capability: dev/link/slot ctl */
	BMCW_CFG_ACS		= 13,
	BMCW_CFG_ATS		= 14,
	BMCW_CFG_PRI		= 15,
	BMCW_CFG_PASID		= 16,
	BMCW_CFG_SRIOV		= 17,
	BMCW_CFG_VENDOR		= 18,	/* vendor-specific cap / ext cap */
	BMCW_CFG_AER		= 19,
	BMCW_CFG_LPC_DECODE	= 20,	/* Intel PCH 00:1f.0, 0x80-0x9B */
	BMCW_CFG_OTHER_CAP	= 21,
	BMCW_CFG_UNCLAIMED	= 22,	/* not inside any capability */
	BMCW_CFG_CLASS_MAX,
};

/* Per-function flags carried on every event. */
#define BMCW_FN_BMC		(1U << 0)	/* a BMC function */
#define BMCW_FN_BMC_UPSTREAM	(1U << 1)	/* bridge above a BMC function */
#define BMCW_FN_BMC_ALIAS	(1U << 2)	/* DMA alias of a BMC function */
#define BMCW_FN_MSI_ON		(1U << 3)	/* MSI/MSI-X enabled (owns vectors) */
#define BMCW_FN_DRIVER		(1U << 4)	/* a driver is bound */
#define BMCW_FN_LPC_BRIDGE	(1U << 5)	/* Intel PCH LPC/eSPI bridge */
#define BMCW_FN_VFIO		(1U << 6)	/* bound to vfio-pci */
#define BMCW_FN_MSI64		(1U << 7)	/* MSI capability is 64-bit */
#define BMCW_FN_KNOWN		(1U << 15)	/* found in the inventory */

/*
 * One configuration-space access; the argument of the
 * bmcwatch_cfg_access tracepoint (raw_tp ctx[0] points at it).
 */
struct bmcw_cfg_access {
	__u64	ts_ns;		/* ktime_get_ns() */
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u16	off;
	__u8	size;		/* 1, 2 or 4 */
	__u8	dir;		/* enum bmcw_dir */
	__u8	cls;		/* enum bmcw_cfg_class */
	__u8	origin;		/* enum bmcw_origin */
	__s32	result;		/* PCIBIOS_* returned by the bus ops */
	__u32	value;		/* after the read / as written */
	__u32	old;		/* writes: value before (if cached), else 0 */
	__u32	fn_flags;	/* BMCW_FN_* */
	__u32	pid;		/* tgid for user origin, 0 for kernel */
	__u32	tid;
	char	comm[BMCW_COMM_LEN];
	__u16	cap_start;	/* start of the capability holding off, or 0 */
	__u16	pad;
};

/* Inventory change kinds. */
enum bmcw_dev_change {
	BMCW_DEV_ADDED		= 0,
	BMCW_DEV_REMOVED	= 1,
	BMCW_DEV_CHANGED	= 2,
	BMCW_DEV_PRESENT	= 3,	/* initial scan at load */
};

/* A PCI function appeared, disappeared or changed identity. */
struct bmcw_dev_event {
	__u64	ts_ns;
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u8	change;		/* enum bmcw_dev_change */
	__u8	hdr_type;
	__u16	vendor;
	__u16	device;
	__u16	subvendor;
	__u16	subdevice;
	__u32	class;		/* class << 8 | prog-if, 24 bits */
	__u8	revision;
	__u8	pad[3];
	__u32	fn_flags;
	__u64	fingerprint;	/* this function's identity hash */
	__u64	host_fingerprint;	/* whole-host hash after this change */
};

/*
 * Record types sent from BPF to userspace through the ring buffer; every
 * record starts with this header.
 */
enum bmcw_rec_type {
	BMCW_REC_CFG		= 1,	/* struct bmcw_cfg_access */
	BMCW_REC_DEV		= 2,	/* struct bmcw_dev_event */
	BMCW_REC_HEALTH		= 3,	/* struct bmcw_health_event */
};

struct bmcw_rec_hdr {
	__u32	type;		/* enum bmcw_rec_type */
	__u32	len;		/* bytes after this header */
};

/* Health events raised by the module itself. */
enum bmcw_health_kind {
	BMCW_HEALTH_MODULE_UNLOADING	= 1,
	BMCW_HEALTH_HOOK_FAILED		= 2,
	BMCW_HEALTH_HOOK_REMOVED	= 3,
};

struct bmcw_health_event {
	__u64	ts_ns;
	__u32	kind;		/* enum bmcw_health_kind */
	__s32	err;
	char	what[32];	/* hook name */
};

/* Key of the per-CPU config-access counter map. */
struct bmcw_cfg_key {
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u8	cls;
	__u8	dir;
	__u8	origin;
	__u8	pad[3];
};

/* Indexes of the per-CPU loss/stat array (BPF side). */
enum bmcw_stat {
	BMCW_STAT_CFG_SEEN	= 0,
	BMCW_STAT_CFG_MAP_FULL	= 1,	/* counter key could not be added */
	BMCW_STAT_RB_FULL	= 2,	/* ring buffer reservation failed */
	BMCW_STAT_READ_FAIL	= 3,	/* bpf_probe_read_kernel failed */
	BMCW_STAT_RB_SENT	= 4,
	BMCW_STAT_MAX		= 16,
};

/* sysfs: /sys/kernel/bmcwatch/; debugfs: /sys/kernel/debug/bmcwatch/ */
#define BMCW_SYSFS_DIR		"/sys/kernel/bmcwatch"
#define BMCW_DEBUGFS_DIR	"/sys/kernel/debug/bmcwatch"

#endif /* _UAPI_LINUX_BMCWATCH_H */
