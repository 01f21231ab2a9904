// SPDX-License-Identifier: GPL-2.0
/*
 * bmcw_test.ko: test-only helpers for bmcwatch's selftests and benchmarks.
 * Never load it on a production host.
 *
 * /sys/kernel/debug/bmcw_test/
 *   busops   every PCI bus and the read op its pci_ops points at; write
 *            "snapshot" to remember each bus's ops, "restore" to put them
 *            back (what a rootkit does to take a monitor's wrapper off;
 *            only with no bus added or removed in between)
 *   hammer   write "N [EVERY]": N kthreads read config space in a loop
 *            and sleep once every EVERY rounds, at random between EVERY/2
 *            and EVERY (default 65536; unloading bmcwatch waits for each
 *            to sleep once), and at the latest every 2 s; 0 stops them
 *   irq_hammer  write "BDF PERIOD_US": read that function's vendor id from
 *            a timer in hard-interrupt context every PERIOD_US; "0" stops
 *            it; read: "reads=N" done since it started
 *   fakehost a host bridge of our own in any domain (fakehost.c)
 *   bench    write "BDF COUNT": time COUNT pci_read_config_dword() calls;
 *            read: "count=C ns=T"
 *   bug      write one of "use-after-free", "lock-inversion",
 *            "sleep-in-atomic", "leak": commit that bug once, so that a test
 *            can show a debug kernel's checkers (KASAN, lockdep,
 *            DEBUG_ATOMIC_SLEEP, kmemleak) and the runner report it
 *   iommu_fault  write "BDF IOVA read|write": report a DMA fault of that
 *            device in its IOMMU domain through report_iommu_fault(), the
 *            call AMD's driver makes for each IO_PAGE_FAULT event (QEMU
 *            7.2's AMD IOMMU logs none for an unmapped IOVA)
 *   kprobe_miss  write N: make bmcwatch's probe of ACPI config reads miss
 *            exactly N calls (kprobe_miss.c)
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/timekeeping.h>
#include "compat.h"
#include "bmcw_test.h"

#define MAX_HAMMERS 8

static struct dentry *dir;
static struct task_struct *hammers[MAX_HAMMERS];
static unsigned int hammer_every = 65536;
/* longest stretch a hammer thread runs between naps; well under 20 s */
#define HAMMER_MAX_RUN	(2 * HZ)
static DEFINE_MUTEX(test_lock);
static u64 bench_count, bench_ns;
static DEFINE_MUTEX(bug_lock_a);
static DEFINE_MUTEX(bug_lock_b);

static void show_bus(struct seq_file *m, struct pci_bus *bus)
{
	struct pci_bus *child;

	seq_printf(m, "%04x:%02x %ps\n", pci_domain_nr(bus), bus->number,
		   bus->ops->read);
	list_for_each_entry(child, &bus->children, node)
		show_bus(m, child);
}

static int busops_show(struct seq_file *m, void *v)
{
	struct pci_bus *bus;

	pci_lock_rescan_remove();
	list_for_each_entry(bus, &pci_root_buses, node)
		show_bus(m, bus);
	pci_unlock_rescan_remove();
	return 0;
}

#define MAX_SNAP 64

static struct {
	struct pci_bus *bus;
	struct pci_ops *ops;
} snap[MAX_SNAP];
static unsigned int nr_snap;

static void snap_bus(struct pci_bus *bus)
{
	struct pci_bus *child;

	if (nr_snap < MAX_SNAP) {
		snap[nr_snap].bus = bus;
		snap[nr_snap++].ops = bus->ops;
	}
	list_for_each_entry(child, &bus->children, node)
		snap_bus(child);
}

static ssize_t busops_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct pci_bus *bus;
	char buf[16];
	unsigned int i;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	strim(buf);
	pci_lock_rescan_remove();
	mutex_lock(&test_lock);
	if (!strcmp(buf, "snapshot")) {
		nr_snap = 0;
		list_for_each_entry(bus, &pci_root_buses, node)
			snap_bus(bus);
	} else if (!strcmp(buf, "restore")) {
		for (i = 0; i < nr_snap; i++)
			pci_bus_set_ops(snap[i].bus, snap[i].ops);
	} else {
		len = -EINVAL;
	}
	mutex_unlock(&test_lock);
	pci_unlock_rescan_remove();
	return len;
}

static int busops_open(struct inode *inode, struct file *file)
{
	return single_open(file, busops_show, NULL);
}

