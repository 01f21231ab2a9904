/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCIe rules: from one config-space write or inventory change, as the BPF
 * program sent it, to the alerts it deserves. Pure functions (no I/O), so
 * that host-side tests drive them with hand-made events.
 */
#ifndef BMCW_PCIE_RULES_H
#define BMCW_PCIE_RULES_H

#include <linux/bmcwatch.h>

#include "alert.h"

#define PCIE_RULES_MAX_ALERTS	4

/* What the caller knows about the function and process beyond the event. */
struct pcie_ctx {
	uint16_t vendor, device;	/* 0 if unknown */
	const char *exe;		/* "" if unknown */
};

/* Fill up to PCIE_RULES_MAX_ALERTS alerts; returns how many. */
int pcie_rules_cfg(const struct bmcw_cfg_access *a, const struct pcie_ctx *c,
		   struct bmcw_alert *out);
int pcie_rules_dev(const struct bmcw_dev_event *e, struct bmcw_alert *out);

const char *pcie_class_name(unsigned int cls);
const char *pcie_origin_name(unsigned int origin);
void pcie_bdf(char *buf, size_t len, uint32_t seg, uint8_t bus, uint8_t devfn);

#endif /* BMCW_PCIE_RULES_H */
