// SPDX-License-Identifier: GPL-2.0
/*
 * Over 600 lines: the rules share one state machine (struct ipmi_state)
 * and read best next to each other, with the IPMI facts below.
 *
 * IPMI rules. The facts they rest on (IPMI 2.0 rev 1.1):
 *  - a response's netfn is its request's netfn + 1 and its cmd the same
 *    (5.2); a message is at most IPMI_MAX_MSG_LENGTH (272) bytes in Linux;
 *  - Get Message Flags (22.4) bit 0 receive message available, bit 1 event
 *    message buffer full, bit 3 watchdog pre-timeout, bits 5-7 OEM;
 *  - Set Watchdog Timer (27.6) byte 2 bits 6:4 pre-timeout interrupt
 *    (0 none), byte 3 the pre-timeout interval;
 *  - Send Message (22.7) answers come back through the receive message
 *    queue, i.e. as "message available" + Get Message (22.6);
 *  - Get Device ID (20.1): device id, revision, firmware revision 1 (bit 7
 *    "device available" flips during updates), revision 2, IPMI version,
 *    additional support, manufacturer, product, aux revision.
 */
#include <stdio.h>
#include <string.h>

#include <linux/bmcwatch_names.h>

#include "baseline.h"
#include "ipmi_rules.h"
#include "senders.h"

#define NETFN_CHASSIS	0x00
#define NETFN_APP	0x06
#define NETFN_FIRMWARE	0x08
#define NETFN_TRANSPORT	0x0c
#define NETFN_GROUP	0x2c
#define NETFN_OEM_GROUP	0x2e

#define FLAG_RECV_MSG	0x01
#define FLAG_EVENT_BUF	0x02
#define FLAG_PRETIMEOUT	0x08
#define FLAG_OEM	0xe0

/* Set BMC Global Enables (22.1): the bits the Linux driver manages */
#define ENABLES_HOST	0x07
/* Get Device ID firmware revision 1, bit 7: update or self-init in progress */
#define DEVID_UPDATING	0x80
#define CC_INIT_IN_PROGRESS	0xd2

void ipmi_state_init(struct ipmi_state *st)
{
	memset(st, 0, sizeof(*st));
	st->attn_window_ns = IPMI_ATTN_WINDOW_NS;
	st->attn_limit = IPMI_ATTN_MAX;
}

static unsigned int cmd_key(uint8_t netfn, uint8_t cmd, uint8_t origin)
{
	return ((netfn >> 1) & 0x1f) << 11 | (unsigned int)cmd << 3 | (origin & 7);
}

static bool bit_test(const uint8_t *map, unsigned int k)
{
	return map[k / 8] & (1U << (k % 8));
}

static void bit_set(uint8_t *map, unsigned int k)
{
	map[k / 8] |= 1U << (k % 8);
}

void ipmi_state_use_baseline(struct ipmi_state *st, const struct baseline *b,
			     unsigned int factor, unsigned int floor)
{
	struct ipmi_identity *ids[BASELINE_ID_COUNT] = {
		[BASELINE_ID_DEVICE] = &st->device_id,
		[BASELINE_ID_DEVICE_GUID] = &st->device_guid,
		[BASELINE_ID_SYSTEM_GUID] = &st->system_guid,
	};
	const struct baseline_traffic *t;

	if (!b || !b->has_traffic)
		return;
	t = &b->traffic;
	snprintf(st->base_created, sizeof(st->base_created), "%s", b->created);
	st->attn_window_ns = (uint64_t)t->window_s * 1000000000ULL;
	st->attn_learnt_max = t->attention.max;
	st->attn_limit = traffic_limit(t->attention.max, factor, floor);
	st->attn_learnt = true;
	memset(&st->attn_win, 0, sizeof(st->attn_win));
	for (int k = 0; k < BASELINE_ID_COUNT; k++) {
		if (!t->id[k].seen)
			continue;
		ids[k]->seen = true;
		ids[k]->from_baseline = true;
		ids[k]->len = t->id[k].len > IPMI_ID_BYTES ? IPMI_ID_BYTES : t->id[k].len;
		memcpy(ids[k]->b, t->id[k].b, ids[k]->len);
	}
	memset(st->known, 0, sizeof(st->known));
	for (size_t i = 0; i < t->n_ipmi; i++)
		if (!t->ipmi[i].dir)
			bit_set(st->known, cmd_key(t->ipmi[i].netfn, t->ipmi[i].cmd,
						   t->ipmi[i].origin));
	st->cmds_known = true;
}

