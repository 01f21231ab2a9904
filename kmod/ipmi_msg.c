// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI monitor, message layer: who sends each request, and what the
 * message layer hands the interface and gets back.
 *
 * Origin: ipmi_request_settime()/ipmi_request_supply_msgs() are the only
 * ways users send; the module their caller lives in (ipmi_devintf for
 * /dev/ipmiN, ipmi_watchdog, ipmi_poweroff, acpi_ipmi) names the origin,
 * and the task is remembered until sender() runs in the same call. The
 * smi_msg's data pointer then ties the request to the state machine
 * transaction that carries it (ipmi_sm.c asks bmcw_ipmi_msg_origin()).
 * Anything else is ipmi_msghandler's own traffic, or ipmi_si's internal
 * traffic at the state machine.
 *
 * Only function arguments, return values and struct ipmi_smi_msg (from
 * <linux/ipmi_smi.h>, shipped in linux-headers) are read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipmi_smi.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include "health.h"
#include "ipmi.h"

#define IPMI_ORIGIN_SLOTS	16
#define IPMI_MSG_SLOTS		64
#define IPMI_CALLER_CACHE	8

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

/* All under bmcw_ipmi_lock. */
static struct origin_slot origins[IPMI_ORIGIN_SLOTS];
static struct msg_slot msgs[IPMI_MSG_SLOTS];
static unsigned int msg_next;
static struct caller_slot callers[IPMI_CALLER_CACHE];
static unsigned int caller_next;

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

	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	for (i = 0; i < IPMI_CALLER_CACHE; i++)
		if (callers[i].addr == addr) {
			origin = callers[i].origin;
			raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
			return origin;
		}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);

	sprint_symbol(buf, addr);
	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (strstr(buf, known[i].mod))
			origin = known[i].origin;

	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	callers[caller_next].addr = addr;
	callers[caller_next].origin = origin;
	caller_next = (caller_next + 1) % IPMI_CALLER_CACHE;
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	return origin;
}

/* ipmi_request_settime / ipmi_request_supply_msgs: entry and return. */
int bmcw_ipmi_req_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
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
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	for (i = 0; i < IPMI_ORIGIN_SLOTS; i++)
		if (!origins[i].task) {
			origins[i].task = current;
			origins[i].origin = origin;
			*(bool *)ri->data = true;
			break;
		}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	if (!*(bool *)ri->data)
		bmcw_loss_add(BMCW_LOSS_IPMI_ORIGIN_FULL, 1);
	return 0;
}

int bmcw_ipmi_req_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long flags;
	int i;

	if (!*(bool *)ri->data)
		return 0;
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	/* A task is in at most one request at a time: drop its entry. */
	for (i = IPMI_ORIGIN_SLOTS - 1; i >= 0; i--)
		if (origins[i].task == current) {
			origins[i].task = NULL;
			break;
		}
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	return 0;
}

/* sender(send_info, smi_msg) of ipmi_si, or of ipmi_ssif (@ssif) */
static int sender_pre(struct pt_regs *regs, bool ssif)
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
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	for (i = IPMI_ORIGIN_SLOTS - 1; i >= 0; i--)
		if (origins[i].task == current) {
			e.origin = origins[i].origin;
			break;
		}
	bmcw_ipmi_sm_of_driver(ssif, &e);
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	if (e.origin != BMCW_IPMI_ORIG_MSGHANDLER)
		set_task(&e);
	e.req_len = len;
	if (len >= 2) {
		e.netfn = msg->data[0] >> 2;
		e.cmd = msg->data[1];
	}
	bmcw_ipmi_copy_bytes(e.req, msg->data, len, &e.flags);

	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
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
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);

	bmcw_ipmi_emit(&e);
	return 0;
}

int bmcw_ipmi_sender_pre(struct kprobe *p, struct pt_regs *regs)
{
	return sender_pre(regs, false);
}

int bmcw_ipmi_ssif_sender_pre(struct kprobe *p, struct pt_regs *regs)
{
	return sender_pre(regs, true);
}

/* The origin recorded for the smi_msg whose data is @data. */
static struct msg_slot *msg_find(const void *data)
{
	int i;

	lockdep_assert_held(&bmcw_ipmi_lock);
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

bool bmcw_ipmi_msg_origin(const void *data, struct bmcw_ipmi_event *e)
{
	struct msg_slot *s = msg_find(data);

	take_origin(e, s);
	return s;
}

/*
 * Whether @msg carries an answer ipmi_si wrote itself (return_hosed_msg):
 * the request's netfn and command and a completion code for "gave up"
 * (unspecified) or "refused the start" (the state machines' start
 * errors), nothing more. A BMC may answer the same, so this is only asked
 * of a message whose result was not seen.
 */
static bool si_made_up(const struct ipmi_smi_msg *msg)
{
	if (msg->rsp_size != 3)
		return false;
	switch (msg->rsp[2]) {
	case IPMI_ERR_UNSPECIFIED:
	case IPMI_NODE_BUSY_ERR:
	case IPMI_REQ_LEN_INVALID_ERR:
	case IPMI_REQ_LEN_EXCEEDED_ERR:
	case IPMI_NOT_IN_MY_STATE_ERR:
		return true;
	default:
		return false;
	}
}

/* ipmi_smi_msg_received(intf, msg) */
int bmcw_ipmi_msg_received_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct ipmi_smi_msg *msg = (void *)regs_get_kernel_argument(regs, 1);
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_MSG_RSP,
				     .iface = BMCW_IPMI_IF_NONE, .sm = 0xff };
	struct bmcw_ipmi_event hosed = { };
	struct msg_slot *s;
	unsigned long flags;
	int len, rlen;

	if (!msg)
		return 0;
	len = clamp(msg->data_size, 0, IPMI_MAX_MSG_LENGTH);
	rlen = clamp(msg->rsp_size, 0, IPMI_MAX_MSG_LENGTH);
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	s = msg_find(msg->data);
	take_origin(&e, s);
	if (s)
		s->data = NULL;
	/* a response, or a message the driver's own Get Message fetched */
	bmcw_ipmi_sm_carried(msg->data, &e);
	/*
	 * Back at the message layer while its transaction is still pending:
	 * ipmi_si gave up on it (hosed, or the start was refused) and made
	 * up the answer itself, or the result probe missed it.
	 */
	bmcw_ipmi_sm_end_msg(msg->data, si_made_up(msg), &hosed);
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	if (hosed.kind)
		bmcw_ipmi_emit(&hosed);
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
	bmcw_ipmi_copy_bytes(e.req, msg->data, len, &e.flags);
	bmcw_ipmi_copy_bytes(e.rsp, msg->rsp, rlen, &e.flags);
	bmcw_ipmi_emit(&e);
	return 0;
}

int bmcw_ipmi_pretimeout_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct bmcw_ipmi_event e = { .kind = BMCW_IPMI_PRETIMEOUT,
				     .origin = BMCW_IPMI_ORIG_BMC,
				     .iface = BMCW_IPMI_IF_NONE, .sm = 0xff };

	bmcw_ipmi_emit(&e);
	return 0;
}

/* Return addresses and objects of a module that left mean nothing. */
void bmcw_ipmi_msg_forget(const struct module *mod)
{
	lockdep_assert_held(&bmcw_ipmi_lock);
	memset(callers, 0, sizeof(callers));
	if (!strcmp(mod->name, IPMI_MSGHANDLER_MOD))
		memset(msgs, 0, sizeof(msgs));
}
