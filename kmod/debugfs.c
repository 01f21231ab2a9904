// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/bmcwatch: the tables (inventory, register layout, hooks,
 * counters). Root only; one "key=value" record per line so that tools can
 * parse it without guessing.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "bmcwatch.h"

static struct dentry *bmcw_dir;

static int stats_show(struct seq_file *m, void *v)
{
	static const char * const names[BMCW_KSTAT_MAX] = {
		[BMCW_KSTAT_CFG_READS] = "cfg_reads",
		[BMCW_KSTAT_CFG_WRITES] = "cfg_writes",
		[BMCW_KSTAT_CFG_TRACED] = "cfg_traced",
		[BMCW_KSTAT_DEV_EVENTS] = "dev_events",
	};
	int i;

	for (i = 0; i < BMCW_KSTAT_MAX; i++)
		seq_printf(m, "%s=%llu\n", names[i], bmcw_kstat_sum(i));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(stats);

static int inventory_open(struct inode *inode, struct file *file)
{
	return single_open(file, bmcw_inventory_show, NULL);
}

static int regions_open(struct inode *inode, struct file *file)
{
	return single_open(file, bmcw_regions_show, NULL);
}

static int hooks_show(struct seq_file *m, void *v)
{
	bmcw_cfg_hooks_show(m, v);
	return bmcw_cfg_acpi_show(m, v);
}

static int hooks_open(struct inode *inode, struct file *file)
{
	return single_open(file, hooks_show, NULL);
}

static int lpc_decode_open(struct inode *inode, struct file *file)
{
	return single_open(file, bmcw_lpc_decode_show, NULL);
}

static int lpc_hooks_open(struct inode *inode, struct file *file)
{
	return single_open(file, bmcw_lpc_hooks_show, NULL);
}

#define SEQ_FOPS(name) \
static const struct file_operations name##_fops = {		\
	.owner = THIS_MODULE,					\
	.open = name##_open,					\
	.read = seq_read,					\
	.llseek = seq_lseek,					\
	.release = single_release,				\
}

SEQ_FOPS(inventory);
SEQ_FOPS(regions);
SEQ_FOPS(hooks);
SEQ_FOPS(lpc_decode);
SEQ_FOPS(lpc_hooks);

int bmcw_debugfs_init(void)
{
	bmcw_dir = debugfs_create_dir("bmcwatch", NULL);
	if (IS_ERR(bmcw_dir))
		return PTR_ERR(bmcw_dir);
	debugfs_create_file("inventory", 0400, bmcw_dir, NULL,
			    &inventory_fops);
	debugfs_create_file("regions", 0400, bmcw_dir, NULL, &regions_fops);
	debugfs_create_file("hooks", 0400, bmcw_dir, NULL, &hooks_fops);
	debugfs_create_file("stats", 0400, bmcw_dir, NULL, &stats_fops);
	debugfs_create_file("lpc_decode", 0400, bmcw_dir, NULL,
			    &lpc_decode_fops);
	debugfs_create_file("lpc_hooks", 0400, bmcw_dir, NULL, &lpc_hooks_fops);
	return 0;
}

void bmcw_debugfs_exit(void)
{
	debugfs_remove_recursive(bmcw_dir);
	bmcw_dir = NULL;
}
