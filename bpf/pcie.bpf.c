// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the PCIe config-space monitor: count every access per
 * (function, register class, direction, origin) in a per-CPU hash (no
 * atomics, nothing lost), and send the writes that policy may care about,
 * inventory changes and module health to userspace through a ring buffer.
 * Every failure to count or to send is itself counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "pcie.h"
#include "bmcw.bpf.h"

/* Set by the loader before load (see userspace/monitors/pcie.c). */
const volatile __u32 sensitive_classes = PCIE_SENSITIVE_DEFAULT;
const volatile bool send_all_writes;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, PCIE_MAX_KEYS);
	__type(key, __u64);		/* BMCW_CFG_KEY_PACK() */
	__type(value, __u64);
} cfg_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BMCW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PCIE_RINGBUF_BYTES);
} events SEC(".maps");

static __always_inline void count(__u64 key)
{
	bmcw_count(&cfg_counts, &key, 1, &stats, BMCW_STAT_CFG_MAP_FULL);
}

static __always_inline bool worth_sending(__u64 packed, __u32 fn_flags)
{
	__u8 cls = BMCW_CFG_KEY_CLS(packed);

	if (BMCW_CFG_KEY_DIR(packed) != BMCW_DIR_WRITE)
		return false;
	if (send_all_writes || BMCW_CFG_KEY_ORIGIN(packed) != BMCW_ORIGIN_KERNEL)
		return true;
	if (fn_flags & PCIE_BMC_FLAGS)
		return true;
	return cls < 32 && (sensitive_classes & (1U << cls));
}

/*
 * Copy @len bytes from kernel @src into a ring buffer record of @type.
 * Every record starts with its __u64 ts_ns (CLOCK_MONOTONIC): the module
 * stamps inventory and health events; the config hook leaves 0 (most
 * accesses are only counted), and a record sent without one is stamped
 * here, where only sent events pay for the clock.
 */
static __always_inline void send(__u32 type, const void *src, __u32 len)
{
	struct bmcw_rec_hdr *h;

	h = bpf_ringbuf_reserve(&events, sizeof(*h) + len, 0);
	if (!h) {
		bmcw_stat_inc(&stats, BMCW_STAT_RB_FULL);
		return;
	}
	h->type = type;
	h->len = len;
	if (bpf_probe_read_kernel(h + 1, len, src)) {
		bpf_ringbuf_discard(h, 0);
		bmcw_stat_inc(&stats, BMCW_STAT_READ_FAIL);
		return;
	}
	if (!*(__u64 *)(h + 1))
		*(__u64 *)(h + 1) = bpf_ktime_get_ns();
	bpf_ringbuf_submit(h, 0);
	bmcw_stat_inc(&stats, BMCW_STAT_RB_SENT);
}

/*
 * The hottest path of the project: every config access on the host. The
 * tracepoint hands us the counter key and the function's flags as scalars,
 * so counting copies nothing; only the rare sent event is copied. Reads
 * are never sent: on bmcwatch_cfg_count their event may not even exist.
 */
static __always_inline void on_access(const struct bmcw_cfg_access *ka,
				      __u64 key, __u32 fn_flags)
{
	count(key);
	if (ka && worth_sending(key, fn_flags))
		send(BMCW_REC_CFG, ka, sizeof(*ka));
}

/* ABI 1.6: the module builds a read's event only for other listeners. */
SEC("raw_tp/bmcwatch_cfg_count")
int BPF_PROG(on_cfg_count, const struct bmcw_cfg_access *ka, __u64 key,
	     __u32 fn_flags)
{
	on_access(ka, key, fn_flags);
	return 0;
}

/* Modules before 1.6 (the loader attaches one of the two). */
SEC("raw_tp/bmcwatch_cfg_access")
int BPF_PROG(on_cfg_access, const struct bmcw_cfg_access *ka, __u64 key,
	     __u32 fn_flags)
{
	on_access(ka, key, fn_flags);
	return 0;
}

SEC("raw_tp/bmcwatch_dev_event")
int BPF_PROG(on_dev_event, const struct bmcw_dev_event *e)
{
	send(BMCW_REC_DEV, e, sizeof(*e));
	return 0;
}

SEC("raw_tp/bmcwatch_health")
int BPF_PROG(on_health, const struct bmcw_health_event *h)
{
	send(BMCW_REC_HEALTH, h, sizeof(*h));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
