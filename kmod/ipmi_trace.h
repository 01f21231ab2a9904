/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatch IPMI tracepoint: one event per observation on the IPMI system
 * interface (see struct bmcw_ipmi_event). Like the other bmcwatch
 * tracepoints it takes a pointer to the ABI struct, so that BPF programs on
 * raw_tp read the layout of include/uapi/linux/bmcwatch.h without BTF.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_ipmi

#if !defined(_BMCWATCH_IPMI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_IPMI_TRACE_H

#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_ipmi,
	TP_PROTO(const struct bmcw_ipmi_event *e),
	TP_ARGS(e),
	TP_STRUCT__entry(
		__field(u8, kind)
		__field(u8, iface)
		__field(u8, origin)
		__field(u8, netfn)
		__field(u8, cmd)
		__field(u8, rsp_netfn)
		__field(u8, rsp_cmd)
		__field(u8, cc)
		__field(u16, req_len)
		__field(u16, rsp_len)
		__field(u32, pid)
		__array(char, comm, BMCW_COMM_LEN)
	),
	TP_fast_assign(
		__entry->kind = e->kind;
		__entry->iface = e->iface;
		__entry->origin = e->origin;
		__entry->netfn = e->netfn;
		__entry->cmd = e->cmd;
		__entry->rsp_netfn = e->rsp_netfn;
		__entry->rsp_cmd = e->rsp_cmd;
		__entry->cc = e->cc;
		__entry->req_len = e->req_len;
		__entry->rsp_len = e->rsp_len;
		__entry->pid = e->pid;
		memcpy(__entry->comm, e->comm, BMCW_COMM_LEN);
	),
	TP_printk("kind=%u if=%u origin=%u netfn=0x%02x cmd=0x%02x rsp=0x%02x/0x%02x cc=0x%02x len=%u/%u pid=%u comm=%.16s",
		  __entry->kind, __entry->iface, __entry->origin,
		  __entry->netfn, __entry->cmd, __entry->rsp_netfn,
		  __entry->rsp_cmd, __entry->cc, __entry->req_len,
		  __entry->rsp_len, __entry->pid, __entry->comm)
);

#endif /* _BMCWATCH_IPMI_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ipmi_trace
#include <trace/define_trace.h>
