// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the LPC / host port I/O monitor: every I/O port grant and
 * /dev/port transfer, and every user mapping or access of a PCI BAR, is
 * counted; the ones touching a watched port range (SuperIO, KCS, BT, ...)
 * or a BMC function go to userspace, which decodes SuperIO sequences.
 * These events are rare (a handful per maintenance session), so the ring
 * buffer carries them whole. Every failure to send is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "lpc.h"
#include "bmcw.bpf.h"

/* Set by the loader before load (see userspace/monitors/lpc.c). */
const volatile struct lpc_range ranges[LPC_MAX_RANGES];
const volatile __u32 nr_ranges;
const volatile bool send_all_mmio;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LPC_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lpc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LPC_RINGBUF_BYTES);
} lpc_events SEC(".maps");

/* Does [first, last] overlap a watched range? */
static __always_inline bool watched(__u32 first, __u32 last)
{
	for (int i = 0; i < LPC_MAX_RANGES; i++) {
		if (i >= nr_ranges)
			break;
		if (first <= ranges[i].hi && last >= ranges[i].lo)
			return true;
	}
	return false;
}

/* The module stamps ts_ns (the first __u64); 0 is stamped here. */
static __always_inline void send(__u32 type, const void *src, __u32 len)
{
	struct bmcw_rec_hdr *h;

	h = bpf_ringbuf_reserve(&lpc_events, sizeof(*h) + len, 0);
	if (!h) {
		bmcw_stat_inc(&lpc_stats, LPC_STAT_RB_FULL);
		return;
	}
	h->type = type;
	h->len = len;
	if (bpf_probe_read_kernel(h + 1, len, src)) {
		bpf_ringbuf_discard(h, 0);
		bmcw_stat_inc(&lpc_stats, LPC_STAT_READ_FAIL);
		return;
	}
	if (!*(__u64 *)(h + 1))
		*(__u64 *)(h + 1) = bpf_ktime_get_ns();
	bpf_ringbuf_submit(h, 0);
	bmcw_stat_inc(&lpc_stats, LPC_STAT_RB_SENT);
}

SEC("raw_tp/bmcwatch_lpc_port")
int BPF_PROG(on_lpc_port, const struct bmcw_lpc_port *kp)
{
	struct bmcw_lpc_port p;
	__u32 last;

	bmcw_stat_inc(&lpc_stats, LPC_STAT_PORT_SEEN);
	if (bpf_probe_read_kernel(&p, sizeof(p), kp)) {
		bmcw_stat_inc(&lpc_stats, LPC_STAT_READ_FAIL);
		return 0;
	}
	if (!p.count)
		return 0;
	last = p.port + p.count - 1;
	if (last < p.port || last > 0xffff)
		last = 0xffff;
	/* iopl(3) opens every port: always news */
	if (p.kind != BMCW_LPC_IOPL && !watched(p.port, last))
		return 0;
	bmcw_stat_inc(&lpc_stats, LPC_STAT_PORT_WATCHED);
	send(BMCW_REC_LPC_PORT, kp, sizeof(p));
	return 0;
}

SEC("raw_tp/bmcwatch_lpc_mmio")
int BPF_PROG(on_lpc_mmio, const struct bmcw_lpc_mmio *km)
{
	__u32 flags;

	bmcw_stat_inc(&lpc_stats, LPC_STAT_MMIO_SEEN);
	if (bpf_probe_read_kernel(&flags, sizeof(flags), &km->fn_flags)) {
		bmcw_stat_inc(&lpc_stats, LPC_STAT_READ_FAIL);
		return 0;
	}
	if (!(flags & BMCW_FN_BMC) && !send_all_mmio)
		return 0;
	if (flags & BMCW_FN_BMC)
		bmcw_stat_inc(&lpc_stats, LPC_STAT_MMIO_BMC);
	send(BMCW_REC_LPC_MMIO, km, sizeof(struct bmcw_lpc_mmio));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
