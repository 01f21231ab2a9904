/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's health tracepoint (health.c): hooks placed, lost and
 * failed, knobs written, events lost. Like every bmcwatch tracepoint it
 * takes a pointer to an ABI struct (include/uapi/linux/bmcwatch.h) and is
 * instantiated by trace.c (see pcie_trace.h for TRACE_SYSTEM_VAR).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_health

#if !defined(_BMCWATCH_HEALTH_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_HEALTH_TRACE_H

#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_health,
	TP_PROTO(const struct bmcw_health_event *h),
	TP_ARGS(h),
	TP_STRUCT__entry(
		__field(u32, kind)
		__field(s32, err)
		__array(char, what, 32)
	),
	TP_fast_assign(
		__entry->kind = h->kind;
		__entry->err = h->err;
		memcpy(__entry->what, h->what, sizeof(__entry->what));
	),
	TP_printk("kind=%u err=%d what=%.32s", __entry->kind, __entry->err,
		  __entry->what)
);

#endif /* _BMCWATCH_HEALTH_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE health_trace
#include <trace/define_trace.h>
