// SPDX-License-Identifier: GPL-2.0
/*
 * The inventory: every PCI function of the host with its identity
 * fingerprint, its register layout (for classifying config accesses) and
 * its BMC marks. Kept in an RCU hash table because the config fast path
 * looks functions up with interrupts off; changed only from the PCI bus
 * notifier and at load, under inv_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "bmcwatch.h"
#include "pcie_trace.h"

DEFINE_HASHTABLE(bmcw_fn_table, BMCW_FN_HASH_BITS);
static DEFINE_MUTEX(inv_lock);
static struct workqueue_struct *free_wq;	/* drained at exit */
static unsigned int nr_fns;
/*
 * Bumped under inv_lock at every change the inventory shows (a function
 * added or removed, a driver bound or unbound, the BMC list written): a
 * reader of debugfs inventory_gen parses the whole inventory again only
 * when it moved, instead of every interval (its cost grows with the
 * host's functions).
 */
static u64 inv_gen;
static struct dentry *dbg_files[5];

static void inventory_debugfs_init(struct dentry *dir);

/*
 * What was last seen at recently vacated addresses: a function that comes
 * back at the same address with another identity (a swapped card, or a BMC
 * re-enumerating as something else) is a change, not just an addition.
 */
#define BMCW_TOMBSTONES 64
static struct {
	u64 key;
	u64 fingerprint;
	bool used;
} tombstones[BMCW_TOMBSTONES];
static unsigned int next_tombstone;

/* Fixed so fingerprints compare across boots and hosts (not a secret). */
static const siphash_key_t fp_key = {
	{ 0x626d63776174636bULL, 0x2d66702d76310000ULL }
};

/* What identifies a function; hashed, so layout matters only within a run */
struct fp_input {
	u16 vendor, device, subvendor, subdevice;
	u32 class;
	u8 revision, hdr_type, nr_caps, nr_ecaps;
	u8 caps[BMCW_MAX_CAPS];
	u16 ecaps[BMCW_MAX_CAPS];
	u32 lnkcap;
	u64 bar_len[PCI_STD_NUM_BARS + 1];	/* + expansion ROM */
	u32 bar_type[PCI_STD_NUM_BARS + 1];
	u32 path[8];				/* devfn/ids of bridges above */
} __packed;

static u64 fingerprint(const struct bmcw_fn *fn)
{
	struct pci_dev *pdev = fn->pdev, *up;
	struct fp_input in;
	int i;

	memset(&in, 0, sizeof(in));
	in.vendor = fn->vendor;
	in.device = fn->device;
	in.subvendor = fn->subvendor;
	in.subdevice = fn->subdevice;
	in.class = fn->class;
	in.revision = fn->revision;
	in.hdr_type = fn->hdr_type;
	in.nr_caps = fn->nr_caps;
	in.nr_ecaps = fn->nr_ecaps;
	memcpy(in.caps, fn->caps, sizeof(in.caps));
	memcpy(in.ecaps, fn->ecaps, sizeof(in.ecaps));
	in.lnkcap = fn->lnkcap;
	for (i = 0; i <= PCI_STD_NUM_BARS; i++) {
		int r = i < PCI_STD_NUM_BARS ? i : PCI_ROM_RESOURCE;

		in.bar_len[i] = pci_resource_len(pdev, r);
		in.bar_type[i] = pci_resource_flags(pdev, r) &
				 (IORESOURCE_IO | IORESOURCE_MEM |
				  IORESOURCE_PREFETCH | IORESOURCE_MEM_64);
	}
	/* Bus numbers move when bridges are renumbered; slots do not. */
	for (i = 0, up = pci_upstream_bridge(pdev); up && i < 8;
	     i++, up = pci_upstream_bridge(up))
		in.path[i] = up->devfn << 24 ^ up->vendor << 8 ^ up->device;
	return siphash(&in, sizeof(in), &fp_key);
}

static struct bmcw_fn *fn_create(struct pci_dev *pdev)
{
	struct bmcw_fn *fn = kzalloc(sizeof(*fn), GFP_KERNEL);

