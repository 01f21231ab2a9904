// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the USB monitor. A USB device coming or going is rare: the
 * record goes whole through the ring buffer. Input reports of BMC
 * keyboards and mice (the module traces no other device's) are counted
 * per device, per kind and whether a console session was declared, in a
 * per-CPU map the daemon sweeps: a burst of typing costs no wake-up, and
 * nothing is lost. Every failure to count or send is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "usb.h"
#include "bmcw.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, USB_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} usb_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, USB_INPUT_KEYS);
	__type(key, struct usb_input_key);
	__type(value, __u64);
} usb_input SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, USB_RINGBUF_BYTES);
} usb_events SEC(".maps");

SEC("raw_tp/bmcwatch_usb_dev")
int BPF_PROG(on_usb_dev, const struct bmcw_usb_dev *kd)
{
	const __u32 len = sizeof(struct bmcw_usb_dev);
	struct bmcw_rec_hdr *h;

	bmcw_stat_inc(&usb_stats, USB_STAT_DEV_SEEN);
	h = bpf_ringbuf_reserve(&usb_events, sizeof(*h) + len, 0);
	if (!h) {
		bmcw_stat_inc(&usb_stats, USB_STAT_RB_FULL);
		return 0;
	}
	h->type = BMCW_REC_USB_DEV;
	h->len = len;
	if (bpf_probe_read_kernel(h + 1, len, kd)) {
		bpf_ringbuf_discard(h, 0);
		bmcw_stat_inc(&usb_stats, USB_STAT_READ_FAIL);
		return 0;
	}
	bpf_ringbuf_submit(h, 0);
	bmcw_stat_inc(&usb_stats, USB_STAT_RB_SENT);
	return 0;
}

static __always_inline void count(struct usb_input_key *k, __u8 kind, __u64 n)
{
	if (!n)
		return;
	k->kind = kind;
	bmcw_count(&usb_input, k, n, &usb_stats, USB_STAT_MAP_FULL);
}

SEC("raw_tp/bmcwatch_usb_input")
int BPF_PROG(on_usb_input, const struct bmcw_usb_input *ki)
{
	struct usb_input_key k = {};
	struct bmcw_usb_input in;

	bmcw_stat_inc(&usb_stats, USB_STAT_INPUT_SEEN);
	if (bpf_probe_read_kernel(&in, sizeof(in), ki)) {
		bmcw_stat_inc(&usb_stats, USB_STAT_READ_FAIL);
		return 0;
	}
	k.busnum = in.busnum;
	k.devnum = in.devnum;
	k.vendor = in.vendor;
	k.product = in.product;
	k.session = !!(in.flags & BMCW_USB_F_SESSION);
	count(&k, USB_INPUT_REPORTS, 1);
	count(&k, USB_INPUT_KEYS_DOWN, in.keys);
	count(&k, USB_INPUT_MOVES, in.moves);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
