/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference the module absorbs, in one place, each
 * keyed on what changed rather than on a distribution. Feature files use
 * the names below, never LINUX_VERSION_CODE.
 */
#ifndef _BMCW_COMPAT_H
#define _BMCW_COMPAT_H

#include <linux/version.h>

/*
 * amd_iommu_report_page_fault() gained the struct amd_iommu * as its first
 * argument in 6.0: the index of its devid argument.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
#define BMCW_AMD_FAULT_DEVID_ARG	1
#else
#define BMCW_AMD_FAULT_DEVID_ARG	0
#endif

#endif /* _BMCW_COMPAT_H */
