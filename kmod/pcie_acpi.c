// SPDX-License-Identifier: GPL-2.0
/*
 * Config accesses made by ACPI AML (PCI_Config operation regions). ACPICA
 * reaches config space through acpi_os_{read,write}_pci_configuration(),
 * which call x86's raw_pci_read/write() and so bypass every bus's pci_ops:
 * firmware code the BMC vendor shipped can touch any register without the
 * bus-ops hook seeing it. Probing the two OSL entry points covers that path
 * with the same event as every other access (origin BMCW_ORIGIN_ACPI).
 * Other raw_pci_*() users run at boot (early quirks, mmconfig setup),
 * before any module. Both entry points are global functions called from
 * ACPICA's other files, so no copy of them is inlined elsewhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include "bmcwatch.h"
#include "pcie_trace.h"
#include "hook.h"

/* ACPICA passes access widths in bits. */
static u8 width_bytes(unsigned long width)
{
	return width == 8 || width == 16 || width == 32 ? width / 8 : 0;
}

struct acpi_read_ctx {
	struct bmcw_cfg_access a;
	u64 *value;
	bool valid;
};

/*
 * acpi_os_read_pci_configuration(struct acpi_pci_id *id, u32 reg,
 *				  u64 *value, u32 width)
 */
static int read_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct acpi_read_ctx *c = (struct acpi_read_ctx *)ri->data;
	struct acpi_pci_id *id = (void *)regs_get_kernel_argument(regs, 0);
	u8 size = width_bytes(regs_get_kernel_argument(regs, 3));

	c->valid = false;
	if (!id || !size || !bmcw_cfg_watched())
		return 0;
	bmcw_cfg_describe(&c->a, id->segment, id->bus,
			  PCI_DEVFN(id->device, id->function),
			  regs_get_kernel_argument(regs, 1), size,
			  BMCW_DIR_READ, BMCW_ORIGIN_ACPI);
	c->value = (u64 *)regs_get_kernel_argument(regs, 2);
	c->valid = !!c->value;
	return 0;
}

static int read_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct acpi_read_ctx *c = (struct acpi_read_ctx *)ri->data;

	if (!c->valid)
		return 0;
	c->a.result = regs_return_value(regs) == AE_OK ? 0 : -EIO;
	c->a.value = *c->value;
	bmcw_cfg_report(&c->a);
	return 0;
}

/*
 * acpi_os_write_pci_configuration(struct acpi_pci_id *id, u32 reg,
 *				   u64 value, u32 width)
 * Reported at entry: AML writes are rare and the value is known already.
 */
static int write_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct acpi_pci_id *id = (void *)regs_get_kernel_argument(regs, 0);
	u8 size = width_bytes(regs_get_kernel_argument(regs, 3));
	struct bmcw_cfg_access a;

	if (!id || !size || !bmcw_cfg_watched())
		return 0;
	bmcw_cfg_describe(&a, id->segment, id->bus,
			  PCI_DEVFN(id->device, id->function),
			  regs_get_kernel_argument(regs, 1), size,
			  BMCW_DIR_WRITE, BMCW_ORIGIN_ACPI);
	a.value = regs_get_kernel_argument(regs, 2);
	bmcw_cfg_report(&a);
	return 0;
}

static struct bmcw_hook hooks[] = {
	{ .kind = BMCW_HOOK_KRETPROBE,
	  .syms = { "acpi_os_read_pci_configuration" },
	  .unseen = "config reads by ACPI AML", .entry = read_entry,
	  .ret = read_ret, .data_size = sizeof(struct acpi_read_ctx),
	  .maxactive = 16 },
	BMCW_KPROBE(NULL, "acpi_os_write_pci_configuration",
		    "config writes by ACPI AML", write_pre),
};

static struct bmcw_hook_set acpi_hooks = {
	.monitor = BMCW_MON_PCIE,
	.name = "pcie",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
};

void bmcw_cfg_acpi_init(void)
{
	bmcw_hooks_add(&acpi_hooks);
}

void bmcw_cfg_acpi_exit(void)
{
	bmcw_hooks_del(&acpi_hooks);
}