	if (!fn)
		return NULL;
	fn->pdev = pci_dev_get(pdev);
	fn->key = bmcw_pdev_key(pdev);
	fn->vendor = pdev->vendor;
	fn->device = pdev->device;
	fn->subvendor = pdev->subsystem_vendor;
	fn->subdevice = pdev->subsystem_device;
	fn->class = pdev->class;
	fn->revision = pdev->revision;
	fn->hdr_type = pdev->hdr_type;
	if (pci_is_pcie(pdev))
		pcie_capability_read_dword(pdev, PCI_EXP_LNKCAP, &fn->lnkcap);
	bmcw_fn_build_regions(fn);
	/* Set by the kernel when it enables SR-IOV: a device cannot claim it */
	if (pdev->is_virtfn)
		fn->flags |= BMCW_FN_VIRTFN;
	fn->fingerprint = fingerprint(fn);
	return fn;
}

/*
 * After a grace period, in process context: the last pci_dev_put() may
 * release the device, which can sleep, so not from an RCU callback.
 */
static void fn_free_work(struct work_struct *work)
{
	struct bmcw_fn *fn = container_of(to_rcu_work(work), struct bmcw_fn,
					  free_work);

	pci_dev_put(fn->pdev);
	kfree(fn);
}

static void fn_free_later(struct bmcw_fn *fn)
{
	INIT_RCU_WORK(&fn->free_work, fn_free_work);
	queue_rcu_work(free_wq, &fn->free_work);
}

static void emit(const struct bmcw_fn *fn, u8 change)
{
	struct bmcw_dev_event e = {
		.ts_ns = ktime_get_ns(),
		.seg = bmcw_key_seg(fn->key),
		.bus = (fn->key >> 8) & 0xff,
		.devfn = fn->key & 0xff,
		.change = change,
		.hdr_type = fn->hdr_type,
		.vendor = fn->vendor,
		.device = fn->device,
		.subvendor = fn->subvendor,
		.subdevice = fn->subdevice,
		.class = fn->class,
		.revision = fn->revision,
		.fn_flags = READ_ONCE(fn->flags) | BMCW_FN_KNOWN,
		.fingerprint = fn->fingerprint,
		.host_fingerprint = bmcw_host_fingerprint(),
	};

	bmcw_kstat_inc(BMCW_KSTAT_DEV_EVENTS);
	bmcw_trace(trace_bmcwatch_dev_event(&e));
}

static void set_alias(struct pci_dev *pdev, u8 bus, u8 devfn)
{
	struct bmcw_fn *fn;

	fn = bmcw_fn_lookup(bmcw_key(pci_domain_nr(pdev->bus), bus, devfn));
	if (fn)
		WRITE_ONCE(fn->flags, fn->flags | BMCW_FN_BMC_ALIAS);
}

/*
 * Mark the requester IDs a function's DMA may carry (the rules of
 * pci_for_each_dma_alias(), which is not exported): a conventional PCI
 * bridge or a PCIe-to-PCI bridge above it takes ownership of the
 * transaction, so its DMA arrives at the IOMMU under the bridge's ID.
 */
static void mark_dma_aliases(struct pci_dev *pdev)
{
	struct pci_bus *bus;
	struct pci_dev *br;

	for (bus = pdev->bus; !pci_is_root_bus(bus); bus = bus->parent) {
		br = bus->self;
		if (!br)
			break;
		if (!pci_is_pcie(br)) {
			set_alias(br, br->bus->number, br->devfn);
			continue;
		}
		switch (pci_pcie_type(br)) {
		case PCI_EXP_TYPE_PCI_BRIDGE:
			set_alias(br, br->subordinate->number, 0);
			set_alias(br, br->bus->number, br->devfn);
			break;
		case PCI_EXP_TYPE_PCIE_BRIDGE:
			set_alias(br, br->bus->number, br->devfn);
			break;
		}
	}
}

