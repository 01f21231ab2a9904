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
#include "bmcwatch_names.h"	/* the enums below and their names */

#define BMCW_ABI_MAJOR		1
/*
 * 1.1: BMCW_FN_VIRTFN
 * 1.2: health events carry a sequence number, a count, the process that
 *      caused them and a detail text; health kinds 4-9; enum bmcw_monitor;
 *      bmcw_cfg_access.flags (was pad): whether old was read;
 *      bmcw_ipmi_event.count (was pad2): one UNKNOWN_NMI event stands for
 *      that many NMIs; the sysfs "lockdown" file is retired (read
 *      securityfs instead)
 * 1.3: BMCW_REC_DMA_CONSOLE (struct bmcw_dma_console)
 * 1.4: BMCW_IPMI_IF_SSIF
 * 1.5: every event's ts_ns is the time of the event, CLOCK_MONOTONIC
 *      (ktime_get_ns() in the module, bpf_ktime_get_ns() in BPF: as both
 *      always were); one the module sends as 0 is stamped by BPF when
 *      sent (as BMCW_REC_CFG always was). No layout change: the daemon
 *      converts it to wall-clock time for its alerts.
 * 1.6: tracepoint bmcwatch_cfg_count: every config access for counters,
 *      the arguments of bmcwatch_cfg_access, the event NULL (and fn_flags
 *      0) for a read while nobody listens on bmcwatch_cfg_access, whose
 *      event is then not built. No layout change.
 * 1.7: USB devices: BMCW_REC_USB_DEV (struct bmcw_usb_dev), the
 *      bmcwatch_usb_input tracepoint (struct bmcw_usb_input),
 *      BMCW_MON_USB; sysfs knobs usb_bmc_devices and console_session
 */
#define BMCW_ABI_MINOR		7
#define BMCW_ABI_VERSION	((BMCW_ABI_MAJOR << 16) | BMCW_ABI_MINOR)

#define BMCW_COMM_LEN		16

/*
 * Time: every event struct below starts with __u64 ts_ns, when the event
 * happened on CLOCK_MONOTONIC (ktime_get_ns(), bpf_ktime_get_ns()). The
 * module may leave it 0 where reading the clock on every call costs too
 * much (a config access is mostly only counted): BPF stamps every record
 * it sends whose ts_ns is 0, so a record in the ring buffer always has one.
 */

/* Direction of an access. */
enum bmcw_dir {
	BMCW_DIR_READ	= 0,
	BMCW_DIR_WRITE	= 1,
};

/*
 * Who caused an access: the kernel itself, or a user process (pid/comm).
 * Values, in order from 0, come from BMCW_ORIGINS (bmcwatch_names.h):
 *   KERNEL 0, USER 1 (sysfs/procfs config, /dev/port, ...),
 *   VFIO 2 (a VMM through vfio-pci),
 *   ACPI 3 (ACPI AML: raw_pci_*, bypasses the bus ops)
 */
#define BMCW_ORIGIN_ENUM_(sfx, name)	BMCW_ORIGIN_##sfx,
enum bmcw_origin {
	BMCW_ORIGINS(BMCW_ORIGIN_ENUM_)
	BMCW_ORIGIN_MAX,
};

#undef BMCW_ORIGIN_ENUM_

/*
 * Register class of a configuration-space access. Values, in order from 0,
 * come from BMCW_CFG_CLASSES (bmcwatch_names.h):
 *   ID 0 (vendor/device/class/revision/subsys),
 *   COMMAND 1 (0x04: memory, I/O, bus master enable), STATUS 2, BAR 3,
 *   ROM 4, CAPPTR 5 (0x34 and the next pointers),
 *   HEADER 6 (rest of the type 0/1 header),
 *   BRIDGE 7 (type 1: bus numbers, windows), INTX 8 (interrupt line/pin),
 *   MSI 9, MSIX 10, PM 11, PCIE 12 (PCIe capability: dev/link/slot ctl),
 *   ACS 13, ATS 14, PRI 15, PASID 16, SRIOV 17,
 *   VENDOR 18 (vendor-specific cap / ext cap), AER 19,
 *   LPC_DECODE 20 (Intel PCH 00:1f.0, 0x80-0x9B), OTHER_CAP 21,
 *   UNCLAIMED 22 (not inside any capability)
 */
