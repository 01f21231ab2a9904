/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's health unit (health.c): statistics, health events, loss
 * counters. It depends on nothing else of the module.
 */
#ifndef _BMCW_HEALTH_H
#define _BMCW_HEALTH_H

#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/bmcwatch.h>

struct seq_file;

/* Per-CPU statistics of the config-space path (debugfs "stats"). */
enum bmcw_kstat {
	BMCW_KSTAT_CFG_READS,
	BMCW_KSTAT_CFG_WRITES,
	BMCW_KSTAT_CFG_TRACED,
	BMCW_KSTAT_DEV_EVENTS,
	BMCW_KSTAT_MAX,
};

DECLARE_PER_CPU(u64, bmcw_kstats[BMCW_KSTAT_MAX]);

/* Inline: it sits in the config-space fast path; IRQ-safe on x86. */
static inline void bmcw_kstat_inc(enum bmcw_kstat s)
{
	this_cpu_inc(bmcw_kstats[s]);
}

u64 bmcw_kstat_sum(enum bmcw_kstat s);
int bmcw_kstats_show(struct seq_file *m, void *v);

/*
 * What the module itself lost, by cause (debugfs "losses"; the daemon
 * reads it every interval and reports what grew). Hook misses are per
 * hook, in debugfs "hooks".
 */
enum bmcw_loss {
	BMCW_LOSS_HEALTH_UNDELIVERED,
	BMCW_LOSS_HEALTH_OVERWRITTEN,
	BMCW_LOSS_IPMI_ORIGIN_FULL,
	BMCW_LOSS_IPMI_MSG_EVICTED,
	BMCW_LOSS_IPMI_SM_FULL,
	BMCW_LOSS_MAX,
};

void bmcw_loss_add(enum bmcw_loss l, u64 n);
int bmcw_losses_show(struct seq_file *m, void *v);

/*
 * A health event (enum bmcw_health_kind) about @monitor; @what names the
 * hook, knob or bus, the format gives the detail for people. The
 * _by_current variant names the calling process as its cause.
 */
__printf(5, 6)
void bmcw_health(u8 monitor, u32 kind, int err, const char *what,
		 const char *fmt, ...);
__printf(5, 6)
void bmcw_health_by_current(u8 monitor, u32 kind, int err, const char *what,
			    const char *fmt, ...);
int bmcw_health_show(struct seq_file *m, void *v);

#endif /* _BMCW_HEALTH_H */