static void update_flags_locked(void)
{
	const u32 bmc_bits = BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM |
			     BMCW_FN_BMC_ALIAS | BMCW_FN_VFIO;
	struct bmcw_fn *fn, *up_fn;
	struct pci_dev *up;
	int bkt;

	lockdep_assert_held(&inv_lock);
	WRITE_ONCE(inv_gen, inv_gen + 1);
	rcu_read_lock();
	hash_for_each_rcu(bmcw_fn_table, bkt, fn, node) {
		u32 flags = fn->flags & ~bmc_bits;
		struct device_driver *drv = READ_ONCE(fn->pdev->dev.driver);

		if (bmcw_is_bmc(fn->pdev))
			flags |= BMCW_FN_BMC;
		if (drv && !strcmp(drv->name, "vfio-pci"))
			flags |= BMCW_FN_VFIO;
		WRITE_ONCE(fn->flags, flags);
	}
	hash_for_each_rcu(bmcw_fn_table, bkt, fn, node) {
		if (!(fn->flags & BMCW_FN_BMC))
			continue;
		for (up = pci_upstream_bridge(fn->pdev); up;
		     up = pci_upstream_bridge(up)) {
			up_fn = bmcw_fn_lookup(bmcw_pdev_key(up));
			if (up_fn)
				WRITE_ONCE(up_fn->flags,
					   up_fn->flags | BMCW_FN_BMC_UPSTREAM);
		}
		mark_dma_aliases(fn->pdev);
	}
	rcu_read_unlock();
}

void bmcw_inventory_update_flags(void)
{
	mutex_lock(&inv_lock);
	update_flags_locked();
	mutex_unlock(&inv_lock);
}

/* Returns true if @fn's address last held a function of another identity. */
static bool identity_changed(const struct bmcw_fn *fn)
{
	int i;

	for (i = 0; i < BMCW_TOMBSTONES; i++) {
		if (!tombstones[i].used || tombstones[i].key != fn->key)
			continue;
		tombstones[i].used = false;
		return tombstones[i].fingerprint != fn->fingerprint;
	}
	return false;
}

static void add_pdev_locked(struct pci_dev *pdev, u8 change)
{
	struct bmcw_fn *fn, *old;

	lockdep_assert_held(&inv_lock);
	fn = fn_create(pdev);
	if (!fn)
		return;
	old = bmcw_fn_lookup(fn->key);
	if (old) {
		/* in one step: a lookup meanwhile finds the old or the new */
		hlist_replace_rcu(&old->node, &fn->node);
		fn_free_later(old);
	} else {
		nr_fns++;
		hash_add_rcu(bmcw_fn_table, &fn->node, fn->key);
	}
	update_flags_locked();
	emit(fn, change);
	if (change == BMCW_DEV_ADDED && identity_changed(fn))
		emit(fn, BMCW_DEV_CHANGED);
}

static void del_pdev_locked(struct pci_dev *pdev)
{
	struct bmcw_fn *fn;

	lockdep_assert_held(&inv_lock);
	fn = bmcw_fn_lookup(bmcw_pdev_key(pdev));
	if (!fn || fn->pdev != pdev)
		return;
	hash_del_rcu(&fn->node);
	nr_fns--;
	update_flags_locked();
	emit(fn, BMCW_DEV_REMOVED);
	tombstones[next_tombstone].key = fn->key;
	tombstones[next_tombstone].fingerprint = fn->fingerprint;
	tombstones[next_tombstone].used = true;
	next_tombstone = (next_tombstone + 1) % BMCW_TOMBSTONES;
	fn_free_later(fn);
}

