// SPDX-License-Identifier: GPL-2.0
/* IPMI rules from hand-made system-interface events. */
#include <string.h>

#include "baseline.h"
#include "ipmi_rules.h"
#include "tap.h"

static const struct ipmi_ctx ctx = { .exe = "/usr/bin/ipmitool" };

/* A state machine transaction: request bytes and response bytes. */
static struct bmcw_ipmi_event xact(uint8_t origin, const uint8_t *req,
				   unsigned int rlen, const uint8_t *rsp,
				   unsigned int plen)
{
	struct bmcw_ipmi_event e = {
		.kind = BMCW_IPMI_XACT, .iface = BMCW_IPMI_IF_KCS,
		.origin = origin, .req_len = rlen, .rsp_len = plen,
		.ts_ns = 1000,
	};

	memcpy(e.req, req, rlen);
	memcpy(e.rsp, rsp, plen);
	e.netfn = req[0] >> 2;
	e.cmd = req[1];
	if (plen >= 2) {
		e.rsp_netfn = rsp[0] >> 2;
		e.rsp_cmd = rsp[1];
	}
	if (plen >= 3)
		e.cc = rsp[2];
	if (origin == BMCW_IPMI_ORIG_USER) {
		e.pid = 4242;
		strcpy(e.comm, "ipmitool");
	}
	return e;
}

static struct bmcw_ipmi_event simple(uint8_t kind, uint64_t ts)
{
	struct bmcw_ipmi_event e = { .kind = kind, .ts_ns = ts,
				     .origin = BMCW_IPMI_ORIG_BMC };

	return e;
}

static int has(const struct bmcw_alert *al, int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(al[i].rule, rule))
			return i + 1;
	return 0;
}

#define APP_REQ	(0x06 << 2)
#define APP_RSP	(0x07 << 2)

static int flags_answer(struct ipmi_state *st, uint8_t flags,
			struct bmcw_alert *al)
{
	const uint8_t req[] = { APP_REQ, 0x31 };
	const uint8_t rsp[] = { APP_RSP, 0x31, 0x00, flags };
	struct bmcw_ipmi_event e = xact(BMCW_IPMI_ORIG_SI, req, 2, rsp, 4);

	return ipmi_rules_event(st, &e, &ctx, al);
}

static void benign(void)
{
	const uint8_t req[] = { APP_REQ, 0x01 };
	const uint8_t rsp[] = { APP_RSP, 0x01, 0x00, 0x20, 0x01, 0x02, 0x03,
				0x02, 0xbf, 0x00, 0x00, 0x00, 0x00, 0x00 };
	const uint8_t sdr_req[] = { 0x0a << 2, 0x23, 0, 0, 0, 0, 0, 0xff };
	const uint8_t sdr_rsp[] = { 0x0b << 2, 0x23, 0x00, 0xff, 0xff };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_USER, req, 2, rsp, sizeof(rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	is_int(n, 0, "first Get Device ID: learnt, no alert");
	n = ipmi_rules_event(&st, &e, &ctx, al);
	is_int(n, 0, "same Get Device ID again: no alert");
	e = xact(BMCW_IPMI_ORIG_USER, sdr_req, sizeof(sdr_req), sdr_rsp,
		 sizeof(sdr_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "Get SDR: no alert");
	e.kind = BMCW_IPMI_MSG_REQ;
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "Get SDR request by a process is not sensitive");
	is_int(flags_answer(&st, 0x00, al), 0,
	       "periodic flag poll with nothing set: no alert");
}

static void attention(void)
{
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n, storms = 0;

	ipmi_state_init(&st);
	e = simple(BMCW_IPMI_ATTN, 1000);
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "attention alone waits for the flags");
	n = flags_answer(&st, 0x00, al);
	ok(n == 1 && has(al, n, "ipmi.unsolicited_attention"),
	   "attention with no flag set is unsolicited");
	e = simple(BMCW_IPMI_ATTN, 2000);
	ipmi_rules_event(&st, &e, &ctx, al);
	n = flags_answer(&st, 0x01, al);
	ok(has(al, n, "ipmi.unsolicited_attention"),
	   "message available without a Send Message is unsolicited");
	n = flags_answer(&st, 0x20, al);
	ok(has(al, n, "ipmi.unsolicited_attention"), "OEM flag is unsolicited");

	/* storm: more than IPMI_ATTN_MAX in one window, reported once */
	for (int i = 0; i < 3 * IPMI_ATTN_MAX; i++) {
		e = simple(BMCW_IPMI_ATTN, 10000 + i * 1000ULL);
		n = ipmi_rules_event(&st, &e, &ctx, al);
		if (has(al, n, "ipmi.unsolicited_attention")) {
			storms++;
			is_int(al[0].severity, BMCW_SEV_WARNING,
			       "storm is a warning");
		}
	}
	is_int(storms, 1, "attention storm reported once per window");
}

