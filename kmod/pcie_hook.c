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
 *
 * One file, over 600 lines, on purpose: the fast path (bmcw_read/write and
 * orig_ops()) and the code that puts wrappers on buses and takes them off
 * share the wrapper and bus-record structures, their hash, the lock rules
 * above and the foreign-wrapper count the fast path reads. Split, all of
 * that would become a header of internals for two files that must change
 * together; here it stays private.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "bmcwatch.h"
#include "pcie_trace.h"
#include "hook.h"

bool bmcw_enabled __read_mostly = true;

struct bmcw_ops_wrap {
	struct pci_ops ops;		/* what bus->ops points at */
	struct pci_ops *orig;
	struct list_head node;
	unsigned int nr_buses;
	bool dead;			/* @orig went away with its module */
	bool keep;			/* left behind as a pass-through */
};

/*
 * Which wrapper we gave a bus: needed when bus->ops is not ours (another
 * wrapper stacked on top, or ours just removed). A record goes when its
 * bus does (see bmcw_cfg_hook_dev_gone()).
 */
struct bmcw_bus_rec {
	struct hlist_node node;
	const struct pci_bus *bus;	/* compared, never dereferenced */
	const struct pci_dev *self;	/* the bridge above it, compared */
	struct bmcw_ops_wrap *wrap;
	const struct pci_ops *foreign;	/* a wrapper on ours, reported */
	int domain;			/* for debugfs */
	u8 number;
	struct rcu_head rcu;
};

static LIST_HEAD(wraps);
static DEFINE_HASHTABLE(bus_recs, 6);
static DEFINE_MUTEX(hook_lock);		/* wraps and bus_recs writers */
static bool hooks_closed;		/* unloading: hook nothing more */
static atomic_t nr_foreign;		/* records with another wrapper on ours */
static bool cfg_notifier_registered;
static struct dentry *pci_ops_file;

static int bmcw_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val);
static int bmcw_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val);

static bool ops_ours(const struct pci_ops *ops)
{
	return ops->read == bmcw_read;
}

static struct bmcw_bus_rec *rec_find(const struct pci_bus *bus)
{
	struct bmcw_bus_rec *rec;

	hash_for_each_possible_rcu(bus_recs, rec, node, (unsigned long)bus)
		if (rec->bus == bus)
			return rec;
	return NULL;
}

/*
 * The original ops of @bus when bus->ops is not ours: another wrapper was
 * stacked on ours and called us, or ours was just removed. Find it by the
 * bus, or by the nearest recorded ancestor, whose ops a new child bus
 * copied.
 */
static noinline struct pci_ops *orig_ops_slow(struct pci_bus *bus,
					      struct pci_ops *ops)
{
	struct bmcw_bus_rec *rec = NULL;
	struct pci_ops *orig = ops;
	struct pci_bus *b;

	rcu_read_lock();
	for (b = bus; b && !rec; b = b->parent)
		rec = rec_find(b);
	/* Wrappers outlive every caller (see bmcw_cfg_hook_exit()). */
	if (rec)
		orig = READ_ONCE(rec->wrap)->orig;
	rcu_read_unlock();
	return orig;
}

static __always_inline struct pci_ops *orig_ops(struct pci_bus *bus)
{
	struct pci_ops *ops = READ_ONCE(bus->ops);

	if (likely(ops_ours(ops)))
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
	a->flags = 0;
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
	u64 key = BMCW_CFG_KEY_PACK(a->seg, a->bus, a->devfn, a->cls, a->dir,
				    a->origin);

	bmcw_kstat_inc(BMCW_KSTAT_CFG_TRACED);
	bmcw_trace(trace_bmcwatch_cfg_access(a, key, a->fn_flags);
		   trace_bmcwatch_cfg_count(a, key, a->fn_flags));
}

void bmcw_cfg_report(const struct bmcw_cfg_access *a)
{
	report(a);
}

