// SPDX-License-Identifier: GPL-2.0
/*
 * The module's own health: per-CPU statistics, health events and the
 * counters of what the module lost. This unit calls nothing else of the
 * module, so every other unit may report through it from any context but
 * NMI.
 *
 * A health event goes out on the bmcwatch_health tracepoint and is also
 * kept in a ring (debugfs "health"): events raised while nothing listens
 * (at load, before bmcwatchd attaches, or while it is down) are exactly
 * the ones an attacker would like unseen, so the daemon replays the
 * undelivered ones when it attaches, and what fell off the ring is
 * counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "health.h"
#include "health_trace.h"

DEFINE_PER_CPU(u64, bmcw_kstats[BMCW_KSTAT_MAX]);

static const char * const kstat_names[BMCW_KSTAT_MAX] = {
	[BMCW_KSTAT_CFG_READS] = "cfg_reads",
	[BMCW_KSTAT_CFG_WRITES] = "cfg_writes",
	[BMCW_KSTAT_CFG_TRACED] = "cfg_traced",
	[BMCW_KSTAT_DEV_EVENTS] = "dev_events",
};

u64 bmcw_kstat_sum(enum bmcw_kstat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(bmcw_kstats[s], cpu);
	return sum;
}

int bmcw_kstats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < BMCW_KSTAT_MAX; i++)
		seq_printf(m, "%s=%llu\n", kstat_names[i], bmcw_kstat_sum(i));
	return 0;
}

/* What each loss counter means, for the table the daemon reads. */
static const struct {
	const char *name;
	const char *means;
} loss_info[BMCW_LOSS_MAX] = {
	[BMCW_LOSS_HEALTH_UNDELIVERED] = { "health_undelivered",
		"health events raised while no consumer was attached (kept in the health table)" },
	[BMCW_LOSS_HEALTH_OVERWRITTEN] = { "health_overwritten",
		"undelivered health events that fell off the health table" },
	[BMCW_LOSS_IPMI_ORIGIN_FULL] = { "ipmi_origin_full",
		"IPMI requests whose process could not be remembered (too many at once)" },
	[BMCW_LOSS_IPMI_MSG_EVICTED] = { "ipmi_msg_evicted",
		"IPMI messages forgotten before their answer (too many pending)" },
	[BMCW_LOSS_IPMI_SM_FULL] = { "ipmi_sm_full",
		"IPMI transactions on an interface beyond the ones tracked" },
};

static atomic64_t losses[BMCW_LOSS_MAX];

void bmcw_loss_add(enum bmcw_loss l, u64 n)
{
	atomic64_add(n, &losses[l]);
}

int bmcw_losses_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < BMCW_LOSS_MAX; i++)
		seq_printf(m, "loss=%s count=%lld # %s\n", loss_info[i].name,
			   atomic64_read(&losses[i]), loss_info[i].means);
	return 0;
}

#define HEALTH_RING	64

static struct {
	struct bmcw_health_event e;
	bool delivered;		/* a consumer was attached when it was raised */
} ring[HEALTH_RING];
static u64 health_seq;		/* under ring_lock */
/*
 * Tells one load of the module from the next, so that a consumer that
 * remembers which events it replayed knows when the numbering restarted.
 */
static u64 instance;
static DEFINE_RAW_SPINLOCK(ring_lock);

/* The format is checked where the callers pass it in (health.h). */
static __printf(6, 0)
void health_emit(u8 monitor, u32 kind, int err, bool by_current,
		 const char *what, const char *fmt, va_list ap)
{
	struct bmcw_health_event e = {
		.ts_ns = ktime_get_ns(),
		.kind = kind,
		.err = err,
		.monitor = monitor,
	};
	unsigned long flags;
	unsigned int slot;

	strscpy(e.what, what, sizeof(e.what));
	if (fmt)
		vsnprintf(e.detail, sizeof(e.detail), fmt, ap);
	/* A kernel thread is not who did it: the process that asked is. */
	if (by_current && in_task() && !(current->flags & PF_KTHREAD)) {
		e.pid = task_tgid_nr(current);
		/* not get_task_comm(): no task_lock, callers may be atomic */
		memcpy(e.comm, current->comm, sizeof(e.comm));
		e.comm[sizeof(e.comm) - 1] = '\0';
	}

	raw_spin_lock_irqsave(&ring_lock, flags);
	if (!instance)
		instance = get_random_u64() | 1;
	e.seq = ++health_seq;
	slot = e.seq % HEALTH_RING;
	if (ring[slot].e.seq && !ring[slot].delivered)
		bmcw_loss_add(BMCW_LOSS_HEALTH_OVERWRITTEN, 1);
	ring[slot].e = e;
	ring[slot].delivered = trace_bmcwatch_health_enabled();
	if (!ring[slot].delivered)
		bmcw_loss_add(BMCW_LOSS_HEALTH_UNDELIVERED, 1);
	raw_spin_unlock_irqrestore(&ring_lock, flags);

	bmcw_trace(trace_bmcwatch_health(&e));
}

void bmcw_health(u8 monitor, u32 kind, int err, const char *what,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	health_emit(monitor, kind, err, false, what, fmt, ap);
	va_end(ap);
}

void bmcw_health_by_current(u8 monitor, u32 kind, int err, const char *what,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	health_emit(monitor, kind, err, true, what, fmt, ap);
	va_end(ap);
}

/* A name as one key=value token: no spaces or control characters. */
static void token(char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s == 0x7f)
			*s = '?';
}

/*
 * One line per event still in the ring, oldest first, after a header line
 * with the newest sequence number; "delivered=0" marks the ones nothing
 * received. Text fields come last, the detail after "detail=" to the end
 * of the line.
 */
int bmcw_health_show(struct seq_file *m, void *v)
{
	struct bmcw_health_event *e;
	unsigned long flags;
	bool *delivered;
	u64 last, first, s;
	unsigned int n = 0;

	e = kmalloc_array(HEALTH_RING, sizeof(*e), GFP_KERNEL);
	delivered = kmalloc_array(HEALTH_RING, sizeof(*delivered), GFP_KERNEL);
	if (!e || !delivered) {
		kfree(e);
		kfree(delivered);
		return -ENOMEM;
	}
	raw_spin_lock_irqsave(&ring_lock, flags);
	last = health_seq;
	first = last > HEALTH_RING ? last - HEALTH_RING + 1 : 1;
	for (s = first; s && s <= last; s++, n++) {
		e[n] = ring[s % HEALTH_RING].e;
		delivered[n] = ring[s % HEALTH_RING].delivered;
	}
	raw_spin_unlock_irqrestore(&ring_lock, flags);

	seq_printf(m, "# instance=%016llx last_seq=%llu kept=%u\n",
		   READ_ONCE(instance), last, n);
	for (s = 0; s < n; s++) {
		token(e[s].comm);
		token(e[s].what);
		seq_printf(m, "seq=%llu ts=%llu kind=%u monitor=%u err=%d count=%llu delivered=%d pid=%u comm=%s what=%s detail=%s\n",
			   e[s].seq, e[s].ts_ns, e[s].kind, e[s].monitor,
			   e[s].err, e[s].count, delivered[s], e[s].pid,
			   e[s].comm[0] ? e[s].comm : "-",
			   e[s].what[0] ? e[s].what : "-", e[s].detail);
	}
	kfree(e);
	kfree(delivered);
	return 0;
}