/* Names shared with bmcwatch.ko's debugfs tables (bmcwatch_names.h) */
#define NAME_ROW(sfx, name) name,
#define NETFN_ROW(nf, n) { .netfn = (nf), .name = (n) },

const char *ipmi_netfn_name(uint8_t netfn)
{
	static const struct {
		uint8_t netfn;
		const char *name;
	} names[] = {
		BMCW_IPMI_NETFNS(NETFN_ROW)
	};

	netfn &= ~1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].netfn == netfn)
			return names[i].name;
	return netfn >= BMCW_IPMI_NETFN_OEM_FIRST &&
	       netfn <= BMCW_IPMI_NETFN_OEM_LAST ? "oem" : "reserved";
}

/* IPMI 2.0's names, shared with bmcwatch.ko's debugfs tables */
#define CMD_NAME(nf, c, n) { .netfn = (nf), .cmd = (c), .name = (n) },
static const struct {
	uint8_t netfn, cmd;
	const char *name;
} cmd_names[] = {
	BMCW_IPMI_CMDS(CMD_NAME)
};
#undef CMD_NAME

const char *ipmi_cmd_name(uint8_t netfn, uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (cmd_names[i].netfn == (netfn & ~1) && cmd_names[i].cmd == cmd)
			return cmd_names[i].name;
	return "unnamed";
}

/* The system interface an event came through: "kcs", "bt", "ssif". */
const char *ipmi_iface_name(unsigned int iface)
{
	switch (iface) {
	case BMCW_IPMI_IF_KCS:
		return "kcs";
	case BMCW_IPMI_IF_BT:
		return "bt";
	case BMCW_IPMI_IF_SSIF:
		return "ssif";
	default:
		return "msg";
	}
}

const char *ipmi_origin_name(unsigned int origin)
{
	static const char *const names[BMCW_IPMI_ORIG_MAX] = {
		BMCW_IPMI_ORIGINS(NAME_ROW)
	};

	return origin < BMCW_IPMI_ORIG_MAX ? names[origin] : "unknown";
}

const char *ipmi_kind_name(unsigned int kind)
{
	static const char *const names[BMCW_IPMI_KIND_MAX] = {
		BMCW_IPMI_KINDS(NAME_ROW)
	};

	return kind < BMCW_IPMI_KIND_MAX ? names[kind] : "unknown";
}

const char *ipmi_sensitive(uint8_t netfn, uint8_t cmd, const uint8_t *data,
			   unsigned int len)
{
	netfn &= ~1;
	if (netfn == NETFN_FIRMWARE)
		return "firmware netfn: firmware update commands";
	if (netfn == NETFN_OEM_GROUP || (netfn >= BMCW_IPMI_NETFN_OEM_FIRST &&
					 netfn <= BMCW_IPMI_NETFN_OEM_LAST))
		return "OEM netfn: vendor firmware, flash and configuration commands";
	/* PICMG (defining body 0) HPM.1 upgrade commands 0x2E-0x37 */
	if (netfn == NETFN_GROUP && len >= 1 && data[0] == 0x00 &&
	    cmd >= 0x2e && cmd <= 0x37)
		return "HPM.1 firmware upgrade";
	switch (netfn << 8 | cmd) {
	case NETFN_APP << 8 | 0x02:
	case NETFN_APP << 8 | 0x03:
		return "resets the BMC";
	case NETFN_APP << 8 | 0x40:
		return "changes channel access";
	case NETFN_APP << 8 | 0x43:
	case NETFN_APP << 8 | 0x45:
	case NETFN_APP << 8 | 0x47:
		return "changes BMC users or passwords";
	case NETFN_APP << 8 | 0x52:
		return "raw I2C/SMBus access behind the BMC (master write-read)";
	case NETFN_CHASSIS << 8 | 0x02:
		return "chassis control: power off, reset, NMI";
	case NETFN_CHASSIS << 8 | 0x08:
		return "changes the system boot options";
	case NETFN_TRANSPORT << 8 | 0x01:
		return "changes the BMC's LAN configuration";
	case NETFN_TRANSPORT << 8 | 0x21:
		return "changes serial-over-LAN configuration";
	default:
		return NULL;
	}
}

uint64_t ipmi_nmi_count(const struct bmcw_ipmi_event *e)
{
	return e->kind != BMCW_IPMI_UNKNOWN_NMI ? 0 : e->count ? e->count : 1;
}

