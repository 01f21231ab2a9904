// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI monitor, the state machines in ipmi_si (KCS, and BT whose ops have
 * the same shape): start_transaction(sm, data, size) gives every request
 * byte, including the ones ipmi_si issues itself (Get/Clear Message Flags,
 * Get/Set BMC Global Enables, Get Message, Read Event Message Buffer);
 * get_result(sm, data, len) every response byte; the KCS command register
 * write of GET_STATUS/ABORT shows error recovery. KCS and BT share the code
 * below, told apart by the interface each probe stands for; only the
 * error-recovery probe is KCS's alone.
 *
 * The event() step function is not probed: it runs for every byte, and a
 * return probe there was most of bmcwatch's cost per transaction. What its
 * result told is seen elsewhere, at a cost per transaction: ipmi_si answers
 * SMS_ATN seen while idle, and only that, by starting its own Get Message
 * Flags (the driver's "attentions" statistic counts exactly those), and a
 * "hosed" state machine abandons the transaction it carried: no
 * get_result() follows its start, the message comes back to the message
 * layer with an answer ipmi_si made up (ipmi_msg.c), or the next start
 * comes first.
 *
 * A result probe that missed a call (its miss count is in the hook table)
 * or is absent looks the same from here, and must not read as a BMC that
 * stopped answering: KCS gives up only after error recovery, which writes
 * GET_STATUS/ABORT (seen below), and ipmi_si's made-up answer has one
 * shape. Without either, the transaction counts as unanswered, not hosed.
 * BT's error recovery is not seen: a BT state machine that gives up on
 * ipmi_si's own request (no message layer answer follows) is counted as
 * unanswered too.
 *
 * ipmi_si's private structs are treated as opaque pointers: a state
 * machine is known by its address only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipmi_smi.h>
#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include "health.h"
#include "ipmi.h"

/* IPMI 2.0 table 9-3: KCS control code GET_STATUS/ABORT */
#define KCS_CMD_GET_STATUS_ABORT	0x60
#define KCS_CMD_REG			1	/* si_sm_io offset of cmd/status */
/* what ipmi_si sends, from its own stack, when it sees SMS_ATN */
#define IPMI_NETFN_APP_RQ_LUN0		(IPMI_NETFN_APP_REQUEST << 2)
#define IPMI_CMD_GET_MSG_FLAGS		0x31

/* Both under bmcw_ipmi_lock. */
static struct ipmi_sm sms[IPMI_MAX_SM];
static bool saw_bt;

struct ipmi_sm *bmcw_ipmi_sm_get(const void *key, u8 iface)
{
	int i;

	lockdep_assert_held(&bmcw_ipmi_lock);
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (sms[i].key == key)
			return &sms[i];
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (!sms[i].key) {
			memset(&sms[i], 0, sizeof(sms[i]));
			sms[i].key = key;
			sms[i].iface = iface;
			if (iface == BMCW_IPMI_IF_BT)
				saw_bt = true;
			return &sms[i];
		}
	bmcw_loss_add(BMCW_LOSS_IPMI_SM_FULL, 1);
	return NULL;
}

/*
 * The transaction @sm carried ended without a result: the state machine
 * went "hosed" (or refused the start). Fills @e.
 */
static void sm_abandon(struct ipmi_sm *sm, struct bmcw_ipmi_event *e)
{
	lockdep_assert_held(&bmcw_ipmi_lock);
	e->kind = BMCW_IPMI_HOSED;
	e->iface = sm->iface;
	e->sm = sm - sms;
	e->origin = sm->origin;
	e->pid = sm->pid;
	e->tid = sm->tid;
	memcpy(e->comm, sm->comm, sizeof(e->comm));
	e->req_len = sm->req_len;
	memcpy(e->req, sm->req, sizeof(e->req));
	e->netfn = sm->req[0] >> 2;
	e->cmd = sm->req[1];
	e->dur_ns = ktime_get_ns() - sm->start_ns;
	sm->pending = false;
	sm->data = NULL;
	sm->hosed++;
}

/* KCS error recovery ran during the transaction @sm carries. */
static bool sm_recovered(const struct ipmi_sm *sm)
{
	return sm->iface == BMCW_IPMI_IF_KCS &&
	       sm->aborts != sm->aborts_at_start;
}

/* The transaction @sm carried ended and its result was not seen. */
static void sm_end_unseen(struct ipmi_sm *sm, bool gave_up,
			  struct bmcw_ipmi_event *hosed)
{
	if (gave_up) {
		sm_abandon(sm, hosed);
		return;
	}
	sm->pending = false;
	sm->data = NULL;
	sm->unanswered++;
}

void bmcw_ipmi_sm_end_msg(const void *data, bool made_up,
			  struct bmcw_ipmi_event *hosed)
{
	int i;

	lockdep_assert_held(&bmcw_ipmi_lock);
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (sms[i].key && sms[i].pending && sms[i].data == data) {
			sm_end_unseen(&sms[i], made_up || sm_recovered(&sms[i]),
				      hosed);
			return;
		}
}

/*
 * start_transaction(sm, data, size) of KCS and BT, and SSIF's
 * start_send(ssif_info, data, len): the same shape.
 */
static void xact_start(const void *key, u8 iface, const u8 *data,
		       unsigned int size)
{
	struct bmcw_ipmi_event hosed = { }, attn = { };
	struct ipmi_sm *sm;
	unsigned long flags;
	struct bmcw_ipmi_event e = { };
	bool known;

	if (!data)
		return;
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	sm = bmcw_ipmi_sm_get(key, iface);
	if (sm) {
		if (sm->pending)
			sm_end_unseen(sm, sm_recovered(sm), &hosed);
		known = bmcw_ipmi_msg_origin(data, &e);
		/*
		 * ipmi_si's own Get Message Flags: its answer to SMS_ATN. Not
		 * SSIF's: it polls the flags on a timer as well.
		 */
		if (!known && iface != BMCW_IPMI_IF_SSIF && size >= 2 &&
		    data[0] == IPMI_NETFN_APP_RQ_LUN0 &&
		    data[1] == IPMI_CMD_GET_MSG_FLAGS) {
			attn.kind = BMCW_IPMI_ATTN;
			attn.iface = iface;
			attn.origin = BMCW_IPMI_ORIG_BMC;
			attn.sm = sm - sms;
			sm->attns++;
		}
		sm->pending = true;
		sm->data = data;
		sm->last_data = data;
		sm->origin = e.origin;
		sm->pid = e.pid;
		sm->tid = e.tid;
		memcpy(sm->comm, e.comm, sizeof(sm->comm));
		sm->req_len = min_t(unsigned int, size, U16_MAX);
		memset(sm->req, 0, sizeof(sm->req));
		memcpy(sm->req, data, min_t(unsigned int, size, BMCW_IPMI_DATA));
		sm->start_ns = ktime_get_ns();
		sm->aborts_at_start = sm->aborts;
		sm->multi = false;
		sm->rsp_len = 0;
	}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	if (hosed.kind)
		bmcw_ipmi_emit(&hosed);
	if (attn.kind)
		bmcw_ipmi_emit(&attn);
}

static int start_pre(struct pt_regs *regs, u8 iface)
{
	xact_start((void *)regs_get_kernel_argument(regs, 0), iface,
		   (void *)regs_get_kernel_argument(regs, 1),
		   regs_get_kernel_argument(regs, 2));
	return 0;
}

int bmcw_ipmi_kcs_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	return start_pre(regs, BMCW_IPMI_IF_KCS);
}

