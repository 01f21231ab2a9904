// SPDX-License-Identifier: GPL-2.0
/*
 * Every configuration-space access on the host, through wrapped pci_ops.
 *
 * Like drivers/pci/pcie/aer_inject.c we install our own pci_ops with
 * pci_bus_set_ops(), but instead of looking the original up in a locked list
 * on every access, the wrapper embeds the original and is reached with
 * container_of() from bus->ops: O(1) and lock-free. One wrapper serves every
 * bus that shares an original ops table; child buses created later (hotplug,
 * SR-IOV) copy their parent's ops pointer and so are covered from birth, and
 * the device-add notifier hooks any bus that got other ops.
 *
 * x86 selects PCI_LOCKLESS_CONFIG, so kernel accessors do not hold pci_lock
 * and a caller may still be inside a wrapper after its bus got the original
 * ops back; unhooking therefore waits for RCU-tasks (preempted callers) and
 * RCU (callers in atomic context) before the wrappers go away.
 */
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "bmcwatch.h"
#include "bmcwatch_trace.h"

bool bmcw_enabled __read_mostly = true;

struct bmcw_ops_wrap {
	struct pci_ops ops;		/* what bus->ops points at */
	struct pci_ops *orig;
	struct list_head node;
	unsigned int nr_buses;
};

/* Which wrapper a bus was given: used only when bus->ops is not ours. */
struct bmcw_bus_rec {
	struct hlist_node node;
	const struct pci_bus *bus;	/* compared, never dereferenced */
	struct bmcw_ops_wrap *wrap;
};

static LIST_HEAD(wraps);
static DEFINE_HASHTABLE(bus_recs, 6);
static DEFINE_MUTEX(hook_lock);		/* wraps and bus_recs writers */

static int bmcw_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val);
static int bmcw_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val);

static struct bmcw_ops_wrap *rec_lookup(const struct pci_bus *bus)
{
	struct bmcw_bus_rec *rec;

	hash_for_each_possible_rcu(bus_recs, rec, node, (unsigned long)bus)
		if (rec->bus == bus)
			return rec->wrap;
	return NULL;
}

/*
 * The original ops of @bus when bus->ops is not ours: another wrapper was
 * stacked on ours, or ours was just removed. Find it by the bus, or by the
 * nearest recorded ancestor, whose ops a new child bus copied.
 */
static noinline struct pci_ops *orig_ops_slow(struct pci_bus *bus,
					      struct pci_ops *ops)
{
	struct bmcw_ops_wrap *wrap = NULL;
	struct pci_bus *b;

	rcu_read_lock();
	for (b = bus; b && !wrap; b = b->parent)
		wrap = rec_lookup(b);
	rcu_read_unlock();
	/* Wrappers outlive every caller (see bmcw_cfg_hook_exit()). */
	return wrap ? wrap->orig : ops;
}

static __always_inline struct pci_ops *orig_ops(struct pci_bus *bus)
{
	struct pci_ops *ops = READ_ONCE(bus->ops);

	if (likely(ops->read == bmcw_read))
		return container_of(ops, struct bmcw_ops_wrap, ops)->orig;
	return orig_ops_slow(bus, ops);
}

static __always_inline void fill_task(struct bmcw_cfg_access *a)
{
	if (in_task()) {
		a->pid = task_tgid_nr(current);
		a->tid = task_pid_nr(current);
		memcpy(a->comm, current->comm, BMCW_COMM_LEN);
	} else {
		a->pid = 0;
		a->tid = 0;
		memset(a->comm, 0, BMCW_COMM_LEN);
	}
}