static struct bmcw_alert *start(struct bmcw_alert *out, int *n,
				const char *rule, enum bmcw_severity sev,
				const struct bmcw_ipmi_event *e,
				const struct ipmi_ctx *c)
{
	struct bmcw_alert *al = &out[(*n)++];
	struct bmcw_subject *s = &al->subject;

	memset(al, 0, sizeof(*al));
	al->rule = rule;
	al->severity = sev;
	if (e->pid) {
		s->has_process = 1;
		s->pid = e->pid;
		memcpy(s->comm, e->comm, sizeof(s->comm) - 1);
		snprintf(s->exe, sizeof(s->exe), "%s", c && c->exe ? c->exe : "");
	}
	if (e->kind == BMCW_IPMI_UNKNOWN_NMI)
		snprintf(s->locus, sizeof(s->locus), "nmi cpu %u", e->cpu);
	else
		snprintf(s->locus, sizeof(s->locus), "ipmi %s si%d",
			 ipmi_iface_name(e->iface),
			 e->sm == 0xff ? 0 : e->sm);
	alert_add_extra(al, "origin", "%s", ipmi_origin_name(e->origin));
	if (e->kind == BMCW_IPMI_XACT || e->kind == BMCW_IPMI_MSG_REQ ||
	    e->kind == BMCW_IPMI_MSG_RSP) {
		alert_add_extra(al, "netfn", "0x%02x %s", e->netfn,
				ipmi_netfn_name(e->netfn));
		alert_add_extra(al, "cmd", "0x%02x %s", e->cmd,
				ipmi_cmd_name(e->netfn, e->cmd));
	}
	return al;
}

static void hex(char *buf, size_t len, const uint8_t *b, unsigned int n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && off + 3 < len; i++)
		off += snprintf(buf + off, len - off, "%s%02x", i ? " " : "",
				b[i]);
}

/* Who asked, for messages: "ipmitool (pid 42)" or "ipmi_si". */
static void actor(char *buf, size_t len, const struct bmcw_ipmi_event *e)
{
	if (e->pid)
		snprintf(buf, len, "%.16s (pid %u%s%s)", e->comm, e->pid,
			 e->origin == BMCW_IPMI_ORIG_USER ? "" : ", via ",
			 e->origin == BMCW_IPMI_ORIG_USER ? "" :
			 ipmi_origin_name(e->origin));
	else
		snprintf(buf, len, "%s", ipmi_origin_name(e->origin));
}

static unsigned int rsp_bytes(const struct bmcw_ipmi_event *e)
{
	return e->rsp_len < BMCW_IPMI_DATA ? e->rsp_len : BMCW_IPMI_DATA;
}

static void locus_suffix(struct bmcw_alert *al, const char *suffix)
{
	size_t used = strlen(al->subject.locus);

	snprintf(al->subject.locus + used, sizeof(al->subject.locus) - used, "%s",
		 suffix);
}

/* A request never seen while learning; @e NULL when only counted. */
static int rule_new_command(struct ipmi_state *st, uint8_t netfn, uint8_t cmd,
			    uint8_t origin, const struct bmcw_ipmi_event *e,
			    const struct ipmi_ctx *c, struct bmcw_alert *out, int n)
{
	enum bmcw_severity sev = origin == BMCW_IPMI_ORIG_USER ? BMCW_SEV_NOTICE :
				 BMCW_SEV_INFO;
	unsigned int k = cmd_key(netfn, cmd, origin);
	struct bmcw_alert *al;
	char who[64], locus[24];

	if (!st->cmds_known || (netfn & 1) || bit_test(st->known, k) ||
	    bit_test(st->new_reported, k))
		return n;
	if (!e && !bit_test(st->new_counted, k)) {
		bit_set(st->new_counted, k);	/* see ipmi_rules_counted() */
		return n;
	}
	/* Sensitive commands have their own rule, which names the process. */
	if (ipmi_sensitive(netfn, cmd, NULL, 0))
		return n;
	bit_set(st->new_reported, k);
	if (e) {
		al = start(out, &n, "ipmi.new_command", sev, e, c);
		actor(who, sizeof(who), e);
	} else {
		al = &out[n++];
		memset(al, 0, sizeof(*al));
		al->rule = "ipmi.new_command";
		al->severity = sev;
		snprintf(al->subject.locus, sizeof(al->subject.locus), "ipmi");
		alert_add_extra(al, "origin", "%s", ipmi_origin_name(origin));
		alert_add_extra(al, "netfn", "0x%02x %s", netfn, ipmi_netfn_name(netfn));
		alert_add_extra(al, "cmd", "0x%02x %s", cmd, ipmi_cmd_name(netfn, cmd));
		snprintf(who, sizeof(who), "%s", ipmi_origin_name(origin));
	}
	/* one aggregate per command: a second new command is news too */
	snprintf(locus, sizeof(locus), " cmd %02x/%02x", netfn, cmd);
	locus_suffix(al, locus);
	snprintf(al->message, sizeof(al->message),
		 "%s sent %s/%s (netfn 0x%02x cmd 0x%02x), a command never seen from %s while learning",
		 who, ipmi_netfn_name(netfn), ipmi_cmd_name(netfn, cmd), netfn, cmd,
		 ipmi_origin_name(origin));
	snprintf(al->why, sizeof(al->why),
		 "the baseline learnt %s has no such request from this origin: new software or a new kernel user, or someone exploring the BMC",
		 st->base_created);
	return n;
}

