/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitors of the table in monitors.c, one per stem: each is
 * bpf/STEM.bpf.c and its loader monitors/STEM*.c. One header for all of
 * them, so that no loader's header shadows its BPF side's (bpf/STEM.h).
 */
#ifndef BMCW_MONITORS_H
#define BMCW_MONITORS_H

#include "monitor.h"

/* PCIe config space (pcie.c) */
extern const struct bmcw_monitor_ops pcie_monitor;
/* LPC / host port I/O (lpc.c) */
extern const struct bmcw_monitor_ops lpc_monitor;
/* IPMI system interface (ipmi.c) */
extern const struct bmcw_monitor_ops ipmi_monitor;
/* DMA and doorbells (dma/) */
extern const struct bmcw_monitor_ops dma_monitor;
/* BMC USB devices and their keyboards (usb.c) */
extern const struct bmcw_monitor_ops usb_monitor;

#endif /* BMCW_MONITORS_H */
