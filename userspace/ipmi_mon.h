/* SPDX-License-Identifier: GPL-2.0 */
/* The IPMI system interface monitor (bpf/ipmi.bpf.c + this loader). */
#ifndef BMCW_IPMI_MON_H
#define BMCW_IPMI_MON_H

#include "monitor.h"

extern const struct bmcw_monitor_ops ipmi_monitor;

#endif /* BMCW_IPMI_MON_H */