/* Describe an access before it happens; inlined into the fast path. */
static __always_inline void describe(struct bmcw_cfg_access *a, u32 seg,
				     u8 bus, u8 devfn, u16 where, u8 size,
				     u8 dir, u8 origin)
{
	const struct bmcw_region *r;
	struct bmcw_fn *fn;
	struct pci_dev *pdev;
	u32 flags = 0;

	/*
	 * Every field is stored once, without a memset first (a string
	 * instruction, slow under emulation). No timestamp: reading the clock
	 * can be an MMIO access (HPET) and most accesses are only counted; BPF
	 * stamps what it sends.
	 */
	a->ts_ns = 0;
	a->result = 0;
	a->value = 0;
	a->old = 0;
	a->pad = 0;
	a->seg = seg;
	a->bus = bus;
	a->devfn = devfn;
	a->off = where;
	a->size = size;
	a->dir = dir;
	a->origin = origin;

	/*
	 * Inventory entries are freed after an RCU grace period, which also
	 * waits for preemption-disabled code: cheaper here than the function
	 * calls rcu_read_lock() is under PREEMPT_RCU.
	 */
	preempt_disable_notrace();
	fn = bmcw_fn_lookup(bmcw_key(seg, bus, devfn));
	r = bmcw_region_of(fn, where, size);
	a->cls = r->cls;
	a->cap_start = r->cap;
	if (fn) {
		pdev = fn->pdev;
		flags = READ_ONCE(fn->flags) | BMCW_FN_KNOWN;
		if (pdev->msi_enabled || pdev->msix_enabled)
			flags |= BMCW_FN_MSI_ON;
		if (READ_ONCE(pdev->dev.driver))
			flags |= BMCW_FN_DRIVER;
	}
	preempt_enable_notrace();
	a->fn_flags = flags;
	if (a->origin == BMCW_ORIGIN_USER && (flags & BMCW_FN_VFIO) &&
	    bmcw_user_via_vfio())
		a->origin = BMCW_ORIGIN_VFIO;
	fill_task(a);
}

/* The same two for other paths to config space (see bmcwatch.h). */
void bmcw_cfg_describe(struct bmcw_cfg_access *a, u32 seg, u8 bus, u8 devfn,
		       u16 where, u8 size, u8 dir, u8 origin)
{
	describe(a, seg, bus, devfn, where, size, dir, origin);
}

static __always_inline void report(const struct bmcw_cfg_access *a)
{
	bmcw_kstat_inc(BMCW_KSTAT_CFG_TRACED);
	trace_bmcwatch_cfg_access(a, BMCW_CFG_KEY_PACK(a->seg, a->bus,
						       a->devfn, a->cls,
						       a->dir, a->origin),
				  a->fn_flags);
}

void bmcw_cfg_report(const struct bmcw_cfg_access *a)
{
	report(a);
}

/*
 * The traced halves live apart from the wrappers so that the untraced fast
 * path neither builds (nor, with INIT_STACK_ALL_ZERO, zeroes) an event.
 */
static noinline int read_traced(struct pci_ops *orig, struct pci_bus *bus,
				unsigned int devfn, int where, int size,
				u32 *val, unsigned long caller)
{
	/* describe() stores every field: skip INIT_STACK_ALL_ZERO's memset */
	struct bmcw_cfg_access a __uninitialized;
	int ret;

	describe(&a, pci_domain_nr(bus), bus->number, devfn, where, size,
		 BMCW_DIR_READ, bmcw_origin(caller));
	ret = orig->read(bus, devfn, where, size, val);
	a.result = ret;
	a.value = *val;
	report(&a);
	return ret;
}

static noinline int write_traced(struct pci_ops *orig, struct pci_bus *bus,
				 unsigned int devfn, int where, int size,
				 u32 val, unsigned long caller)
{
	struct bmcw_cfg_access a __uninitialized;
	u32 old = 0;
	int ret;

	describe(&a, pci_domain_nr(bus), bus->number, devfn, where, size,
		 BMCW_DIR_WRITE, bmcw_origin(caller));
	/* Writes are rare; the value before tells what a write turned on. */
	if (orig->read(bus, devfn, where, size, &old) == PCIBIOS_SUCCESSFUL)
		a.old = old;
	ret = orig->write(bus, devfn, where, size, val);
	a.result = ret;
	a.value = val;
	report(&a);
	return ret;
}

static int bmcw_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val)
{
	struct pci_ops *orig = orig_ops(bus);

	bmcw_kstat_inc(BMCW_KSTAT_CFG_READS);
	if (!trace_bmcwatch_cfg_access_enabled() || !READ_ONCE(bmcw_enabled))
		return orig->read(bus, devfn, where, size, val);
	return read_traced(orig, bus, devfn, where, size, val, _RET_IP_);
}

static int bmcw_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val)
{
	struct pci_ops *orig = orig_ops(bus);

	bmcw_kstat_inc(BMCW_KSTAT_CFG_WRITES);
	if (!trace_bmcwatch_cfg_access_enabled() || !READ_ONCE(bmcw_enabled))
		return orig->write(bus, devfn, where, size, val);
	return write_traced(orig, bus, devfn, where, size, val, _RET_IP_);
}