int ipmi_rules_counted(struct ipmi_state *st, uint8_t netfn, uint8_t cmd,
		       uint8_t origin, struct bmcw_alert *out)
{
	return rule_new_command(st, netfn, cmd, origin, NULL, NULL, out, 0);
}

/*
 * A sign of a BMC reset. Each sign its own subject ("... reset enables"):
 * signs of one reset come seconds apart and each is news, not a repeat to
 * aggregate.
 */
static struct bmcw_alert *reset_alert(struct bmcw_alert *out, int *n,
				      const struct bmcw_ipmi_event *e,
				      const struct ipmi_ctx *c, const char *sign)
{
	struct bmcw_alert *al = start(out, n, "ipmi.protocol_violation",
				      BMCW_SEV_WARNING, e, c);

	/* the BMC did it, whoever's request revealed it */
	al->subject.has_process = 0;
	memset(al->subject.comm, 0, sizeof(al->subject.comm));
	al->subject.exe[0] = '\0';
	al->subject.pid = 0;
	locus_suffix(al, " reset ");
	locus_suffix(al, sign);
	return al;
}

/* Set/Get BMC Global Enables: a BMC that forgot what the host set was reset. */
static int rule_enables(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
			const struct ipmi_ctx *c, struct bmcw_alert *out, int n)
{
	struct bmcw_alert *al;
	uint8_t got, lost;

	if (e->cc)
		return n;
	if (e->cmd == 0x2e) {
		if (e->req_len >= 3) {
			st->enables = e->req[2];
			st->enables_known = true;
		}
		return n;
	}
	if (e->rsp_len < 4)
		return n;
	got = e->rsp[3];
	lost = st->enables & ~got & ENABLES_HOST;
	if (!st->enables_known || !lost) {
		/* started after the driver set them: this is what it wants */
		st->enables = got;
		st->enables_known = true;
		return n;
	}
	al = reset_alert(out, &n, e, c, "enables");
	snprintf(al->message, sizeof(al->message),
		 "BMC lost the global enables the host set: 0x%02x, now 0x%02x (BMC reset)",
		 st->enables, got);
	snprintf(al->why, sizeof(al->why),
		 "only a BMC reset clears the %s%s%sthe host driver enabled; the driver sets them again",
		 lost & 0x01 ? "message interrupt, " : "", lost & 0x02 ? "event interrupt, " : "",
		 lost & 0x04 ? "event buffer, " : "");
	alert_add_extra(al, "enables_set", "0x%02x", st->enables);
	alert_add_extra(al, "enables_now", "0x%02x", got);
	st->enables = got;
	return n;
}

/* KCS errors then a working transaction: the BMC stalled or reset. */
static int rule_recovered(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
			  const struct ipmi_ctx *c, struct bmcw_alert *out, int n)
{
	struct bmcw_alert *al;

	if (!st->err_events || (e->flags & BMCW_IPMI_F_NO_REQ) || e->rsp_len < 3)
		return n;
	al = reset_alert(out, &n, e, c, "recovered");
	snprintf(al->message, sizeof(al->message),
		 "KCS interface works again after %u error recover%s over %llu ms (BMC stalled or reset mid-transaction)",
		 st->err_events, st->err_events == 1 ? "y" : "ies",
		 (unsigned long long)((e->ts_ns - st->err_first_ns) / 1000000));
	snprintf(al->why, sizeof(al->why),
		 "the BMC's side stopped following the KCS handshake and then came back: a BMC reset, a hang, or firmware being replaced");
	alert_add_extra(al, "errors", "%u", st->err_events);
	st->err_events = 0;
	return n;
}

