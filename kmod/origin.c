// SPDX-License-Identifier: GPL-2.0
/*
 * Who asked for a config access. Userspace reaches config space only through
 * pci_user_{read,write}_config_*() (sysfs "config", /proc/bus/pci, vfio-pci),
 * and those call bus->ops directly, so the return address of our bus-ops
 * wrapper tells a user access from the kernel's own without a kprobe or a
 * per-access lookup: six range compares.
 */
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include "bmcwatch.h"

struct bmcw_text_range bmcw_user_cfg[BMCW_USER_CFG_FNS] __read_mostly;

/* Size of the function at @addr from "name+0x0/0x90 [mod]". */
static unsigned long func_size(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size;
	char *slash;

	sprint_symbol(buf, addr);
	slash = strchr(buf, '/');
	if (!slash)
		return 0;
	slash[strcspn(slash, " ")] = '\0';
	if (kstrtoul(slash + 1, 16, &size))
		return 0;
	return size;
}

int bmcw_origin_init(void)
{
	const unsigned long fns[] = {
		(unsigned long)pci_user_read_config_byte,
		(unsigned long)pci_user_read_config_word,
		(unsigned long)pci_user_read_config_dword,
		(unsigned long)pci_user_write_config_byte,
		(unsigned long)pci_user_write_config_word,
		(unsigned long)pci_user_write_config_dword,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		unsigned long size = func_size(fns[i]);

		if (!size)
			return -ENOENT;
		bmcw_user_cfg[i].start = fns[i];
		bmcw_user_cfg[i].end = fns[i] + size;
	}
	return 0;
}