#define BMCW_CFG_ENUM_(sfx, name)	BMCW_CFG_##sfx,
enum bmcw_cfg_class {
	BMCW_CFG_CLASSES(BMCW_CFG_ENUM_)
	BMCW_CFG_CLASS_MAX,
};

#undef BMCW_CFG_ENUM_

/* Per-function flags carried on every event. */
#define BMCW_FN_BMC		(1U << 0)	/* a BMC function */
#define BMCW_FN_BMC_UPSTREAM	(1U << 1)	/* bridge above a BMC function */
#define BMCW_FN_BMC_ALIAS	(1U << 2)	/* DMA alias of a BMC function */
#define BMCW_FN_MSI_ON		(1U << 3)	/* MSI/MSI-X enabled (owns vectors) */
#define BMCW_FN_DRIVER		(1U << 4)	/* a driver is bound */
#define BMCW_FN_LPC_BRIDGE	(1U << 5)	/* Intel PCH LPC/eSPI bridge */
#define BMCW_FN_VFIO		(1U << 6)	/* bound to vfio-pci */
#define BMCW_FN_MSI64		(1U << 7)	/* MSI capability is 64-bit */
#define BMCW_FN_VIRTFN		(1U << 8)	/* SR-IOV VF made by the kernel */
#define BMCW_FN_KNOWN		(1U << 15)	/* found in the inventory */

/*
 * One configuration-space access; the argument of the
 * bmcwatch_cfg_access tracepoint (raw_tp ctx[0] points at it).
 */
struct bmcw_cfg_access {
	__u64	ts_ns;		/* CLOCK_MONOTONIC; set by BPF when sent */
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
	__u32	old;		/* writes: value before, if BMCW_CFG_F_OLD */
	__u32	fn_flags;	/* BMCW_FN_* */
	__u32	pid;		/* tgid for user origin, 0 for kernel */
	__u32	tid;
	char	comm[BMCW_COMM_LEN];
	__u16	cap_start;	/* start of the capability holding off, or 0 */
	__u16	flags;		/* BMCW_CFG_F_* (1.2; was padding) */
};

/* struct bmcw_cfg_access.flags */
#define BMCW_CFG_F_OLD		(1U << 0)	/* old holds the value before */

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
	/* 32..47: DMA and doorbell monitor */
	BMCW_REC_DMA_FAULT	= 32,	/* struct bmcw_dma_fault */
	BMCW_REC_DMA_VECTOR	= 33,	/* struct bmcw_dma_vector */
	BMCW_REC_DMA_AER	= 34,	/* struct bmcw_dma_aer */
	BMCW_REC_DMA_CONSOLE	= 35,	/* struct bmcw_dma_console */
	/* 16..31: IPMI system interface (KCS/BT) and unclaimed NMIs */
	BMCW_REC_IPMI		= 16,	/* struct bmcw_ipmi_event */
	/* 48..63: LPC / host port I/O and BMC MMIO windows */
	BMCW_REC_LPC_PORT	= 48,	/* struct bmcw_lpc_port */
	BMCW_REC_LPC_MMIO	= 49,	/* struct bmcw_lpc_mmio */
	/* 64..79: USB devices (1.7) */
	BMCW_REC_USB_DEV	= 64,	/* struct bmcw_usb_dev */
};

struct bmcw_rec_hdr {
	__u32	type;		/* enum bmcw_rec_type */
	__u32	len;		/* bytes after this header */
};

