/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the PCIe config-space monitor: the stable interface
 * between the module and its consumers. Each takes a pointer to an ABI
 * struct so that BPF programs on raw_tp read exactly the layout of
 * include/uapi/linux/bmcwatch.h without needing BTF for this module.
 *
 * Every bmcwatch trace header is in the one system "bmcwatch" and is
 * instantiated by trace.c; TRACE_SYSTEM_VAR differs per header only so that
 * the one file can hold all of them (it names a C variable, not the system).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_pcie

#if !defined(_BMCWATCH_PCIE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_PCIE_TRACE_H

#include <linux/pci.h>
#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_cfg_access,
	TP_PROTO(const struct bmcw_cfg_access *a, u64 key, u32 fn_flags),
	TP_ARGS(a, key, fn_flags),
	TP_STRUCT__entry(
		__field(u32, seg)
		__field(u8, bus)
		__field(u8, devfn)
		__field(u16, off)
		__field(u8, size)
		__field(u8, dir)
		__field(u8, cls)
		__field(u8, origin)
		__field(s32, result)
		__field(u32, value)
		__field(u32, old)
		__field(u32, fn_flags)
		__field(u32, pid)
		__array(char, comm, BMCW_COMM_LEN)
	),
	TP_fast_assign(
		__entry->seg = a->seg;
		__entry->bus = a->bus;
		__entry->devfn = a->devfn;
		__entry->off = a->off;
		__entry->size = a->size;
		__entry->dir = a->dir;
		__entry->cls = a->cls;
		__entry->origin = a->origin;
		__entry->result = a->result;
		__entry->value = a->value;
		__entry->old = a->old;
		__entry->fn_flags = a->fn_flags;
		__entry->pid = a->pid;
		memcpy(__entry->comm, a->comm, BMCW_COMM_LEN);
	),
	TP_printk("%04x:%02x:%02x.%u %s off=0x%03x size=%u value=0x%x old=0x%x cls=%u origin=%u res=%d flags=0x%x pid=%u comm=%.16s",
		  __entry->seg, __entry->bus, PCI_SLOT(__entry->devfn),
		  PCI_FUNC(__entry->devfn), __entry->dir ? "write" : "read",
		  __entry->off, __entry->size, __entry->value, __entry->old,
		  __entry->cls, __entry->origin, __entry->result,
		  __entry->fn_flags, __entry->pid, __entry->comm)
);

/*
 * Every config access once more, for counters: what the counting fast path
 * needs as scalars. @a is the whole event for writes, which a consumer may
 * want to send on, and may be NULL for reads: while nobody listens on
 * bmcwatch_cfg_access a read is counted without building its event (nor
 * @fn_flags, then 0), which is most of what tracing one costs.
 */
TRACE_EVENT(bmcwatch_cfg_count,
	TP_PROTO(const struct bmcw_cfg_access *a, u64 key, u32 fn_flags),
	TP_ARGS(a, key, fn_flags),
	TP_STRUCT__entry(
		__field(u64, key)
		__field(u32, fn_flags)
	),
	TP_fast_assign(
		__entry->key = key;
		__entry->fn_flags = fn_flags;
	),
	TP_printk("%04x:%02x:%02x.%u %s cls=%u origin=%u flags=0x%x",
		  BMCW_CFG_KEY_SEG(__entry->key), BMCW_CFG_KEY_BUS(__entry->key),
		  PCI_SLOT(BMCW_CFG_KEY_DEVFN(__entry->key)),
		  PCI_FUNC(BMCW_CFG_KEY_DEVFN(__entry->key)),
		  BMCW_CFG_KEY_DIR(__entry->key) ? "write" : "read",
		  BMCW_CFG_KEY_CLS(__entry->key),
		  BMCW_CFG_KEY_ORIGIN(__entry->key), __entry->fn_flags)
);

TRACE_EVENT(bmcwatch_dev_event,
	TP_PROTO(const struct bmcw_dev_event *e),
	TP_ARGS(e),
	TP_STRUCT__entry(
		__field(u32, seg)
		__field(u8, bus)
		__field(u8, devfn)
		__field(u8, change)
		__field(u16, vendor)
		__field(u16, device)
		__field(u32, class)
		__field(u32, fn_flags)
		__field(u64, fingerprint)
	),
	TP_fast_assign(
		__entry->seg = e->seg;
		__entry->bus = e->bus;
		__entry->devfn = e->devfn;
		__entry->change = e->change;
		__entry->vendor = e->vendor;
		__entry->device = e->device;
		__entry->class = e->class;
		__entry->fn_flags = e->fn_flags;
		__entry->fingerprint = e->fingerprint;
	),
	TP_printk("%04x:%02x:%02x.%u change=%u %04x:%04x class=%06x flags=0x%x fp=%016llx",
		  __entry->seg, __entry->bus, PCI_SLOT(__entry->devfn),
		  PCI_FUNC(__entry->devfn), __entry->change, __entry->vendor,
		  __entry->device, __entry->class, __entry->fn_flags,
		  __entry->fingerprint)
);

#endif /* _BMCWATCH_PCIE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pcie_trace
#include <trace/define_trace.h>
