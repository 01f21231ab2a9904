// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch: run-time monitor of the host's channels to its BMC.
 *
 * Load order matters: the inventory must exist before the config hooks
 * classify accesses, and the hooks must be gone before the inventory is
 * freed. Every hook that fails is reported, and only the ones the module
 * cannot work without (config-space) fail the load.
 */
#include <linux/module.h>
#include <linux/percpu.h>
#include "bmcwatch.h"
#include "bmcwatch_trace.h"

DEFINE_PER_CPU(u64, bmcw_kstats[BMCW_KSTAT_MAX]);

u64 bmcw_kstat_sum(enum bmcw_kstat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(bmcw_kstats[s], cpu);
	return sum;
}

void bmcw_emit_health(u32 kind, int err, const char *what)
{
	struct bmcw_health_event h = {
		.ts_ns = ktime_get_ns(),
		.kind = kind,
		.err = err,
	};

	strscpy(h.what, what, sizeof(h.what));
	trace_bmcwatch_health(&h);
}

static int __init bmcw_init(void)
{
	int ret;

	ret = bmcw_origin_init();
	if (ret) {
		pr_err("bmcwatch: cannot locate pci_user_*_config: %d\n", ret);
		return ret;
	}
	bmcw_class_init();
	ret = bmcw_inventory_init();
	if (ret)
		goto err_match;
	ret = bmcw_cfg_hook_init();
	if (ret)
		goto err_inv;
	bmcw_cfg_acpi_init();	/* AML's path around bus ops; optional */
	bmcw_lpc_init();	/* needs the inventory; lost hooks are reported */
	ret = bmcw_sysfs_init();
	if (ret)
		goto err_lpc;
	ret = bmcw_debugfs_init();
	if (ret)
		pr_warn("bmcwatch: debugfs unavailable (%d), tables hidden\n",
			ret);
	bmcw_iommu_fault_init();	/* after debugfs: adds its table */
	bmcw_ipmi_init();	/* after debugfs; IPMI modules may come later */
	pr_info("bmcwatch: %s loaded (ABI %u.%u)\n", BMCW_MODULE_VERSION,
		BMCW_ABI_MAJOR, BMCW_ABI_MINOR);
	return 0;

err_lpc:
	bmcw_lpc_exit();
	bmcw_cfg_acpi_exit();
	bmcw_cfg_hook_exit();
err_inv:
	bmcw_inventory_exit();
err_match:
	bmcw_bmc_match_exit();
	bmcw_origin_exit();
	return ret;
}

static void __exit bmcw_exit(void)
{
	/* Tell consumers first, while every hook still works. */
	bmcw_emit_health(BMCW_HEALTH_MODULE_UNLOADING, 0, "bmcwatch");
	bmcw_iommu_fault_exit();
	bmcw_ipmi_exit();
	bmcw_debugfs_exit();
	bmcw_sysfs_exit();
	bmcw_lpc_exit();
	bmcw_cfg_acpi_exit();
	bmcw_cfg_hook_exit();
	bmcw_inventory_exit();
	bmcw_bmc_match_exit();
	bmcw_origin_exit();	/* after the hooks: nothing asks any more */
	pr_info("bmcwatch: unloaded\n");
}

module_init(bmcw_init);
module_exit(bmcw_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The bmcwatch authors");
MODULE_DESCRIPTION("Run-time monitor of host-BMC channels (PCIe, IPMI, LPC, DMA)");
MODULE_VERSION(BMCW_MODULE_VERSION);
