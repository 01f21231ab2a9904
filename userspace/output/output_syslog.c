/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 5424 formatting and the datagram syslog outputs: local syslog(3),
 * syslog+unix:PATH and syslog+udp://HOST:PORT. UDP cannot tell whether a
 * message arrived, so it is never spooled; use syslog+tcp for that.
 * TIMESTAMP is when it happened (the last occurrence, the kernel's time of
 * the event where known: SD param time_source), not when it was sent:
 * collectors order by it. The SD param "created" says when the daemon made
 * the alert; local syslog(3) stamps its own header at sending.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "textbuf.h"
#include "output.h"
#include "output_net.h"
#include "rules.h"

#define SYSLOG_FACILITY	3	/* daemon */

int rfc5424_escape_param(const char *src, char *dst, size_t len)
{
	size_t o = 0;

	for (; *src; src++) {
		bool esc = *src == '"' || *src == '\\' || *src == ']';

		if (o + esc + 1 >= len)
			return -1;
		if (esc)
			dst[o++] = '\\';
		dst[o++] = *src;
	}
	if (o >= len)
		return -1;
	dst[o] = '\0';
	return (int)o;
}

/* Header fields are PRINTUSASCII without spaces; anything else becomes '_'. */
static void sd_put_token(struct textbuf *b, const char *s, size_t max)
{
	char tok[256];
	size_t i;

	for (i = 0; s[i] && i < max && i < sizeof(tok) - 1; i++)
		tok[i] = s[i] > ' ' && s[i] < 127 ? s[i] : '_';
	tok[i] = '\0';
	textbuf_put(b, i ? tok : "-");
}

/* SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']' and '"'. */
static void sd_param(struct textbuf *b, const char *name, const char *value)
{
	char esc[1024], key[33], flat[512];
	size_t i;

	if (!value || !*value)
		return;
	/* Control characters become spaces: every record stays one line. */
	for (i = 0; value[i] && i < sizeof(flat) - 1; i++)
		flat[i] = (unsigned char)value[i] < ' ' ? ' ' : value[i];
	flat[i] = '\0';
	value = flat;
	for (i = 0; name[i] && i < 32; i++)
		key[i] = strchr("= ]\"", name[i]) || name[i] < ' ' || name[i] > 126 ?
			 '_' : name[i];
	key[i] = '\0';
	if (rfc5424_escape_param(value, esc, sizeof(esc)) < 0) {
		b->overflow = true;
		return;
	}
	textbuf_put(b, " ");
	textbuf_put(b, key);
	textbuf_put(b, "=\"");
	textbuf_put(b, esc);
	textbuf_put(b, "\"");
}

static void sd_param_u64(struct textbuf *b, const char *name, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	sd_param(b, name, num);
}