static const struct file_operations busops_fops = {
	.owner = THIS_MODULE,
	.open = busops_open,
	.read = seq_read,
	.write = busops_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static unsigned long next_nap(unsigned int every)
{
	return every / 2 + get_random_u32() % (every / 2 + 1);
}

static int hammer_fn(void *data)
{
	struct pci_dev *pdev = data;
	unsigned int every = READ_ONCE(hammer_every);
	unsigned long i = 0, nap = next_nap(every);
	unsigned long since = jiffies;
	u32 v;

	/*
	 * Sleep, but rarely and at random, as the busiest kernel code does:
	 * unloading bmcwatch waits (RCU tasks) for every task to switch
	 * voluntarily once, and meanwhile these threads are inside the
	 * wrappers nearly all the time. Not usleep_range(): under emulation
	 * a few-microsecond timer can expire before schedule() is reached,
	 * and then the thread never yields; schedule_timeout() always does.
	 * Also nap after HAMMER_MAX_RUN at the latest: on a slow debug
	 * kernel EVERY rounds can take longer than the soft-lockup threshold
	 * (20 s), and a kernel without full preemption then reports this
	 * thread instead of whatever the test is looking for.
	 */
	while (!kthread_should_stop()) {
		pci_read_config_dword(pdev, PCI_VENDOR_ID, &v);
		pci_read_config_dword(pdev, PCI_COMMAND, &v);
		if (++i >= nap ||
		    time_after(jiffies, since + HAMMER_MAX_RUN)) {
			schedule_timeout_uninterruptible(1);
			since = jiffies;
			i = 0;
			nap = next_nap(every);
		}
	}
	pci_dev_put(pdev);
	return 0;
}

static void stop_hammers(void)
{
	int i;

	for (i = 0; i < MAX_HAMMERS; i++) {
		if (hammers[i])
			kthread_stop(hammers[i]);
		hammers[i] = NULL;
	}
}

static ssize_t hammer_write(struct file *f, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	unsigned int n, i, every = 65536;
	struct pci_dev *pdev = NULL;
	char buf[32];

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u", &n, &every) < 1 || n > MAX_HAMMERS ||
	    every < 2)
		return -EINVAL;
	mutex_lock(&test_lock);
	stop_hammers();
	WRITE_ONCE(hammer_every, every);
	for (i = 0; i < n; i++) {
		pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, pdev);
		if (!pdev)
			pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, NULL);
		if (!pdev)
			break;
		hammers[i] = kthread_run(hammer_fn, pci_dev_get(pdev),
					 "bmcw_hammer/%u", i);
		if (IS_ERR(hammers[i])) {
			pci_dev_put(pdev);
			hammers[i] = NULL;
		}
	}
	pci_dev_put(pdev);
	mutex_unlock(&test_lock);
	return len;
}

static const struct file_operations hammer_fops = {
	.owner = THIS_MODULE,
	.write = hammer_write,
};

/* Config reads from hard-interrupt context: a timer's callback. */
static struct hrtimer irq_timer;
static struct pci_dev *irq_pdev;
static ktime_t irq_period;
static atomic64_t irq_reads;

static enum hrtimer_restart irq_hammer_fn(struct hrtimer *t)
{
	u32 v;

	pci_read_config_dword(irq_pdev, PCI_VENDOR_ID, &v);
	atomic64_inc(&irq_reads);
	hrtimer_forward_now(t, irq_period);
	return HRTIMER_RESTART;
}

static void irq_hammer_stop(void)
{
	if (!irq_pdev)
		return;
	hrtimer_cancel(&irq_timer);
	pci_dev_put(irq_pdev);
	irq_pdev = NULL;
}

static ssize_t irq_hammer_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	unsigned int dom, bus, slot, fn, us;
	struct pci_dev *pdev;
	char buf[64];

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	mutex_lock(&test_lock);
	irq_hammer_stop();
	mutex_unlock(&test_lock);
	if (sscanf(buf, "%x:%x:%x.%u %u", &dom, &bus, &slot, &fn, &us) != 5)
		return strim(buf)[0] == '0' ? len : -EINVAL;
	if (!us)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	mutex_lock(&test_lock);
	irq_pdev = pdev;
	irq_period = ns_to_ktime((u64)us * NSEC_PER_USEC);
	atomic64_set(&irq_reads, 0);
	hrtimer_start(&irq_timer, irq_period, HRTIMER_MODE_REL_HARD);
	mutex_unlock(&test_lock);
	return len;
}

static int irq_hammer_show(struct seq_file *m, void *v)
{
	seq_printf(m, "reads=%lld\n", atomic64_read(&irq_reads));
	return 0;
}

static int irq_hammer_open(struct inode *inode, struct file *file)
{
	return single_open(file, irq_hammer_show, NULL);
}

