/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTTP endpoint behind metrics_open("http:..."): between metrics.c,
 * which renders, and metrics_http.c, which serves. Nothing else uses it.
 */
#ifndef BMCW_METRICS_HTTP_H
#define BMCW_METRICS_HTTP_H

#include <stddef.h>

#include "metrics.h"

struct sockaddr_storage;
struct metrics_http;

/* A listening socket on that address; -1 with errno. */
int metrics_http_listen(const struct sockaddr_storage *ss, unsigned int sslen);
/* Serve GET /metrics on listen_fd (taken over, even on failure); NULL if not. */
struct metrics_http *metrics_http_start(int listen_fd,
					const struct metrics_http_limits *lim);
/* Replace what is served with text (malloc'ed, taken over); never blocks on a client. */
void metrics_http_publish(struct metrics_http *h, char *text, size_t len);
void metrics_http_stop(struct metrics_http *h);

#endif /* BMCW_METRICS_HTTP_H */
