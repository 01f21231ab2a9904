// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI monitor: NMIs that no handler claims. A BMC can raise an NMI on
 * the host (its watchdog's pretimeout, a diagnostic interrupt); the kernel
 * then finds no owner. They are counted in NMI context and published as
 * one event per burst from irq_work: an NMI storm must not become an event
 * storm, and none goes uncounted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/nmi.h>
#include <linux/percpu.h>
#include <asm/nmi.h>
#include "ipmi.h"

static DEFINE_PER_CPU(unsigned int, nmi_unclaimed);
static DEFINE_PER_CPU(struct irq_work, nmi_work);
static bool nmi_registered;
static atomic64_t nmi_seen;

/* NMI context: count, and let irq_work publish it. */
static int nmi_unknown(unsigned int type, struct pt_regs *regs)
{
	this_cpu_inc(nmi_unclaimed);
	irq_work_queue(this_cpu_ptr(&nmi_work));
	return NMI_DONE;	/* the kernel still reports it as usual */
}

/* One event for all the NMIs counted since the last run on this CPU. */
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
	bmcw_ipmi_emit(&e);
}

s64 bmcw_ipmi_nmis_seen(void)
{
	return atomic64_read(&nmi_seen);
}

/* 0 or why the handler could not be registered (ipmi_hook.c reports it). */
int bmcw_ipmi_nmi_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu)
		init_irq_work(per_cpu_ptr(&nmi_work, cpu), nmi_publish);
	ret = register_nmi_handler(NMI_UNKNOWN, nmi_unknown, 0, "bmcwatch");
	nmi_registered = !ret;
	return ret;
}

void bmcw_ipmi_nmi_exit(void)
{
	int cpu;

	if (nmi_registered)
		unregister_nmi_handler(NMI_UNKNOWN, "bmcwatch");
	nmi_registered = false;
	for_each_possible_cpu(cpu)
		irq_work_sync(per_cpu_ptr(&nmi_work, cpu));
}
