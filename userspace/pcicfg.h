/* SPDX-License-Identifier: GPL-2.0 */
/* The PCIe config-space monitor (bpf/pcicfg.bpf.c + this loader). */
#ifndef BMCW_PCICFG_MON_H
#define BMCW_PCICFG_MON_H

#include "monitor.h"

extern const struct bmcw_monitor_ops pcicfg_monitor;

#endif /* BMCW_PCICFG_MON_H */
