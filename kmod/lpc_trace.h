/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the LPC / host port I/O monitor (lpc_hook.c). Like the
 * others they take a pointer to an ABI struct, read by BPF on raw_tp.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_lpc

#if !defined(_BMCWATCH_LPC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_LPC_TRACE_H

#include <linux/pci.h>
#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_lpc_port,
	TP_PROTO(const struct bmcw_lpc_port *p),
	TP_ARGS(p),
	TP_STRUCT__entry(
		__field(u8, kind)
		__field(u8, nvals)
		__field(u32, port)
		__field(u32, count)
		__field(u32, arg)
		__field(s32, result)
		__field(u32, pid)
		__array(u8, vals, 4)
		__array(char, comm, BMCW_COMM_LEN)
	),
	TP_fast_assign(
		__entry->kind = p->kind;
		__entry->nvals = p->nvals;
		__entry->port = p->port;
		__entry->count = p->count;
		__entry->arg = p->arg;
		__entry->result = p->result;
		__entry->pid = p->pid;
		memcpy(__entry->vals, p->vals, 4);
		memcpy(__entry->comm, p->comm, BMCW_COMM_LEN);
	),
	TP_printk("kind=%u port=0x%x count=%u arg=%u res=%d vals=%*phN pid=%u comm=%.16s",
		  __entry->kind, __entry->port, __entry->count, __entry->arg,
		  __entry->result, min_t(int, __entry->nvals, 4),
		  __entry->vals, __entry->pid, __entry->comm)
);

TRACE_EVENT(bmcwatch_lpc_mmio,
	TP_PROTO(const struct bmcw_lpc_mmio *m),
	TP_ARGS(m),
	TP_STRUCT__entry(
		__field(u32, seg)
		__field(u8, bus)
		__field(u8, devfn)
		__field(u8, kind)
		__field(u8, bar)
		__field(u32, fn_flags)
		__field(s32, result)
		__field(u64, addr)
		__field(u64, len)
		__field(u32, pid)
		__array(char, comm, BMCW_COMM_LEN)
	),
	TP_fast_assign(
		__entry->seg = m->seg;
		__entry->bus = m->bus;
		__entry->devfn = m->devfn;
		__entry->kind = m->kind;
		__entry->bar = m->bar;
		__entry->fn_flags = m->fn_flags;
		__entry->result = m->result;
		__entry->addr = m->addr;
		__entry->len = m->len;
		__entry->pid = m->pid;
		memcpy(__entry->comm, m->comm, BMCW_COMM_LEN);
	),
	TP_printk("%04x:%02x:%02x.%u bar=%u kind=%u addr=0x%llx len=0x%llx res=%d flags=0x%x pid=%u comm=%.16s",
		  __entry->seg, __entry->bus, PCI_SLOT(__entry->devfn),
		  PCI_FUNC(__entry->devfn), __entry->bar, __entry->kind,
		  __entry->addr, __entry->len, __entry->result,
		  __entry->fn_flags, __entry->pid, __entry->comm)
);

#endif /* _BMCWATCH_LPC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lpc_trace
#include <trace/define_trace.h>
