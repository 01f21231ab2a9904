/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the USB monitor (usb_dev.c, usb_input.c). Like the others
 * they take a pointer to an ABI struct, read by BPF on raw_tp.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bmcwatch
#undef TRACE_SYSTEM_VAR
#define TRACE_SYSTEM_VAR bmcwatch_usb

#if !defined(_BMCWATCH_USB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BMCWATCH_USB_TRACE_H

#include <linux/tracepoint.h>
#include <uapi/linux/bmcwatch.h>

TRACE_EVENT(bmcwatch_usb_dev,
	TP_PROTO(const struct bmcw_usb_dev *d),
	TP_ARGS(d),
	TP_STRUCT__entry(
		__field(u8, change)
		__field(u16, vendor)
		__field(u16, product)
		__field(u8, nr_ifs)
		__field(u32, flags)
		__array(char, name, 16)
	),
	TP_fast_assign(
		__entry->change = d->change;
		__entry->vendor = d->vendor;
		__entry->product = d->product;
		__entry->nr_ifs = d->nr_ifs;
		__entry->flags = d->flags;
		memcpy(__entry->name, d->name, 16);
	),
	TP_printk("%.16s change=%u id=%04x:%04x ifs=%u flags=0x%x",
		  __entry->name, __entry->change, __entry->vendor,
		  __entry->product, __entry->nr_ifs, __entry->flags)
);

TRACE_EVENT(bmcwatch_usb_input,
	TP_PROTO(const struct bmcw_usb_input *in),
	TP_ARGS(in),
	TP_STRUCT__entry(
		__field(u16, busnum)
		__field(u16, devnum)
		__field(u32, flags)
		__field(u32, keys)
		__field(u32, moves)
	),
	TP_fast_assign(
		__entry->busnum = in->busnum;
		__entry->devnum = in->devnum;
		__entry->flags = in->flags;
		__entry->keys = in->keys;
		__entry->moves = in->moves;
	),
	TP_printk("bus=%u dev=%u flags=0x%x keys=%u moves=%u",
		  __entry->busnum, __entry->devnum, __entry->flags,
		  __entry->keys, __entry->moves)
);

#endif /* _BMCWATCH_USB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE usb_trace
#include <trace/define_trace.h>
