/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics in the Prometheus text format 0.0.4: a small registry of series
 * (family name + label set), rendered on demand and either served on a
 * loopback HTTP endpoint (GET /metrics) or written atomically to a
 * node_exporter textfile.
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

/* Render everything; returns a malloc'ed string. now is CLOCK_REALTIME. */
char *metrics_render(struct metrics *m, uint64_t now_ns);

/*
 * Exposition: spec "http:ADDRESS:PORT" opens a listening socket (its fd is
 * returned by metrics_fd() for the main loop), "textfile:PATH" writes PATH on
 * each metrics_export(), "off" does nothing.
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
int metrics_fd(const struct metrics *m);	/* -1 if none */
/* Main loop: the listening socket is readable; answer one client. */
void metrics_serve(struct metrics *m, uint64_t now_ns);
/* Periodic: rewrite the textfile, if any. */
int metrics_export(struct metrics *m, uint64_t now_ns);
void metrics_close(struct metrics *m);

#endif /* BMCW_METRICS_H */
