/* SPDX-License-Identifier: GPL-2.0 */
/*
 * journal: the systemd journal, through its native protocol
 * (sd_journal_sendv: the iovec form of sd_journal_send, for a field list
 * built beforehand). Values go as they are, newlines included: the
 * protocol carries any byte, so a process name cannot forge a field.
 * Only MESSAGE is made one line, for journalctl's display. The journal
 * stamps an entry when it receives it (the alert's creation, give or
 * take); BMCWATCH_EVENT_TIME is when it happened (the last occurrence, the
 * kernel's time of the event where BMCWATCH_TIME_SOURCE says "event").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CODE_FILE, CODE_LINE, CODE_FUNC would name this file, not the alert's source. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "output.h"
#include "output_journal.h"
#include "rules.h"

#define SYSLOG_FACILITY_DAEMON	3
/* sd_journal_sendv() drops entries silently when this is missing. */
#define JOURNAL_SOCKET		"/run/systemd/journal/socket"

struct entry_builder {
	struct journal_entry *e;
	size_t used;
	int overflow;
};

static void field(struct entry_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void field(struct entry_builder *b, const char *fmt, ...)
{
	struct journal_entry *e = b->e;
	size_t room = sizeof(e->buf) - b->used;
	va_list ap;
	int n;

	if (b->overflow || e->n >= JOURNAL_FIELDS_MAX) {
		b->overflow = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(e->buf + b->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		b->overflow = 1;
		return;
	}
	e->field[e->n].iov_base = e->buf + b->used;
	e->field[e->n].iov_len = n;
	e->n++;
	b->used += n + 1;
}

/* BMCWATCH_JSON=: format_json() writes straight into the entry. */
static void json_field(struct entry_builder *b, const struct bmcw_alert *a,
		       const char *hostname)
{
	static const char name[] = "BMCWATCH_JSON=";
	struct journal_entry *e = b->e;
	size_t room = sizeof(e->buf) - b->used;
	int n;

	if (b->overflow || e->n >= JOURNAL_FIELDS_MAX || room <= sizeof(name)) {
		b->overflow = 1;
		return;
	}
	memcpy(e->buf + b->used, name, sizeof(name) - 1);
	n = format_json(a, hostname, e->buf + b->used + sizeof(name) - 1,
			room - (sizeof(name) - 1));
	if (n < 0) {
		b->overflow = 1;
		return;
	}
	e->field[e->n].iov_base = e->buf + b->used;
	e->field[e->n].iov_len = sizeof(name) - 1 + n;
	e->n++;
	b->used += sizeof(name) + n;
}

int journal_entry(const struct bmcw_alert *a, const char *hostname,
		  struct journal_entry *e)
{
	const struct bmcw_rule *rule = rule_find(a->rule);
	const struct bmcw_subject *s = &a->subject;
	struct entry_builder b = { .e = e };
	char msg[sizeof(a->message)], t[32];
	size_t i;

	e->n = 0;
	for (i = 0; a->message[i] && i < sizeof(msg) - 1; i++)
		msg[i] = (unsigned char)a->message[i] < ' ' ? ' ' : a->message[i];
	msg[i] = '\0';
	field(&b, "MESSAGE=%s: %s", a->rule, msg);
	field(&b, "PRIORITY=%d", severity_syslog(a->severity));
	field(&b, "SYSLOG_IDENTIFIER=%s", BMCW_APP_NAME);
	field(&b, "SYSLOG_FACILITY=%d", SYSLOG_FACILITY_DAEMON);
	field(&b, "BMCWATCH_RULE=%s", a->rule);
	if (rule) {
		field(&b, "BMCWATCH_RULE_ID=%u", rule->id);
		field(&b, "BMCWATCH_CLASS=%s", rule_class_name(rule->cls));
	}
	field(&b, "BMCWATCH_SEVERITY=%s", severity_name(a->severity));
	if (s->has_device && s->bdf[0])
		field(&b, "BMCWATCH_DEVICE=%s", s->bdf);
	if (s->has_process) {
		field(&b, "BMCWATCH_PID=%d", (int)s->pid);
		if (s->comm[0])
			field(&b, "BMCWATCH_COMM=%s", s->comm);
		if (s->exe[0])
			field(&b, "BMCWATCH_EXE=%s", s->exe);
	}
	format_rfc3339_ms(a->last_ns, t);
	field(&b, "BMCWATCH_EVENT_TIME=%s", t);
	field(&b, "BMCWATCH_TIME_SOURCE=%s", time_src_name(a->time_src));
	field(&b, "BMCWATCH_SEQ=%" PRIu64, a->seq);
	json_field(&b, a, hostname);
	return b.overflow ? -1 : 0;
}

/*
 * Refused at start without a journal to write to: sd_journal_sendv()
 * would lose every alert without a word.
 */
static int journal_open(struct output *o, const char *arg)
{
	(void)arg;
	if (access(JOURNAL_SOCKET, F_OK)) {
		snprintf(o->stats.last_error, sizeof(o->stats.last_error),
			 "no systemd journal here (%s: %s)", JOURNAL_SOCKET, strerror(errno));
		return -1;
	}
	o->priv = malloc(sizeof(struct journal_entry));
	return o->priv ? 0 : -1;
}

static int journal_emit(struct output *o, const struct bmcw_alert *a)
{
	struct journal_entry *e = o->priv;

	if (journal_entry(a, o->hostname, e))
		return -1;
	return sd_journal_sendv(e->field, (int)e->n) < 0 ? -1 : 0;
}

static void journal_close(struct output *o)
{
	free(o->priv);
}

const struct output_ops output_journal_ops = {
	.scheme = "journal",
	.open = journal_open,
	.emit = journal_emit,
	.close = journal_close,
};
