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
 *  - the message layer in ipmi_msghandler: smi_send() for each request
 *    with its origin, ipmi_smi_msg_received() for each response or
 *    asynchronous delivery, ipmi_smi_watchdog_pretimeout().
 *
 * Only function arguments, return values and struct ipmi_smi_msg (from
 * <linux/ipmi_smi.h>, shipped in linux-headers) are read; ipmi_si's private
 * structs are treated as opaque pointers.
 *
 * Origin: ipmi_request_settime()/ipmi_request_supply_msgs() are the only
 * ways users send; the module their caller lives in (ipmi_devintf for
 * /dev/ipmiN, ipmi_watchdog, ipmi_poweroff, acpi_ipmi) names the origin,
 * and the task is remembered until smi_send() runs in the same call. The
 * smi_msg's data pointer then ties the request to the state machine
 * transaction that carries it. Anything else is ipmi_msghandler's own
 * traffic, or ipmi_si's internal traffic at the state machine.
 *
 * A hook that cannot be placed is shown in debugfs and reported with a
 * health event; it never fails the load.
 */
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

enum hook_state { HOOK_ABSENT, HOOK_PLACED, HOOK_FAILED };

struct ipmi_hook {
	const char *mod;
	const char *sym;
	kprobe_pre_handler_t pre;
	kretprobe_handler_t entry;
	kretprobe_handler_t ret;
	size_t data_size;
	/* under hooks_lock */
	enum hook_state state;
	int err;
	struct kprobe kp;
	struct kretprobe krp;
};

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

static DEFINE_MUTEX(hooks_lock);
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
static u64 nmi_seen;

static struct dentry *ipmi_dentries[3];
static bool notifier_registered;

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
	get_task_comm(e->comm, current);
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

/* smi_send(intf, handlers, smi_msg, priority) */
static int smi_send_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct ipmi_smi_msg *msg = (void *)regs_get_kernel_argument(regs, 2);
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

#define KP(m, s, h)	{ .mod = m, .sym = s, .pre = h }
#define KRP(m, s, en, r, sz) \
	{ .mod = m, .sym = s, .entry = en, .ret = r, .data_size = sz }

static struct ipmi_hook hooks[] = {
	KRP("ipmi_msghandler", "ipmi_request_settime", req_entry, req_return,
	    sizeof(bool)),
	KRP("ipmi_msghandler", "ipmi_request_supply_msgs", req_entry,
	    req_return, sizeof(bool)),
	KP("ipmi_msghandler", "smi_send", smi_send_pre),
	KP("ipmi_msghandler", "ipmi_smi_msg_received", msg_received_pre),
	KP("ipmi_msghandler", "ipmi_smi_watchdog_pretimeout", pretimeout_pre),
	KP("ipmi_si", "start_kcs_transaction", kcs_start_pre),
	KRP("ipmi_si", "get_kcs_result", result_entry, kcs_result_ret,
	    sizeof(struct result_data)),
	KP("ipmi_si", "port_outb", outb_pre),
	KP("ipmi_si", "intf_mem_outb", outb_pre),
	KP("ipmi_si", "bt_start_transaction", bt_start_pre),
	KRP("ipmi_si", "bt_get_result", result_entry, bt_result_ret,
	    sizeof(struct result_data)),
};

static char hook_names[ARRAY_SIZE(hooks)][MODULE_NAME_LEN + KSYM_NAME_LEN];

/* Place one hook; under hooks_lock. @mod_present: a failure is real. */
static void hook_place(int i, bool mod_present)
{
	struct ipmi_hook *h = &hooks[i];
	int ret;

	if (h->state == HOOK_PLACED)
		return;
	snprintf(hook_names[i], sizeof(hook_names[i]), "%s:%s", h->mod,
		 h->sym);
	if (h->pre) {
		memset(&h->kp, 0, sizeof(h->kp));
		h->kp.symbol_name = hook_names[i];
		h->kp.pre_handler = h->pre;
		ret = register_kprobe(&h->kp);
	} else {
		memset(&h->krp, 0, sizeof(h->krp));
		h->krp.kp.symbol_name = hook_names[i];
		h->krp.entry_handler = h->entry;
		h->krp.handler = h->ret;
		h->krp.data_size = h->data_size;
		h->krp.maxactive = 32;
		ret = register_kretprobe(&h->krp);
	}
	h->err = ret;
	if (!ret) {
		h->state = HOOK_PLACED;
		return;
	}
	h->state = mod_present ? HOOK_FAILED : HOOK_ABSENT;
	if (mod_present) {
		pr_warn("bmcwatch: cannot hook %s: %d\n", hook_names[i], ret);
		bmcw_emit_health(BMCW_HEALTH_HOOK_FAILED, ret, h->sym);
	}
}

