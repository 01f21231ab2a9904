// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI system interface monitor. The IPMI drivers have no tracepoints, so
 * bmcwatch probes them at two layers, found by symbol when their module
 * comes (they may load before or after bmcwatch):
 *
 *  - the state machine in ipmi_si (KCS, and BT whose ops have the same
 *    shape): start_transaction(sm, data, size) gives every request byte,
 *    including the ones ipmi_si issues itself (Get/Clear Message Flags,
 *    Get/Set BMC Global Enables, Get Message, Read Event Message Buffer);
 *    get_result(sm, data, len) every response byte; the KCS command
 *    register write of GET_STATUS/ABORT shows error recovery.
 *    The event() step function is not probed: it runs for every byte, and
 *    a return probe there was most of bmcwatch's cost per transaction.
 *    What its result told is seen elsewhere, at a cost per transaction:
 *    ipmi_si answers SMS_ATN seen while idle, and only that, by starting
 *    its own Get Message Flags (the driver's "attentions" statistic counts
 *    exactly those), and a "hosed" state machine abandons the transaction
 *    it carried: no get_result() follows its start, the message comes back
 *    to the message layer unanswered, or the next start comes first.
 *  - the message layer: ipmi_si's sender() for each message the layer
 *    hands the interface, with its origin (not ipmi_msghandler's
 *    smi_send(), which the compiler inlines into one of its four callers:
 *    a probe there misses what that caller sends; sender() is reached
 *    only through the interface's handler table), and in ipmi_msghandler
 *    ipmi_smi_msg_received() for each response or asynchronous delivery
 *    and ipmi_smi_watchdog_pretimeout().
 *
 * Only function arguments, return values and struct ipmi_smi_msg (from
 * <linux/ipmi_smi.h>, shipped in linux-headers) are read; ipmi_si's private
 * structs are treated as opaque pointers.
 *
 * Origin: ipmi_request_settime()/ipmi_request_supply_msgs() are the only
 * ways users send; the module their caller lives in (ipmi_devintf for
 * /dev/ipmiN, ipmi_watchdog, ipmi_poweroff, acpi_ipmi) names the origin,
 * and the task is remembered until sender() runs in the same call. The
 * smi_msg's data pointer then ties the request to the state machine
 * transaction that carries it. Anything else is ipmi_msghandler's own
 * traffic, or ipmi_si's internal traffic at the state machine.
 *
 * Hooks are placed by the module's one installer (hook.c), which reports
 * each one; none of them fails the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ipmi_smi.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nmi.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <asm/nmi.h>
#include "bmcwatch.h"
#include "hook.h"

#define CREATE_TRACE_POINTS
#include "ipmi_trace.h"

/*
 * enum si_sm_result in drivers/char/ipmi/ipmi_si_sm.h (not in
 * linux-headers); its order has not changed since it was introduced.
 */
/* IPMI 2.0 table 9-3: KCS control code GET_STATUS/ABORT */
#define KCS_CMD_GET_STATUS_ABORT	0x60
#define KCS_CMD_REG			1	/* si_sm_io offset of cmd/status */
/* what ipmi_si sends, from its own stack, when it sees SMS_ATN */
#define IPMI_NETFN_APP_RQ_LUN0		(IPMI_NETFN_APP_REQUEST << 2)
#define IPMI_CMD_GET_MSG_FLAGS		0x31

#define IPMI_MAX_SM		4
#define IPMI_ORIGIN_SLOTS	16
#define IPMI_MSG_SLOTS		64
#define IPMI_CALLER_CACHE	8
#define IPMI_TRANSCRIPT		64

/* State of one state machine (one interface), keyed by its opaque pointer. */
struct ipmi_sm {
	const void *key;
	const void *data;	/* the pending request's buffer */
	u8 iface;
	bool pending;
	u8 origin;
	u16 req_len;
	u32 pid, tid;
	u64 start_ns;
	char comm[BMCW_COMM_LEN];
	u8 req[BMCW_IPMI_DATA];
	/* statistics for debugfs */
	u64 xacts, attns, hosed, aborts;
	u8 last_netfn, last_cmd, last_cc;
};

struct origin_slot {
	struct task_struct *task;
	u8 origin;
};

struct msg_slot {
	const void *data;	/* &smi_msg->data[0] */
	u64 ts_ns;
	u8 origin;
	u32 pid, tid;
	char comm[BMCW_COMM_LEN];
};

struct caller_slot {
	unsigned long addr;
	u8 origin;
};

static DEFINE_RAW_SPINLOCK(ipmi_lock);	/* sms, origins, msgs, callers */
static struct ipmi_sm sms[IPMI_MAX_SM];
static struct origin_slot origins[IPMI_ORIGIN_SLOTS];
static struct msg_slot msgs[IPMI_MSG_SLOTS];
static unsigned int msg_next;
static struct caller_slot callers[IPMI_CALLER_CACHE];
static unsigned int caller_next;
static bool saw_bt;

static DEFINE_RAW_SPINLOCK(transcript_lock);
static struct bmcw_ipmi_event transcript[IPMI_TRANSCRIPT];
static unsigned int transcript_head, transcript_len;

static DEFINE_PER_CPU(unsigned int, nmi_unclaimed);
static DEFINE_PER_CPU(struct irq_work, nmi_work);
static bool nmi_registered;
static atomic64_t nmi_seen;

static struct dentry *ipmi_dentries[2];

static void emit(struct bmcw_ipmi_event *e)
{
	unsigned long flags;

	e->ts_ns = ktime_get_ns();
	e->cpu = raw_smp_processor_id();
	trace_bmcwatch_ipmi(e);
	if (e->kind == BMCW_IPMI_MSG_REQ || e->kind == BMCW_IPMI_MSG_RSP)
		return;		/* the transcript keeps the wire view */
	raw_spin_lock_irqsave(&transcript_lock, flags);
	transcript[transcript_head] = *e;
	transcript_head = (transcript_head + 1) % IPMI_TRANSCRIPT;
	if (transcript_len < IPMI_TRANSCRIPT)
		transcript_len++;
	raw_spin_unlock_irqrestore(&transcript_lock, flags);
}

static void set_task(struct bmcw_ipmi_event *e)
{
	if (current->flags & PF_KTHREAD)
		return;
	e->pid = task_tgid_nr(current);
	e->tid = task_pid_nr(current);
	/*
	 * Not get_task_comm(): it takes task_lock, a sleeping lock on
	 * PREEMPT_RT, and this runs in a kprobe handler.
	 */
	memcpy(e->comm, current->comm, sizeof(e->comm));
	e->comm[sizeof(e->comm) - 1] = '\0';
}

/* Index of the state machine @key, created on first sight; under ipmi_lock. */
static struct ipmi_sm *sm_get(const void *key, u8 iface)
{
	int i;

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
 * The module holding @addr, by name. sprint_symbol() is slow, so the
 * answers for the few call sites that exist are cached; the cache is
 * emptied whenever a module goes away.
 */
static u8 classify_caller(unsigned long addr)
{
	static const struct {
		const char *mod;
		u8 origin;
	} known[] = {
		{ "[ipmi_devintf]", BMCW_IPMI_ORIG_USER },
		{ "[ipmi_watchdog]", BMCW_IPMI_ORIG_WATCHDOG },
		{ "[ipmi_poweroff]", BMCW_IPMI_ORIG_POWEROFF },
		{ "[acpi_ipmi]", BMCW_IPMI_ORIG_ACPI },
		{ "[ipmi_msghandler]", BMCW_IPMI_ORIG_MSGHANDLER },
	};
	char buf[KSYM_SYMBOL_LEN];
	unsigned long flags;
	u8 origin = BMCW_IPMI_ORIG_KERNEL;
	int i;

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	for (i = 0; i < IPMI_CALLER_CACHE; i++)
		if (callers[i].addr == addr) {
			origin = callers[i].origin;
			raw_spin_unlock_irqrestore(&ipmi_lock, flags);
			return origin;
		}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);

	sprint_symbol(buf, addr);
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (strstr(buf, known[i].mod))
			origin = known[i].origin;

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	callers[caller_next].addr = addr;
	callers[caller_next].origin = origin;
	caller_next = (caller_next + 1) % IPMI_CALLER_CACHE;
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	return origin;
}

/* ipmi_request_settime / ipmi_request_supply_msgs: entry and return. */
static int req_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long ret_addr = 0, flags;
	u8 origin;
	int i;

#ifdef CONFIG_X86_64
	/* At function entry the return address is on top of the stack. */
	ret_addr = *(unsigned long *)kernel_stack_pointer(regs);
#endif
	origin = ret_addr ? classify_caller(ret_addr) : BMCW_IPMI_ORIG_KERNEL;
	*(bool *)ri->data = false;
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	for (i = 0; i < IPMI_ORIGIN_SLOTS; i++)
		if (!origins[i].task) {
			origins[i].task = current;
			origins[i].origin = origin;
			*(bool *)ri->data = true;
			break;
		}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	if (!*(bool *)ri->data)
		bmcw_loss_add(BMCW_LOSS_IPMI_ORIGIN_FULL, 1);
	return 0;
}

