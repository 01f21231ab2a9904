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
 * Routine kernel traffic (sensor polling by the kernel, retries) is only
 * counted. Every failure to count or to send is itself counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "ipmi.h"

/* Set by the loader: send every observation (debugging, tests). */
const volatile bool send_all;

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

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&ipmi_stats, &idx);

	if (v)
		(*v)++;
}

static __always_inline void count_key(struct bmcw_ipmi_key *key)
{
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&ipmi_counts, key);
	if (v) {
		(*v)++;
		return;
	}
	if (!bpf_map_update_elem(&ipmi_counts, key, &one, BPF_NOEXIST))
		return;
	/* Another CPU created the key meanwhile, or the map is full. */
	v = bpf_map_lookup_elem(&ipmi_counts, key);
	if (v)
		(*v)++;
	else
		stat_inc(IPMI_STAT_MAP_FULL);
}

/*
 * A transaction counts twice: its request (dir 0, cc 0) and its response
 * (dir 1, with the completion code), under the request's netfn/cmd.
 */
static __always_inline void count(const struct bmcw_ipmi_event *e)
{
	struct bmcw_ipmi_key key = {
		.netfn = e->netfn, .cmd = e->cmd, .origin = e->origin,
		.kind = e->kind,
	};

	if (e->kind == BMCW_IPMI_XACT || e->kind == BMCW_IPMI_MSG_REQ)
		count_key(&key);
	if (e->kind == BMCW_IPMI_XACT || e->kind == BMCW_IPMI_MSG_RSP) {
		key.dir = 1;
		key.cc = e->cc;
		count_key(&key);
	}
	if (e->kind != BMCW_IPMI_XACT && e->kind != BMCW_IPMI_MSG_REQ &&
	    e->kind != BMCW_IPMI_MSG_RSP)
		count_key(&key);
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

static __always_inline bool worth_sending(const struct bmcw_ipmi_event *e)
{
	if (recovering(e->kind) || send_all)
		return true;
	switch (e->kind) {
	case BMCW_IPMI_XACT:
		break;
	case BMCW_IPMI_MSG_REQ:
		/* requests by processes: sensitive commands, with pid */
		return e->origin == BMCW_IPMI_ORIG_USER;
	case BMCW_IPMI_MSG_RSP:
		/* the message layer's view of a response: mismatches only */
		return e->rsp_len >= 2 &&
		       (e->rsp_netfn != (e->netfn | 1) || e->rsp_cmd != e->cmd);
	default:
		return true;	/* attention, hosed, abort, pretimeout, NMI */
	}
	if (e->origin == BMCW_IPMI_ORIG_USER)
		return true;
	if (e->flags & BMCW_IPMI_F_NO_REQ)
		return true;
	if (e->rsp_len < 3 || e->rsp_len > 272)
		return true;
	if (e->rsp_netfn != (e->netfn | 1) || e->rsp_cmd != e->cmd)
		return true;
	if (e->cc == IPMI_CC_INIT_IN_PROGRESS)
		return true;
	if (e->netfn == IPMI_NETFN_APP && app_of_interest(e->cmd))
		return true;
	return false;
}

SEC("raw_tp/bmcwatch_ipmi")
int BPF_PROG(on_ipmi, const struct bmcw_ipmi_event *ke)
{
	struct bmcw_ipmi_event e;
	struct bmcw_rec_hdr *h;

	stat_inc(IPMI_STAT_SEEN);
	if (bpf_probe_read_kernel(&e, sizeof(e), ke)) {
		stat_inc(IPMI_STAT_READ_FAIL);
		return 0;
	}
	count(&e);
	if (e.kind == BMCW_IPMI_ATTN)
		stat_inc(IPMI_STAT_ATTN);
	if (!worth_sending(&e))
		return 0;
	h = bpf_ringbuf_reserve(&ipmi_events, sizeof(*h) + sizeof(e), 0);
	if (!h) {
		stat_inc(IPMI_STAT_RB_FULL);
		return 0;
	}
	h->type = BMCW_REC_IPMI;
	h->len = sizeof(e);
	__builtin_memcpy(h + 1, &e, sizeof(e));
	bpf_ringbuf_submit(h, 0);
	stat_inc(IPMI_STAT_RB_SENT);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