static void watchdog(void)
{
	/* Set Watchdog: SMS/OS, pre-timeout interrupt NMI (0x20), 5 s */
	const uint8_t set[] = { APP_REQ, 0x24, 0x04, 0x20, 0x05, 0x00,
				0x64, 0x00 };
	const uint8_t ok_rsp[] = { APP_RSP, 0x24, 0x00 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = simple(BMCW_IPMI_PRETIMEOUT, 1000);
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.unsolicited_attention"),
	   "pretimeout nobody armed is flagged");
	n = flags_answer(&st, 0x08, al);
	ok(has(al, n, "ipmi.unsolicited_attention"),
	   "pretimeout flag nobody armed is flagged");

	e = xact(BMCW_IPMI_ORIG_USER, set, sizeof(set), ok_rsp, 3);
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "Set Watchdog Timer is not sensitive");
	e = simple(BMCW_IPMI_ATTN, 2000);
	ipmi_rules_event(&st, &e, &ctx, al);
	is_int(flags_answer(&st, 0x08, al), 0,
	       "pretimeout flag after the host armed one: counted, not flagged");
	is_int(flags_answer(&st, 0x0a, al), 0,
	       "pretimeout logged as an event with it: not flagged");
	is_int(flags_answer(&st, 0x02, al), 0,
	       "the watchdog event seen on its own after the pretimeout: not flagged");
	e = simple(BMCW_IPMI_PRETIMEOUT, 3000);
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "armed pretimeout delivery: not flagged");
}

static void deliveries(void)
{
	const uint8_t get[] = { APP_REQ, 0x33 };
	/* channel 0 (IPMB): netfn App, checksum, from 0x81, seq, cmd 0x01 */
	const uint8_t msg[] = { APP_RSP, 0x33, 0x00, 0x00, 0x18, 0xc8, 0x81,
				0x04, 0x01, 0xaa, 0xd0 };
	const uint8_t empty[] = { APP_RSP, 0x33, 0x80 };
	const uint8_t send[] = { APP_REQ, 0x34, 0x00, 0x20, 0x18 };
	const uint8_t send_ok[] = { APP_RSP, 0x34, 0x00 };
	const uint8_t rev[] = { APP_REQ, 0x35 };
	const uint8_t event[] = { APP_RSP, 0x35, 0x00, 0x01, 0x00, 0x02, 0,
				  0, 0, 0, 0x20, 0x00, 0x04, 0x01, 0x01, 0x6f,
				  0x01, 0xff, 0xff };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_SI, get, 2, msg, sizeof(msg));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.bmc_initiated_message"),
	   "Get Message with a message nobody asked for is BMC-initiated");
	ok(n == 1 && strstr(al[0].message, "netfn 0x06 cmd 0x01 from 0x81"),
	   "... decoded as IPMB: %s", n ? al[0].message : "");
	e = xact(BMCW_IPMI_ORIG_SI, get, 2, empty, sizeof(empty));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "empty queue (cc 0x80): nothing");

	e = xact(BMCW_IPMI_ORIG_USER, send, sizeof(send), send_ok, 3);
	ipmi_rules_event(&st, &e, &ctx, al);
	e = xact(BMCW_IPMI_ORIG_SI, get, 2, msg, sizeof(msg));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "the answer to the host's Send Message is expected");
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.bmc_initiated_message"),
	   "a second one is not");
	e = xact(BMCW_IPMI_ORIG_SI, rev, 2, event, sizeof(event));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.bmc_initiated_message"),
	   "event pushed through the event buffer is BMC-initiated");
	n = flags_answer(&st, 0x02, al);
	ok(has(al, n, "ipmi.unsolicited_attention"),
	   "event flag with no armed watchdog is unsolicited");
}