static int req_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long flags;
	int i;

	if (!*(bool *)ri->data)
		return 0;
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	/* A task is in at most one request at a time: drop its entry. */
	for (i = IPMI_ORIGIN_SLOTS - 1; i >= 0; i--)
		if (origins[i].task == current) {
			origins[i].task = NULL;
			break;
		}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	return 0;
}

static void copy_bytes(u8 *dst, const u8 *src, int len, u8 *eflags)
{
	if (len <= 0)
		return;
	if (len > BMCW_IPMI_DATA) {
		len = BMCW_IPMI_DATA;
		*eflags |= BMCW_IPMI_F_TRUNC;
	}
	memcpy(dst, src, len);
}

/* ipmi_si's sender(send_info, smi_msg) */
static int sender_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct ipmi_smi_msg *msg = (void *)regs_get_kernel_argument(regs, 1);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_MSG_REQ,
				     .origin = BMCW_IPMI_ORIG_MSGHANDLER,
				     .iface = BMCW_IPMI_IF_NONE, .sm = 0xff };
	struct msg_slot *s = NULL;
	unsigned long flags;
	int i, len;

	if (!msg)
		return 0;
	len = clamp(msg->data_size, 0, IPMI_MAX_MSG_LENGTH);
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	for (i = IPMI_ORIGIN_SLOTS - 1; i >= 0; i--)
		if (origins[i].task == current) {
			e.origin = origins[i].origin;
			break;
		}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	if (e.origin != BMCW_IPMI_ORIG_MSGHANDLER)
		set_task(&e);
	e.req_len = len;
	if (len >= 2) {
		e.netfn = msg->data[0] >> 2;
		e.cmd = msg->data[1];
	}
	copy_bytes(e.req, msg->data, len, &e.flags);

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	for (i = 0; i < IPMI_MSG_SLOTS; i++)
		if (msgs[i].data == msg->data) {
			s = &msgs[i];
			break;
		}
	if (!s) {
		s = &msgs[msg_next];
		msg_next = (msg_next + 1) % IPMI_MSG_SLOTS;
		/* still waiting for its answer: that one loses its origin */
		if (s->data)
			bmcw_loss_add(BMCW_LOSS_IPMI_MSG_EVICTED, 1);
	}
	s->data = msg->data;
	s->ts_ns = ktime_get_ns();
	s->origin = e.origin;
	s->pid = e.pid;
	s->tid = e.tid;
	memcpy(s->comm, e.comm, sizeof(s->comm));
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);

	emit(&e);
	return 0;
}