int format_rfc5424(const struct bmcw_alert *a, const char *hostname, pid_t pid,
		   char *buf, size_t len)
{
	const struct bmcw_rule *rule = rule_find(a->rule);
	const struct bmcw_subject *s = &a->subject;
	struct textbuf b = { .buf = buf, .len = len };
	char tmp[64], msg[sizeof(a->message)];
	size_t i;

	if (len)
		buf[0] = '\0';
	snprintf(tmp, sizeof(tmp), "<%d>1 ",
		 SYSLOG_FACILITY * 8 + severity_syslog(a->severity));
	textbuf_put(&b, tmp);
	format_rfc3339_ms(a->last_ns, tmp);
	textbuf_put(&b, tmp);
	textbuf_put(&b, " ");
	sd_put_token(&b, hostname, 255);
	textbuf_put(&b, " " BMCW_APP_NAME " ");
	snprintf(tmp, sizeof(tmp), "%d", (int)pid);
	textbuf_put(&b, tmp);
	textbuf_put(&b, " ");
	sd_put_token(&b, a->rule, 32);		/* MSGID */

	textbuf_put(&b, " [" BMCW_SD_ID);
	sd_param(&b, "rule", a->rule);
	if (rule) {
		snprintf(tmp, sizeof(tmp), "%u", rule->id);
		sd_param(&b, "id", tmp);
		sd_param(&b, "class", rule_class_name(rule->cls));
	}
	sd_param(&b, "severity", severity_name(a->severity));
	sd_param_u64(&b, "count", a->count);
	format_rfc3339_ms(a->first_ns, tmp);
	sd_param(&b, "first", tmp);
	format_rfc3339_ms(a->last_ns, tmp);
	sd_param(&b, "last", tmp);
	sd_param(&b, "time_source", time_src_name(a->time_src));
	if (a->created_ns) {
		format_rfc3339_ms(a->created_ns, tmp);
		sd_param(&b, "created", tmp);
	}
	sd_param_u64(&b, "seq", a->seq);
	if (s->has_device) {
		sd_param(&b, "bdf", s->bdf);
		snprintf(tmp, sizeof(tmp), "%04x", s->vendor);
		sd_param(&b, "vendor", tmp);
		snprintf(tmp, sizeof(tmp), "%04x", s->device);
		sd_param(&b, "device", tmp);
		snprintf(tmp, sizeof(tmp), "0x%x", s->fn_flags);
		sd_param(&b, "flags", tmp);
	}
	if (s->has_process) {
		sd_param_u64(&b, "pid", (uint64_t)s->pid);
		sd_param(&b, "comm", s->comm);
		sd_param(&b, "exe", s->exe);
	}
	sd_param(&b, "locus", s->locus);
	if (rule && rule->technique)
		sd_param(&b, "technique", rule->technique);
	sd_param(&b, "why", a->why);
	for (i = 0; i < a->n_extra && i < BMCW_ALERT_MAX_EXTRA; i++)
		sd_param(&b, a->extra[i].key, a->extra[i].value);
	textbuf_put(&b, "] ");

	/* MSG is one line: a message never smuggles a fake record in. */
	for (i = 0; a->message[i] && i < sizeof(msg) - 1; i++)
		msg[i] = (unsigned char)a->message[i] < ' ' ? ' ' : a->message[i];
	msg[i] = '\0';
	textbuf_put(&b, msg);
	return b.overflow ? -1 : (int)b.used;
}

/* --- syslog: the local syslog(3) ---------------------------------------- */

static int local_open(struct output *o, const char *arg)
{
	(void)o;
	(void)arg;
	openlog(BMCW_APP_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return 0;
}

/*
 * syslog(3) speaks RFC 3164 to /dev/log, so the structured data travels in
 * the message text: "rule: message [bmcwatch@32473 ...]".
 */
static int local_emit(struct output *o, const struct bmcw_alert *a)
{
	char line[OUTPUT_LINE_MAX];
	const char *sd;

	if (format_rfc5424(a, o->hostname, o->pid, line, sizeof(line)) < 0)
		return -1;
	sd = strchr(line, '[');
	syslog(severity_syslog(a->severity), "%s: %s", a->rule, sd ? sd : line);
	return 0;
}

static void local_close(struct output *o)
{
	(void)o;
	closelog();
}

const struct output_ops output_syslog_ops = {
	.scheme = "syslog",
	.open = local_open,
	.emit = local_emit,
	.close = local_close,
};

/* --- syslog+unix:PATH and syslog+udp://HOST:PORT: one datagram each ------ */

static int dgram_send(struct output *o, const struct bmcw_alert *a)
{
	int fd = (int)(intptr_t)o->priv;
	char line[OUTPUT_LINE_MAX];
	int n = format_rfc5424(a, o->hostname, o->pid, line, sizeof(line));

	if (n < 0)
		return -1;
	/* MSG_DONTWAIT: a full socket buffer loses this message, never blocks. */
	return send(fd, line, n, MSG_DONTWAIT | MSG_NOSIGNAL) == n ? 0 : -1;
}

static int unix_open(struct output *o, const char *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(arg) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, arg);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -1;
	}
	o->priv = (void *)(intptr_t)fd;
	return 0;
}

static int udp_open(struct output *o, const char *arg)
{
	struct net_addr addr;
	int fd;

	if (net_addr_resolve(arg + 2, SOCK_DGRAM, &addr))
		return -1;
	fd = socket(addr.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr.ss, addr.len)) {
		close(fd);
		return -1;
	}
	o->priv = (void *)(intptr_t)fd;
	return 0;
}

static void dgram_close(struct output *o)
{
	close((int)(intptr_t)o->priv);
}

const struct output_ops output_syslog_unix_ops = {
	.scheme = "syslog+unix",
	.open = unix_open,
	.emit = dgram_send,
	.close = dgram_close,
};

const struct output_ops output_syslog_udp_ops = {
	.scheme = "syslog+udp",
	.open = udp_open,
	.emit = dgram_send,
	.close = dgram_close,
};