/* Health events raised by the module itself. */
enum bmcw_health_kind {
	BMCW_HEALTH_MODULE_UNLOADING	= 1,
	BMCW_HEALTH_HOOK_FAILED		= 2,	/* could not be placed */
	BMCW_HEALTH_HOOK_REMOVED	= 3,	/* went away with its module */
	/* 1.2 */
	BMCW_HEALTH_HOOK_PLACED		= 4,	/* placed again: its module is back */
	BMCW_HEALTH_KNOB_CHANGED	= 5,	/* an operator knob was written */
	BMCW_HEALTH_OPS_FOREIGN		= 6,	/* another pci_ops wrapper on a bus */
	BMCW_HEALTH_OPS_LOST		= 7,	/* a bus lost our pci_ops; hooked again */
	BMCW_HEALTH_EVENTS_LOST		= 8,	/* the module lost events: count */
	BMCW_HEALTH_BLIND_SPOT		= 9,	/* placed, but copies of its code are not */
};

/* Which monitor a health event is about (struct bmcw_health_event.monitor) */
enum bmcw_monitor {
	BMCW_MON_MODULE		= 0,	/* the module as a whole */
	BMCW_MON_PCIE		= 1,
	BMCW_MON_IPMI		= 2,
	BMCW_MON_DMA		= 3,
	BMCW_MON_LPC		= 4,
	BMCW_MON_USB		= 5,	/* 1.7 */
	BMCW_MON_MAX,
};

#define BMCW_HEALTH_DETAIL_LEN	96

struct bmcw_health_event {
	__u64	ts_ns;
	__u32	kind;		/* enum bmcw_health_kind */
	__s32	err;
	char	what[32];	/* hook, knob, bus or counter name */
	/* 1.2: appended; older modules send only the fields above */
	__u64	seq;		/* 1, 2, ... since the module was loaded */
	__u64	count;		/* EVENTS_LOST: lost since the last report */
	__u32	pid;		/* tgid of the process that caused it, or 0 */
	__u8	monitor;	/* enum bmcw_monitor */
	__u8	pad[3];
	char	comm[BMCW_COMM_LEN];	/* that process's name */
	char	detail[BMCW_HEALTH_DETAIL_LEN];	/* what happened, for people */
};

/* Size of a health event as modules before ABI 1.2 sent it. */
#define BMCW_HEALTH_EVENT_V1_SIZE	48

/*
 * A config-access counter key, decoded. The per-CPU counter map itself is
 * keyed by the packed __u64 of BMCW_CFG_KEY_PACK() (below): hashing and
 * comparing one word is the cheapest key for the hottest map.
 */
struct bmcw_cfg_key {
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u8	cls;
	__u8	dir;
	__u8	origin;
	__u8	pad[3];
};

/*
 * The bmcwatch_cfg_access and (1.6) bmcwatch_cfg_count tracepoints pass,
 * besides the event, what the counting fast path needs as scalars, so that
 * a raw_tp program counts an access without copying the event out of
 * kernel memory:
 *   ctx[0]  const struct bmcw_cfg_access * (cfg_count: NULL for a read
 *           while nobody listens on cfg_access)
 *   ctx[1]  BMCW_CFG_KEY_PACK(seg, bus, devfn, cls, dir, origin)
 *   ctx[2]  fn_flags (cfg_count: 0 where ctx[0] is NULL)
 */
#define BMCW_CFG_KEY_PACK(seg, bus, devfn, cls, dir, origin)		\
	((__u64)(seg) << 40 | (__u64)(bus) << 32 | (__u64)(devfn) << 24 |	\
	 (__u64)(cls) << 16 | (__u64)(dir) << 8 | (__u64)(origin))
#define BMCW_CFG_KEY_SEG(k)	((__u32)((k) >> 40))
#define BMCW_CFG_KEY_BUS(k)	((__u8)((k) >> 32))
#define BMCW_CFG_KEY_DEVFN(k)	((__u8)((k) >> 24))
#define BMCW_CFG_KEY_CLS(k)	((__u8)((k) >> 16))
#define BMCW_CFG_KEY_DIR(k)	((__u8)((k) >> 8))
#define BMCW_CFG_KEY_ORIGIN(k)	((__u8)(k))