/* The origin recorded for the smi_msg whose data is @data; under ipmi_lock. */
static struct msg_slot *msg_find(const void *data)
{
	int i;

	for (i = 0; i < IPMI_MSG_SLOTS; i++)
		if (msgs[i].data == data)
			return &msgs[i];
	return NULL;
}

static void take_origin(struct bmcw_ipmi_event *e, struct msg_slot *s)
{
	if (!s) {
		e->origin = BMCW_IPMI_ORIG_SI;
		return;
	}
	e->origin = s->origin;
	e->pid = s->pid;
	e->tid = s->tid;
	memcpy(e->comm, s->comm, sizeof(e->comm));
}

/*
 * The transaction @sm carried ended without a result: the state machine
 * went "hosed" (or refused the start). Fills @e; under ipmi_lock.
 */
static void sm_abandon(struct ipmi_sm *sm, struct bmcw_ipmi_event *e)
{
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

/* ipmi_smi_msg_received(intf, msg) */
static int msg_received_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct ipmi_smi_msg *msg = (void *)regs_get_kernel_argument(regs, 1);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_MSG_RSP,
				     .iface = BMCW_IPMI_IF_NONE, .sm = 0xff };
	struct bmcw_ipmi_event hosed = { };
	struct msg_slot *s;
	unsigned long flags;
	int i, len, rlen;

	if (!msg)
		return 0;
	len = clamp(msg->data_size, 0, IPMI_MAX_MSG_LENGTH);
	rlen = clamp(msg->rsp_size, 0, IPMI_MAX_MSG_LENGTH);
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	s = msg_find(msg->data);
	take_origin(&e, s);
	if (s)
		s->data = NULL;
	/*
	 * Back at the message layer while its transaction is still pending:
	 * ipmi_si gave up on it (hosed, or the start was refused) and made
	 * up the answer itself.
	 */
	for (i = 0; i < IPMI_MAX_SM; i++)
		if (sms[i].key && sms[i].pending && sms[i].data == msg->data) {
			sm_abandon(&sms[i], &hosed);
			break;
		}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	if (hosed.kind)
		emit(&hosed);
	e.req_len = len;
	e.rsp_len = msg->rsp_size;	/* as claimed, may be impossible */
	if (len >= 2) {
		e.netfn = msg->data[0] >> 2;
		e.cmd = msg->data[1];
	}
	if (rlen >= 2) {
		e.rsp_netfn = msg->rsp[0] >> 2;
		e.rsp_cmd = msg->rsp[1];
	}
	if (rlen >= 3)
		e.cc = msg->rsp[2];
	copy_bytes(e.req, msg->data, len, &e.flags);
	copy_bytes(e.rsp, msg->rsp, rlen, &e.flags);
	emit(&e);
	return 0;
}