static void violations(void)
{
	const uint8_t req[] = { APP_REQ, 0x01 };
	const uint8_t bad_cmd[] = { APP_RSP, 0x02, 0x00, 0x20 };
	const uint8_t bad_netfn[] = { 0x0b << 2, 0x01, 0x00, 0x20 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_USER, req, 2, bad_cmd, sizeof(bad_cmd));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.protocol_violation"),
	   "response with the wrong cmd");
	e = xact(BMCW_IPMI_ORIG_USER, req, 2, bad_netfn, sizeof(bad_netfn));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.protocol_violation"), "response with the wrong netfn");
	e.kind = BMCW_IPMI_MSG_RSP;
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "message layer does not repeat what the state machine said");
	e.kind = BMCW_IPMI_XACT;
	e.rsp_netfn = 0x07;
	e.rsp_cmd = 0x01;
	e.rsp_len = 300;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.protocol_violation"), "impossible length");
	e = simple(BMCW_IPMI_HOSED, 1);
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.protocol_violation"), "hosed state machine");
	e = simple(BMCW_IPMI_ABORT, 1);
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.protocol_violation"), "KCS error recovery");

	/* the same rules over SSIF, which each alert names */
	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_USER, req, 2, bad_cmd, sizeof(bad_cmd));
	e.iface = BMCW_IPMI_IF_SSIF;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.protocol_violation") &&
	   !strncmp(al[0].subject.locus, "ipmi ssif ", 10),
	   "SSIF: response with the wrong cmd, the interface in the locus (%s)",
	   n ? al[0].subject.locus : "none");
	e = simple(BMCW_IPMI_HOSED, 1);
	e.iface = BMCW_IPMI_IF_SSIF;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n && strstr(al[0].message, "SSIF state machine hosed"),
	   "SSIF: a hosed transaction names SSIF (%s)", n ? al[0].message : "none");
}

static void sensitive(void)
{
	const uint8_t boot[] = { 0x00 << 2, 0x08, 0x05, 0x80, 0x04 };
	const uint8_t oem[] = { 0x30 << 2, 0x99, 0x01 };
	const uint8_t hpm[] = { 0x2c << 2, 0x31, 0x00 };
	const uint8_t hpm_other[] = { 0x2c << 2, 0x31, 0x03 };
	const uint8_t lan_get[] = { 0x0c << 2, 0x02, 0x01, 0x03, 0, 0 };
	const uint8_t ok_rsp[] = { 0 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_USER, boot, sizeof(boot), ok_rsp, 0);
	e.kind = BMCW_IPMI_MSG_REQ;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.sensitive_command"),
	   "set boot options by a process");
	if (n == 1) {
		is_int(al[0].subject.pid, 4242, "alert names the pid");
		is_str(al[0].subject.comm, "ipmitool", "alert names the process");
		is_str(al[0].subject.exe, "/usr/bin/ipmitool", "and its exe");
	}
	e.origin = BMCW_IPMI_ORIG_WATCHDOG;
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "kernel users are not checked");
	e = xact(BMCW_IPMI_ORIG_USER, oem, sizeof(oem), ok_rsp, 0);
	e.kind = BMCW_IPMI_MSG_REQ;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(has(al, n, "ipmi.sensitive_command"), "OEM netfn");
	ok(ipmi_sensitive(0x2c, 0x31, hpm + 2, 1) != NULL,
	   "HPM.1 upgrade (PICMG) is sensitive");
	ok(ipmi_sensitive(0x2c, 0x31, hpm_other + 2, 1) == NULL,
	   "same cmd for another defining body is not");
	ok(ipmi_sensitive(0x0c, 0x02, lan_get + 2, 4) == NULL,
	   "Get LAN configuration is not sensitive");
	ok(ipmi_sensitive(0x06, 0x52, NULL, 0) != NULL, "master write-read");
	ok(ipmi_sensitive(0x06, 0x47, NULL, 0) != NULL, "set user password");
	ok(ipmi_sensitive(0x08, 0x00, NULL, 0) != NULL, "firmware netfn");
}