static inline struct bmcw_cfg_key bmcw_cfg_key_unpack(__u64 k)
{
	struct bmcw_cfg_key key = {
		.seg = BMCW_CFG_KEY_SEG(k), .bus = BMCW_CFG_KEY_BUS(k),
		.devfn = BMCW_CFG_KEY_DEVFN(k), .cls = BMCW_CFG_KEY_CLS(k),
		.dir = BMCW_CFG_KEY_DIR(k), .origin = BMCW_CFG_KEY_ORIGIN(k),
	};

	return key;
}

/* Indexes of the per-CPU loss/stat array (BPF side). */
enum bmcw_stat {
	BMCW_STAT_CFG_SEEN	= 0,	/* reserved: the counters are "seen" */
	BMCW_STAT_CFG_MAP_FULL	= 1,	/* counter key could not be added */
	BMCW_STAT_RB_FULL	= 2,	/* ring buffer reservation failed */
	BMCW_STAT_READ_FAIL	= 3,	/* bpf_probe_read_kernel failed */
	BMCW_STAT_RB_SENT	= 4,
	BMCW_STAT_MAX		= 16,
};

/* What a process did to reach I/O ports (struct bmcw_lpc_port.kind). */
enum bmcw_lpc_kind {
	BMCW_LPC_IOPERM		= 1,	/* port = from, count = num, arg = turn_on */
	BMCW_LPC_IOPL		= 2,	/* arg = level */
	BMCW_LPC_PORT_READ	= 3,	/* /dev/port: port = first port */
	BMCW_LPC_PORT_WRITE	= 4,
};

#define BMCW_LPC_MAX_VALS	16

/*
 * A grant of I/O port access or a /dev/port transfer; the argument of the
 * bmcwatch_lpc_port tracepoint. /dev/port moves byte i to/from port + i.
 */
struct bmcw_lpc_port {
	__u64	ts_ns;
	__u32	pid;		/* tgid */
	__u32	tid;
	char	comm[BMCW_COMM_LEN];
	__u8	kind;		/* enum bmcw_lpc_kind */
	__u8	nvals;		/* bytes valid in vals */
	__u16	pad;
	__u32	port;
	__u32	count;		/* ports granted / bytes asked for */
	__u32	arg;
	__s32	result;		/* syscall result: 0/-errno, or bytes moved */
	__u8	vals[BMCW_LPC_MAX_VALS];	/* first bytes written/read */
	__u32	pad2;
};

/* How a process reached a PCI function's BAR or physical memory. */
enum bmcw_mmio_kind {
	BMCW_MMIO_SYSFS_MMAP	= 1,	/* sysfs resourceN / procfs mmap */
	BMCW_MMIO_SYSFS_READ	= 2,	/* sysfs resourceN read (I/O BAR) */
	BMCW_MMIO_SYSFS_WRITE	= 3,
	BMCW_MMIO_DEVMEM_MMAP	= 4,	/* /dev/mem over a BMC BAR */
	BMCW_MMIO_DEVMEM_READ	= 5,
	BMCW_MMIO_DEVMEM_WRITE	= 6,
};

#define BMCW_MMIO_PROT_READ	(1U << 0)
#define BMCW_MMIO_PROT_WRITE	(1U << 1)

/* The argument of the bmcwatch_lpc_mmio tracepoint. */
struct bmcw_lpc_mmio {
	__u64	ts_ns;
	__u32	pid;
	__u32	tid;
	char	comm[BMCW_COMM_LEN];
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u8	kind;		/* enum bmcw_mmio_kind */
	__u8	bar;
	__u32	fn_flags;	/* BMCW_FN_* of the function */
	__s32	result;
	__u64	addr;		/* CPU physical address of the access */
	__u64	len;
	__u64	offset;		/* within the BAR */
	__u32	prot;		/* BMCW_MMIO_PROT_* */
	__u32	pad;
};