static int pretimeout_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_PRETIMEOUT,
				     .origin = BMCW_IPMI_ORIG_BMC,
				     .iface = BMCW_IPMI_IF_NONE, .sm = 0xff };

	emit(&e);
	return 0;
}

/* start_transaction(sm, data, size): KCS and BT share the signature. */
static int start_common(struct pt_regs *regs, u8 iface)
{
	const void *key = (void *)regs_get_kernel_argument(regs, 0);
	const u8 *data = (void *)regs_get_kernel_argument(regs, 1);
	unsigned int size = regs_get_kernel_argument(regs, 2);
	struct bmcw_ipmi_event hosed = { }, attn = { };
	struct msg_slot *slot;
	struct ipmi_sm *sm;
	unsigned long flags;
	struct bmcw_ipmi_event e = { };

	if (!data)
		return 0;
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	sm = sm_get(key, iface);
	if (sm) {
		if (sm->pending)
			sm_abandon(sm, &hosed);
		slot = msg_find(data);
		take_origin(&e, slot);
		/* ipmi_si's own Get Message Flags: its answer to SMS_ATN */
		if (!slot && size >= 2 && data[0] == IPMI_NETFN_APP_RQ_LUN0 &&
		    data[1] == IPMI_CMD_GET_MSG_FLAGS) {
			attn.kind = BMCW_IPMI_ATTN;
			attn.iface = iface;
			attn.origin = BMCW_IPMI_ORIG_BMC;
			attn.sm = sm - sms;
			sm->attns++;
		}
		sm->pending = true;
		sm->data = data;
		sm->origin = e.origin;
		sm->pid = e.pid;
		sm->tid = e.tid;
		memcpy(sm->comm, e.comm, sizeof(sm->comm));
		sm->req_len = min_t(unsigned int, size, U16_MAX);
		memset(sm->req, 0, sizeof(sm->req));
		memcpy(sm->req, data, min_t(unsigned int, size, BMCW_IPMI_DATA));
		sm->start_ns = ktime_get_ns();
	}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	if (hosed.kind)
		emit(&hosed);
	if (attn.kind)
		emit(&attn);
	return 0;
}