static int pci_notify(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		/* A bus made with other ops (host child_ops, virtual bus). */
		if (bmcw_cfg_hook_bus(pdev->bus))
			bmcw_health(BMCW_MON_PCIE, BMCW_HEALTH_HOOK_FAILED,
				    -ENOMEM, "pci_bus_ops",
				    "no memory to hook bus %04x:%02x: its config accesses are unseen",
				    pci_domain_nr(pdev->bus), pdev->bus->number);
		mutex_lock(&inv_lock);
		add_pdev_locked(pdev, BMCW_DEV_ADDED);
		mutex_unlock(&inv_lock);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		mutex_lock(&inv_lock);
		del_pdev_locked(pdev);
		mutex_unlock(&inv_lock);
		bmcw_cfg_hook_dev_gone(pdev);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
	case BUS_NOTIFY_UNBOUND_DRIVER:
		bmcw_inventory_update_flags();
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block pci_nb = {
	.notifier_call = pci_notify,
};

static bool pci_nb_registered;

int bmcw_inventory_init(struct dentry *dir)
{
	struct pci_dev *pdev = NULL;
	int ret;

	/*
	 * Unbound: freeing needs no particular CPU, and from 6.17 on a queue
	 * that names neither WQ_UNBOUND nor WQ_PERCPU draws a warning.
	 */
	free_wq = alloc_workqueue("bmcwatch_inv", WQ_UNBOUND, 0);
	if (!free_wq)
		return -ENOMEM;
	/* Register first so a device added during the scan is not missed. */
	ret = bus_register_notifier(&pci_bus_type, &pci_nb);
	if (ret) {
		destroy_workqueue(free_wq);
		return ret;
	}
	pci_nb_registered = true;
	mutex_lock(&inv_lock);
	/* from anywhere: a reader never takes another load's for its own */
	inv_gen = get_random_u64();
	for_each_pci_dev(pdev)
		if (!bmcw_fn_lookup(bmcw_pdev_key(pdev)))
			add_pdev_locked(pdev, BMCW_DEV_PRESENT);
	mutex_unlock(&inv_lock);
	inventory_debugfs_init(dir);
	return 0;
}

/*
 * Unregistering waits for a callback that runs: after this no bus gets
 * hooked and the table stops changing, whatever the PCI topology does.
 */
void bmcw_inventory_stop(void)
{
	if (pci_nb_registered)
		bus_unregister_notifier(&pci_bus_type, &pci_nb);
	pci_nb_registered = false;
}

void bmcw_inventory_exit(void)
{
	struct hlist_node *tmp;
	struct bmcw_fn *fn;
	int bkt, i;

	/* readers of the tables are gone before the table is */
	for (i = 0; i < ARRAY_SIZE(dbg_files); i++)
		debugfs_remove(dbg_files[i]);
	memset(dbg_files, 0, sizeof(dbg_files));
	bmcw_inventory_stop();
	mutex_lock(&inv_lock);
	hash_for_each_safe(bmcw_fn_table, bkt, tmp, fn, node) {
		hash_del_rcu(&fn->node);
		fn_free_later(fn);
	}
	nr_fns = 0;
	mutex_unlock(&inv_lock);
	/* the frees are queued after a grace period: wait for both */
	rcu_barrier();
	destroy_workqueue(free_wq);
	free_wq = NULL;
}

/*
 * Under rcu_read_lock(), from any context: a BMC function with a memory
 * BAR overlapping [start, start + len), or NULL (lpc_hook.c, /dev/mem).
 */
struct bmcw_fn *bmcw_fn_find_bmc_bar(u64 start, u64 len, int *bar)
{
	struct bmcw_fn *fn;
	int bkt, i;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "the BMC BAR lookup needs rcu_read_lock()");
	hash_for_each_rcu(bmcw_fn_table, bkt, fn, node) {
		if (!(READ_ONCE(fn->flags) & BMCW_FN_BMC))
			continue;
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			const struct resource *r = &fn->pdev->resource[i];

			if (!(r->flags & IORESOURCE_MEM) || !r->start)
				continue;
			if (start <= r->end && start + len > r->start) {
				*bar = i;
				return fn;
			}
		}
	}
	return NULL;
}

/* Order-independent: XOR of per-function hashes bound to their address. */
u64 bmcw_host_fingerprint(void)
{
	struct bmcw_fn *fn;
	u64 fp = 0;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(bmcw_fn_table, bkt, fn, node)
		fp ^= siphash_2u64(fn->key, fn->fingerprint, &fp_key);
	rcu_read_unlock();
	return fp;
}

