/* SPDX-License-Identifier: GPL-2.0 */
/* The LPC / host port I/O monitor (bpf/lpc.bpf.c + userspace/lpc.c). */
#ifndef BMCW_LPC_MON_H
#define BMCW_LPC_MON_H

#include "monitor.h"

extern const struct bmcw_monitor_ops lpc_monitor;

#endif /* BMCW_LPC_MON_H */