static int kcs_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	return start_common(regs, BMCW_IPMI_IF_KCS);
}

static int bt_start_pre(struct kprobe *p, struct pt_regs *regs)
{
	return start_common(regs, BMCW_IPMI_IF_BT);
}

struct result_data {
	const void *key;
	const u8 *data;
	unsigned int length;
};

static int result_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct result_data *d = (void *)ri->data;

	d->key = (void *)regs_get_kernel_argument(regs, 0);
	d->data = (void *)regs_get_kernel_argument(regs, 1);
	d->length = regs_get_kernel_argument(regs, 2);
	return 0;
}

static int result_common(struct kretprobe_instance *ri, struct pt_regs *regs,
			 u8 iface)
{
	struct result_data *d = (void *)ri->data;
	int len = (int)regs_return_value(regs);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_XACT, .iface = iface };
	struct ipmi_sm *sm;
	unsigned long flags;
	u64 now = ktime_get_ns();

	if (!d->data || len < 0)
		return 0;
	len = min_t(unsigned int, len, d->length);
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	sm = sm_get(d->key, iface);
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
		sm->last_cc = len >= 3 ? d->data[2] : 0;
	}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	e.rsp_len = len;
	if (len >= 2) {
		e.rsp_netfn = d->data[0] >> 2;
		e.rsp_cmd = d->data[1];
	}
	if (len >= 3)
		e.cc = d->data[2];
	copy_bytes(e.rsp, d->data, len, &e.flags);
	emit(&e);
	return 0;
}

static int kcs_result_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return result_common(ri, regs, BMCW_IPMI_IF_KCS);
}

static int bt_result_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return result_common(ri, regs, BMCW_IPMI_IF_BT);
}

/*
 * port_outb/intf_mem_outb(io, offset, b): only KCS writes the control code
 * GET_STATUS/ABORT to its command register, and only in error recovery. A
 * BT interface's register 1 carries data, so this is off once BT is seen.
 */
static int outb_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int offset = regs_get_kernel_argument(regs, 1);
	u8 b = regs_get_kernel_argument(regs, 2);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_ABORT,
				     .iface = BMCW_IPMI_IF_KCS, .sm = 0xff };
	unsigned long flags;

	if (offset != KCS_CMD_REG || b != KCS_CMD_GET_STATUS_ABORT ||
	    READ_ONCE(saw_bt))
		return 0;
	raw_spin_lock_irqsave(&ipmi_lock, flags);
	if (sms[0].key && !sms[1].key) {
		e.sm = 0;
		e.origin = sms[0].origin;
		e.netfn = sms[0].req[0] >> 2;
		e.cmd = sms[0].req[1];
		sms[0].aborts++;
	}
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	emit(&e);
	return 0;
}