static int rule_mismatch(const struct bmcw_ipmi_event *e,
			 const struct ipmi_ctx *c, struct bmcw_alert *out,
			 int n)
{
	struct bmcw_alert *al;
	char bytes[3 * BMCW_IPMI_DATA + 1];
	const char *what = NULL;

	if (e->flags & BMCW_IPMI_F_NO_REQ)
		what = "a response arrived with no request in flight";
	else if (e->rsp_len > 272)
		what = "the response is longer than any IPMI message can be";
	else if (e->rsp_len >= 2 &&
		 (e->rsp_netfn != (e->netfn | 1) || e->rsp_cmd != e->cmd))
		what = "the response's netfn/cmd does not answer the request";
	if (!what)
		return n;
	al = start(out, &n, "ipmi.protocol_violation", BMCW_SEV_WARNING, e, c);
	snprintf(al->message, sizeof(al->message),
		 "BMC answered %s/%s (netfn 0x%02x cmd 0x%02x) with netfn 0x%02x cmd 0x%02x, %u bytes",
		 ipmi_netfn_name(e->netfn), ipmi_cmd_name(e->netfn, e->cmd),
		 e->netfn, e->cmd, e->rsp_netfn, e->rsp_cmd, e->rsp_len);
	snprintf(al->why, sizeof(al->why),
		 "%s (IPMI 2.0 5.2: a response carries netfn+1 and the same cmd); malformed answers aim at the host driver's parser or at confusing its users",
		 what);
	hex(bytes, sizeof(bytes), e->rsp, rsp_bytes(e));
	alert_add_extra(al, "response", "%s", bytes);
	return n;
}

/* Flags byte of a Get Message Flags answer, against what the host did. */
static int rule_flags(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		      const struct ipmi_ctx *c, struct bmcw_alert *out, int n)
{
	uint8_t flags = e->rsp[3], unexplained = 0;
	struct bmcw_alert *al;
	char why[160] = "";
	bool attn = st->attn_pending;

	st->attn_pending = false;
	if (e->cc || e->rsp_len < 4)
		return n;
	if ((flags & FLAG_PRETIMEOUT) && !st->wd_pretimeout)
		unexplained |= FLAG_PRETIMEOUT;
	if ((flags & FLAG_RECV_MSG) && !st->pending_send)
		unexplained |= FLAG_RECV_MSG;
	unexplained |= flags & FLAG_OEM;
	/*
	 * A BMC logs a host-armed pre-timeout as a watchdog 2 sensor event
	 * (QEMU's simulator does even with "don't log"); the event itself is
	 * checked when it is read (rule_delivery).
	 */
	if ((flags & FLAG_PRETIMEOUT) && st->wd_pretimeout)
		st->wd_event_due = true;
	if ((flags & FLAG_EVENT_BUF) && !st->wd_event_due)
		unexplained |= FLAG_EVENT_BUF;
	if (!unexplained && !(attn && !flags))
		return n;
	if (unexplained & FLAG_RECV_MSG)
		strcat(why, "a message for the host although it sent none; ");
	if (unexplained & FLAG_EVENT_BUF)
		strcat(why, "an event in the event message buffer; ");
	if (unexplained & FLAG_PRETIMEOUT)
		strcat(why, "a watchdog pre-timeout the host never armed; ");
	if (unexplained & FLAG_OEM)
		strcat(why, "OEM flags; ");
	if (!flags)
		strcat(why, "nothing at all: attention with no flag set; ");
	al = start(out, &n, "ipmi.unsolicited_attention", BMCW_SEV_NOTICE, e,
		   c);
	al->subject.has_process = 0;
	snprintf(al->message, sizeof(al->message),
		 "BMC %s: message flags 0x%02x",
		 attn ? "raised SMS_ATN unasked" : "set message flags unasked",
		 flags);
	snprintf(al->why, sizeof(al->why), "the BMC signalled %.180s",
		 why);
	alert_add_extra(al, "flags", "0x%02x", flags);
	return n;
}