static struct bmcw_ops_wrap *wrap_for(struct pci_ops *orig)
{
	struct bmcw_ops_wrap *w;

	lockdep_assert_held(&hook_lock);
	list_for_each_entry(w, &wraps, node)
		if (w->orig == orig)
			return w;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	/* Keep map_bus/add_bus/remove_bus: ECAM reads call bus->ops->map_bus */
	w->ops = *orig;
	w->ops.read = bmcw_read;
	w->ops.write = bmcw_write;
	w->orig = orig;
	list_add_tail_rcu(&w->node, &wraps);
	return w;
}

/* Writers hold hook_lock; the RCU read lock only satisfies the list API. */
static bool bus_recorded(const struct pci_bus *bus)
{
	bool found;

	rcu_read_lock();
	found = rec_lookup(bus);
	rcu_read_unlock();
	return found;
}

static int record_bus(struct pci_bus *bus, struct bmcw_ops_wrap *w)
{
	struct bmcw_bus_rec *rec;

	if (bus_recorded(bus))
		return 0;
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->bus = bus;
	rec->wrap = w;
	w->nr_buses++;
	hash_add_rcu(bus_recs, &rec->node, (unsigned long)bus);
	return 0;
}

static int hook_one(struct pci_bus *bus)
{
	struct pci_ops *ops = bus->ops;
	struct bmcw_ops_wrap *w;

	if (ops->read == bmcw_read)	/* inherited from the parent */
		return record_bus(bus, container_of(ops, struct bmcw_ops_wrap,
						    ops));
	w = wrap_for(ops);
	if (!w)
		return -ENOMEM;
	if (record_bus(bus, w))
		return -ENOMEM;
	pci_bus_set_ops(bus, &w->ops);
	return 0;
}

static int hook_tree(struct pci_bus *bus)
{
	struct pci_bus *child;
	int ret = hook_one(bus);

	list_for_each_entry(child, &bus->children, node)
		ret = ret ?: hook_tree(child);
	return ret;
}

/* Hook a bus seen by the device notifier (hotplug, SR-IOV virtual buses). */
int bmcw_cfg_hook_bus(struct pci_bus *bus)
{
	int ret;

	mutex_lock(&hook_lock);
	ret = hook_one(bus);
	mutex_unlock(&hook_lock);
	return ret;
}

static void unhook_tree(struct pci_bus *bus)
{
	struct pci_bus *child;
	struct pci_ops *ops = bus->ops;

	list_for_each_entry(child, &bus->children, node)
		unhook_tree(child);
	if (ops->read == bmcw_read)
		pci_bus_set_ops(bus, container_of(ops, struct bmcw_ops_wrap,
						  ops)->orig);
	else if (bus_recorded(bus))
		pr_err("bmcwatch: bus %04x:%02x has foreign ops stacked on ours; unload the other wrapper first\n",
		       pci_domain_nr(bus), bus->number);
}

int bmcw_cfg_hook_init(void)
{
	struct pci_bus *bus;
	int ret = 0;

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	list_for_each_entry(bus, &pci_root_buses, node) {
		ret = hook_tree(bus);
		if (ret)
			break;
	}
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();
	if (ret)
		bmcw_cfg_hook_exit();
	return ret;
}

void bmcw_cfg_hook_exit(void)
{
	struct bmcw_ops_wrap *w, *tw;
	struct bmcw_bus_rec *rec;
	struct hlist_node *tmp;
	struct pci_bus *bus;
	int bkt;

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	list_for_each_entry(bus, &pci_root_buses, node)
		unhook_tree(bus);
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();

	/* Callers that loaded our ops before the swap must leave them. */
	synchronize_rcu_tasks();
	synchronize_rcu();

	mutex_lock(&hook_lock);
	hash_for_each_safe(bus_recs, bkt, tmp, rec, node) {
		hash_del(&rec->node);
		kfree(rec);
	}
	list_for_each_entry_safe(w, tw, &wraps, node) {
		list_del(&w->node);
		kfree(w);
	}
	mutex_unlock(&hook_lock);
}

int bmcw_cfg_hooks_show(struct seq_file *m, void *v)
{
	struct bmcw_ops_wrap *w;

	mutex_lock(&hook_lock);
	list_for_each_entry(w, &wraps, node)
		seq_printf(m, "ops %ps buses %u read %ps write %ps\n", w->orig,
			   w->nr_buses, w->orig->read, w->orig->write);
	mutex_unlock(&hook_lock);
	return 0;
}