#define MSGHANDLER	"ipmi_msghandler"
#define SI		"ipmi_si"

static struct bmcw_hook hooks[] = {
	BMCW_KRETPROBE(MSGHANDLER, "ipmi_request_settime",
		       "which process sends IPMI requests", req_entry,
		       req_return, sizeof(bool)),
	BMCW_KRETPROBE(MSGHANDLER, "ipmi_request_supply_msgs",
		       "which kernel user sends IPMI requests", req_entry,
		       req_return, sizeof(bool)),
	BMCW_KPROBE(MSGHANDLER, "ipmi_smi_msg_received",
		    "IPMI answers and messages the BMC pushes", msg_received_pre),
	BMCW_KPROBE(MSGHANDLER, "ipmi_smi_watchdog_pretimeout",
		    "IPMI watchdog pretimeouts", pretimeout_pre),
	BMCW_KPROBE(SI, "sender", "IPMI requests to the interface",
		    sender_pre),
	BMCW_KPROBE(SI, "start_kcs_transaction",
		    "KCS requests, attention, hosed interface", kcs_start_pre),
	BMCW_KRETPROBE(SI, "get_kcs_result", "KCS answers", result_entry,
		       kcs_result_ret, sizeof(struct result_data)),
	BMCW_KPROBE(SI, "port_outb", "KCS error recovery (port I/O)",
		    outb_pre),
	BMCW_KPROBE(SI, "intf_mem_outb", "KCS error recovery (MMIO)",
		    outb_pre),
	BMCW_KPROBE(SI, "bt_start_transaction",
		    "BT requests, attention, hosed interface", bt_start_pre),
	BMCW_KRETPROBE(SI, "bt_get_result", "BT answers", result_entry,
		       bt_result_ret, sizeof(struct result_data)),
	/* placed here, reported by the installer */
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "nmi_unknown" },
	  .unseen = "NMIs no handler claims" },
};

#define NMI_HOOK	(&hooks[ARRAY_SIZE(hooks) - 1])

/* Return addresses and objects of a module that left mean nothing. */
static void ipmi_module_going(struct module *mod)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	memset(callers, 0, sizeof(callers));
	if (!strcmp(mod->name, SI)) {
		memset(sms, 0, sizeof(sms));
		saw_bt = false;
	}
	if (!strcmp(mod->name, MSGHANDLER))
		memset(msgs, 0, sizeof(msgs));
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
}

static struct bmcw_hook_set ipmi_hooks = {
	.monitor = BMCW_MON_IPMI,
	.name = "ipmi",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
	.module_going = ipmi_module_going,
};

/* NMI context: count, and let irq_work publish it. */
static int nmi_unknown(unsigned int type, struct pt_regs *regs)
{
	this_cpu_inc(nmi_unclaimed);
	irq_work_queue(this_cpu_ptr(&nmi_work));
	return NMI_DONE;	/* the kernel still reports it as usual */
}

/*
 * One event for all the NMIs counted since the last run on this CPU: an
 * NMI storm must not become an event storm, and none goes uncounted.
 */
static void nmi_publish(struct irq_work *w)
{
	unsigned int n = this_cpu_xchg(nmi_unclaimed, 0);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_UNKNOWN_NMI,
				     .iface = BMCW_IPMI_IF_NONE,
				     .origin = BMCW_IPMI_ORIG_BMC, .sm = 0xff };

	if (!n)
		return;
	e.count = n;
	atomic64_add(n, &nmi_seen);
	emit(&e);
}

static const char *netfn_name(u8 netfn)
{
	static const char * const names[] = {
		[0x00] = "chassis", [0x02] = "bridge", [0x04] = "sensor",
		[0x06] = "app", [0x08] = "firmware", [0x0a] = "storage",
		[0x0c] = "transport", [0x2c] = "group_ext",
		[0x2e] = "oem_group",
	};

	netfn &= ~1;
	if (netfn >= 0x30 && netfn <= 0x3e)
		return "oem";
	if (netfn < ARRAY_SIZE(names) && names[netfn])
		return names[netfn];
	return "netfn?";
}