/* Is anyone listening on either config tracepoint? */
static __always_inline bool watched(void)
{
	return trace_bmcwatch_cfg_access_enabled() ||
	       trace_bmcwatch_cfg_count_enabled();
}

bool bmcw_cfg_watched(void)
{
	return watched();
}

/*
 * Who asked, from the wrapper's return address. Through another wrapper
 * stacked on ours that address is in the other wrapper, and a process's
 * access would look like the kernel's: while any bus has one, a kernel
 * verdict is checked further up the stack.
 */
static __always_inline u8 origin_of(unsigned long caller)
{
	u8 origin = bmcw_origin(caller);

	if (origin == BMCW_ORIGIN_KERNEL && unlikely(atomic_read(&nr_foreign)))
		origin = bmcw_origin_deep();
	return origin;
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
		 BMCW_DIR_READ, origin_of(caller));
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
		 BMCW_DIR_WRITE, origin_of(caller));
	/*
	 * The value before tells what a write turned on, but reading it is
	 * an access of its own: some registers have side effects on read
	 * (index/data windows, clear-on-read status), and it lengthens the
	 * write. So only the registers whose rules compare old and new are
	 * read first, and they are side-effect free.
	 */
	if (bmcw_class_wants_old(a.cls) &&
	    orig->read(bus, devfn, where, size, &old) == PCIBIOS_SUCCESSFUL) {
		a.old = old;
		a.flags |= BMCW_CFG_F_OLD;
	}
	ret = orig->write(bus, devfn, where, size, val);
	a.result = ret;
	a.value = val;
	report(&a);
	return ret;
}

/*
 * A read while only counters listen (bmcwatch_cfg_count): its counter key
 * and nothing more. Reads are never sent on, so their event (the process,
 * the value, the function's flags) would be built for nobody; building it
 * was most of a traced read's cost.
 */
static noinline int read_counted(struct pci_ops *orig, struct pci_bus *bus,
				 unsigned int devfn, int where, int size,
				 u32 *val, unsigned long caller)
{
	u32 seg = pci_domain_nr(bus);
	u8 nr = bus->number, origin = origin_of(caller), cls;
	const struct bmcw_fn *fn;
	u32 flags = 0;
	int ret;

	/* as in describe(): entries are freed after an RCU grace period */
	preempt_disable_notrace();
	fn = bmcw_fn_lookup(bmcw_key(seg, nr, devfn));
	cls = bmcw_region_of(fn, where, size)->cls;
	if (origin == BMCW_ORIGIN_USER && fn)
		flags = READ_ONCE(fn->flags);
	preempt_enable_notrace();
	if (origin == BMCW_ORIGIN_USER && (flags & BMCW_FN_VFIO) &&
	    bmcw_user_via_vfio())
		origin = BMCW_ORIGIN_VFIO;
	ret = orig->read(bus, devfn, where, size, val);
	bmcw_kstat_inc(BMCW_KSTAT_CFG_TRACED);
	bmcw_trace(trace_bmcwatch_cfg_count(NULL,
					    BMCW_CFG_KEY_PACK(seg, nr, devfn, cls,
							      BMCW_DIR_READ,
							      origin), 0));
	return ret;
}

static int bmcw_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val)
{
	struct pci_ops *orig = orig_ops(bus);

	bmcw_kstat_inc(BMCW_KSTAT_CFG_READS);
	if (!watched() || !READ_ONCE(bmcw_enabled))
		return orig->read(bus, devfn, where, size, val);
	if (!trace_bmcwatch_cfg_access_enabled())
		return read_counted(orig, bus, devfn, where, size, val,
				    _RET_IP_);
	return read_traced(orig, bus, devfn, where, size, val, _RET_IP_);
}

static int bmcw_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val)
{
	struct pci_ops *orig = orig_ops(bus);

	bmcw_kstat_inc(BMCW_KSTAT_CFG_WRITES);
	if (!watched() || !READ_ONCE(bmcw_enabled))
		return orig->write(bus, devfn, where, size, val);
	return write_traced(orig, bus, devfn, where, size, val, _RET_IP_);
}