static void hook_remove(int i, bool gone)
{
	struct ipmi_hook *h = &hooks[i];

	if (h->state != HOOK_PLACED) {
		h->state = HOOK_ABSENT;
		return;
	}
	if (h->pre)
		unregister_kprobe(&h->kp);
	else
		unregister_kretprobe(&h->krp);
	h->state = HOOK_ABSENT;
	h->err = 0;
	if (gone)
		bmcw_emit_health(BMCW_HEALTH_HOOK_REMOVED, 0, h->sym);
}

/*
 * Place every hook of module @mod. Whether the module is there at all is
 * only known from whether any of its hooks could be placed: if none could,
 * it is taken as not loaded and the hooks wait for it.
 */
static void place_module(const char *mod, bool coming)
{
	bool any = coming;
	int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hooks[i].mod, mod)) {
			hook_place(i, coming);
			any |= hooks[i].state == HOOK_PLACED;
		}
	if (coming || !any)
		return;
	/* Present after all: report the ones that failed. */
	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hooks[i].mod, mod) &&
		    hooks[i].state == HOOK_ABSENT) {
			hooks[i].state = HOOK_FAILED;
			pr_warn("bmcwatch: cannot hook %s: %d\n",
				hook_names[i], hooks[i].err);
			bmcw_emit_health(BMCW_HEALTH_HOOK_FAILED, hooks[i].err,
					 hooks[i].sym);
		}
}

static void forget_module_state(const char *mod)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ipmi_lock, flags);
	/* Return addresses and objects of a module that left mean nothing. */
	memset(callers, 0, sizeof(callers));
	if (!strcmp(mod, "ipmi_si")) {
		memset(sms, 0, sizeof(sms));
		saw_bt = false;
	}
	if (!strcmp(mod, "ipmi_msghandler"))
		memset(msgs, 0, sizeof(msgs));
	raw_spin_unlock_irqrestore(&ipmi_lock, flags);
}

static int ipmi_module_cb(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct module *mod = data;
	bool ours = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(hooks[i].mod, mod->name))
			ours = true;
	if (action == MODULE_STATE_GOING)
		forget_module_state(mod->name);
	if (!ours)
		return NOTIFY_DONE;

	mutex_lock(&hooks_lock);
	if (action == MODULE_STATE_COMING) {
		/* Before its init runs, so its first transactions are seen. */
		place_module(mod->name, true);
	} else if (action == MODULE_STATE_GOING) {
		for (i = 0; i < ARRAY_SIZE(hooks); i++)
			if (!strcmp(hooks[i].mod, mod->name))
				hook_remove(i, true);
	}
	mutex_unlock(&hooks_lock);
	return NOTIFY_DONE;
}

static struct notifier_block ipmi_module_nb = {
	.notifier_call = ipmi_module_cb,
};

/* NMI context: count, and let irq_work publish it. */
static int nmi_unknown(unsigned int type, struct pt_regs *regs)
{
	this_cpu_inc(nmi_unclaimed);
	irq_work_queue(this_cpu_ptr(&nmi_work));
	return NMI_DONE;	/* the kernel still reports it as usual */
}