static const char *cmd_name(u8 netfn, u8 cmd)
{
	static const struct {
		u8 netfn, cmd;
		const char *name;
	} names[] = {
		{ 0x00, 0x01, "get_chassis_status" },
		{ 0x00, 0x02, "chassis_control" },
		{ 0x00, 0x08, "set_boot_options" },
		{ 0x00, 0x09, "get_boot_options" },
		{ 0x04, 0x2d, "get_sensor_reading" },
		{ 0x06, 0x01, "get_device_id" },
		{ 0x06, 0x02, "cold_reset" },
		{ 0x06, 0x03, "warm_reset" },
		{ 0x06, 0x08, "get_device_guid" },
		{ 0x06, 0x22, "reset_watchdog" },
		{ 0x06, 0x24, "set_watchdog" },
		{ 0x06, 0x25, "get_watchdog" },
		{ 0x06, 0x2e, "set_global_enables" },
		{ 0x06, 0x2f, "get_global_enables" },
		{ 0x06, 0x30, "clear_msg_flags" },
		{ 0x06, 0x31, "get_msg_flags" },
		{ 0x06, 0x33, "get_message" },
		{ 0x06, 0x34, "send_message" },
		{ 0x06, 0x35, "read_event_buffer" },
		{ 0x06, 0x37, "get_system_guid" },
		{ 0x06, 0x47, "set_user_password" },
		{ 0x06, 0x52, "master_write_read" },
		{ 0x0a, 0x11, "read_fru_data" },
		{ 0x0a, 0x23, "get_sdr" },
		{ 0x0a, 0x40, "get_sel_info" },
		{ 0x0c, 0x01, "set_lan_config" },
		{ 0x0c, 0x02, "get_lan_config" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].netfn == (netfn & ~1) && names[i].cmd == cmd)
			return names[i].name;
	return "cmd?";
}

static const char *kind_name(u8 kind)
{
	static const char * const names[BMCW_IPMI_KIND_MAX] = {
		"xact", "attn", "hosed", "abort", "msg_req", "msg_rsp",
		"pretimeout", "unknown_nmi",
	};

	return kind < BMCW_IPMI_KIND_MAX ? names[kind] : "?";
}

static const char *origin_name(u8 origin)
{
	static const char * const names[BMCW_IPMI_ORIG_MAX] = {
		"si", "msghandler", "user", "watchdog", "poweroff", "acpi",
		"kernel", "bmc",
	};

	return origin < BMCW_IPMI_ORIG_MAX ? names[origin] : "?";
}

static void seq_bytes(struct seq_file *m, const char *tag, const u8 *b,
		      unsigned int len)
{
	seq_printf(m, " %s=", tag);
	len = min_t(unsigned int, len, BMCW_IPMI_DATA);
	if (!len)
		seq_putc(m, '-');
	seq_printf(m, "%*phN", len, b);
}