static struct bmcw_ops_wrap *wrap_for(struct pci_ops *orig)
{
	struct bmcw_ops_wrap *w;

	lockdep_assert_held(&hook_lock);
	list_for_each_entry(w, &wraps, node)
		if (w->orig == orig && !w->dead)
			return w;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	/* Keep map_bus/add_bus/remove_bus: ECAM reads call bus->ops->map_bus */
	w->ops = *orig;
	w->ops.read = bmcw_read;
	w->ops.write = bmcw_write;
	w->orig = orig;
	list_add_tail(&w->node, &wraps);
	return w;
}

static struct bmcw_bus_rec *__rec_get(struct pci_bus *bus)
{
	struct bmcw_bus_rec *rec;

	lockdep_assert_held(&hook_lock);
	hash_for_each_possible(bus_recs, rec, node, (unsigned long)bus)
		if (rec->bus == bus)
			return rec;
	return NULL;
}

static void __set_foreign(struct bmcw_bus_rec *rec, const struct pci_ops *ops)
{
	lockdep_assert_held(&hook_lock);
	if (!rec->foreign && ops)
		atomic_inc(&nr_foreign);
	else if (rec->foreign && !ops)
		atomic_dec(&nr_foreign);
	rec->foreign = ops;
}

static int __record_bus(struct pci_bus *bus, struct bmcw_ops_wrap *w)
{
	struct bmcw_bus_rec *rec = __rec_get(bus);

	lockdep_assert_held(&hook_lock);
	if (rec) {
		if (rec->wrap != w) {
			rec->wrap->nr_buses--;
			w->nr_buses++;
			WRITE_ONCE(rec->wrap, w);
		}
		__set_foreign(rec, NULL);
		return 0;
	}
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->bus = bus;
	rec->self = bus->self;
	rec->domain = pci_domain_nr(bus);
	rec->number = bus->number;
	rec->wrap = w;
	w->nr_buses++;
	hash_add_rcu(bus_recs, &rec->node, (unsigned long)bus);
	return 0;
}

static void __rec_del(struct bmcw_bus_rec *rec)
{
	lockdep_assert_held(&hook_lock);
	__set_foreign(rec, NULL);
	rec->wrap->nr_buses--;
	hash_del_rcu(&rec->node);
	kfree_rcu(rec, rcu);	/* orig_ops_slow() may be reading it */
}

/* Put our wrapper on @bus whatever its ops are now. */
static int __wrap_bus(struct pci_bus *bus)
{
	struct bmcw_ops_wrap *w;

	lockdep_assert_held(&hook_lock);
	w = wrap_for(bus->ops);
	if (!w || __record_bus(bus, w))
		return -ENOMEM;
	pci_bus_set_ops(bus, &w->ops);
	return 0;
}

/*
 * Does a config read through @bus's ops now pass through our wrapper?
 * Asked only of a bus whose ops are not ours: it reads the vendor id of a
 * function on it (a side-effect-free register), with interrupts off, and
 * sees whether this CPU's count of wrapper calls moved. That count is kept
 * anyway, so the fast path pays nothing for the question.
 */
static bool __chain_has_us(struct pci_bus *bus)
{
	struct pci_dev *pdev;
	unsigned long flags;
	u64 before, after;
	u32 v;

	lockdep_assert_held(&hook_lock);
	pdev = list_first_entry_or_null(&bus->devices, struct pci_dev,
					bus_list);
	local_irq_save(flags);
	before = __this_cpu_read(bmcw_kstats[BMCW_KSTAT_CFG_READS]);
	bus->ops->read(bus, pdev ? pdev->devfn : 0, PCI_VENDOR_ID, 2, &v);
	after = __this_cpu_read(bmcw_kstats[BMCW_KSTAT_CFG_READS]);
	local_irq_restore(flags);
	return after != before;
}

