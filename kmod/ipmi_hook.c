// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI system interface monitor: where it hooks the IPMI drivers. They
 * have no tracepoints, so bmcwatch probes them at two layers, found by
 * symbol when their module comes (they may load before or after bmcwatch):
 *
 *  - the state machine in ipmi_si, KCS and BT (ipmi_sm.c), and its
 *    counterpart in ipmi_ssif, IPMI over SMBus (ipmi_ssif.c):
 *    start_transaction() and get_result() give every request and response
 *    byte, the KCS command register write of GET_STATUS/ABORT shows error
 *    recovery.
 *  - the message layer (ipmi_msg.c): ipmi_si's sender() for each message
 *    the layer hands the interface, with its origin (not ipmi_msghandler's
 *    smi_send(), which the compiler inlines into one of its four callers:
 *    a probe there misses what that caller sends; sender() is reached only
 *    through the interface's handler table), ipmi_request_settime() and
 *    ipmi_request_supply_msgs() for who sends, and in ipmi_msghandler
 *    ipmi_smi_msg_received() for each response or asynchronous delivery
 *    and ipmi_smi_watchdog_pretimeout().
 *
 * Plus an NMI handler for NMIs nobody claims (ipmi_nmi.c). Every event
 * goes out through ipmi_transcript.c. ipmi.h maps the files.
 *
 * Hooks are placed by the module's one installer (hook.c), which reports
 * each one; none of them fails the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "bmcwatch.h"
#include "hook.h"
#include "ipmi.h"

DEFINE_RAW_SPINLOCK(bmcw_ipmi_lock);

#define MSGHANDLER	IPMI_MSGHANDLER_MOD
#define SI		IPMI_SI_MOD
#define SSIF		IPMI_SSIF_MOD

static struct bmcw_hook hooks[] = {
	BMCW_KRETPROBE(MSGHANDLER, "ipmi_request_settime",
		       "which process sends IPMI requests",
		       bmcw_ipmi_req_entry, bmcw_ipmi_req_return, sizeof(bool)),
	BMCW_KRETPROBE(MSGHANDLER, "ipmi_request_supply_msgs",
		       "which kernel user sends IPMI requests",
		       bmcw_ipmi_req_entry, bmcw_ipmi_req_return, sizeof(bool)),
	BMCW_KPROBE(MSGHANDLER, "ipmi_smi_msg_received",
		    "IPMI answers and messages the BMC pushes",
		    bmcw_ipmi_msg_received_pre),
	BMCW_KPROBE(MSGHANDLER, "ipmi_smi_watchdog_pretimeout",
		    "IPMI watchdog pretimeouts", bmcw_ipmi_pretimeout_pre),
	BMCW_KPROBE(SI, "sender", "IPMI requests to the interface",
		    bmcw_ipmi_sender_pre),
	BMCW_KPROBE(SI, "start_kcs_transaction",
		    "KCS requests, attention, hosed interface",
		    bmcw_ipmi_kcs_start_pre),
	BMCW_KRETPROBE(SI, "get_kcs_result", "KCS answers",
		       bmcw_ipmi_result_entry, bmcw_ipmi_kcs_result_ret,
		       sizeof(struct ipmi_result_data)),
	BMCW_KPROBE(SI, "port_outb", "KCS error recovery (port I/O)",
		    bmcw_ipmi_outb_pre),
	BMCW_KPROBE(SI, "intf_mem_outb", "KCS error recovery (MMIO)",
		    bmcw_ipmi_outb_pre),
	BMCW_KPROBE(SI, "bt_start_transaction",
		    "BT requests, attention, hosed interface",
		    bmcw_ipmi_bt_start_pre),
	BMCW_KRETPROBE(SI, "bt_get_result", "BT answers",
		       bmcw_ipmi_result_entry, bmcw_ipmi_bt_result_ret,
		       sizeof(struct ipmi_result_data)),
	/* placed here, reported by the installer */
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "nmi_unknown" },
	  .unseen = "NMIs no handler claims" },
};

#define NMI_HOOK	(&hooks[ARRAY_SIZE(hooks) - 1])

/*
 * ipmi_ssif's, a set of their own: its sender() has the name of ipmi_si's,
 * and a hook is known by SET/SYMBOL (debugfs, hooks_off, status).
 */
static struct bmcw_hook ssif_hooks[] = {
	BMCW_KPROBE(SSIF, "sender", "IPMI requests to the SSIF interface",
		    bmcw_ipmi_ssif_sender_pre),
	BMCW_KPROBE(SSIF, "start_send", "SSIF requests",
		    bmcw_ipmi_ssif_start_pre),
	BMCW_KPROBE(SSIF, "msg_done_handler", "SSIF answers",
		    bmcw_ipmi_ssif_done_pre),
};

/* Return addresses and objects of a module that left mean nothing. */
static void ipmi_module_going(struct module *mod)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	bmcw_ipmi_msg_forget(mod);
	bmcw_ipmi_sm_forget(mod);
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
}

static struct bmcw_hook_set ipmi_hooks = {
	.monitor = BMCW_MON_IPMI,
	.name = "ipmi",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
	.module_going = ipmi_module_going,
};

static struct bmcw_hook_set ssif_set = {
	.monitor = BMCW_MON_IPMI,
	.name = "ssif",
	.hooks = ssif_hooks,
	.nr = ARRAY_SIZE(ssif_hooks),
};

void bmcw_ipmi_init(struct dentry *dir)
{
	int ret;

	bmcw_hooks_add(&ipmi_hooks);
	bmcw_hooks_add(&ssif_set);
	ret = bmcw_ipmi_nmi_init();
	bmcw_hook_report(&ipmi_hooks, NMI_HOOK,
			 ret ? BMCW_HOOK_FAILED : BMCW_HOOK_PLACED, ret);
	bmcw_ipmi_debugfs_init(dir);
}

void bmcw_ipmi_exit(void)
{
	bmcw_ipmi_debugfs_exit();
	bmcw_hooks_del(&ssif_set);
	bmcw_hooks_del(&ipmi_hooks);
	bmcw_ipmi_nmi_exit();
}
