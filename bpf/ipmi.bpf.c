// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the IPMI monitor: count every observation of the system
 * interface per (netfn, cmd, cc, direction, origin class, kind) in a
 * per-CPU hash, and send to userspace the ones the rules need: everything
 * a process asked for, everything the BMC did on its own (attention,
 * deliveries, pretimeouts, NMIs), errors, responses that do not match
 * their request, identity answers, and the App commands that explain
 * attention (watchdog, send message, message flags), and what shows a BMC
 * reset (global enables read back and set, "initialisation in progress",
 * the first transaction after a KCS error).
 * Routine traffic is only counted: a process's request goes up only when
 * it is a command the policy may call sensitive (ipmi_sensitive_cmds, set
 * by the loader) or the first of its kind (its counter was just created),
 * and an identity answer only when it differs from the last one sent.
 * A busy management agent polling the BMC then costs no ring buffer
 * record and no daemon wake-up per message.
 * Every failure to count or to send is itself counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "ipmi.h"
#include "bmcw.bpf.h"

/* Set by the loader: send every observation (debugging, tests). */
const volatile bool send_all;

/*
 * Requests a process must not send unseen: bit cmd of entry netfn/2 set by
 * the loader for every command the policy may call sensitive.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMI_NETFNS);
	__type(key, __u32);
	__type(value, struct ipmi_cmd_bits);
} ipmi_sensitive_cmds SEC(".maps");

/* The identity answers last sent (Get Device ID, Device GUID, System GUID). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IPMI_ID_SLOTS);
	__type(key, __u32);
	__type(value, struct ipmi_id_seen);
} ipmi_identity SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, IPMI_MAX_KEYS);
	__type(key, struct bmcw_ipmi_key);
	__type(value, __u64);
} ipmi_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPMI_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} ipmi_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, IPMI_RINGBUF_BYTES);
} ipmi_events SEC(".maps");

/*
 * Set by a hosed/abort event, cleared by the next transaction, which is
 * sent whatever it is: the rules see the interface recover. A plain array
 * entry, not per-CPU: the error and the recovery run on any CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ipmi_recovering SEC(".maps");

/* Returns true when this observation created its counter: a first. */
static __always_inline bool count_key(struct bmcw_ipmi_key *key, __u64 n)
{
	return bmcw_count(&ipmi_counts, key, n, &ipmi_stats, IPMI_STAT_MAP_FULL);
}

/*
 * A transaction counts twice: its request (dir 0, cc 0) and its response
 * (dir 1, with the completion code), under the request's netfn/cmd.
 */
static __always_inline bool count(const struct bmcw_ipmi_event *e)
{
	struct bmcw_ipmi_key key = {
		.netfn = e->netfn, .cmd = e->cmd, .origin = e->origin,
		.kind = e->kind,
	};
	/* one UNKNOWN_NMI event stands for e->count NMIs (ABI 1.2) */
	__u64 n = e->kind == BMCW_IPMI_UNKNOWN_NMI && e->count ? e->count : 1;
	bool first = false;

	if (e->kind == BMCW_IPMI_XACT || e->kind == BMCW_IPMI_MSG_REQ)
		first |= count_key(&key, 1);
	if (e->kind == BMCW_IPMI_XACT || e->kind == BMCW_IPMI_MSG_RSP) {
		key.dir = 1;
		key.cc = e->cc;
		first |= count_key(&key, 1);
	}
	if (e->kind != BMCW_IPMI_XACT && e->kind != BMCW_IPMI_MSG_REQ &&
	    e->kind != BMCW_IPMI_MSG_RSP)
		first |= count_key(&key, n);
	return first;
}

static __always_inline bool maybe_sensitive(const struct bmcw_ipmi_event *e)
{
	__u32 idx = (e->netfn >> 1) & (IPMI_NETFNS - 1);
	struct ipmi_cmd_bits *b = bpf_map_lookup_elem(&ipmi_sensitive_cmds, &idx);

	return !b || (b->bits[(e->cmd >> 6) & 3] >> (e->cmd & 63)) & 1;
}

/*
 * An identity answer (cc 0) that differs from the last one sent: records
 * it and says so. Racing CPUs can at worst both send the same change.
 */
static __always_inline bool identity_changed(const struct bmcw_ipmi_event *e)
{
	struct ipmi_id_seen *seen;
	const __u64 *now = (const __u64 *)e->rsp;
	bool differ = false;
	__u32 slot;
	int i;

	switch (e->cmd) {
	case IPMI_CMD_GET_DEVICE_ID:
		slot = 0;
		break;
	case IPMI_CMD_GET_DEVICE_GUID:
		slot = 1;
		break;
	default:
		slot = 2;
		break;
	}
	seen = bpf_map_lookup_elem(&ipmi_identity, &slot);
	if (!seen)
		return true;
	if (!seen->valid || seen->len != e->rsp_len)
		differ = true;
	for (i = 0; i < BMCW_IPMI_DATA / 8; i++)
		if (seen->rsp[i] != now[i])
			differ = true;
	if (!differ)
		return false;
	for (i = 0; i < BMCW_IPMI_DATA / 8; i++)
		seen->rsp[i] = now[i];
	seen->len = e->rsp_len;
	seen->valid = 1;
	return true;
}