/* A message the BMC delivered through Get Message / Read Event Buffer. */
static int rule_delivery(struct ipmi_state *st,
			 const struct bmcw_ipmi_event *e,
			 const struct ipmi_ctx *c, struct bmcw_alert *out,
			 int n)
{
	char bytes[3 * BMCW_IPMI_DATA + 1];
	struct bmcw_alert *al;
	bool event = e->cmd == 0x35;

	if (e->cc || e->rsp_len < 4)
		return n;
	if (!event && st->pending_send) {
		st->pending_send--;	/* the answer to the host's Send Message */
		return n;
	}
	/* Event record byte 10 (rsp[3 + 10]) is the sensor type; 0x23 watchdog 2 */
	if (event && st->wd_event_due && e->rsp_len >= 14 &&
	    e->rsp[13] == 0x23) {
		st->wd_event_due = false;
		return n;
	}
	al = start(out, &n, "ipmi.bmc_initiated_message", BMCW_SEV_WARNING, e,
		   c);
	al->subject.has_process = 0;
	if (event)
		snprintf(al->message, sizeof(al->message),
			 "BMC pushed an event message to the host (%u bytes)",
			 e->rsp_len - 3);
	else if ((e->rsp[3] & 0x0f) == 0 && e->rsp_len > 8)
		/*
		 * Channel 0 is the primary IPMB: the request as received
		 * without its rsSA (netfn/LUN, checksum, rqSA, seq/LUN, cmd,
		 * data, checksum), as the kernel's message handler reads it
		 */
		snprintf(al->message, sizeof(al->message),
			 "BMC pushed a message to the host: channel 0 (IPMB), netfn 0x%02x cmd 0x%02x from 0x%02x (%u bytes)",
			 e->rsp[4] >> 2, e->rsp[8], e->rsp[6], e->rsp_len - 3);
	else
		snprintf(al->message, sizeof(al->message),
			 "BMC pushed a message to the host: channel %u (%u bytes)",
			 e->rsp[3] & 0x0f, e->rsp_len - 3);
	snprintf(al->why, sizeof(al->why),
		 "%s",
		 event ? "no host request explains an event: it is the BMC speaking on its own (sensor events, or a message disguised as one)" :
		 "the host sent no Send Message this could answer: the BMC is talking to the host on its own");
	hex(bytes, sizeof(bytes), e->rsp + 3, rsp_bytes(e) - 3);
	alert_add_extra(al, "payload", "%s", bytes);
	return n;
}

static int rule_identity(struct ipmi_state *st,
			 const struct bmcw_ipmi_event *e,
			 const struct ipmi_ctx *c, struct bmcw_alert *out,
			 int n)
{
	struct ipmi_identity *id, now = { .seen = true };
	char was[3 * IPMI_ID_BYTES + 1], is[3 * IPMI_ID_BYTES + 1];
	struct bmcw_alert *al;
	const char *what;

	if (e->cc || e->rsp_len < 4)
		return n;
	if (e->cmd == 0x01) {
		id = &st->device_id;
		what = "Get Device ID";
	} else if (e->cmd == 0x08) {
		id = &st->device_guid;
		what = "Get Device GUID";
	} else {
		id = &st->system_guid;
		what = "Get System GUID";
	}
	now.len = rsp_bytes(e) - 3;
	if (now.len > IPMI_ID_BYTES)
		now.len = IPMI_ID_BYTES;
	memcpy(now.b, e->rsp + 3, now.len);
	if (e->cmd == 0x01 && now.len > 2) {
		bool updating = now.b[2] & DEVID_UPDATING;

		if (updating && !st->dev_updating) {
			al = reset_alert(out, &n, e, c, "device id");
			snprintf(al->message, sizeof(al->message),
				 "BMC reports firmware update or self-initialisation in progress (Get Device ID firmware revision 0x%02x)",
				 now.b[2]);
			snprintf(al->why, sizeof(al->why),
				 "a BMC is unavailable like this after a reset or while its firmware or SDRs are rewritten");
		}
		st->dev_updating = updating;
		now.b[2] &= ~DEVID_UPDATING;	/* not part of the identity */
	}
	if (!id->seen) {
		*id = now;
		return n;
	}
	if (id->len == now.len && !memcmp(id->b, now.b, now.len)) {
		id->from_baseline = false;
		return n;
	}
	hex(was, sizeof(was), id->b, id->len);
	hex(is, sizeof(is), now.b, now.len);
	al = start(out, &n, "ipmi.identity_change", BMCW_SEV_WARNING, e, c);
	if (id->from_baseline) {
		snprintf(al->message, sizeof(al->message),
			 "BMC's %s answer differs from the baseline: %s -> %s", what, was, is);
		snprintf(al->why, sizeof(al->why),
			 "the BMC reports a different device, firmware or GUID than when the baseline was learnt (%s); without a planned update, different firmware is answering",
			 st->base_created);
		alert_add_extra(al, "baseline", "%s", st->base_created);
	} else {
		snprintf(al->message, sizeof(al->message),
			 "BMC's %s answer changed: %s -> %s", what, was, is);
		snprintf(al->why, sizeof(al->why),
			 "the BMC now reports a different device, firmware or GUID than when first seen; without a planned update, different firmware is answering");
	}
	alert_add_extra(al, "was", "%s", was);
	alert_add_extra(al, "now", "%s", is);
	*id = now;
	return n;
}

