/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics in the Prometheus text format 0.0.4: a small registry of series
 * (family name + label set), rendered by the daemon's loop once per
 * interval and either served on an HTTP endpoint (GET /metrics, by
 * libmicrohttpd) or written atomically to a node_exporter textfile.
 */
#ifndef BMCW_METRICS_H
#define BMCW_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

struct metrics;

struct metrics *metrics_new(uint64_t start_realtime_ns);
void metrics_free(struct metrics *m);

/*
 * Declare a family once (HELP and TYPE lines); undeclared families are
 * rendered as untyped. labels is the inside of {...}, already escaped, e.g.
 * "rule=\"pcie.config_write\",severity=\"warning\"", or "" for none.
 */
int metrics_declare(struct metrics *m, const char *name, enum metric_type type,
		    const char *help);
int metrics_add(struct metrics *m, const char *name, const char *labels,
		double delta);
int metrics_set(struct metrics *m, const char *name, const char *labels,
		double value);
double metrics_get(const struct metrics *m, const char *name, const char *labels);

/* Escape a label value (\\, \", \n) into dst; -1 if it did not fit. */
int metrics_escape_label(const char *src, char *dst, size_t len);
/*
 * A label value from text the daemon does not control (DMI strings, a
 * host name): blanks at either end dropped, at most max bytes (never half
 * a UTF-8 character), control characters and bytes that are no UTF-8
 * character as '?', "unknown" if nothing is left; then escaped into dst.
 * The exposition stays valid whatever the firmware put there. Returns as
 * metrics_escape_label().
 */
int metrics_label_value(const char *src, size_t max, char *dst, size_t len);

/* Remove every series of a family (its HELP and TYPE stay). */
void metrics_drop(struct metrics *m, const char *name);
/*
 * An info-style series: NAME{labels} 1, the family's only one. When the
 * labels change the old series goes, so that a query never sees two.
 */
int metrics_set_info(struct metrics *m, const char *name, const char *labels);

/* Render everything; returns a malloc'ed string. now is CLOCK_REALTIME. */
char *metrics_render(struct metrics *m, uint64_t now_ns);

/*
 * Exposition: spec "http:ADDRESS:PORT" serves GET /metrics on that address
 * from a thread of its own (metrics_http.c), "textfile:PATH" writes PATH,
 * "off" does nothing. Either way what is exposed is what the last
 * metrics_export() rendered.
 */
int metrics_open(struct metrics *m, const char *spec, char *err, size_t errlen);
/*
 * "http:ADDRESS:PORT" to a socket address: ADDRESS is an IPv4 address or a
 * bracketed IPv6 one, never a wildcard (0.0.0.0, [::]). The endpoint has
 * no authentication: it listens on loopback (127.0.0.1) unless the
 * operator names one interface's address, such as a management network's.
 * 0, or -1 if malformed.
 */
struct sockaddr_storage;
int metrics_http_addr(const char *spec, struct sockaddr_storage *ss,
		      unsigned int *sslen);

/*
 * What one client, or many, may take of the HTTP endpoint. A scrape is
 * one short request answered from memory; anything that holds more than
 * this is not a scraper, and is cut off without touching the daemon's
 * event loop.
 */
struct metrics_http_limits {
	unsigned int connections;	/* open at once, all clients */
	unsigned int per_ip;		/* open at once from one address */
	unsigned int timeout_s;		/* a connection idle this long is closed */
	size_t memory;			/* per connection: request line, headers */
};
extern const struct metrics_http_limits metrics_http_defaults;

/*
 * Serve on listen_fd, already bound and listening, with these limits;
 * what metrics_open() does for "http:" with the defaults. The socket is
 * the endpoint's from then on, even on failure. Tests use it for an
 * ephemeral port and a short timeout. 0, or -1 if the server did not start.
 */
int metrics_open_http(struct metrics *m, int listen_fd,
		      const struct metrics_http_limits *lim);

/*
 * Periodic, from the daemon's loop: render once, rewrite the textfile if
 * any, and hand the text to the HTTP endpoint, which serves it until the
 * next call (before the first: 503). 0, or -1 if it could not.
 */
int metrics_export(struct metrics *m, uint64_t now_ns);
void metrics_close(struct metrics *m);

#endif /* BMCW_METRICS_H */