int bmcw_ipmi_bt_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	return start_pre(regs, BMCW_IPMI_IF_BT);
}

int bmcw_ipmi_ssif_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	return start_pre(regs, BMCW_IPMI_IF_SSIF);
}

int bmcw_ipmi_result_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct ipmi_result_data *d = (void *)ri->data;

	d->key = (void *)regs_get_kernel_argument(regs, 0);
	d->data = (void *)regs_get_kernel_argument(regs, 1);
	d->length = regs_get_kernel_argument(regs, 2);
	return 0;
}

void bmcw_ipmi_xact_end(const void *key, u8 iface, const u8 *data, int len)
{
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_XACT, .iface = iface };
	struct ipmi_sm *sm;
	unsigned long flags;
	u64 now = ktime_get_ns();

	if (!data || len < 0)
		return;
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	sm = bmcw_ipmi_sm_get(key, iface);
	if (sm) {
		e.sm = sm - sms;
		if (sm->pending) {
			e.origin = sm->origin;
			e.pid = sm->pid;
			e.tid = sm->tid;
			memcpy(e.comm, sm->comm, sizeof(e.comm));
			e.req_len = sm->req_len;
			memcpy(e.req, sm->req, sizeof(e.req));
			if (sm->req_len > BMCW_IPMI_DATA)
				e.flags |= BMCW_IPMI_F_TRUNC;
			e.dur_ns = now - sm->start_ns;
		} else {
			e.flags |= BMCW_IPMI_F_NO_REQ;
		}
		if (e.req_len >= 2) {
			e.netfn = e.req[0] >> 2;
			e.cmd = e.req[1];
		}
		sm->pending = false;
		sm->data = NULL;
		sm->xacts++;
		sm->last_netfn = e.netfn;
		sm->last_cmd = e.cmd;
		sm->last_cc = len >= 3 ? data[2] : 0;
	}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	e.rsp_len = len;
	if (len >= 2) {
		e.rsp_netfn = data[0] >> 2;
		e.rsp_cmd = data[1];
	}
	if (len >= 3)
		e.cc = data[2];
	bmcw_ipmi_copy_bytes(e.rsp, data, len, &e.flags);
	bmcw_ipmi_emit(&e);
}