static int on_xact(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		   const struct ipmi_ctx *c, struct bmcw_alert *out)
{
	int n = 0;

	st->saw_xact = true;
	n = rule_recovered(st, e, c, out, n);
	if (e->rsp_len >= 3 && e->cc == CC_INIT_IN_PROGRESS) {
		struct bmcw_alert *al = reset_alert(out, &n, e, c, "initialising");

		snprintf(al->message, sizeof(al->message),
			 "BMC answered netfn 0x%02x cmd 0x%02x with 0xD2: initialisation in progress (BMC reset)",
			 e->netfn, e->cmd);
		snprintf(al->why, sizeof(al->why),
			 "a BMC says it is initialising only after a power-on or a reset");
		return n;
	}
	n = rule_new_command(st, e->netfn, e->cmd, e->origin, e, c, out, n);
	if (rule_mismatch(e, c, out, n) != n)
		return n + 1;
	if ((e->netfn & ~1) != NETFN_APP)
		return n;
	switch (e->cmd) {
	case 0x24:	/* Set Watchdog Timer: pre-timeout interrupt armed? */
		if (!e->cc && e->req_len >= 5)
			st->wd_pretimeout = (e->req[3] & 0x70) != 0;
		break;
	case 0x34:	/* Send Message: its answer will come as a delivery */
		if (!e->cc && st->pending_send < 64)
			st->pending_send++;
		break;
	case 0x31:
		n = rule_flags(st, e, c, out, n);
		break;
	case 0x33:
	case 0x35:
		n = rule_delivery(st, e, c, out, n);
		break;
	case 0x01:
	case 0x08:
	case 0x37:
		n = rule_identity(st, e, c, out, n);
		break;
	case 0x2e:
	case 0x2f:
		n = rule_enables(st, e, c, out, n);
		break;
	}
	return n;
}

static int on_request(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		      const struct ipmi_ctx *c, struct bmcw_alert *out)
{
	unsigned int dlen = e->req_len > 2 ? e->req_len - 2 : 0;
	struct bmcw_alert *al;
	const char *why;
	char who[64];
	int n = 0;

	/* the state machine view reports new commands when it works */
	if (!st->saw_xact)
		n = rule_new_command(st, e->netfn, e->cmd, e->origin, e, c, out, n);
	if (e->origin != BMCW_IPMI_ORIG_USER)
		return n;
	if (dlen > BMCW_IPMI_DATA - 2)
		dlen = BMCW_IPMI_DATA - 2;
	why = ipmi_sensitive(e->netfn, e->cmd, e->req + 2, dlen);
	if (!why)
		return n;
	actor(who, sizeof(who), e);
	al = start(out, &n, "ipmi.sensitive_command", BMCW_SEV_WARNING, e, c);
	snprintf(al->message, sizeof(al->message),
		 "%s sent %s/%s (netfn 0x%02x cmd 0x%02x) to the BMC", who,
		 ipmi_netfn_name(e->netfn), ipmi_cmd_name(e->netfn, e->cmd),
		 e->netfn, e->cmd);
	snprintf(al->why, sizeof(al->why),
		 "%s; from the host this needs no BMC credentials, and this process is not on the rule's allow_process list",
		 why);
	return n;
}