static int transcript_show(struct seq_file *m, void *v)
{
	struct bmcw_ipmi_event *copy, *e;
	unsigned int n, start, i;
	unsigned long flags;

	copy = kmalloc_array(IPMI_TRANSCRIPT, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	raw_spin_lock_irqsave(&transcript_lock, flags);
	n = transcript_len;
	start = (transcript_head + IPMI_TRANSCRIPT - n) % IPMI_TRANSCRIPT;
	for (i = 0; i < n; i++)
		copy[i] = transcript[(start + i) % IPMI_TRANSCRIPT];
	raw_spin_unlock_irqrestore(&transcript_lock, flags);

	for (i = 0; i < n; i++) {
		e = &copy[i];
		seq_printf(m, "ts=%llu kind=%s sm=%d origin=%s pid=%u comm=%.16s",
			   e->ts_ns, kind_name(e->kind),
			   e->sm == 0xff ? -1 : e->sm, origin_name(e->origin),
			   e->pid, e->pid ? e->comm : "-");
		if (e->kind == BMCW_IPMI_XACT)
			seq_printf(m, " netfn=0x%02x(%s) cmd=0x%02x(%s) rsp_netfn=0x%02x rsp_cmd=0x%02x cc=0x%02x dur_us=%llu",
				   e->netfn, netfn_name(e->netfn), e->cmd,
				   cmd_name(e->netfn, e->cmd), e->rsp_netfn,
				   e->rsp_cmd, e->cc, e->dur_ns / 1000);
		else if (e->kind == BMCW_IPMI_HOSED ||
			 e->kind == BMCW_IPMI_ABORT)
			seq_printf(m, " during netfn=0x%02x cmd=0x%02x",
				   e->netfn, e->cmd);
		if (e->kind == BMCW_IPMI_XACT) {
			seq_bytes(m, "req", e->req, e->req_len);
			seq_bytes(m, "rsp", e->rsp, e->rsp_len);
		}
		seq_putc(m, '\n');
	}
	kfree(copy);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(transcript);

static int state_show(struct seq_file *m, void *v)
{
	struct ipmi_sm copy[IPMI_MAX_SM];
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	memcpy(copy, sms, sizeof(copy));
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
	for (i = 0; i < IPMI_MAX_SM; i++) {
		if (!copy[i].key)
			continue;
		seq_printf(m, "sm=%d iface=%s state=%s xacts=%llu attentions=%llu hosed=%llu aborts=%llu",
			   i, copy[i].iface == BMCW_IPMI_IF_BT ? "bt" : "kcs",
			   copy[i].pending ? "busy" : "idle", copy[i].xacts,
			   copy[i].attns, copy[i].hosed, copy[i].aborts);
		if (copy[i].pending)
			seq_printf(m, " current=0x%02x/0x%02x origin=%s",
				   copy[i].req[0] >> 2, copy[i].req[1],
				   origin_name(copy[i].origin));
		else
			seq_printf(m, " last=0x%02x/0x%02x cc=0x%02x",
				   copy[i].last_netfn, copy[i].last_cmd,
				   copy[i].last_cc);
		seq_putc(m, '\n');
	}
	seq_printf(m, "unknown_nmis=%lld\n", atomic64_read(&nmi_seen));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(state);

void bmcw_ipmi_init(struct dentry *dir)
{
	int cpu, ret;

	for_each_possible_cpu(cpu)
		init_irq_work(per_cpu_ptr(&nmi_work, cpu), nmi_publish);
	bmcw_hooks_add(&ipmi_hooks);
	ret = register_nmi_handler(NMI_UNKNOWN, nmi_unknown, 0, "bmcwatch");
	nmi_registered = !ret;
	bmcw_hook_report(&ipmi_hooks, NMI_HOOK,
			 ret ? BMCW_HOOK_FAILED : BMCW_HOOK_PLACED, ret);
	if (IS_ERR_OR_NULL(dir))
		return;
	ipmi_dentries[0] = debugfs_create_file("ipmi_transcript", 0400, dir,
					       NULL, &transcript_fops);
	ipmi_dentries[1] = debugfs_create_file("ipmi_state", 0400, dir, NULL,
					       &state_fops);
}

void bmcw_ipmi_exit(void)
{
	int cpu, i;

	for (i = 0; i < ARRAY_SIZE(ipmi_dentries); i++)
		debugfs_remove(ipmi_dentries[i]);
	bmcw_hooks_del(&ipmi_hooks);
	if (nmi_registered)
		unregister_nmi_handler(NMI_UNKNOWN, "bmcwatch");
	nmi_registered = false;
	for_each_possible_cpu(cpu)
		irq_work_sync(per_cpu_ptr(&nmi_work, cpu));
}