/*
 * Hook @bus. Ops that are not ours on a bus we hooked before are either
 * another wrapper stacked on ours (aer_inject, another monitor), which
 * calls ours below it, or ops someone put back without ours: a config read
 * tells which. A wrapper on ours stays and is reported once (wrapping it
 * again would count each access twice, or recurse without end through one
 * that finds its original through bus->ops as ours does); a bus that lost
 * ours is hooked again and that is reported.
 */
static int __hook_one(struct pci_bus *bus)
{
	struct pci_ops *ops = bus->ops;
	struct bmcw_bus_rec *rec;
	int ret;

	lockdep_assert_held(&hook_lock);
	if (ops_ours(ops))	/* inherited from the parent, or hooked */
		return __record_bus(bus, container_of(ops, struct bmcw_ops_wrap,
						      ops));
	rec = __rec_get(bus);
	if (!rec)
		return __wrap_bus(bus);
	if (rec->foreign == ops)
		return 0;
	if (__chain_has_us(bus)) {
		__set_foreign(rec, ops);
		pr_warn("bus %04x:%02x: another pci_ops wrapper (%ps) sits on bmcwatch's; both stay\n",
			pci_domain_nr(bus), bus->number, ops->read);
		bmcw_health(BMCW_MON_PCIE, BMCW_HEALTH_OPS_FOREIGN, 0,
			    "pci_bus_ops",
			    "bus %04x:%02x: config accesses pass through %ps before bmcwatch; unload it before bmcwatch",
			    pci_domain_nr(bus), bus->number, ops->read);
		return 0;
	}
	ret = __wrap_bus(bus);
	if (!ret)
		bmcw_health(BMCW_MON_PCIE, BMCW_HEALTH_OPS_LOST, 0,
			    "pci_bus_ops",
			    "bus %04x:%02x: config accesses no longer passed through bmcwatch (ops now %ps); hooked again",
			    pci_domain_nr(bus), bus->number, ops->read);
	return ret;
}

static int __hook_tree(struct pci_bus *bus)
{
	struct pci_bus *child;
	int ret;

	lockdep_assert_held(&hook_lock);
	ret = __hook_one(bus);

	list_for_each_entry(child, &bus->children, node)
		ret = ret ?: __hook_tree(child);
	return ret;
}

/*
 * Every few seconds, every bus: one whose ops were changed behind our back
 * (a wrapper put on ours without a device being added, ours taken off) is
 * found even when nothing else happens on it. Deferrable: an idle host is
 * not woken for it.
 */
#define OPS_CHECK_SECS	5