static __always_inline bool app_of_interest(__u8 cmd)
{
	switch (cmd) {
	case IPMI_CMD_GET_DEVICE_ID:
	case IPMI_CMD_GET_DEVICE_GUID:
	case IPMI_CMD_SET_WATCHDOG:
	case IPMI_CMD_GET_MSG_FLAGS:
	case IPMI_CMD_GET_MSG:
	case IPMI_CMD_SEND_MSG:
	case IPMI_CMD_READ_EVENT:
	case IPMI_CMD_GET_SYSTEM_GUID:
	case IPMI_CMD_SET_GLOBAL_ENABLES:
	case IPMI_CMD_GET_GLOBAL_ENABLES:
		return true;
	default:
		return false;
	}
}

static __always_inline bool recovering(__u32 kind)
{
	__u32 zero = 0, *r = bpf_map_lookup_elem(&ipmi_recovering, &zero);

	if (!r)
		return false;
	if (kind == BMCW_IPMI_HOSED || kind == BMCW_IPMI_ABORT) {
		*r = 1;
		return false;
	}
	if (kind != BMCW_IPMI_XACT || !*r)
		return false;
	*r = 0;
	return true;
}

static __always_inline bool worth_sending(const struct bmcw_ipmi_event *e,
					  bool first)
{
	if (recovering(e->kind) || send_all || first)
		return true;
	switch (e->kind) {
	case BMCW_IPMI_XACT:
		break;
	case BMCW_IPMI_MSG_REQ:
		/* requests by processes that may be sensitive, with the pid */
		return e->origin == BMCW_IPMI_ORIG_USER && maybe_sensitive(e);
	case BMCW_IPMI_MSG_RSP:
		/* the message layer's view of a response: mismatches only */
		return e->rsp_len >= 2 &&
		       (e->rsp_netfn != (e->netfn | 1) || e->rsp_cmd != e->cmd);
	default:
		return true;	/* attention, hosed, abort, pretimeout, NMI */
	}
	if (e->flags & BMCW_IPMI_F_NO_REQ)
		return true;
	if (e->rsp_len < 3 || e->rsp_len > 272)
		return true;
	if (e->rsp_netfn != (e->netfn | 1) || e->rsp_cmd != e->cmd)
		return true;
	if (e->cc == IPMI_CC_INIT_IN_PROGRESS)
		return true;
	if (e->netfn != IPMI_NETFN_APP || !app_of_interest(e->cmd))
		return false;
	if (e->cmd == IPMI_CMD_GET_DEVICE_ID ||
	    e->cmd == IPMI_CMD_GET_DEVICE_GUID ||
	    e->cmd == IPMI_CMD_GET_SYSTEM_GUID)
		return e->cc || identity_changed(e);
	return true;
}

SEC("raw_tp/bmcwatch_ipmi")
int BPF_PROG(on_ipmi, const struct bmcw_ipmi_event *ke)
{
	struct bmcw_ipmi_event e;
	struct bmcw_rec_hdr *h;
	bool first;

	bmcw_stat_inc(&ipmi_stats, IPMI_STAT_SEEN);
	if (bpf_probe_read_kernel(&e, sizeof(e), ke)) {
		bmcw_stat_inc(&ipmi_stats, IPMI_STAT_READ_FAIL);
		return 0;
	}
	first = count(&e);
	if (e.kind == BMCW_IPMI_ATTN)
		bmcw_stat_inc(&ipmi_stats, IPMI_STAT_ATTN);
	if (!worth_sending(&e, first))
		return 0;
	h = bpf_ringbuf_reserve(&ipmi_events, sizeof(*h) + sizeof(e), 0);
	if (!h) {
		bmcw_stat_inc(&ipmi_stats, IPMI_STAT_RB_FULL);
		return 0;
	}
	h->type = BMCW_REC_IPMI;
	h->len = sizeof(e);
	/* the module stamps it; a record without a time gets the send's */
	if (!e.ts_ns)
		e.ts_ns = bpf_ktime_get_ns();
	__builtin_memcpy(h + 1, &e, sizeof(e));
	bpf_ringbuf_submit(h, 0);
	bmcw_stat_inc(&ipmi_stats, IPMI_STAT_RB_SENT);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
