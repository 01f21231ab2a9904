// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only driver for QEMU's edu device (1234:11e8): takes its one MSI
 * (or INTx) vector, acknowledges every interrupt and counts them, so a
 * test can compare bmcwatch's interrupt counts with the driver's own.
 * /sys/kernel/debug/edu_irq/: "count" (interrupts handled), "irq" (the
 * Linux irq number), "raise" (write N: raise N interrupts through the
 * device's raise-IRQ register, each handled before the next; user space
 * cannot map the BAR while a driver owns it) and "prime" (write a 32-bit
 * value: the driver DMAs it into the device buffer at 0x40000, which a
 * later user-space DMA can write somewhere as a rogue bus master would),
 * "bench" (write N: like raise, but waiting for each interrupt with
 * cpu_relax() instead of udelay(), so that only the interrupt path is
 * timed; read: "irqs=N ns=T polls=P" of the last run, P the polls that
 * found the interrupt not yet handled), "unclaim" (write N: raise N
 * interrupts that the handler acknowledges but reports as not its own,
 * IRQ_NONE, as the kernel sees an interrupt no handler claims; read: how
 * many so far).
 *
 * With orphan=1 it binds to no device: it takes the first edu's INTx line
 * as another device's driver sharing that line would (acknowledging edu
 * through a mapping of its BAR), so that a test can raise interrupts of a
 * function with no driver bound.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include "compat.h"

static bool orphan;
module_param(orphan, bool, 0444);
MODULE_PARM_DESC(orphan, "share the first edu's INTx line without binding to it");

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_BUF		0x40000

struct edu {
	struct pci_dev *pdev;
	void __iomem *bar;
	int irq;
	atomic64_t count;
	atomic_t unclaim;		/* interrupts still to leave unclaimed */
	atomic64_t unclaimed;
	struct dentry *dir;
	struct mutex bench_lock;	/* one bench run at a time */
	u64 bench_irqs, bench_ns, bench_polls;
};

static irqreturn_t edu_isr(int irq, void *data)
{
	struct edu *e = data;
	u32 st = readl(e->bar + EDU_IRQ_STATUS);

	if (!st)
		return IRQ_NONE;
	writel(st, e->bar + EDU_IRQ_ACK);
	if (atomic_dec_if_positive(&e->unclaim) >= 0) {
		atomic64_inc(&e->unclaimed);
		return IRQ_NONE;
	}
	atomic64_inc(&e->count);
	return IRQ_HANDLED;
}