static void ops_check_fn(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(ops_check, ops_check_fn);

static void ops_check_fn(struct work_struct *work)
{
	struct pci_bus *bus;
	bool again;

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	again = !hooks_closed;
	if (again)
		list_for_each_entry(bus, &pci_root_buses, node)
			__hook_tree(bus);
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();
	if (again)
		schedule_delayed_work(&ops_check, OPS_CHECK_SECS * HZ);
}

/* Hook a bus seen by the device notifier (hotplug, SR-IOV virtual buses). */
int bmcw_cfg_hook_bus(struct pci_bus *bus)
{
	int ret = 0;

	mutex_lock(&hook_lock);
	if (!hooks_closed)
		ret = __hook_one(bus);
	mutex_unlock(&hook_lock);
	return ret;
}

/*
 * @pdev is being removed: forget the buses that go with it, so that a new
 * bus at the same address is not taken for one we hooked. A bridge's
 * secondary bus is removed before the bridge; a bus without a bridge
 * (a root bus, SR-IOV's virtual buses) goes with its last device, unless
 * another wrapper sits on ours there (the record tells it is stacked).
 */
void bmcw_cfg_hook_dev_gone(struct pci_dev *pdev)
{
	struct bmcw_bus_rec *rec;
	struct hlist_node *tmp;
	struct pci_bus *bus = pdev->bus;
	int bkt;

	mutex_lock(&hook_lock);
	hash_for_each_safe(bus_recs, bkt, tmp, rec, node)
		if (rec->self == pdev)
			__rec_del(rec);
	if (!bus->self && list_is_singular(&bus->devices) &&
	    ops_ours(READ_ONCE(bus->ops))) {
		rec = __rec_get(bus);
		if (rec)
			__rec_del(rec);
	}
	mutex_unlock(&hook_lock);
}

static void __unhook_tree(struct pci_bus *bus)
{
	struct pci_bus *child;
	struct pci_ops *ops = bus->ops;
	struct bmcw_bus_rec *rec;

	lockdep_assert_held(&hook_lock);
	list_for_each_entry(child, &bus->children, node)
		__unhook_tree(child);
	if (ops_ours(ops)) {
		pci_bus_set_ops(bus, container_of(ops, struct bmcw_ops_wrap,
						  ops)->orig);
		return;
	}
	rec = __rec_get(bus);
	if (!rec)
		return;
	/*
	 * Another wrapper sits on ours and will go on calling it: ours must
	 * stay, as a plain copy of the original ops that runs none of our
	 * code, and outlive this module.
	 */
	rec->wrap->keep = true;
	pr_warn("bus %04x:%02x: %ps sits on bmcwatch's config hook; leaving a %zu-byte pass-through in its place\n",
		pci_domain_nr(bus), bus->number, ops->read,
		sizeof(struct bmcw_ops_wrap));
}

/*
 * A module is going: a bus whose ops we wrapped may have been handed back
 * the ops that module had replaced (aer_inject restores what it found when
 * it unloads), which leaves the bus unwatched. Such buses are hooked again
 * and that is reported; wrappers of that module's ops are never used again.
 */
static int cfg_module_cb(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct module *mod = data;
	struct bmcw_bus_rec *rec;
	struct bmcw_ops_wrap *w;
	struct pci_bus *bus;
	bool any = false;
	int bkt;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&hook_lock);
	hash_for_each(bus_recs, bkt, rec, node)
		if (rec->foreign &&
		    within_module((unsigned long)rec->foreign, mod))
			__set_foreign(rec, NULL);	/* it went */
	list_for_each_entry(w, &wraps, node)
		if (!w->dead && within_module((unsigned long)w->orig, mod)) {
			w->dead = true;
			any = true;
		}
	mutex_unlock(&hook_lock);
	if (!any)
		return NOTIFY_DONE;

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	hash_for_each(bus_recs, bkt, rec, node) {
		if (!rec->wrap->dead)
			continue;
		/* the record is live: its bus is still there */
		bus = (struct pci_bus *)rec->bus;
		if (ops_ours(bus->ops) &&
		    container_of(bus->ops, struct bmcw_ops_wrap, ops) != rec->wrap)
			continue;
		if (hooks_closed || __wrap_bus(bus))
			continue;
		bmcw_health_by_current(BMCW_MON_PCIE, BMCW_HEALTH_OPS_LOST, 0,
				       "pci_bus_ops",
				       "bus %04x:%02x lost bmcwatch's config hook when %s was unloaded (it restored the ops it had replaced); hooked again",
				       pci_domain_nr(bus), bus->number,
				       mod->name);
	}
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();
	return NOTIFY_DONE;
}

static struct notifier_block cfg_module_nb = {
	.notifier_call = cfg_module_cb,
};

/* debugfs pci_ops: our wrappers, and other wrappers found on ours */
static int pci_ops_show(struct seq_file *m, void *v)
{
	struct bmcw_bus_rec *rec;
	struct bmcw_ops_wrap *w;
	int bkt;

	mutex_lock(&hook_lock);
	list_for_each_entry(w, &wraps, node) {
		if (w->dead) {	/* its ops went with their module */
			seq_printf(m, "ops=- buses=%u state=gone\n",
				   w->nr_buses);
			continue;
		}
		seq_printf(m, "ops=%ps buses=%u read=%ps write=%ps state=wrapped\n",
			   w->orig, w->nr_buses, w->orig->read, w->orig->write);
	}
	hash_for_each(bus_recs, bkt, rec, node)
		if (rec->foreign)
			seq_printf(m, "bus=%04x:%02x foreign=%ps\n",
				   rec->domain, rec->number, rec->foreign->read);
	mutex_unlock(&hook_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(pci_ops);

/* The bus ops wrappers, in the one hook table. */
static struct bmcw_hook ops_hook[] = {
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "pci_bus_ops" },
	  .unseen = "config-space accesses through bus ops" },
};