/*
 * What one struct bmcw_ipmi_event reports. Values, in order from 0, come
 * from BMCW_IPMI_KINDS (bmcwatch_names.h):
 *   XACT 0 (state machine: request + response),
 *   ATTN 1 (SMS_ATN seen while the SM was idle),
 *   HOSED 2 (the SM gave up, "hosed"),
 *   ABORT 3 (KCS error recovery: GET_STATUS/ABORT),
 *   MSG_REQ 4 (message layer: request to the SI),
 *   MSG_RSP 5 (message layer: response / delivery),
 *   PRETIMEOUT 6 (watchdog pretimeout delivered),
 *   UNKNOWN_NMI 7 (an NMI no handler claimed)
 */
#define BMCW_IPMI_KIND_ENUM_(sfx, name)	BMCW_IPMI_##sfx,
enum bmcw_ipmi_kind {
	BMCW_IPMI_KINDS(BMCW_IPMI_KIND_ENUM_)
	BMCW_IPMI_KIND_MAX,
};

#undef BMCW_IPMI_KIND_ENUM_

/*
 * Who a request came from (origin class). Values, in order from 0, come
 * from BMCW_IPMI_ORIGINS (bmcwatch_names.h):
 *   SI 0 (ipmi_si itself: flags, events, enables),
 *   MSGHANDLER 1 (ipmi_msghandler: device id, retries),
 *   USER 2 (a process through /dev/ipmiN), WATCHDOG 3 (ipmi_watchdog),
 *   POWEROFF 4 (ipmi_poweroff), ACPI 5 (acpi_ipmi, the ACPI IPMI opregion),
 *   KERNEL 6 (any other kernel user),
 *   BMC 7 (nothing on the host: the BMC spoke)
 */
#define BMCW_IPMI_ORIGIN_ENUM_(sfx, name)	BMCW_IPMI_ORIG_##sfx,
enum bmcw_ipmi_origin {
	BMCW_IPMI_ORIGINS(BMCW_IPMI_ORIGIN_ENUM_)
	BMCW_IPMI_ORIG_MAX,
};

#undef BMCW_IPMI_ORIGIN_ENUM_

enum bmcw_ipmi_iface {
	BMCW_IPMI_IF_KCS	= 0,
	BMCW_IPMI_IF_BT		= 1,
	BMCW_IPMI_IF_SSIF	= 2,	/* IPMI over SMBus (ipmi_ssif) */
	BMCW_IPMI_IF_NONE	= 15,	/* not tied to an interface (NMI) */
};

#define BMCW_IPMI_F_TRUNC	(1U << 0)	/* bytes cut to BMCW_IPMI_DATA */
#define BMCW_IPMI_F_NO_REQ	(1U << 1)	/* result without a seen start */
#define BMCW_IPMI_F_START_ERR	(1U << 2)	/* start_transaction refused */

#define BMCW_IPMI_DATA		32	/* request/response bytes carried */

/*
 * One observation on the IPMI system interface; the argument of the
 * bmcwatch_ipmi tracepoint. Bytes are as on the wire of the system
 * interface: netfn << 2 | lun, cmd, [cc,] data.
 */
struct bmcw_ipmi_event {
	__u64	ts_ns;
	__u64	dur_ns;		/* XACT: start to result */
	__u8	kind;		/* enum bmcw_ipmi_kind */
	__u8	iface;		/* enum bmcw_ipmi_iface */
	__u8	origin;		/* enum bmcw_ipmi_origin */
	__u8	flags;		/* BMCW_IPMI_F_* */
	__u8	netfn;		/* request netfn (even) */
	__u8	cmd;
	__u8	rsp_netfn;	/* response netfn as received */
	__u8	rsp_cmd;
	__u8	cc;		/* completion code, 0 if none */
	__u8	sm;		/* index of the interface's state machine */
	__u16	req_len;	/* full lengths, before truncation */
	__u16	rsp_len;
	__u16	pad;
	__u32	pid;		/* tgid of the requester, 0 for kernel */
	__u32	tid;
	__u32	cpu;
	__u32	count;		/* UNKNOWN_NMI: NMIs it stands for (1.2; was 0) */
	char	comm[BMCW_COMM_LEN];
	__u8	req[BMCW_IPMI_DATA];
	__u8	rsp[BMCW_IPMI_DATA];
};

