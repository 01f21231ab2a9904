/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LPC rules: from one I/O port grant, /dev/port transfer or BAR access, as
 * the BPF program sent it, to the alerts it deserves. The SuperIO decoder
 * keeps the state of each index/data pair (unlocked, selected register and
 * logical device, iLPC2AHB address/data) across events: the hardware's
 * state is global, so is ours. Pure functions, no I/O.
 */
#ifndef BMCW_LPC_RULES_H
#define BMCW_LPC_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

#include "alert.h"
#include "policy.h"

#define LPC_RULES_MAX_ALERTS	8

/* One SuperIO index/data pair (index at base, data at base + 1). */
struct sio_state {
	uint16_t base;
	bool unlocked;
	uint8_t key;			/* last unlock byte written, 0 if none */
	bool index_valid;
	uint8_t index;			/* selected register */
	bool ldn_valid;
	uint8_t ldn;			/* selected logical device */
	uint32_t ahb_addr, ahb_data;	/* iLPC2AHB 0xF0-0xF3 / 0xF4-0xF7 */
	uint8_t ahb_size;		/* 0xF8: 0 byte, 1 half, 2 word */
};

struct lpc_state {
	struct lpc_port_range watch[POLICY_LPC_MAX_WATCH];
	unsigned int nwatch;
	struct sio_state sio[2];	/* 0x2E and 0x4E */
};

/* Ranges from the policy; SuperIO pairs decoded when their index is watched */
void lpc_state_init(struct lpc_state *st, const struct lpc_port_range *watch,
		    unsigned int n);
/* Add a range unless one already covers it; -1 when full. */
int lpc_state_watch(struct lpc_state *st, struct lpc_port_range r);
bool lpc_watched(const struct lpc_state *st, uint32_t first, uint32_t last);

/* Fill up to LPC_RULES_MAX_ALERTS alerts; returns how many. */
int lpc_rules_port(struct lpc_state *st, const struct bmcw_lpc_port *p,
		   const char *exe, struct bmcw_alert *out);
/* vendor/device: 0 if unknown. Returns 0 or 1. */
int lpc_rules_mmio(const struct bmcw_lpc_mmio *m, const char *exe,
		   uint16_t vendor, uint16_t device, struct bmcw_alert *out);

/* What a port is, for messages: "superio", "kcs", ... or "" */
const char *lpc_port_name(uint16_t port);

/*
 * The IPMI system interface ranges in /proc/ioports text (ACPI IPI0001 or
 * an "IPMI" claim). Returns how many were stored (at most max).
 */
int lpc_ioports_ipmi(const char *text, struct lpc_port_range *out, int max);

#endif /* BMCW_LPC_RULES_H */
