// SPDX-License-Identifier: GPL-2.0
/* The module's health events as alerts, and raising each one once. */
#include <string.h>

#include "tap.h"
#include "khealth.h"
#include "rules.h"

static const char *extra(const struct bmcw_alert *a, const char *key)
{
	for (unsigned int i = 0; i < a->n_extra; i++)
		if (!strcmp(a->extra[i].key, key))
			return a->extra[i].value;
	return NULL;
}

static struct khealth_event ev(uint32_t kind, uint8_t monitor, const char *what,
			       uint32_t pid, const char *comm, const char *detail)
{
	struct khealth_event e = {
		.seq = 7, .ts_ns = 1000, .kind = kind, .monitor = monitor,
		.pid = pid,
	};

	snprintf(e.what, sizeof(e.what), "%s", what);
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	snprintf(e.detail, sizeof(e.detail), "%s", detail);
	return e;
}

static const struct khealth_ctx live = { .self = 500, .exe = "/usr/bin/kmod" };

/* Every rule an event maps to exists, and its default is what the test says. */
static void rule_is(const struct bmcw_alert *a, const char *name,
		    enum bmcw_severity sev, const char *what)
{
	const struct bmcw_rule *r = rule_find(a->rule);
	enum bmcw_severity got = r && a->severity < r->severity ? r->severity : a->severity;

	if (!ok(r && !strcmp(a->rule, name) && got == sev, "%s: %s at %s", what, name,
		severity_name(sev)))
		diag("got %s at %s: %s", a->rule, severity_name(got), a->message);
}

static void hooks(void)
{
	struct khealth_event e;
	struct bmcw_alert a;

	e = ev(BMCW_HEALTH_HOOK_REMOVED, BMCW_MON_IPMI, "ipmi_si", 321, "rmmod",
	       "ipmi_si unloaded: 7 hooks of the ipmi monitor removed; what they see is unseen until it is loaded again");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.hook_removed", BMCW_SEV_NOTICE,
		"ipmi_si unloaded (rmmod)");
	ok(strstr(a.message, "ipmi_si unloaded") && strstr(a.message, "rmmod (pid 321, /usr/bin/kmod)"),
	   "says what went and who did it: %s", a.message);
	ok(!strstr(a.message, "error 0"), "no 'error 0'");
	ok(a.subject.has_process && a.subject.pid == 321 &&
	   !strcmp(a.subject.comm, "rmmod") && !strcmp(a.subject.exe, "/usr/bin/kmod"),
	   "process subject");
	ok(strstr(a.why, "maintenance") && strstr(a.why, "health.hook_placed"),
	   "says the benign case and that hooks come back");
	is_str(extra(&a, "monitor"), "ipmi", "monitor extra");
	is_str(extra(&a, "kmod_seq"), "7", "sequence number extra");
	ok(!extra(&a, "replayed"), "live: not marked replayed");

	e = ev(BMCW_HEALTH_HOOK_PLACED, BMCW_MON_IPMI, "ipmi_si", 400, "modprobe",
	       "ipmi_si loaded again: 7 hooks of the ipmi monitor placed");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.hook_placed", BMCW_SEV_INFO, "ipmi_si back");
	ok(strstr(a.message, "modprobe (pid 400"), "names modprobe");

	e = ev(BMCW_HEALTH_HOOK_FAILED, BMCW_MON_LPC, "__x64_sys_ioperm", 0, "",
	       "lpc monitor cannot hook __x64_sys_ioperm (error -2): I/O port grants (ioperm) unseen");
	e.err = -2;
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.hook_failed", BMCW_SEV_WARNING, "hook failed");
	ok(strstr(a.message, "cannot hook __x64_sys_ioperm") && !a.subject.has_process,
	   "the module's text, no process: %s", a.message);
	is_str(extra(&a, "err"), "error -2: No such file or directory", "the error, spelt out");

	e = ev(BMCW_HEALTH_BLIND_SPOT, BMCW_MON_IPMI, "smi_send", 0, "", "x");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.blind_spot", BMCW_SEV_WARNING, "blind spot");
}