/* Key of the per-CPU IPMI counter map. */
struct bmcw_ipmi_key {
	__u8	netfn;		/* request netfn (even) */
	__u8	cmd;
	__u8	cc;		/* 0 for requests */
	__u8	dir;		/* 0 request (host->BMC), 1 response */
	__u8	origin;		/* enum bmcw_ipmi_origin */
	__u8	kind;		/* enum bmcw_ipmi_kind */
	__u8	pad[2];
};

/*
 * DMA and doorbell monitor. One IOMMU fault record, as the IOMMU hardware
 * logged it (Intel VT-d fault recording register or AMD-Vi event); the
 * argument of the bmcwatch_dma_fault tracepoint.
 */
enum bmcw_dma_fault_kind {
	BMCW_DMA_FAULT_DMA	= 0,	/* DMA remapping: address, read/write */
	BMCW_DMA_FAULT_IR	= 1,	/* interrupt remapping: index */
};

enum bmcw_iommu_hw {
	BMCW_IOMMU_VTD		= 0,
	BMCW_IOMMU_AMDVI	= 1,
};

#define BMCW_DMA_FAULT_OVERFLOW	(1U << 0)	/* hardware dropped faults */
#define BMCW_DMA_FAULT_PASID	(1U << 1)	/* pasid is valid */

struct bmcw_dma_fault {
	__u64	ts_ns;
	__u64	addr;		/* DMA: page address; IR: interrupt index */
	__u64	seq;		/* fault records seen since load, this one too */
	__u32	seg;
	__u8	bus;		/* requester id (source id) */
	__u8	devfn;
	__u8	kind;		/* enum bmcw_dma_fault_kind */
	__u8	dir;		/* enum bmcw_dir of the faulting DMA */
	__u8	reason;		/* VT-d fault reason; AMD-Vi: event flags */
	__u8	hw;		/* enum bmcw_iommu_hw */
	__u16	unit;		/* IOMMU unit (dmarN) */
	__u32	pasid;
	__u32	flags;		/* BMCW_DMA_FAULT_* */
	__u32	fn_flags;	/* BMCW_FN_* of the requester id */
	__u32	fsts;		/* VT-d fault status register as read */
	__u32	pad;
};

/* An interrupt on a vector with no handler (BPF, from __common_interrupt) */
struct bmcw_dma_vector {
	__u64	ts_ns;
	__u32	cpu;
	__u32	vector;
	__u64	seq;		/* such interrupts seen by this CPU */
};

/* A PCIe AER error as the kernel reported it (ras:aer_event). */
struct bmcw_dma_aer {
	__u64	ts_ns;
	__u32	status;		/* AER (un)correctable status bits */
	__u8	severity;	/* 0 uncorrectable, 1 fatal, 2 corrected */
	__u8	tlp_valid;
	__u8	pad[2];
	__u32	tlp[4];		/* TLP header log, if tlp_valid */
	char	dev[32];	/* "0000:00:02.0" */
};

/*
 * A kernel message about interrupts on a vector with no handler (or the
 * note of its rate limit), read by a BPF program where the kernel formats
 * it (printk_sprint()'s exit or the printk:console tracepoint).
 */
#define BMCW_CONSOLE_TEXT_LEN	80