/* get_result(sm, data, length) returns how many bytes it wrote to data. */
static void result_ret(struct kretprobe_instance *ri, struct pt_regs *regs,
		       u8 iface)
{
	struct ipmi_result_data *d = (void *)ri->data;
	int len = (int)regs_return_value(regs);

	if (len >= 0)
		len = min_t(unsigned int, len, d->length);
	bmcw_ipmi_xact_end(d->key, iface, d->data, len);
}

int bmcw_ipmi_kcs_result_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	result_ret(ri, regs, BMCW_IPMI_IF_KCS);
	return 0;
}

int bmcw_ipmi_bt_result_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	result_ret(ri, regs, BMCW_IPMI_IF_BT);
	return 0;
}

/*
 * port_outb/intf_mem_outb(io, offset, b): only KCS writes the control code
 * GET_STATUS/ABORT to its command register, and only in error recovery. A
 * BT interface's register 1 carries data, so this is off once BT is seen.
 */
int bmcw_ipmi_outb_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int offset = regs_get_kernel_argument(regs, 1);
	u8 b = regs_get_kernel_argument(regs, 2);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_ABORT,
				     .iface = BMCW_IPMI_IF_KCS, .sm = 0xff };
	struct ipmi_sm *kcs = NULL;
	unsigned long flags;
	int i, n = 0;

	if (offset != KCS_CMD_REG || b != KCS_CMD_GET_STATUS_ABORT ||
	    READ_ONCE(saw_bt))
		return 0;
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	/* the one KCS interface's (an SSIF one beside it writes no port) */
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (sms[i].key && sms[i].iface == BMCW_IPMI_IF_KCS) {
			kcs = &sms[i];
			n++;
		}
	if (n == 1) {
		e.sm = kcs - sms;
		e.origin = kcs->origin;
		e.netfn = kcs->req[0] >> 2;
		e.cmd = kcs->req[1];
		kcs->aborts++;
	}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	bmcw_ipmi_emit(&e);
	return 0;
}

void bmcw_ipmi_sm_carried(const void *data, struct bmcw_ipmi_event *e)
{
	int i;

	lockdep_assert_held(&bmcw_ipmi_lock);
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (sms[i].key && sms[i].last_data == data) {
			e->iface = sms[i].iface;
			e->sm = i;
			return;
		}
}

void bmcw_ipmi_sm_of_driver(bool ssif, struct bmcw_ipmi_event *e)
{
	int i, n = 0, found = 0;

	lockdep_assert_held(&bmcw_ipmi_lock);
	for (i = 0; i < IPMI_MAX_SM; i++) {
		bool ssif_sm = sms[i].iface == BMCW_IPMI_IF_SSIF;

		if (sms[i].key && ssif_sm == ssif) {
			found = i;
			n++;
		}
	}
	if (n == 1) {
		e->iface = sms[found].iface;
		e->sm = found;
	} else if (ssif) {
		e->iface = BMCW_IPMI_IF_SSIF;
	}
}

/* A driver that goes takes its state machines with it. */
void bmcw_ipmi_sm_forget(const struct module *mod)
{
	bool si = !strcmp(mod->name, IPMI_SI_MOD);
	int i;

	lockdep_assert_held(&bmcw_ipmi_lock);
	if (!si && strcmp(mod->name, IPMI_SSIF_MOD))
		return;
	for (i = 0; i < IPMI_MAX_SM; i++) {
		bool ssif_sm = sms[i].iface == BMCW_IPMI_IF_SSIF;

		if (sms[i].key && ssif_sm != si)
			memset(&sms[i], 0, sizeof(sms[i]));
	}
	if (si)
		saw_bt = false;
}

void bmcw_ipmi_sm_copy(struct ipmi_sm copy[IPMI_MAX_SM])
{
	unsigned long flags;

	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	memcpy(copy, sms, sizeof(sms));
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
}