static int on_attention(struct ipmi_state *st,
			const struct bmcw_ipmi_event *e,
			const struct ipmi_ctx *c, struct bmcw_alert *out)
{
	struct bmcw_alert *al;
	int n = 0;

	st->attentions++;
	st->attn_pending = true;
	if (!rate_window_add(&st->attn_win, st->attn_window_ns, e->ts_ns, 1,
			     st->attn_limit))
		return 0;
	al = start(out, &n, "ipmi.unsolicited_attention", BMCW_SEV_WARNING, e,
		   c);
	/* its own subject: not folded into the single attentions' aggregate */
	locus_suffix(al, " storm");
	if (st->attn_learnt) {
		snprintf(al->message, sizeof(al->message),
			 "attention storm above the learned rate: BMC raised SMS_ATN more than %llu times in %llu s (at most %llu per window while learning)",
			 (unsigned long long)st->attn_limit,
			 (unsigned long long)(st->attn_window_ns / 1000000000ULL),
			 (unsigned long long)st->attn_learnt_max);
		alert_add_extra(al, "learned_max_per_window", "%llu",
				(unsigned long long)st->attn_learnt_max);
	} else {
		snprintf(al->message, sizeof(al->message),
			 "attention storm: BMC raised SMS_ATN more than %llu times in %llu s",
			 (unsigned long long)st->attn_limit,
			 (unsigned long long)(st->attn_window_ns / 1000000000ULL));
	}
	alert_add_extra(al, "limit_per_window", "%llu", (unsigned long long)st->attn_limit);
	snprintf(al->why, sizeof(al->why),
		 "each attention makes the host driver fetch flags and messages; a storm keeps the host busy or hides a channel in the noise");
	return n;
}

int ipmi_rules_event(struct ipmi_state *st, const struct bmcw_ipmi_event *e,
		     const struct ipmi_ctx *c, struct bmcw_alert *out)
{
	struct bmcw_alert *al;
	int n = 0;

	switch (e->kind) {
	case BMCW_IPMI_XACT:
		return on_xact(st, e, c, out);
	case BMCW_IPMI_MSG_REQ:
		return on_request(st, e, c, out);
	case BMCW_IPMI_MSG_RSP:
		/* the state machine view reports mismatches when it works */
		return st->saw_xact ? 0 : rule_mismatch(e, c, out, 0);
	case BMCW_IPMI_ATTN:
		return on_attention(st, e, c, out);
	case BMCW_IPMI_HOSED:
	case BMCW_IPMI_ABORT:
		if (!st->err_events++)
			st->err_first_ns = e->ts_ns;
		al = start(out, &n, "ipmi.protocol_violation", BMCW_SEV_WARNING,
			   e, c);
		snprintf(al->message, sizeof(al->message),
			 "%s state machine %s during netfn 0x%02x cmd 0x%02x",
			 e->iface == BMCW_IPMI_IF_BT ? "BT" :
			 e->iface == BMCW_IPMI_IF_SSIF ? "SSIF" : "KCS",
			 e->kind == BMCW_IPMI_HOSED ? "hosed (gave up)" :
			 "entered error recovery (GET_STATUS/ABORT)",
			 e->netfn, e->cmd);
		snprintf(al->why, sizeof(al->why),
			 "the BMC's side of the interface broke the handshake; a BMC being reset or misbehaving does this");
		return n;
	case BMCW_IPMI_PRETIMEOUT:
		if (st->wd_pretimeout)
			return 0;	/* armed by the host: counted only */
		al = start(out, &n, "ipmi.unsolicited_attention",
			   BMCW_SEV_WARNING, e, c);
		snprintf(al->message, sizeof(al->message),
			 "watchdog pre-timeout delivered but the host armed none");
		snprintf(al->why, sizeof(al->why),
			 "the host never set a pre-timeout interrupt; the BMC invented one");
		return n;
	case BMCW_IPMI_UNKNOWN_NMI:
		al = start(out, &n, "doorbell.unknown_nmi", BMCW_SEV_WARNING, e,
			   c);
		/*
		 * One event stands for every NMI the CPU took since its last
		 * one (ABI 1.2): the alert counts them all. 0 is an older
		 * module's: one event per NMI.
		 */
		al->count = ipmi_nmi_count(e);
		if (al->count > 1)
			snprintf(al->message, sizeof(al->message),
				 "%u NMIs on CPU %u that no handler claimed",
				 e->count, e->cpu);
		else
			snprintf(al->message, sizeof(al->message),
				 "NMI on CPU %u that no handler claimed", e->cpu);
		snprintf(al->why, sizeof(al->why),
			 "no NMI source on the host owns it; a BMC can inject NMIs (chassis control, diagnostic interrupt), and a bus master can write one into the interrupt window");
		alert_add_extra(al, "nmis", "%llu", (unsigned long long)al->count);
		if (c->nmi_senders) {
			char none[40];

			snprintf(none, sizeof(none), "delivers NMIs to CPU %u", e->cpu);
			alert_name_senders(al, c->nmi_senders, "delivers NMIs to this CPU",
					   none, "unknown: the BMC's NMI line or a DMA write into the interrupt window (the host cannot tell which)");
		}
		return n;
	default:
		return 0;
	}
}