struct bmcw_dma_console {
	__u64	ts_ns;
	__u32	cpu;		/* where the message was printed */
	__u32	len;		/* bytes of text, at most BMCW_CONSOLE_TEXT_LEN */
	char	text[BMCW_CONSOLE_TEXT_LEN];	/* not NUL-terminated */
};

/*
 * USB devices (1.7). Which ones are a BMC's: the module's built-in table of
 * the virtual devices BMC firmwares present, and the operator's list
 * (sysfs usb_bmc_devices: VENDOR:PRODUCT, VENDOR:*, or port:PORT, the
 * device's port path as "CONTROLLER-DEVPATH" or the kernel's "BUS-DEVPATH").
 */
#define BMCW_USB_F_BMC		(1U << 0)	/* a BMC's device */
#define BMCW_USB_F_BUILTIN	(1U << 1)	/* ... by the built-in table */
#define BMCW_USB_F_BY_ID	(1U << 2)	/* ... by the operator, by id */
#define BMCW_USB_F_BY_PORT	(1U << 3)	/* ... by the operator, by port */
#define BMCW_USB_F_SESSION	(1U << 4)	/* a console session was declared then */

#define BMCW_USB_MAX_IFS	8
#define BMCW_USB_PORT_LEN	40
#define BMCW_USB_STR_LEN	32

/* One interface of the active configuration. */
struct bmcw_usb_if {
	__u8	number;		/* bInterfaceNumber */
	__u8	cls;		/* bInterfaceClass: 3 HID, 8 mass storage, ... */
	__u8	subcls;
	__u8	proto;		/* HID boot protocol: 1 keyboard, 2 mouse */
};

/*
 * A USB device appeared (configured), disappeared or was present at load;
 * the argument of the bmcwatch_usb_dev tracepoint. Strings are the
 * device's own descriptors, cut to fit, NUL-terminated.
 */
struct bmcw_usb_dev {
	__u64	ts_ns;
	__u16	busnum;
	__u16	devnum;
	__u16	vendor;
	__u16	product;
	__u16	bcd_device;
	__u8	change;		/* enum bmcw_dev_change: ADDED, REMOVED, PRESENT */
	__u8	dev_class;	/* bDeviceClass */
	__u8	speed;		/* enum usb_device_speed */
	__u8	nr_ifs;		/* interfaces of the active configuration */
	__u16	pad;
	__u32	flags;		/* BMCW_USB_F_* */
	char	name[16];	/* the kernel's name: "1-1.2" */
	char	port[BMCW_USB_PORT_LEN];	/* "0000:00:14.0-1.2" */
	char	manufacturer[BMCW_USB_STR_LEN];
	char	product_name[BMCW_USB_STR_LEN];
	struct bmcw_usb_if ifs[BMCW_USB_MAX_IFS];	/* the first nr_ifs */
};

/*
 * One input report (up to SYN_REPORT) of an input device under a BMC's
 * USB device; the argument of the bmcwatch_usb_input tracepoint. Counts
 * and time only: never which key or where the pointer went.
 */
struct bmcw_usb_input {
	__u64	ts_ns;
	__u16	busnum;
	__u16	devnum;
	__u16	vendor;
	__u16	product;
	__u32	flags;		/* BMCW_USB_F_* of the device, | SESSION */
	__u32	keys;		/* key and button presses (EV_KEY value 1) */
	__u32	moves;		/* pointer and wheel values (EV_REL, EV_ABS) */
	__u32	pad;
};

/* sysfs: /sys/kernel/bmcwatch/; debugfs: /sys/kernel/debug/bmcwatch/ */
#define BMCW_SYSFS_DIR		"/sys/kernel/bmcwatch"
#define BMCW_DEBUGFS_DIR	"/sys/kernel/debug/bmcwatch"
/* bpffs: where bmcwatchd pins its maps for the CLI and for tests */
#define BMCW_PIN_DIR		"/sys/fs/bpf/bmcwatch"

#endif /* _UAPI_LINUX_BMCWATCH_H */
