// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "kprobe_miss": write N. A kprobe of this module's own, on a
 * function of its own, makes N ACPI config reads from its handler. A kprobe
 * hit while another kprobe's handler runs on the same CPU is not called:
 * the kprobes core counts a miss for it. So bmcwatch's probe of
 * acpi_os_read_pci_configuration() misses exactly N calls, the way a
 * kprobe misses under load on a real host (interrupts nesting into probed
 * code), but on demand. The reads are of the host bridge's vendor id.
 */
#include <linux/acpi.h>
#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include "bmcw_test.h"

/*
 * acpi_os_read_pci_configuration(), found through a kprobe; it returns an
 * acpi_status (a u32, spelt so here for checkpatch's sake)
 */
struct acpi_cfg {
	u32 (*read)(struct acpi_pci_id *id, u32 reg, u64 *value, u32 width);
};

static DEFINE_MUTEX(miss_lock);
static struct acpi_cfg acpi_cfg;
static unsigned int nest_reads;
static unsigned int nest_failed;

/* Where a kprobe on @name lands: the function, not exported to modules. */
static void *probe_addr(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (register_kprobe(&kp))
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* The probed point: a call that the compiler must keep. */
static noinline void bmcw_test_nest_point(void)
{
	asm volatile("" ::: "memory");
}

static int nest_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct acpi_pci_id id = { .segment = 0, .bus = 0, .device = 0,
				  .function = 0 };
	unsigned int i;
	u64 v;

	for (i = 0; i < nest_reads; i++)
		if (acpi_cfg.read(&id, 0, &v, 32) != AE_OK)
			nest_failed++;
	return 0;
}

static ssize_t miss_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	struct kprobe kp = { .pre_handler = nest_pre };
	unsigned int n;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (!n || n > 100000)
		return -EINVAL;
	mutex_lock(&miss_lock);
	if (!acpi_cfg.read)
		acpi_cfg.read = probe_addr("acpi_os_read_pci_configuration");
	if (!acpi_cfg.read) {
		ret = -ENOENT;
		goto out;
	}
	kp.addr = (kprobe_opcode_t *)bmcw_test_nest_point;
	ret = register_kprobe(&kp);
	if (ret)
		goto out;
	nest_reads = n;
	nest_failed = 0;
	bmcw_test_nest_point();
	unregister_kprobe(&kp);
	ret = nest_failed ? -EIO : len;
out:
	mutex_unlock(&miss_lock);
	return ret;
}

static const struct file_operations miss_fops = {
	.owner = THIS_MODULE,
	.write = miss_write,
};

void bmcw_test_kprobe_miss_init(struct dentry *dir)
{
	debugfs_create_file("kprobe_miss", 0200, dir, NULL, &miss_fops);
}
