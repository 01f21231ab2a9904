/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the DMA and doorbell monitor. Like pcie_trace.h, each
 * takes a pointer to an ABI struct so BPF programs on raw_tp read the
 * layout of include/uapi/linux/bmcwatch.h without BTF for this module.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_dma

#if !defined(_BMCWATCH_DMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_DMA_TRACE_H

#include <linux/pci.h>
#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_dma_fault,
	TP_PROTO(const struct bmcw_dma_fault *f),
	TP_ARGS(f),
	TP_STRUCT__entry(
		__field(u64, addr)
		__field(u64, seq)
		__field(u32, seg)
		__field(u8, bus)
		__field(u8, devfn)
		__field(u8, kind)
		__field(u8, dir)
		__field(u8, reason)
		__field(u8, hw)
		__field(u16, unit)
		__field(u32, flags)
		__field(u32, fn_flags)
	),
	TP_fast_assign(
		__entry->addr = f->addr;
		__entry->seq = f->seq;
		__entry->seg = f->seg;
		__entry->bus = f->bus;
		__entry->devfn = f->devfn;
		__entry->kind = f->kind;
		__entry->dir = f->dir;
		__entry->reason = f->reason;
		__entry->hw = f->hw;
		__entry->unit = f->unit;
		__entry->flags = f->flags;
		__entry->fn_flags = f->fn_flags;
	),
	TP_printk("%04x:%02x:%02x.%u %s %s addr=0x%llx reason=0x%02x hw=%u unit=%u flags=0x%x fn_flags=0x%x seq=%llu",
		  __entry->seg, __entry->bus, PCI_SLOT(__entry->devfn),
		  PCI_FUNC(__entry->devfn), __entry->kind ? "intr" : "dma",
		  __entry->dir ? "write" : "read", __entry->addr,
		  __entry->reason, __entry->hw, __entry->unit, __entry->flags,
		  __entry->fn_flags, __entry->seq)
);

#endif /* _BMCWATCH_DMA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE dma_trace
#include <trace/define_trace.h>
