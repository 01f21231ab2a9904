/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The journal output's entry for an alert, field by field (journal_entry
 * is pure; sending is sd_journal_sendv's), and its spec. Nothing is sent
 * to the host's journal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "output.h"
#include "output_journal.h"
#include "alert_fixture.h"
#include "tap.h"

#define HOST "host-01.example"

static struct journal_entry e;

static void fixture(struct bmcw_alert *a)
{
	alert_fixture(a);
	strcpy(a->message, "BAR write \"0xf000\" = 1 [P2A]\nnext");
	strcpy(a->why, "no driver owns 03:00.0");
}

/* The fields as one string, one a line, for comparison. */
static const char *joined(const struct journal_entry *je)
{
	static char buf[sizeof(je->buf) + JOURNAL_FIELDS_MAX];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < je->n; i++) {
		memcpy(buf + o, je->field[i].iov_base, je->field[i].iov_len);
		o += je->field[i].iov_len;
		buf[o++] = '\n';
	}
	buf[o] = '\0';
	return buf;
}

/* The value of field NAME, or NULL. */
static const char *value(const struct journal_entry *je, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < je->n; i++)
		if (je->field[i].iov_len > n && !strncmp(je->field[i].iov_base, name, n) &&
		    ((char *)je->field[i].iov_base)[n] == '=')
			return (char *)je->field[i].iov_base + n + 1;
	return NULL;
}

/* Names the journal accepts from a client: [A-Z0-9_], not starting with _. */
static int names_valid(const struct journal_entry *je)
{
	for (size_t i = 0; i < je->n; i++) {
		const char *f = je->field[i].iov_base;
		const char *eq = memchr(f, '=', je->field[i].iov_len);

		if (!eq || eq == f || f[0] == '_' || f[je->field[i].iov_len] != '\0')
			return 0;
		for (const char *c = f; c < eq; c++)
			if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
				return 0;
	}
	return 1;
}

static void test_alert(void)
{
	char json[OUTPUT_LINE_MAX], want[OUTPUT_LINE_MAX + 1024];
	struct bmcw_alert a;

	fixture(&a);
	ok(journal_entry(&a, HOST, &e) == 0, "an alert with a device and a process");
	format_json(&a, HOST, json, sizeof(json));
	snprintf(want, sizeof(want),
		 "MESSAGE=pcie.config_write: BAR write \"0xf000\" = 1 [P2A] next\n"
		 "PRIORITY=4\n"
		 "SYSLOG_IDENTIFIER=bmcwatchd\n"
		 "SYSLOG_FACILITY=3\n"
		 "BMCWATCH_RULE=pcie.config_write\n"
		 "BMCWATCH_RULE_ID=101\n"
		 "BMCWATCH_CLASS=pcie\n"
		 "BMCWATCH_SEVERITY=warning\n"
		 "BMCWATCH_DEVICE=0000:03:00.0\n"
		 "BMCWATCH_PID=4242\n"
		 "BMCWATCH_COMM=set|pci\n"
		 "BMCWATCH_EXE=/opt/a=b\\c/setpci\n"
		 "BMCWATCH_EVENT_TIME=2024-05-01T12:00:02.123Z\n"
		 "BMCWATCH_TIME_SOURCE=event\n"
		 "BMCWATCH_SEQ=17\n"
		 "BMCWATCH_JSON=%s\n", json);
	is_str(joined(&e), want, "every field, in order");
	ok(names_valid(&e), "field names the journal accepts; lengths without the NUL");
	ok(strchr(value(&e, "BMCWATCH_JSON"), '{') && strstr(json, "\"seq\":17"),
	   "BMCWATCH_JSON is the json: output's line");
	is_str(value(&e, "BMCWATCH_EVENT_TIME"), "2024-05-01T12:00:02.123Z",
	       "BMCWATCH_EVENT_TIME is the last occurrence's event time, not when it was made");
	a.time_src = BMCW_TIME_WINDOW;
	a.last_ns += 1000000000ull;
	ok(journal_entry(&a, HOST, &e) == 0 &&
	   !strcmp(value(&e, "BMCWATCH_EVENT_TIME"), "2024-05-01T12:00:03.123Z") &&
	   !strcmp(value(&e, "BMCWATCH_TIME_SOURCE"), "window"),
	   "a sweep's: its window's end, BMCWATCH_TIME_SOURCE=window");

	/* A name with a newline stays in its field: no field can be forged. */
	strcpy(a.subject.comm, "x\nBMCWATCH_R");
	a.severity = BMCW_SEV_CRITICAL;
	ok(journal_entry(&a, HOST, &e) == 0 && e.n == 16, "a newline in a value adds no field");
	is_str(value(&e, "BMCWATCH_COMM"), "x\nBMCWATCH_R", "and the value is kept as it is");
	is_str(value(&e, "PRIORITY"), "2", "critical is PRIORITY=2");
}

static void test_health(void)
{
	struct bmcw_alert h = { .rule = "health.heartbeat", .severity = BMCW_SEV_INFO };

	strcpy(h.message, "bmcwatch alive");
	h.seq = 1;
	ok(journal_entry(&h, HOST, &e) == 0, "a health event");
	ok(!value(&e, "BMCWATCH_DEVICE") && !value(&e, "BMCWATCH_PID") &&
	   !value(&e, "BMCWATCH_COMM") && !value(&e, "BMCWATCH_EXE"),
	   "without a device or a process, no such fields");
	is_str(value(&e, "PRIORITY"), "6", "info is PRIORITY=6");
	is_str(value(&e, "BMCWATCH_CLASS"), "health", "its class");
	is_str(value(&e, "BMCWATCH_RULE_ID"), "905", "its rule id");
	is_str(value(&e, "MESSAGE"), "health.heartbeat: bmcwatch alive", "MESSAGE is rule: message");

	h.rule = "no.such_rule";
	ok(journal_entry(&h, HOST, &e) == 0 && !value(&e, "BMCWATCH_RULE_ID") &&
	   !value(&e, "BMCWATCH_CLASS") && !strcmp(value(&e, "BMCWATCH_RULE"), "no.such_rule"),
	   "a rule outside the catalogue: no id, no class");
}

static void test_spec(void)
{
	struct output_env env = { .hostname = HOST, .pid = 777 };
	char why[160], err[256];
	struct output *o;

	ok(output_spec_check("journal", why, sizeof(why)) == 0, "spec journal");
	ok(output_spec_check("journal:", why, sizeof(why)) == 0, "spec journal:");
	ok(output_spec_check("journal:/x", why, sizeof(why)) == -1 &&
	   !strcmp(why, "journal takes no argument"), "journal:/x refused: %s", why);
	o = output_open("journal", &env, err, sizeof(err));
	if (access("/run/systemd/journal/socket", F_OK)) {
		ok(!o && !strcmp(err, "output 'journal': cannot open: no systemd journal here "
				 "(/run/systemd/journal/socket: No such file or directory)"),
		   "without journald, refused at start: %s", err);
	} else {
		ok(o != NULL, "with journald, it opens");
	}
	output_close(o);
}

int main(void)
{
	test_alert();
	test_health();
	test_spec();
	return tap_done();
}