static void identity(void)
{
	const uint8_t req[] = { APP_REQ, 0x01 };
	uint8_t rsp[] = { APP_RSP, 0x01, 0x00, 0x20, 0x01, 0x02, 0x03, 0x02,
			  0xbf, 0x57, 0x01, 0x00, 0x00, 0x10 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, req, 2, rsp, sizeof(rsp));
	ipmi_rules_event(&st, &e, &ctx, al);
	rsp[5] |= 0x80;	/* device busy updating */
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, req, 2, rsp, sizeof(rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(!has(al, n, "ipmi.identity_change"),
	   "the 'device available' bit alone is not a new identity");
	ok(n == 1 && has(al, n, "ipmi.protocol_violation"),
	   "  but a BMC initialising (reset) is a protocol violation");
	rsp[6] = 0x99;	/* firmware minor revision */
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, req, 2, rsp, sizeof(rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.identity_change"),
	   "firmware revision change");
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "reported once, then the new identity is the reference");
}

static void nmi(void)
{
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e = simple(BMCW_IPMI_UNKNOWN_NMI, 5);
	int n;

	ipmi_state_init(&st);
	e.cpu = 1;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "doorbell.unknown_nmi"), "unknown NMI");
	if (n == 1)
		is_str(al[0].subject.locus, "nmi cpu 1", "names the CPU");
	is_int(n == 1 ? al[0].count : 0, 1, "an older module's event (count 0) is one NMI");

	/* ABI 1.2: one event for every NMI the CPU took since the last one */
	e.count = 5000;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "doorbell.unknown_nmi"), "an NMI storm in one event");
	if (n == 1) {
		is_int(al[0].count, 5000, "the alert stands for all 5000");
		ok(strstr(al[0].message, "5000 NMIs on CPU 1") != NULL,
		   "and says so: %s", al[0].message);
	}
	is_int(ipmi_nmi_count(&e), 5000, "ipmi_nmi_count");

	/* who sent it: a function whose MSI delivers NMIs, or none */
	struct msi_senders who = { .looked = true, .n = 1, .s = { {
		.bdf = "0000:00:06.0", .vendor = 0x1234, .device = 0x11e8 } } };
	struct ipmi_ctx c2 = { .exe = "", .nmi_senders = &who };

	n = ipmi_rules_event(&st, &e, &c2, al);
	ok(n == 1 && al[0].subject.has_device && !strcmp(al[0].subject.bdf, "0000:00:06.0") &&
	   strstr(al[0].message, "rung by PCI function 0000:00:06.0 (1234:11e8), whose MSI delivers NMIs to this CPU"),
	   "an MSI delivering NMIs names its function: %s", n ? al[0].message : "");
	who.n = 0;
	n = ipmi_rules_event(&st, &e, &c2, al);
	ok(n == 1 && !al[0].subject.has_device &&
	   strstr(al[0].message, "no function's MSI delivers NMIs to CPU 1"),
	   "none: said so: %s", n ? al[0].message : "");
	e.kind = BMCW_IPMI_ATTN;
	is_int(ipmi_nmi_count(&e), 0, "other kinds count no NMI");
}

