// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch: run-time monitor of the host's channels to its BMC.
 *
 * Loading runs the steps below in order; unloading, and a failed load,
 * run the undo of each step that ran, in reverse, through the same code:
 * the unload tests cover the failure path too. The order matters: the
 * inventory exists before the config hooks classify accesses; the PCI bus
 * notifier stops before the config hooks are taken down, so that no bus is
 * hooked again meanwhile, whatever the PCI topology does (hotplug, rescan,
 * SR-IOV); the hooks are gone before the inventory is freed. The debugfs
 * directory comes early and goes late: each monitor is handed it and adds
 * its own tables, and removes them before it frees what they show. Only
 * the steps the module cannot work without fail the load; every hook that
 * cannot be placed is reported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "bmcwatch.h"
#include "hook.h"
#include "oplist.h"

static struct dentry *dbg_dir;

static int init_nothing(void)
{
	return 0;
}

static void exit_bmc_list(void)
{
	bmcw_oplist_clear(&bmcw_bmc_list);
}

static void exit_usb_list(void)
{
	bmcw_oplist_clear(&bmcw_usb_list);
}

static int init_class(void)
{
	bmcw_class_init();
	return 0;
}

static int init_hook(void)
{
	bmcw_hook_init();	/* a failure is reported; hooks in vmlinux work */
	return 0;
}

static int init_debugfs(void)
{
	dbg_dir = bmcw_debugfs_init();
	if (IS_ERR(dbg_dir))
		pr_warn("debugfs unavailable (%ld), tables hidden\n",
			PTR_ERR(dbg_dir));
	return 0;
}

static int init_inventory(void)
{
	return bmcw_inventory_init(dbg_dir);
}

static int init_cfg_hook(void)
{
	return bmcw_cfg_hook_init(dbg_dir);
}

static void exit_cfg_hook(void)
{
	bmcw_inventory_stop();	/* no bus hooked again from here on */
	bmcw_cfg_hook_exit();
}

static int init_cfg_acpi(void)
{
	bmcw_cfg_acpi_init();	/* AML's path around bus ops */
	return 0;
}

static int init_lpc(void)
{
	bmcw_lpc_init(dbg_dir);
	return 0;
}

static int init_iommu(void)
{
	bmcw_iommu_fault_init(dbg_dir);
	return 0;
}

static int init_ipmi(void)
{
	bmcw_ipmi_init(dbg_dir);	/* IPMI modules may come later */
	return 0;
}

static int init_usb(void)
{
	bmcw_usb_init(dbg_dir);		/* usbcore may be absent: reported */
	return 0;
}

static const struct {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
} steps[] = {
	/* the lists' parameters were parsed before init ran */
	{ "pcie_bmc_match", init_nothing, exit_bmc_list },
	{ "usb_match", init_nothing, exit_usb_list },
	{ "pcie_origin", bmcw_origin_init, bmcw_origin_exit },
	{ "pcie_class", init_class, NULL },
	{ "hook", init_hook, bmcw_hook_exit },
	{ "debugfs", init_debugfs, bmcw_debugfs_exit },
	{ "pcie_inventory", init_inventory, bmcw_inventory_exit },
	{ "pcie_hook", init_cfg_hook, exit_cfg_hook },
	{ "pcie_acpi", init_cfg_acpi, bmcw_cfg_acpi_exit },
	{ "lpc", init_lpc, bmcw_lpc_exit },
	{ "sysfs", bmcw_sysfs_init, bmcw_sysfs_exit },
	{ "dma_iommu", init_iommu, bmcw_iommu_fault_exit },
	{ "ipmi", init_ipmi, bmcw_ipmi_exit },
	{ "usb", init_usb, bmcw_usb_exit },
	/* last: it checks names against every hook set added above */
	{ "hooks_off", bmcw_hooks_off_check, NULL },
};

static void undo(int last)
{
	for (; last >= 0; last--)
		if (steps[last].exit)
			steps[last].exit();
}

static int __init bmcw_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		ret = steps[i].init();
		if (ret) {
			pr_err("cannot load: %s failed (%d)\n", steps[i].name,
			       ret);
			undo(i - 1);
			return ret;
		}
	}
	pr_info("%s loaded (ABI %u.%u)\n", BMCW_MODULE_VERSION,
		BMCW_ABI_MAJOR, BMCW_ABI_MINOR);
	return 0;
}

static void __exit bmcw_exit(void)
{
	/* Tell consumers first, while every hook still works. */
	bmcw_health_by_current(BMCW_MON_MODULE, BMCW_HEALTH_MODULE_UNLOADING,
			       0, "bmcwatch",
			       "bmcwatch.ko is being unloaded: host-BMC channels are no longer watched");
	undo(ARRAY_SIZE(steps) - 1);
	pr_info("unloaded\n");
}

module_init(bmcw_init);
module_exit(bmcw_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The bmcwatch authors");
MODULE_DESCRIPTION("Run-time monitor of host-BMC channels (PCIe, IPMI, LPC, DMA, USB)");
MODULE_VERSION(BMCW_MODULE_VERSION);
