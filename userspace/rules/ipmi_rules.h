/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPMI rules: from one observation of the system interface, as the BPF
 * program sent it, to the alerts it deserves. The state they keep (is a
 * watchdog armed with a pretimeout, are answers to Send Message pending,
 * the BMC's identity, the attention rate) lives in struct ipmi_state. Pure
 * functions (no I/O), so that host-side tests drive them with hand-made
 * events.
 *
 * With a baseline's traffic profile (ipmi_state_use_baseline) the
 * attention limit is the learnt one, the identity answers are compared
 * with the baseline's from the first one on, and a command never seen
 * while learning is reported (ipmi.new_command).
 *
 * A BMC that reset itself shows from the host as: Get BMC Global Enables
 * answering without the enables the host set (the driver then sets them
 * again), Get Device ID saying "update or self-initialisation in
 * progress", completion code 0xD2 (initialisation in progress), or a
 * period of KCS errors (abort/hosed) followed by a working transaction.
 * Each is an ipmi.protocol_violation on the subject "... reset".
 */
#ifndef BMCW_IPMI_RULES_H
#define BMCW_IPMI_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

#include "alert.h"
#include "msi_senders.h"
#include "traffic.h"

#define IPMI_RULES_MAX_ALERTS	4
#define IPMI_ID_BYTES		16

/* Without a baseline: more than IPMI_ATTN_MAX in IPMI_ATTN_WINDOW_NS is a storm. */
#define IPMI_ATTN_WINDOW_NS	(10ULL * 1000000000ULL)
#define IPMI_ATTN_MAX		20

/* (netfn, cmd, origin) of a request as a bit index: 5 + 8 + 3 bits */
#define IPMI_CMD_KEYS		(1U << 16)

struct ipmi_identity {
	bool seen;
	bool from_baseline;		/* not seen yet: the baseline's answer */
	uint8_t len;
	uint8_t b[IPMI_ID_BYTES];
};

struct ipmi_state {
	bool wd_pretimeout;		/* host armed a pretimeout interrupt */
	bool wd_event_due;		/* its watchdog event may follow */
	unsigned int pending_send;	/* Send Message answers still due */
	bool attn_pending;		/* attention not yet explained */
	struct rate_window attn_win;
	uint64_t attn_window_ns;	/* IPMI_ATTN_WINDOW_NS or the learnt window */
	uint64_t attn_limit;		/* most attentions per window not flagged */
	bool attn_learnt;		/* limit from a baseline */
	uint64_t attn_learnt_max;	/* most per window while learning */
	bool saw_xact;			/* the state machine hooks work */
	uint64_t attentions;		/* total, for the drift check */
	struct ipmi_identity device_id, device_guid, system_guid;
	char base_created[32];		/* when the enforced baseline was learnt */
	/* BMC reset signs */
	bool enables_known;
	uint8_t enables;		/* what the host last set (or first read) */
	bool dev_updating;		/* Get Device ID: update/self-init in progress */
	unsigned int err_events;	/* KCS aborts/hosed since the last success */
	uint64_t err_first_ns;
	/* commands never seen while learning */
	bool cmds_known;		/* a baseline's command list applies */
	uint8_t known[IPMI_CMD_KEYS / 8];
	uint8_t new_reported[IPMI_CMD_KEYS / 8];
	uint8_t new_counted[IPMI_CMD_KEYS / 8];	/* counted once, unreported */
};

/* What the caller knows beyond the event. */
struct ipmi_ctx {
	const char *exe;		/* "" if unknown */
	/* an unknown NMI: the functions whose MSI delivers NMIs (NULL: not looked) */
	const struct msi_senders *nmi_senders;
};

void ipmi_state_init(struct ipmi_state *st);
/*
 * Enforce @b's traffic profile (a no-op without one): attention limit
 * max(learnt largest window x @factor, @floor) per learnt window, identity
 * from the baseline, requests not in it reported.
 */
void ipmi_state_use_baseline(struct ipmi_state *st, const struct baseline *b,
			     unsigned int factor, unsigned int floor);
/*
 * A request the per-CPU counters saw (routine kernel traffic has no ring
 * buffer record): ipmi.new_command when a baseline applies and it was
 * never seen while learning. Fills at most one alert; returns how many.
 * Only at its second sweep: the first request of a key is also sent with
 * its process through the ring buffer, and may still be on its way when
 * the counters already show it; the record, with the process, wins.
 */
int ipmi_rules_counted(struct ipmi_state *st, uint8_t netfn, uint8_t cmd,
		       uint8_t origin, struct bmcw_alert *out);

/*
 * NMIs an UNKNOWN_NMI event stands for: its count (ABI 1.2), 1 from an
 * older module (count was padding, 0); 0 for other kinds.
 */
uint64_t ipmi_nmi_count(const struct bmcw_ipmi_event *e);

/* Fill up to IPMI_RULES_MAX_ALERTS alerts; returns how many. */
int ipmi_rules_event(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		     const struct ipmi_ctx *c, struct bmcw_alert *out);

/* NULL if the command is not sensitive, else why it is. */
const char *ipmi_sensitive(uint8_t netfn, uint8_t cmd, const uint8_t *data,
			   unsigned int len);

const char *ipmi_netfn_name(uint8_t netfn);
const char *ipmi_cmd_name(uint8_t netfn, uint8_t cmd);
const char *ipmi_origin_name(unsigned int origin);
const char *ipmi_iface_name(unsigned int iface);
const char *ipmi_kind_name(unsigned int kind);

#endif /* BMCW_IPMI_RULES_H */