static void nmi_publish(struct irq_work *w)
{
	unsigned int n = this_cpu_xchg(nmi_unclaimed, 0);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_UNKNOWN_NMI,
				     .iface = BMCW_IPMI_IF_NONE,
				     .origin = BMCW_IPMI_ORIG_BMC, .sm = 0xff };

	/* An NMI storm must not become an event storm: at most 16 a run. */
	n = min(n, 16U);
	while (n--) {
		WRITE_ONCE(nmi_seen, READ_ONCE(nmi_seen) + 1);
		emit(&e);
	}
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
	seq_printf(m, "unknown_nmis=%llu\n", READ_ONCE(nmi_seen));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(state);

static int hooks_show(struct seq_file *m, void *v)
{
	static const char * const st[] = { "waiting", "placed", "failed" };
	int i;

	mutex_lock(&hooks_lock);
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		struct ipmi_hook *h = &hooks[i];

		seq_printf(m, "hook=%s:%s state=%s err=%d", h->mod, h->sym,
			   st[h->state], h->state == HOOK_FAILED ? h->err : 0);
		if (!h->pre && h->state == HOOK_PLACED)
			seq_printf(m, " missed=%d", h->krp.nmissed);
		seq_putc(m, '\n');
	}
	seq_printf(m, "hook=nmi:NMI_UNKNOWN state=%s\n",
		   nmi_registered ? "placed" : "failed");
	mutex_unlock(&hooks_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(hooks);

static void ipmi_debugfs_init(void)
{
	struct dentry *dir = debugfs_lookup("bmcwatch", NULL);

	if (IS_ERR_OR_NULL(dir))
		return;
	ipmi_dentries[0] = debugfs_create_file("ipmi_hooks", 0400, dir, NULL,
					       &hooks_fops);
	ipmi_dentries[1] = debugfs_create_file("ipmi_transcript", 0400, dir,
					       NULL, &transcript_fops);
	ipmi_dentries[2] = debugfs_create_file("ipmi_state", 0400, dir, NULL,
					       &state_fops);
	dput(dir);
}

void bmcw_ipmi_init(void)
{
	int cpu, ret, i;

	for_each_possible_cpu(cpu)
		init_irq_work(per_cpu_ptr(&nmi_work, cpu), nmi_publish);
	ret = register_nmi_handler(NMI_UNKNOWN, nmi_unknown, 0, "bmcwatch");
	if (ret) {
		pr_warn("bmcwatch: cannot watch unknown NMIs: %d\n", ret);
		bmcw_emit_health(BMCW_HEALTH_HOOK_FAILED, ret, "nmi_unknown");
	} else {
		nmi_registered = true;
	}

	/*
	 * Not under hooks_lock: the notifier chain's rwsem is held around
	 * ipmi_module_cb(), which takes hooks_lock (lockdep: circular
	 * dependency, a deadlock against a concurrent modprobe). A module
	 * coming in between is placed by the callback; placing is idempotent.
	 */
	ret = register_module_notifier(&ipmi_module_nb);
	if (ret) {
		pr_warn("bmcwatch: no module notifier (%d): IPMI modules loaded later are not watched\n",
			ret);
		bmcw_emit_health(BMCW_HEALTH_HOOK_FAILED, ret,
				 "ipmi_module_notifier");
	} else {
		notifier_registered = true;
	}
	mutex_lock(&hooks_lock);
	/* Modules already loaded; the notifier catches the others. */
	place_module("ipmi_msghandler", false);
	place_module("ipmi_si", false);
	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (hooks[i].state == HOOK_ABSENT)
			pr_debug("bmcwatch: %s waits for its module\n",
				 hooks[i].sym);
	mutex_unlock(&hooks_lock);
	ipmi_debugfs_init();
}

void bmcw_ipmi_exit(void)
{
	int cpu, i;

	for (i = 0; i < ARRAY_SIZE(ipmi_dentries); i++)
		debugfs_remove(ipmi_dentries[i]);
	if (notifier_registered)
		unregister_module_notifier(&ipmi_module_nb);
	mutex_lock(&hooks_lock);
	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		hook_remove(i, false);
	mutex_unlock(&hooks_lock);
	if (nmi_registered)
		unregister_nmi_handler(NMI_UNKNOWN, "bmcwatch");
	for_each_possible_cpu(cpu)
		irq_work_sync(per_cpu_ptr(&nmi_work, cpu));
}
