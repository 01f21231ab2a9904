// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/bmcwatch: the tables. Root only; one "key=value"
 * record per line so that tools can parse it without guessing; free text,
 * where a table has any, comes last after "# " or "detail=".
 *
 * This file makes the directory and the tables of the units every monitor
 * shares:
 *   hooks      every hook of every monitor: state, error, misses (hook.c)
 *   losses     what the module lost, by cause (health.c)
 *   health     the last health events, with those nothing received
 *   stats      config-space counters
 * Each monitor is handed the directory at its init and adds its own tables,
 * which it removes at its exit, before what they show is freed:
 *   inventory, regions  every PCI function, its config-space layout by
 *                       register class (pcie_inventory.c)
 *   inventory_gen       a number that moves at each change of inventory
 *   pci_ops    the bus ops wrappers, and other wrappers found on ours
 *              (pcie_hook.c)
 *   lpc_decode the PCH LPC/eSPI decode map, at load and now (lpc_hook.c)
 *   iommu      the VT-d units and fault counts (dma_iommu.c)
 *   ipmi_transcript, ipmi_state  (ipmi_transcript.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "bmcwatch.h"
#include "hook.h"

static struct dentry *bmcw_dir;

/* A read-only seq_file table whose show function lives elsewhere. */
#define SHOW_FOPS(name, fn)					\
static int name##_open(struct inode *inode, struct file *file)	\
{								\
	return single_open(file, fn, NULL);			\
}								\
static const struct file_operations name##_fops = {		\
	.owner = THIS_MODULE,					\
	.open = name##_open,					\
	.read = seq_read,					\
	.llseek = seq_lseek,					\
	.release = single_release,				\
}

SHOW_FOPS(hooks, bmcw_hooks_show);
SHOW_FOPS(losses, bmcw_losses_show);
SHOW_FOPS(health, bmcw_health_show);
SHOW_FOPS(stats, bmcw_kstats_show);

/* The directory for the monitors' own tables, or an ERR_PTR. */
struct dentry *bmcw_debugfs_init(void)
{
	bmcw_dir = debugfs_create_dir("bmcwatch", NULL);
	if (IS_ERR(bmcw_dir))
		return bmcw_dir;
	debugfs_create_file("hooks", 0400, bmcw_dir, NULL, &hooks_fops);
	debugfs_create_file("losses", 0400, bmcw_dir, NULL, &losses_fops);
	debugfs_create_file("health", 0400, bmcw_dir, NULL, &health_fops);
	debugfs_create_file("stats", 0400, bmcw_dir, NULL, &stats_fops);
	return bmcw_dir;
}

/* After every monitor's exit: their tables are gone already. */
void bmcw_debugfs_exit(void)
{
	debugfs_remove_recursive(bmcw_dir);
	bmcw_dir = NULL;
}
