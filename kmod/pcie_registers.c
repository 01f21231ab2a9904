// SPDX-License-Identifier: GPL-2.0
/*
 * Registers of inventory functions that the daemon needs and cannot read
 * itself: sysfs closes config space past 64 bytes to a reader without
 * CAP_SYS_ADMIN, which bmcwatchd's unit does not have. Each table is read
 * from the hardware when the file is read, never cached: the point is to
 * see what the registers say now.
 *   posture  ATS control of each BMC function, ACS control of each bridge
 *            above one (the DMA posture)
 *   msi      the MSI address and data of each function whose MSI or MSI-X
 *            is enabled (which function may have rung an unowned vector)
 */
#include <linux/debugfs.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include "bmcwatch.h"

/* A control register of extended capability @id, or "-" where absent. */
static void show_ecap_ctrl(struct seq_file *m, const char *name,
			   struct pci_dev *pdev, int id, int reg)
{
	int pos = pci_find_ext_capability(pdev, id);
	u16 v;

	if (pos && !pci_read_config_word(pdev, pos + reg, &v))
		seq_printf(m, " %s=%04x", name, v);
	else
		seq_printf(m, " %s=-", name);
}

static void show_posture(struct seq_file *m, struct bmcw_fn *fn)
{
	seq_puts(m, pci_name(fn->pdev));
	show_ecap_ctrl(m, "ats", fn->pdev, PCI_EXT_CAP_ID_ATS, PCI_ATS_CTRL);
	show_ecap_ctrl(m, "acs", fn->pdev, PCI_EXT_CAP_ID_ACS, PCI_ACS_CTRL);
	seq_putc(m, '\n');
}

static int posture_show(struct seq_file *m, void *v)
{
	bmcw_inventory_show(m, BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM, show_posture);
	return 0;
}

/*
 * The capability's own enable bits, not the kernel's msi_enabled: a write
 * to config space that enabled MSI behind the kernel's back is the case
 * that matters. "kernel" says whether the kernel enabled it.
 */
static void show_msi(struct seq_file *m, struct bmcw_fn *fn)
{
	struct pci_dev *pdev = fn->pdev;
	u16 ctrl = 0, xctrl = 0, data = 0;
	u32 lo = 0, hi = 0;
	int pos = pdev->msi_cap;
	bool msi, msix;

	msi = pos && !pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &ctrl) &&
	      (ctrl & PCI_MSI_FLAGS_ENABLE);
	msix = pdev->msix_cap &&
	       !pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &xctrl) &&
	       (xctrl & PCI_MSIX_FLAGS_ENABLE);
	if (!msi && !msix)
		return;
	seq_puts(m, pci_name(pdev));
	if (msi) {
		pci_read_config_dword(pdev, pos + PCI_MSI_ADDRESS_LO, &lo);
		if (ctrl & PCI_MSI_FLAGS_64BIT) {
			pci_read_config_dword(pdev, pos + PCI_MSI_ADDRESS_HI, &hi);
			pci_read_config_word(pdev, pos + PCI_MSI_DATA_64, &data);
		} else {
			pci_read_config_word(pdev, pos + PCI_MSI_DATA_32, &data);
		}
		seq_printf(m, " msi=%08x%08x:%04x", hi, lo, data);
	} else {
		seq_puts(m, " msi=-");
	}
	seq_printf(m, " msix=%s kernel=%s\n", msix ? "on" : "off",
		   pdev->msi_enabled || pdev->msix_enabled ? "yes" : "no");
}

static int msi_show(struct seq_file *m, void *v)
{
	bmcw_inventory_show(m, 0, show_msi);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(posture);
DEFINE_SHOW_ATTRIBUTE(msi);

/* The tables in the module's debugfs @dir: two dentries into @files. */
void bmcw_registers_debugfs_init(struct dentry *dir, struct dentry **files)
{
	files[0] = debugfs_create_file("posture", 0400, dir, NULL,
				       &posture_fops);
	files[1] = debugfs_create_file("msi", 0400, dir, NULL, &msi_fops);
}
