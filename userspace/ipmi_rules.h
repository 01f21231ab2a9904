/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPMI rules: from one observation of the system interface, as the BPF
 * program sent it, to the alerts it deserves. The state they keep (is a
 * watchdog armed with a pretimeout, are answers to Send Message pending,
 * the BMC's identity, the attention rate) lives in struct ipmi_state. Pure
 * functions (no I/O), so that host-side tests drive them with hand-made
 * events.
 */
#ifndef BMCW_IPMI_RULES_H
#define BMCW_IPMI_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

#include "alert.h"

#define IPMI_RULES_MAX_ALERTS	4
#define IPMI_ID_BYTES		16

/* Attention rate: more than attn_max in attn_window_ns is a storm. */
#define IPMI_ATTN_WINDOW_NS	(10ULL * 1000000000ULL)
#define IPMI_ATTN_MAX		20

struct ipmi_identity {
	bool seen;
	uint8_t len;
	uint8_t b[IPMI_ID_BYTES];
};

struct ipmi_state {
	bool wd_pretimeout;		/* host armed a pretimeout interrupt */
	bool wd_event_due;		/* its watchdog event may follow */
	unsigned int pending_send;	/* Send Message answers still due */
	bool attn_pending;		/* attention not yet explained */
	uint64_t attn_window_start;
	unsigned int attn_in_window;
	bool storm_reported;		/* in this window */
	bool saw_xact;			/* the state machine hooks work */
	uint64_t attentions;		/* total, for the drift check */
	struct ipmi_identity device_id, device_guid, system_guid;
};

/* What the caller knows beyond the event. */
struct ipmi_ctx {
	const char *exe;		/* "" if unknown */
};

void ipmi_state_init(struct ipmi_state *st);

/* Fill up to IPMI_RULES_MAX_ALERTS alerts; returns how many. */
int ipmi_rules_event(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		     const struct ipmi_ctx *c, struct bmcw_alert *out);

/* NULL if the command is not sensitive, else why it is. */
const char *ipmi_sensitive(uint8_t netfn, uint8_t cmd, const uint8_t *data,
			   unsigned int len);

const char *ipmi_netfn_name(uint8_t netfn);
const char *ipmi_cmd_name(uint8_t netfn, uint8_t cmd);
const char *ipmi_origin_name(unsigned int origin);
const char *ipmi_kind_name(unsigned int kind);

#endif /* BMCW_IPMI_RULES_H */