static int count_get(void *data, u64 *val)
{
	*val = atomic64_read(&((struct edu *)data)->count);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(count_fops, count_get, NULL, "%llu\n");

static int irq_get(void *data, u64 *val)
{
	*val = ((struct edu *)data)->irq;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(irq_fops, irq_get, NULL, "%llu\n");

static int raise_set(void *data, u64 n)
{
	struct edu *e = data;
	u64 i, want;
	int spin;

	for (i = 0; i < n; i++) {
		want = atomic64_read(&e->count) + 1;
		writel(1, e->bar + EDU_IRQ_RAISE);
		for (spin = 0; atomic64_read(&e->count) < want; spin++) {
			if (spin > 100000)
				return -ETIMEDOUT;
			usleep_range(10, 20);	/* a debugfs write: may sleep */
		}
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(raise_fops, NULL, raise_set, "%llu\n");

static int unclaimed_get(void *data, u64 *val)
{
	*val = atomic64_read(&((struct edu *)data)->unclaimed);
	return 0;
}

/* Raise @n interrupts, each acknowledged but left unclaimed (IRQ_NONE). */
static int unclaim_set(void *data, u64 n)
{
	struct edu *e = data;
	u64 i, want;
	int spin;

	for (i = 0; i < n; i++) {
		want = atomic64_read(&e->unclaimed) + 1;
		atomic_set(&e->unclaim, 1);
		writel(1, e->bar + EDU_IRQ_RAISE);
		for (spin = 0; atomic64_read(&e->unclaimed) < want; spin++) {
			if (spin > 100000) {
				atomic_set(&e->unclaim, 0);
				return -ETIMEDOUT;
			}
			usleep_range(10, 20);
		}
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(unclaim_fops, unclaimed_get, unclaim_set, "%llu\n");

/*
 * Benchmark loop: raise, poll until handled, repeat. udelay(10) in raise
 * would add a fixed 10 us to every interrupt the CPU has not taken by the
 * first check (under emulation, most), hiding the cost being measured.
 * Run it on the CPU the interrupt is routed to: delivery to another CPU
 * measures the wake-up of that CPU instead.
 */
static ssize_t bench_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct edu *e = file_inode(f)->i_private;
	u64 i, n, want, polls = 0, t0, deadline;
	int ret;

	ret = kstrtou64_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	mutex_lock(&e->bench_lock);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		want = atomic64_read(&e->count) + 1;
		writel(1, e->bar + EDU_IRQ_RAISE);
		deadline = ktime_get_ns() + NSEC_PER_SEC;
		while (atomic64_read(&e->count) < want) {
			polls++;
			if (ktime_get_ns() > deadline) {
				mutex_unlock(&e->bench_lock);
				return -ETIMEDOUT;
			}
			cpu_relax();
		}
		if (!(i & 255))
			cond_resched();
	}
	e->bench_ns = ktime_get_ns() - t0;
	e->bench_irqs = n;
	e->bench_polls = polls;
	mutex_unlock(&e->bench_lock);
	return len;
}

static ssize_t bench_read(struct file *f, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	struct edu *e = file_inode(f)->i_private;
	char buf[96];
	int n;

	mutex_lock(&e->bench_lock);
	n = scnprintf(buf, sizeof(buf), "irqs=%llu ns=%llu polls=%llu\n",
		      e->bench_irqs, e->bench_ns, e->bench_polls);
	mutex_unlock(&e->bench_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = bench_read,
	.write = bench_write,
	.llseek = default_llseek,
};

/* Copy @val into the device buffer with a DMA the driver mapped. */
static int prime_set(void *data, u64 val)
{
	struct edu *e = data;
	dma_addr_t dma;
	u32 *buf;
	int i, ret = 0;

	buf = dma_alloc_coherent(&e->pdev->dev, PAGE_SIZE, &dma, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	*buf = val;
	writeq(dma, e->bar + EDU_DMA_SRC);
	writeq(EDU_BUF, e->bar + EDU_DMA_DST);
	writeq(sizeof(u32), e->bar + EDU_DMA_CNT);
	writeq(EDU_DMA_RUN, e->bar + EDU_DMA_CMD);	/* RAM -> device */
	for (i = 0; i < 200 && (readq(e->bar + EDU_DMA_CMD) & EDU_DMA_RUN); i++)
		usleep_range(10000, 20000);
	if (readq(e->bar + EDU_DMA_CMD) & EDU_DMA_RUN)
		ret = -ETIMEDOUT;
	dma_free_coherent(&e->pdev->dev, PAGE_SIZE, buf, dma);
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(prime_fops, NULL, prime_set, "%llu\n");

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *e;
	int ret;

	e = devm_kzalloc(&pdev->dev, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->pdev = pdev;
	mutex_init(&e->bench_lock);
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), "edu_irq");
	if (ret)
		return ret;
	e->bar = pcim_iomap_table(pdev)[0];
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(28));
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	e->irq = pci_irq_vector(pdev, 0);
	ret = request_irq(e->irq, edu_isr, IRQF_SHARED, "edu_irq", e);
	if (ret) {
		pci_free_irq_vectors(pdev);
		return ret;
	}
	pci_set_drvdata(pdev, e);
	e->dir = debugfs_create_dir("edu_irq", NULL);
	debugfs_create_file("count", 0400, e->dir, e, &count_fops);
	debugfs_create_file("irq", 0400, e->dir, e, &irq_fops);
	debugfs_create_file("prime", 0200, e->dir, e, &prime_fops);
	debugfs_create_file("raise", 0200, e->dir, e, &raise_fops);
	debugfs_create_file("bench", 0600, e->dir, e, &bench_fops);
	debugfs_create_file("unclaim", 0600, e->dir, e, &unclaim_fops);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu *e = pci_get_drvdata(pdev);

	debugfs_remove_recursive(e->dir);
	free_irq(e->irq, e);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "edu_irq",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

/* orphan=1: the first edu, its INTx line shared, no driver bound. */
static struct edu *orphan_edu;

static int orphan_start(void)
{
	struct pci_dev *pdev = pci_get_device(0x1234, 0x11e8, NULL);
	struct edu *e;
	int ret = -ENOMEM;

	if (!pdev)
		return -ENODEV;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		goto put;
	e->pdev = pdev;
	mutex_init(&e->bench_lock);
	/* Routes INTx (ACPI _PRT) and enables memory decoding; no binding. */
	ret = pci_enable_device(pdev);
	if (ret)
		goto free;
	e->bar = pci_iomap(pdev, 0, 0);
	ret = -ENOMEM;
	if (!e->bar)
		goto disable;
	e->irq = pdev->irq;
	ret = request_irq(e->irq, edu_isr, IRQF_SHARED, "edu_irq_orphan", e);
	if (ret)
		goto unmap;
	e->dir = debugfs_create_dir("edu_irq", NULL);
	debugfs_create_file("count", 0400, e->dir, e, &count_fops);
	debugfs_create_file("irq", 0400, e->dir, e, &irq_fops);
	debugfs_create_file("raise", 0200, e->dir, e, &raise_fops);
	debugfs_create_file("unclaim", 0600, e->dir, e, &unclaim_fops);
	orphan_edu = e;
	return 0;
unmap:
	pci_iounmap(pdev, e->bar);
disable:
	pci_disable_device(pdev);
free:
	kfree(e);
put:
	pci_dev_put(pdev);
	return ret;
}

static void orphan_stop(struct edu *e)
{
	debugfs_remove_recursive(e->dir);
	free_irq(e->irq, e);
	pci_iounmap(e->pdev, e->bar);
	pci_disable_device(e->pdev);
	pci_dev_put(e->pdev);
	kfree(e);
}

static int __init edu_irq_init(void)
{
	return orphan ? orphan_start() : pci_register_driver(&edu_driver);
}
module_init(edu_irq_init);

static void __exit edu_irq_exit(void)
{
	if (orphan_edu)
		orphan_stop(orphan_edu);
	else
		pci_unregister_driver(&edu_driver);
}
module_exit(edu_irq_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only driver for QEMU edu interrupts (bmcwatch selftests)");