static struct bmcw_hook_set ops_hooks = {
	.monitor = BMCW_MON_PCIE,
	.name = "pcie",
	.hooks = ops_hook,
	.nr = ARRAY_SIZE(ops_hook),
};

int bmcw_cfg_hook_init(struct dentry *dir)
{
	struct pci_bus *bus;
	int ret = 0;

	mutex_lock(&hook_lock);
	hooks_closed = false;
	mutex_unlock(&hook_lock);
	/* not under hook_lock: the callback takes it inside the chain's rwsem */
	cfg_notifier_registered = !register_module_notifier(&cfg_module_nb);
	if (!cfg_notifier_registered)
		pr_warn("no module notifier: a bus handed back its old ops when another wrapper unloads stays unwatched\n");

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	list_for_each_entry(bus, &pci_root_buses, node) {
		ret = __hook_tree(bus);
		if (ret)
			break;
	}
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();
	if (!ret)
		schedule_delayed_work(&ops_check, OPS_CHECK_SECS * HZ);
	if (!IS_ERR_OR_NULL(dir))
		pci_ops_file = debugfs_create_file("pci_ops", 0400, dir, NULL,
						   &pci_ops_fops);
	bmcw_hooks_add(&ops_hooks);
	bmcw_hook_report(&ops_hooks, ops_hook,
			 ret ? BMCW_HOOK_FAILED : BMCW_HOOK_PLACED, ret);
	if (ret) {
		/* as at unload: first no more hooking from the notifier */
		bmcw_inventory_stop();
		bmcw_cfg_hook_exit();
	}
	return ret;
}

/*
 * The caller has stopped the PCI bus notifier (bmcw_inventory_stop()): no
 * bus can be hooked again while the wrappers go.
 */
void bmcw_cfg_hook_exit(void)
{
	struct bmcw_ops_wrap *w, *tw;
	struct bmcw_bus_rec *rec;
	struct hlist_node *tmp;
	struct pci_bus *bus;
	int bkt;

	debugfs_remove(pci_ops_file);
	pci_ops_file = NULL;
	bmcw_hooks_del(&ops_hooks);
	mutex_lock(&hook_lock);
	hooks_closed = true;		/* the check does not queue itself again */
	mutex_unlock(&hook_lock);
	cancel_delayed_work_sync(&ops_check);
	if (cfg_notifier_registered)
		unregister_module_notifier(&cfg_module_nb);
	cfg_notifier_registered = false;

	pci_lock_rescan_remove();
	mutex_lock(&hook_lock);
	list_for_each_entry(bus, &pci_root_buses, node)
		__unhook_tree(bus);
	/* Kept wrappers become plain copies of their original ops. */
	list_for_each_entry(w, &wraps, node)
		if (w->keep) {
			WRITE_ONCE(w->ops.write, w->orig->write);
			WRITE_ONCE(w->ops.read, w->orig->read);
		}
	mutex_unlock(&hook_lock);
	pci_unlock_rescan_remove();

	/* Callers that loaded our ops before the swap must leave them. */
	synchronize_rcu_tasks();
	synchronize_rcu();

	mutex_lock(&hook_lock);
	hash_for_each_safe(bus_recs, bkt, tmp, rec, node) {
		__set_foreign(rec, NULL);
		hash_del(&rec->node);
		kfree(rec);
	}
	list_for_each_entry_safe(w, tw, &wraps, node) {
		list_del(&w->node);
		if (!w->keep)
			kfree(w);	/* a kept one is someone else's now */
	}
	mutex_unlock(&hook_lock);
}