static const uint8_t base_devid[] = { 0x20, 0x01, 0x02, 0x03, 0x02, 0xbf };

/* A baseline learnt over 10 s windows: 2 attentions at most, two commands. */
static void make_base(struct baseline *b)
{
	struct baseline_ipmi_cmd c = {
		.netfn = 0x06, .cmd = 0x01, .origin = BMCW_IPMI_ORIG_USER,
		.r = { .count = 2, .max = 1, .mean = 0.5 },
	};

	memset(b, 0, sizeof(*b));
	strcpy(b->created, "2026-11-30T00:00:00.000Z");
	b->has_traffic = true;
	b->traffic.window_s = 10;
	b->traffic.windows = 4;
	b->traffic.attention = (struct baseline_rate){ .count = 3, .max = 2, .mean = 0.75 };
	baseline_add_ipmi(&b->traffic, &c);
	c.dir = 1;		/* responses do not make a request known */
	c.cmd = 0x04;
	baseline_add_ipmi(&b->traffic, &c);
	c = (struct baseline_ipmi_cmd){ .netfn = 0x06, .cmd = 0x31, .origin = BMCW_IPMI_ORIG_SI };
	baseline_add_ipmi(&b->traffic, &c);
	baseline_traffic_sort(&b->traffic);
	b->traffic.id[BASELINE_ID_DEVICE].seen = true;
	b->traffic.id[BASELINE_ID_DEVICE].len = sizeof(base_devid);
	memcpy(b->traffic.id[BASELINE_ID_DEVICE].b, base_devid, sizeof(base_devid));
}

