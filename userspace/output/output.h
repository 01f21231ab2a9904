/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outputs: where alerts go. An output is opened from a spec string
 *   json:PATH | json:-            JSON lines (ECS field names)
 *   cef:PATH  | cef:-             ArcSight CEF lines
 *   syslog                        local syslog(3)
 *   journal                       the systemd journal, with fields of its
 *                                 own (output_journal.h)
 *   syslog+unix:PATH              RFC 5424 datagrams to a unix socket
 *   syslog+udp://HOST:PORT        RFC 5424, one message per datagram
 *   syslog+tcp://HOST:PORT        RFC 5424, RFC 6587 octet counting, spooled
 *   syslog+tls://HOST:PORT        the same over TLS (RFC 5425), the server's
 *                                 certificate verified against a CA and HOST
 * The formatters are pure functions so tests can compare them with golden
 * files.
 */
#ifndef BMCW_OUTPUT_H
#define BMCW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alert.h"

#define BMCW_APP_NAME		"bmcwatchd"
/* The release, from the top-level VERSION file (-DBMCW_VERSION, see Makefile). */
#ifndef BMCW_VERSION
#error "BMCW_VERSION undefined: build with the Makefile, which reads ../VERSION"
#endif
/* SD-ID: 32473 is the private enterprise number reserved for examples. */
#define BMCW_SD_ID		"bmcwatch@32473"
#define OUTPUT_LINE_MAX		8192

/* What every output needs to know about the daemon; tests inject it. */
struct output_env {
	const char *hostname;
	pid_t pid;
	const char *spool_dir;
	bool spool_fsync;
	unsigned int connect_timeout_ms;	/* 0 = default */
	unsigned int backoff_min_ms;		/* 0 = default */
	unsigned int backoff_max_ms;		/* 0 = default */
	/*
	 * Stream outputs: a connection whose sent data stays unacknowledged
	 * this long is dead (TCP_USER_TIMEOUT); 0 = default, see
	 * output_syslog_tcp.c.
	 */
	unsigned int ack_timeout_ms;
	/* syslog+tls: PEM files; no CA file = the system's trust store */
	const char *tls_ca;
	const char *tls_cert;			/* client certificate, optional */
	const char *tls_key;			/* its key, with tls_cert */
};

struct output;

struct output_ops {
	const char *scheme;
	int (*open)(struct output *o, const char *arg);
	/* 0 = delivered or safely queued, -1 = lost (counted by the caller) */
	int (*emit)(struct output *o, const struct bmcw_alert *a);
	void (*tick)(struct output *o);		/* retries; may be NULL */
	void (*close)(struct output *o);	/* may be NULL */
};

struct output_stats {
	uint64_t emitted;		/* alerts handed to this output */
	uint64_t errors;		/* alerts this output lost */
	/*
	 * Stream outputs keep every record on disk until the peer's TCP
	 * acknowledged it: spool_records counts the unsent ones and the
	 * in_flight ones (sent, not yet acknowledged).
	 */
	uint64_t spool_records;
	uint64_t spool_bytes;
	uint64_t in_flight;
	uint64_t replayed;		/* sent from the spool after waiting in it */
	uint64_t resent;		/* of those: sent again, their connection died */
	uint64_t connects;		/* connections (and TLS sessions) established */
	bool connected;			/* remote outputs */
	bool remote;			/* the fields above mean something */
	char last_error[192];		/* why the last connection failed, "" if none */
};

struct output {
	const struct output_ops *ops;
	char spec[256];
	char hostname[256];
	pid_t pid;
	struct output_env env;
	struct output_stats stats;
	void *priv;
};

/* 0 if spec names a known output type with a well-formed argument. */
int output_spec_check(const char *spec, char *why, size_t whylen);
struct output *output_open(const char *spec, const struct output_env *env,
			   char *err, size_t errlen);
/* An output with caller-provided ops (tests, the lead's extra sinks). */
struct output *output_new(const struct output_ops *ops, void *priv,
			  const struct output_env *env);
int output_emit(struct output *o, const struct bmcw_alert *a);
void output_tick(struct output *o);
void output_close(struct output *o);

/* Formatters: return the length written (NUL excluded), -1 if it did not fit. */
int format_json(const struct bmcw_alert *a, const char *hostname,
		char *buf, size_t len);
int format_rfc5424(const struct bmcw_alert *a, const char *hostname, pid_t pid,
		   char *buf, size_t len);
int format_cef(const struct bmcw_alert *a, const char *hostname,
	       char *buf, size_t len);
/* Escapes; return the length written or -1 if it did not fit. */
int rfc5424_escape_param(const char *src, char *dst, size_t len);
int cef_escape_header(const char *src, char *dst, size_t len);
int cef_escape_ext(const char *src, char *dst, size_t len);
/* "2024-05-01T12:00:00.123Z" */
void format_rfc3339_ms(uint64_t realtime_ns, char buf[32]);

/* Numeric severities of other schemes. */
int severity_ecs(enum bmcw_severity sev);	/* 21/47/73/99 */
int severity_syslog(enum bmcw_severity sev);	/* RFC 5424 codes */
int severity_cef(enum bmcw_severity sev);	/* 0..10 */

extern const struct output_ops output_json_ops;
extern const struct output_ops output_cef_ops;
extern const struct output_ops output_syslog_ops;
extern const struct output_ops output_journal_ops;
extern const struct output_ops output_syslog_unix_ops;
extern const struct output_ops output_syslog_udp_ops;
extern const struct output_ops output_syslog_tcp_ops;
extern const struct output_ops output_syslog_tls_ops;

#endif /* BMCW_OUTPUT_H */