static void knobs(void)
{
	struct khealth_event e;
	struct bmcw_alert a;

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE, "enabled", 812, "sh",
	       "enabled 1 -> 0: config-space and LPC events are no longer traced");
	khealth_alert(&e, &(struct khealth_ctx){ .self = 500, .exe = "/usr/bin/dash" }, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING, "enabled 1 -> 0");
	ok(strstr(a.message, "sh (pid 812, /usr/bin/dash)") && strstr(a.message, "1 -> 0"),
	   "names the writer and the change: %s", a.message);
	is_str(extra(&a, "change"), "1 -> 0", "change extra");
	is_str(a.subject.locus, "knob enabled 1 -> 0",
	       "the locus has the direction: a restore is not aggregated into it");

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE, "enabled", 812, "sh",
	       "enabled 0 -> 1: config-space and LPC events are traced");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_INFO, "enabled 0 -> 1");

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE, "enabled", 812, "sh",
	       "something unexpected");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING,
		"enabled, a detail that does not parse: assume the worst");

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE, "bmc_devices", 500, "bmcwatchd",
	       "bmc_devices replaced: 0 -> 1 operator entries");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_INFO, "bmcwatchd's own [bmc] list");

	e.pid = 900;
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING,
		"bmc_devices by another process, even one named bmcwatchd");

	e.pid = 500;
	khealth_alert(&e, &(struct khealth_ctx){ .self = 500, .replayed = true }, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING,
		"bmc_devices replayed: not this daemon's write");

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_USB, "console_session", 812, "sh",
	       "console_session 0 -> 300 s: input from BMC keyboards and mice is expected");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_NOTICE,
		"a console session declared: on the record, not an alarm");
	ok(strstr(a.message, "300 s") && strstr(a.why, "usb.bmc_input_session"),
	   "says the session and what it changes: %s", a.why);

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_USB, "usb_bmc_devices", 812, "sh",
	       "usb_bmc_devices 1 -> 0 entries");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING,
		"usb_bmc_devices written: what is the BMC's changed");
	ok(strstr(a.subject.locus, "usb_bmc_devices") && strstr(a.why, "[usb]"),
	   "names the knob and where bmcwatchd's list comes from: %s", a.why);

	e.pid = 500;
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_INFO, "bmcwatchd's own [usb] list");
	ok(strstr(a.why, "[usb] list at start") != NULL, "says so: %s", a.why);

	e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE, "sample_rate", 12, "x", "1 -> 9");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.knob_changed", BMCW_SEV_WARNING, "a knob unknown here");
}

static void others(void)
{
	struct khealth_event e;
	struct bmcw_alert a;

	e = ev(BMCW_HEALTH_OPS_FOREIGN, BMCW_MON_PCIE, "pci_bus_ops", 0, "",
	       "bus 0000:00: config accesses now pass through aer_inj_read_config before bmcwatch sees them");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.pci_ops_foreign", BMCW_SEV_WARNING, "foreign wrapper");
	ok(strstr(a.message, "aer_inj_read_config") && strstr(a.why, "rootkit"),
	   "names the wrapper, says what it can be");

	e = ev(BMCW_HEALTH_OPS_LOST, BMCW_MON_PCIE, "pci_bus_ops", 77, "rmmod",
	       "bus 0000:00 lost bmcwatch's config hook when aer_inject was unloaded");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.pci_ops_lost", BMCW_SEV_WARNING, "ops lost");

	e = ev(BMCW_HEALTH_EVENTS_LOST, BMCW_MON_IPMI, "unknown_nmi", 0, "", "");
	e.count = 1234;
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.events_lost", BMCW_SEV_WARNING, "events lost");
	is_str(extra(&a, "lost"), "1234", "with the count");
	ok(strstr(a.message, "1234") && strstr(a.message, "unknown_nmi"), "in the message too");

	e = ev(BMCW_HEALTH_MODULE_UNLOADING, BMCW_MON_MODULE, "bmcwatch", 66, "rmmod", "");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.monitor_stopped", BMCW_SEV_NOTICE, "unloading");
	ok(strstr(a.message, "by rmmod (pid 66"), "names who unloads");

	e = ev(42, BMCW_MON_DMA, "thing", 0, "", "a newer kind");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.module_event", BMCW_SEV_NOTICE, "an unknown kind");
	ok(strstr(a.message, "a newer kind"), "carries the module's text");
}

static void replayed(void)
{
	struct khealth_ctx c = { .self = 1, .replayed = true,
				 .replay_why = "raised before bmcwatchd attached",
				 .event_realtime_ns = 1700000000123000000ULL };
	struct khealth_event e = ev(BMCW_HEALTH_KNOB_CHANGED, BMCW_MON_PCIE,
				    "enabled", 3, "sh", "enabled 1 -> 0: x");
	struct bmcw_alert a;

	khealth_alert(&e, &c, &a);
	is_str(extra(&a, "replayed"), "true", "replayed=true");
	is_str(extra(&a, "event_time"), "2023-11-14T22:13:20.123Z", "the event's own time");
	ok(strstr(a.message, "[replayed: raised before bmcwatchd attached]"),
	   "the message says so");
	ok(a.n_extra <= BMCW_ALERT_MAX_EXTRA && extra(&a, "change"),
	   "all extras fit");
}