static void with_baseline(void)
{
	const uint8_t devid_req[] = { APP_REQ, 0x01 };
	uint8_t devid_rsp[3 + sizeof(base_devid)] = { APP_RSP, 0x01, 0x00 };
	const uint8_t selftest_req[] = { APP_REQ, 0x04 };
	const uint8_t selftest_rsp[] = { APP_RSP, 0x04, 0x00, 0x55, 0x00 };
	const uint8_t acpi_req[] = { APP_REQ, 0x07 };	/* Get ACPI Power State */
	const uint8_t acpi_rsp[] = { APP_RSP, 0x07, 0x00, 0x00, 0x00 };
	const uint8_t boot[] = { 0x00 << 2, 0x08, 0x05, 0x80, 0x04 };
	const uint8_t boot_rsp[] = { 0x01 << 2, 0x08, 0x00 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st, plain;
	struct bmcw_ipmi_event e;
	struct baseline b;
	int n, storms = 0, first = 0;

	make_base(&b);
	ipmi_state_init(&st);
	ipmi_state_use_baseline(&st, &b, 4, 5);
	is_int(st.attn_limit, 8, "attention limit: learnt 2 per window x 4");
	ok(st.attn_window_ns == 10000000000ULL, "  per learnt window of 10 s");
	for (int i = 0; i < 12; i++) {
		e = simple(BMCW_IPMI_ATTN, 1000000000ULL + i * 1000ULL);
		n = ipmi_rules_event(&st, &e, &ctx, al);
		if (has(al, n, "ipmi.unsolicited_attention")) {
			storms++;
			first = first ? first : i + 1;
			ok(strstr(al[0].message, "above the learned rate") &&
			   al[0].severity == BMCW_SEV_WARNING,
			   "  %s", al[0].message);
		}
	}
	is_int(storms, 1, "12 attentions in one window: reported once");
	is_int(first, 9, "  at the 9th");
	e = simple(BMCW_IPMI_ATTN, 12000000000ULL);
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "a new window starts over");

	ipmi_state_init(&plain);
	for (int i = 0; i < 12; i++) {
		e = simple(BMCW_IPMI_ATTN, 1000 + i);
		storms = ipmi_rules_event(&plain, &e, &ctx, al);
		if (storms)
			break;
	}
	is_int(storms, 0, "without a baseline 12 attentions are below the fixed 20");

	/* commands */
	memcpy(devid_rsp + 3, base_devid, sizeof(base_devid));
	e = xact(BMCW_IPMI_ORIG_USER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "a command learnt from this origin, the baseline's identity: nothing");
	e = xact(BMCW_IPMI_ORIG_USER, selftest_req, 2, selftest_rsp, sizeof(selftest_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.new_command") && al[0].severity == BMCW_SEV_NOTICE,
	   "Get Self Test by a process, only its response learnt: ipmi.new_command at notice");
	if (n == 1) {
		ok(al[0].subject.pid == 4242 && strstr(al[0].message, "never seen from process") &&
		   strstr(al[0].subject.locus, "cmd 06/04"), "  with the process: %s", al[0].message);
	}
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  reported once");
	e.kind = BMCW_IPMI_MSG_REQ;
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  not again from the message layer");
	n = ipmi_rules_counted(&st, 0x06, 0x31, BMCW_IPMI_ORIG_SI, al);
	is_int(n, 0, "counted: Get Message Flags by ipmi_si was learnt");
	is_int(ipmi_rules_counted(&st, 0x06, 0x2f, BMCW_IPMI_ORIG_SI, al), 0,
	       "counted: a new kernel command waits a sweep for its record");
	n = ipmi_rules_counted(&st, 0x06, 0x2f, BMCW_IPMI_ORIG_SI, al);
	ok(n == 1 && !strcmp(al[0].rule, "ipmi.new_command") && al[0].severity == BMCW_SEV_INFO &&
	   !al[0].subject.has_process, "counted: a new kernel command is info, without a process");
	ipmi_rules_counted(&st, 0x06, 0x01, BMCW_IPMI_ORIG_SI, al);
	n = ipmi_rules_counted(&st, 0x06, 0x01, BMCW_IPMI_ORIG_SI, al);
	is_int(n, 1, "counted: a learnt command from another origin is new");
	/* the debug lane's race: the counters show a request first */
	is_int(ipmi_rules_counted(&st, 0x06, 0x07, BMCW_IPMI_ORIG_USER, al), 0,
	       "counted first: Get ACPI Power State by a process waits for its record");
	e = xact(BMCW_IPMI_ORIG_USER, acpi_req, 2, acpi_rsp, sizeof(acpi_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.new_command") && al[0].subject.pid == 4242,
	   "  the record that comes next reports it, with the process");
	is_int(ipmi_rules_counted(&st, 0x06, 0x07, BMCW_IPMI_ORIG_USER, al), 0,
	       "  and the next sweep does not again");
	e = xact(BMCW_IPMI_ORIG_USER, boot, sizeof(boot), boot_rsp, sizeof(boot_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(!has(al, n, "ipmi.new_command"), "a sensitive command is left to its own rule");
	is_int(ipmi_rules_counted(&plain, 0x06, 0x2f, BMCW_IPMI_ORIG_SI, al), 0,
	       "without a baseline nothing is new");

	/* identity against the baseline's */
	ipmi_state_init(&st);
	ipmi_state_use_baseline(&st, &b, 4, 5);
	devid_rsp[3 + 3] = 0x04;	/* another firmware revision 2 */
	e = xact(BMCW_IPMI_ORIG_USER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.identity_change") &&
	   strstr(al[0].message, "differs from the baseline"),
	   "the first Get Device ID after start is compared with the baseline's");
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  then with what was seen");
	baseline_free(&b);
}

static void resets(void)
{
	const uint8_t set_req[] = { APP_REQ, 0x2e, 0x0d };
	const uint8_t set_rsp[] = { APP_RSP, 0x2e, 0x00 };
	const uint8_t get_req[] = { APP_REQ, 0x2f };
	uint8_t get_rsp[] = { APP_RSP, 0x2f, 0x00, 0x0d };
	const uint8_t sdr_req[] = { 0x0a << 2, 0x23 };
	const uint8_t init_rsp[] = { 0x0b << 2, 0x23, 0xd2 };
	const uint8_t sdr_rsp[] = { 0x0b << 2, 0x23, 0x00, 0xff, 0xff };
	const uint8_t devid_req[] = { APP_REQ, 0x01 };
	uint8_t devid_rsp[] = { APP_RSP, 0x01, 0x00, 0x20, 0x01, 0x02, 0x03 };
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	struct ipmi_state st;
	struct bmcw_ipmi_event e;
	int n;

	ipmi_state_init(&st);
	e = xact(BMCW_IPMI_ORIG_SI, get_req, 2, get_rsp, sizeof(get_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0,
	       "first Get Global Enables (the driver set them before us): learnt");
	e = xact(BMCW_IPMI_ORIG_SI, set_req, 3, set_rsp, 3);
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "Set Global Enables: remembered");
	e = xact(BMCW_IPMI_ORIG_SI, get_req, 2, get_rsp, sizeof(get_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  read back the same: nothing");
	get_rsp[3] = 0x08;	/* what a BMC comes up with: SEL logging only */
	e = xact(BMCW_IPMI_ORIG_SI, get_req, 2, get_rsp, sizeof(get_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.protocol_violation") && strstr(al[0].message, "BMC reset") &&
	   strstr(al[0].subject.locus, " reset") && !al[0].subject.has_process,
	   "enables lost: a BMC reset (%s)", n ? al[0].message : "");
	e = xact(BMCW_IPMI_ORIG_SI, get_req, 2, get_rsp, sizeof(get_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  once");
	e = xact(BMCW_IPMI_ORIG_SI, set_req, 3, set_rsp, 3);
	ipmi_rules_event(&st, &e, &ctx, al);
	get_rsp[3] = 0x0f;	/* more than asked: nothing lost */
	e = xact(BMCW_IPMI_ORIG_SI, get_req, 2, get_rsp, sizeof(get_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "bits added, none lost: nothing");

	e = xact(BMCW_IPMI_ORIG_USER, sdr_req, 2, init_rsp, sizeof(init_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.protocol_violation") && strstr(al[0].message, "0xD2"),
	   "completion code 0xD2: initialising");

	e = simple(BMCW_IPMI_ABORT, 1000000000ULL);
	ipmi_rules_event(&st, &e, &ctx, al);
	e = simple(BMCW_IPMI_ABORT, 6000000000ULL);
	ipmi_rules_event(&st, &e, &ctx, al);
	e = xact(BMCW_IPMI_ORIG_USER, sdr_req, 2, sdr_rsp, sizeof(sdr_rsp));
	e.ts_ns = 8000000000ULL;
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && has(al, n, "ipmi.protocol_violation") &&
	   strstr(al[0].message, "after 2 error recoveries over 7000 ms"),
	   "KCS errors then a working transaction: recovered (%s)", n ? al[0].message : "");
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  once");

	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	ipmi_rules_event(&st, &e, &ctx, al);
	devid_rsp[5] |= 0x80;
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	n = ipmi_rules_event(&st, &e, &ctx, al);
	ok(n == 1 && strstr(al[0].message, "self-initialisation"), "Get Device ID: initialising");
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "  once while it lasts");
	devid_rsp[5] &= 0x7f;
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 0, "available again: same identity, nothing");
	devid_rsp[5] |= 0x80;
	e = xact(BMCW_IPMI_ORIG_MSGHANDLER, devid_req, 2, devid_rsp, sizeof(devid_rsp));
	is_int(ipmi_rules_event(&st, &e, &ctx, al), 1, "a second reset is reported again");
}

int main(void)
{
	with_baseline();
	resets();
	benign();
	attention();
	watchdog();
	deliveries();
	violations();
	sensitive();
	identity();
	nmi();
	return tap_done();
}
