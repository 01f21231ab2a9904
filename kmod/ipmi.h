/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPMI monitor's files, and what they share (see ipmi_hook.c for how
 * the monitor sees the IPMI drivers):
 *   ipmi_hook.c        the probe table, the NMI handler's placement, load
 *                      and unload, and forgetting a module that leaves
 *   ipmi_msg.c         the message layer: who sent a request (origin), the
 *                      messages the interface is handed and what comes back
 *   ipmi_sm.c          the KCS and BT state machines: every request and
 *                      response byte, attentions, hosed transactions, KCS
 *                      error recovery
 *   ipmi_ssif.c        the SSIF interface (IPMI over SMBus): its requests
 *                      and its responses, reassembled from their parts,
 *                      through the transactions of ipmi_sm.c
 *   ipmi_nmi.c         NMIs that no handler claims
 *   ipmi_transcript.c  the event sink: tracepoint, transcript ring, and the
 *                      debugfs tables ipmi_transcript and ipmi_state
 * The message layer and the state machines meet where a message becomes a
 * transaction: the smi_msg's data pointer is the state machine's request
 * buffer. They share one lock for that.
 */
#ifndef _BMCW_IPMI_H
#define _BMCW_IPMI_H

#include <linux/kprobes.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <uapi/linux/bmcwatch.h>

struct dentry;
struct module;

#define IPMI_MSGHANDLER_MOD	"ipmi_msghandler"
#define IPMI_SI_MOD		"ipmi_si"
#define IPMI_SSIF_MOD		"ipmi_ssif"

#define IPMI_MAX_SM		4

/* The state machines (ipmi_sm.c) and the message layer's tables. */
extern raw_spinlock_t bmcw_ipmi_lock;

/* State of one state machine (one interface), keyed by its opaque pointer. */
struct ipmi_sm {
	const void *key;
	const void *data;	/* the pending request's buffer */
	const void *last_data;	/* the last request's, kept after it ended */
	u8 iface;
	bool pending;
	u8 origin;
	u16 req_len;
	u32 pid, tid;
	u64 start_ns;
	char comm[BMCW_COMM_LEN];
	u8 req[BMCW_IPMI_DATA];
	u64 aborts_at_start;	/* @aborts when the pending one started */
	/* statistics for debugfs */
	u64 xacts, attns, hosed, aborts;
	u64 unanswered;		/* ended with no result seen, not hosed */
	u8 last_netfn, last_cmd, last_cc;
	/* SSIF only: the response being read in parts (ipmi_ssif.c) */
	bool multi;
	u16 rsp_len;
	u8 rsp[BMCW_IPMI_DATA];
};

/* Copy up to BMCW_IPMI_DATA bytes of a request or response into an event. */
static inline void bmcw_ipmi_copy_bytes(u8 *dst, const u8 *src, int len,
					u8 *eflags)
{
	if (len <= 0)
		return;
	if (len > BMCW_IPMI_DATA) {
		len = BMCW_IPMI_DATA;
		*eflags |= BMCW_IPMI_F_TRUNC;
	}
	memcpy(dst, src, len);
}

/* ipmi_transcript.c */
void bmcw_ipmi_emit(struct bmcw_ipmi_event *e);
/* The tables ipmi_transcript and ipmi_state in @dir, if any. */
void bmcw_ipmi_debugfs_init(struct dentry *dir);
void bmcw_ipmi_debugfs_exit(void);

/* ipmi_msg.c: probe handlers */
int bmcw_ipmi_req_entry(struct kretprobe_instance *ri, struct pt_regs *regs);
int bmcw_ipmi_req_return(struct kretprobe_instance *ri, struct pt_regs *regs);
int bmcw_ipmi_sender_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_ssif_sender_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_msg_received_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_pretimeout_pre(struct kprobe *p, struct pt_regs *regs);
/*
 * Under bmcw_ipmi_lock: give @e the origin of the message whose data is
 * @data (ipmi_si's own if none); whether the message layer knew it.
 */
bool bmcw_ipmi_msg_origin(const void *data, struct bmcw_ipmi_event *e);
/* Under bmcw_ipmi_lock: @mod is going; forget what pointed into it. */
void bmcw_ipmi_msg_forget(const struct module *mod);

/* ipmi_sm.c: probe handlers */
struct ipmi_result_data {
	const void *key;
	const u8 *data;
	unsigned int length;
};

int bmcw_ipmi_kcs_start_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_bt_start_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_ssif_start_pre(struct kprobe *p, struct pt_regs *regs);
int bmcw_ipmi_result_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs);
int bmcw_ipmi_kcs_result_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs);
int bmcw_ipmi_bt_result_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs);
int bmcw_ipmi_outb_pre(struct kprobe *p, struct pt_regs *regs);
/*
 * For other interfaces' probes (ipmi_ssif.c): a transaction of the state
 * machine @key ends with response @data (@len bytes).
 */
void bmcw_ipmi_xact_end(const void *key, u8 iface, const u8 *data, int len);
/*
 * Under bmcw_ipmi_lock: the state machine @key of @iface, created on first
 * sight; NULL when the table is full (counted as a loss).
 */
struct ipmi_sm *bmcw_ipmi_sm_get(const void *key, u8 iface);

/* ipmi_ssif.c: probe handlers */
int bmcw_ipmi_ssif_done_pre(struct kprobe *p, struct pt_regs *regs);
/*
 * Under bmcw_ipmi_lock: the message whose request is @data is back at the
 * message layer. If a state machine still carries it, its result was not
 * seen: end it, and if it was given up (@made_up: ipmi_si wrote the answer
 * itself) fill @hosed.
 */
void bmcw_ipmi_sm_end_msg(const void *data, bool made_up,
			  struct bmcw_ipmi_event *hosed);
/* Under bmcw_ipmi_lock: @mod is going; forget what pointed into it. */
void bmcw_ipmi_sm_forget(const struct module *mod);
/*
 * Under bmcw_ipmi_lock: name in @e the interface (iface, sm) whose last
 * transaction carried the request @data, if one did.
 */
void bmcw_ipmi_sm_carried(const void *data, struct bmcw_ipmi_event *e);
/*
 * Under bmcw_ipmi_lock: name in @e the interface a message handed to
 * ipmi_ssif (@ssif) or ipmi_si will go through: the driver's one state
 * machine, or SSIF without one; left as it is when ipmi_si has several.
 */
void bmcw_ipmi_sm_of_driver(bool ssif, struct bmcw_ipmi_event *e);
/* A consistent copy of every state machine, for debugfs. */
void bmcw_ipmi_sm_copy(struct ipmi_sm copy[IPMI_MAX_SM]);

/* ipmi_nmi.c */
int bmcw_ipmi_nmi_init(void);
void bmcw_ipmi_nmi_exit(void);
s64 bmcw_ipmi_nmis_seen(void);

#endif /* _BMCW_IPMI_H */