static void records(void)
{
	struct bmcw_health_event h = { .ts_ns = 5, .kind = BMCW_HEALTH_HOOK_REMOVED,
				       .err = 0, .seq = 9, .pid = 321,
				       .monitor = BMCW_MON_IPMI };
	unsigned char v1[BMCW_HEALTH_EVENT_V1_SIZE + 136];
	struct khealth_event e;
	struct bmcw_alert a;

	strcpy(h.what, "ipmi_si");
	strcpy(h.comm, "rmmod");
	strcpy(h.detail, "ipmi_si unloaded");
	ok(!khealth_from_record(&h, sizeof(h), 2, &e) && !e.v1 && e.seq == 9 &&
	   e.pid == 321 && !strcmp(e.detail, "ipmi_si unloaded"), "an ABI 1.2 record");
	ok(khealth_from_record(&h, BMCW_HEALTH_EVENT_V1_SIZE - 1, 2, &e),
	   "shorter than 1.1's: refused");
	ok(!khealth_from_record(&h, BMCW_HEALTH_EVENT_V1_SIZE, 2, &e) && e.v1 &&
	   !e.seq && !e.pid && !strcmp(e.what, "ipmi_si"), "48 bytes: an older module's");
	/* a 1.2 BPF object copies 1.2's size from a 1.1 module: the rest is not its */
	memset(v1, 0xa5, sizeof(v1));
	memcpy(v1, &h, BMCW_HEALTH_EVENT_V1_SIZE);
	ok(!khealth_from_record(v1, sizeof(v1), 1, &e) && e.v1 && !e.seq && !e.pid &&
	   !e.detail[0], "minor 1: only the first 48 bytes count");
	khealth_alert(&e, &live, &a);
	rule_is(&a, "health.hook_removed", BMCW_SEV_NOTICE, "1.1's removal");
	ok(strstr(a.message, "ipmi_si") && !strstr(a.message, "error 0"),
	   "names the hook, no 'error 0': %s", a.message);

	struct kmodtab_health_row r = { .seq = 4, .ts_ns = 8, .kind = 5, .pid = 9,
					.monitor = 1 };

	strcpy(r.what, "enabled");
	strcpy(r.detail, "enabled 1 -> 0: x");
	khealth_from_row(&r, &e);
	ok(!e.v1 && e.seq == 4 && e.pid == 9 && !strcmp(e.what, "enabled"),
	   "a table row");
}

static void track(void)
{
	struct khealth_track t = { 0 };
	uint64_t miss[KHEALTH_WINDOW];

	ok(khealth_track_take(&t, 3) && khealth_track_take(&t, 3),
	   "not tracking (older module): everything is raised");
	khealth_track_reset(&t, 0xabc, 10);
	is_int(khealth_track_missing(&t, miss, 64), 0, "after reset nothing is missing");
	ok(!khealth_track_take(&t, 10) && !khealth_track_take(&t, 4),
	   "settled at attach: not again");
	khealth_track_expect(&t, 9);
	khealth_track_expect(&t, 10);
	is_int(khealth_track_missing(&t, miss, 64), 2, "two expected");
	ok(khealth_track_take(&t, 10), "the expected one comes: raised");
	ok(!khealth_track_take(&t, 10), "its second copy is not");
	ok(khealth_track_take(&t, 13), "a new one");
	is_int(khealth_track_missing(&t, miss, 64), 3, "9, 11, 12 missing");
	ok(miss[0] == 9 && miss[1] == 11 && miss[2] == 12, "oldest first");
	ok(khealth_track_take(&t, 11) && !khealth_track_take(&t, 11),
	   "late arrival raised once");
	is_int(t.dropped, 0, "nothing left the window yet");
	ok(khealth_track_take(&t, 74), "the window moves past 9");
	is_int(t.dropped, 1, "9 left the window unsettled: dropped");
	ok(khealth_track_take(&t, 200), "far ahead");
	is_int(khealth_track_missing(&t, miss, 64), 63, "everything between is missing, a window's worth");
	/* 12 and 14..73 were in the window unsettled (61), 75..136 never were (62) */
	is_int(t.dropped, 1 + 61 + 62, "what left or skipped the window is counted");
	ok(khealth_track_take(&t, 100), "older than the window: raised (cannot tell)");
	khealth_track_reset(&t, 1, 2);
	is_int(khealth_track_missing(&t, miss, 64), 0, "small sequence numbers: no zero or wrap");
	ok(khealth_track_take(&t, 5), "5");
	is_int(khealth_track_missing(&t, miss, 64), 2, "3 and 4 missing, not 0 or below");
}

int main(void)
{
	hooks();
	knobs();
	others();
	replayed();
	records();
	track();
	return tap_done();
}