static const struct file_operations irq_hammer_fops = {
	.owner = THIS_MODULE,
	.open = irq_hammer_open,
	.read = seq_read,
	.write = irq_hammer_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t bench_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned int dom, bus, slot, fn;
	char buf[64];
	struct pci_dev *pdev;
	u64 count, i, t0;
	u32 v;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	if (sscanf(buf, "%x:%x:%x.%u %llu", &dom, &bus, &slot, &fn,
		   &count) != 5 || !count)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	t0 = ktime_get_ns();
	for (i = 0; i < count; i++) {
		pci_read_config_dword(pdev, PCI_VENDOR_ID, &v);
		if (!(i & 1023))
			cond_resched();
	}
	mutex_lock(&test_lock);
	bench_ns = ktime_get_ns() - t0;
	bench_count = count;
	mutex_unlock(&test_lock);
	pci_dev_put(pdev);
	return len;
}

static int bench_show(struct seq_file *m, void *v)
{
	mutex_lock(&test_lock);
	seq_printf(m, "count=%llu ns=%llu\n", bench_count, bench_ns);
	mutex_unlock(&test_lock);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, bench_show, NULL);
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = seq_read,
	.write = bench_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* Each bug is real, not a simulated report: the checkers must find it. */
static noinline void bug_use_after_free(void)
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	/* keep the compiler from seeing (and warning about) the bug */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("bmcw_test: read after free: %u\n", READ_ONCE(p[8]));
}

static noinline void bug_lock_inversion(void)
{
	/* a -> b, then b -> a: one thread is enough for lockdep */
	mutex_lock(&bug_lock_a);
	mutex_lock(&bug_lock_b);
	mutex_unlock(&bug_lock_b);
	mutex_unlock(&bug_lock_a);
	mutex_lock(&bug_lock_b);
	mutex_lock(&bug_lock_a);
	mutex_unlock(&bug_lock_a);
	mutex_unlock(&bug_lock_b);
}

static noinline void bug_sleep_in_atomic(void)
{
	/* mutex_lock() may sleep; uncontended it does not, so no hang */
	preempt_disable();
	mutex_lock(&bug_lock_a);
	mutex_unlock(&bug_lock_a);
	preempt_enable();
}

static noinline void bug_leak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	if (p)
		strscpy(p, "bmcw_test deliberate leak", 128);
	/* p is dropped here */
}

static ssize_t bug_write(struct file *f, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[32];

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	strim(buf);
	if (!strcmp(buf, "use-after-free"))
		bug_use_after_free();
	else if (!strcmp(buf, "lock-inversion"))
		bug_lock_inversion();
	else if (!strcmp(buf, "sleep-in-atomic"))
		bug_sleep_in_atomic();
	else if (!strcmp(buf, "leak"))
		bug_leak();
	else
		return -EINVAL;
	return len;
}

static const struct file_operations bug_fops = {
	.owner = THIS_MODULE,
	.write = bug_write,
};

static ssize_t iommu_fault_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	unsigned int dom, bus, slot, fn;
	struct iommu_domain *domain;
	struct pci_dev *pdev;
	unsigned long long iova;
	char buf[64], dir[8];
	int ret;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	if (sscanf(buf, "%x:%x:%x.%u %llx %7s", &dom, &bus, &slot, &fn, &iova,
		   dir) != 6 || (strcmp(dir, "read") && strcmp(dir, "write")))
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	domain = iommu_get_domain_for_dev(&pdev->dev);
	ret = domain ? 0 : -ENXIO;
	/* Its return is the domain's fault handler's; none is -ENOSYS. */
	if (domain)
		report_iommu_fault(domain, &pdev->dev, iova,
				   strcmp(dir, "write") ? IOMMU_FAULT_READ :
				   IOMMU_FAULT_WRITE);
	pci_dev_put(pdev);
	return ret ? ret : len;
}

static const struct file_operations iommu_fault_fops = {
	.owner = THIS_MODULE,
	.write = iommu_fault_write,
};

static int __init bmcw_test_init(void)
{
	dir = debugfs_create_dir("bmcw_test", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	debugfs_create_file("busops", 0600, dir, NULL, &busops_fops);
	debugfs_create_file("hammer", 0200, dir, NULL, &hammer_fops);
	debugfs_create_file("bench", 0600, dir, NULL, &bench_fops);
	debugfs_create_file("bug", 0200, dir, NULL, &bug_fops);
	debugfs_create_file("iommu_fault", 0200, dir, NULL, &iommu_fault_fops);
	hrtimer_setup(&irq_timer, irq_hammer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	debugfs_create_file("irq_hammer", 0600, dir, NULL, &irq_hammer_fops);
	bmcw_test_fakehost_init(dir);
	bmcw_test_kprobe_miss_init(dir);
	bmcw_test_input_bench_init(dir);
	return 0;
}

static void __exit bmcw_test_exit(void)
{
	debugfs_remove_recursive(dir);
	bmcw_test_input_bench_exit();
	mutex_lock(&test_lock);
	stop_hammers();
	irq_hammer_stop();
	mutex_unlock(&test_lock);
	bmcw_test_fakehost_exit();
}

module_init(bmcw_test_init);
module_exit(bmcw_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bmcwatch test helpers (test-only)");