static void show_fn(struct seq_file *m, const struct bmcw_fn *fn)
{
	struct pci_dev *pdev = fn->pdev, *up;
	struct device_driver *drv = READ_ONCE(pdev->dev.driver);
	int i;

	seq_printf(m, "%s vendor=%04x device=%04x subsys=%04x:%04x class=%06x rev=%02x hdr=%02x flags=0x%x fp=%016llx",
		   pci_name(pdev), fn->vendor, fn->device, fn->subvendor,
		   fn->subdevice, fn->class, fn->revision, fn->hdr_type,
		   READ_ONCE(fn->flags), fn->fingerprint);
	/* once: an unbind meanwhile may clear it */
	seq_printf(m, " driver=%s", drv ? drv->name : "-");
	seq_puts(m, " bars=");
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		seq_printf(m, "%s%llx%s", i ? "," : "",
			   (u64)pci_resource_len(pdev, i),
			   pci_resource_flags(pdev, i) & IORESOURCE_IO ? "io" :
			   pci_resource_flags(pdev, i) & IORESOURCE_PREFETCH ?
			   "p" : "");
	seq_printf(m, " rom=%d caps=",
		   pci_resource_len(pdev, PCI_ROM_RESOURCE) ? 1 : 0);
	for (i = 0; i < fn->nr_caps; i++)
		seq_printf(m, "%s%02x", i ? "," : "", fn->caps[i]);
	seq_puts(m, " ecaps=");
	for (i = 0; i < fn->nr_ecaps; i++)
		seq_printf(m, "%s%04x", i ? "," : "", fn->ecaps[i]);
	seq_printf(m, " lnkcap=%08x path=", fn->lnkcap);
	for (i = 0, up = pci_upstream_bridge(pdev); up;
	     up = pci_upstream_bridge(up), i++)
		seq_printf(m, "%s%s", i ? "," : "", pci_name(up));
	if (!i)
		seq_puts(m, "-");
	seq_putc(m, '\n');
}

static int inventory_show(struct seq_file *m, void *v)
{
	struct bmcw_fn *fn;
	int bkt;

	mutex_lock(&inv_lock);
	seq_printf(m, "# functions=%u host_fp=%016llx\n", nr_fns,
		   bmcw_host_fingerprint());
	hash_for_each(bmcw_fn_table, bkt, fn, node)
		show_fn(m, fn);
	mutex_unlock(&inv_lock);
	return 0;
}

static int regions_show(struct seq_file *m, void *v)
{
	struct bmcw_fn *fn;
	int bkt, i;

	mutex_lock(&inv_lock);
	hash_for_each(bmcw_fn_table, bkt, fn, node) {
		seq_printf(m, "%s", pci_name(fn->pdev));
		for (i = 0; i < fn->nr_regions; i++)
			seq_printf(m, " %s:%03x-%03x",
				   bmcw_class_name(fn->regions[i].cls),
				   fn->regions[i].start, fn->regions[i].end);
		seq_putc(m, '\n');
	}
	mutex_unlock(&inv_lock);
	return 0;
}

/*
 * @show for each function whose flags have a bit of @mask (every function
 * for 0), under the lock that keeps the table from changing meanwhile.
 */
void bmcw_inventory_show(struct seq_file *m, u32 mask,
			 void (*show)(struct seq_file *m, struct bmcw_fn *fn))
{
	struct bmcw_fn *fn;
	int bkt;

	mutex_lock(&inv_lock);
	hash_for_each(bmcw_fn_table, bkt, fn, node)
		if (!mask || (READ_ONCE(fn->flags) & mask))
			show(m, fn);
	mutex_unlock(&inv_lock);
}

static int inventory_gen_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%llu\n", READ_ONCE(inv_gen));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(inventory);
DEFINE_SHOW_ATTRIBUTE(inventory_gen);
DEFINE_SHOW_ATTRIBUTE(regions);

/* debugfs inventory and regions, in the module's directory @dir */
static void inventory_debugfs_init(struct dentry *dir)
{
	if (IS_ERR_OR_NULL(dir))
		return;
	dbg_files[0] = debugfs_create_file("inventory", 0400, dir, NULL,
					   &inventory_fops);
	dbg_files[1] = debugfs_create_file("regions", 0400, dir, NULL,
					   &regions_fops);
	bmcw_registers_debugfs_init(dir, &dbg_files[2]);
	dbg_files[4] = debugfs_create_file("inventory_gen", 0400, dir, NULL,
					   &inventory_gen_fops);
}
