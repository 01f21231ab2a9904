/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by pcie.bpf.c and its loader userspace/monitors/pcie.c. */
#ifndef BMCW_PCIE_H
#define BMCW_PCIE_H

#define PCIE_MAX_KEYS		16384	/* functions x classes x dir x origin */
#define PCIE_RINGBUF_BYTES	(256 * 1024)

/* Classes whose writes by the kernel still go to the ring buffer. */
#define PCIE_SENSITIVE_DEFAULT					\
	((1U << BMCW_CFG_COMMAND) | (1U << BMCW_CFG_BAR) |		\
	 (1U << BMCW_CFG_ROM) | (1U << BMCW_CFG_MSI) |			\
	 (1U << BMCW_CFG_MSIX) | (1U << BMCW_CFG_BRIDGE) |		\
	 (1U << BMCW_CFG_ACS) | (1U << BMCW_CFG_ATS) |			\
	 (1U << BMCW_CFG_PRI) | (1U << BMCW_CFG_PASID) |		\
	 (1U << BMCW_CFG_SRIOV) | (1U << BMCW_CFG_LPC_DECODE))

#define PCIE_BMC_FLAGS \
	(BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM | BMCW_FN_BMC_ALIAS)

#endif /* BMCW_PCIE_H */
