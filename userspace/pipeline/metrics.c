/* SPDX-License-Identifier: GPL-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "metrics.h"

struct metric_family {
	char name[96];
	enum metric_type type;
	char help[160];
};

struct metric_series {
	char name[96];
	char labels[256];
	double value;
};

struct metrics {
	uint64_t start_ns;
	struct metric_family *fam;
	size_t n_fam;
	struct metric_series *ser;
	size_t n_ser;
	int listen_fd;
	char textfile[PATH_MAX];
};

struct metrics *metrics_new(uint64_t start_realtime_ns)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->start_ns = start_realtime_ns;
	m->listen_fd = -1;
	metrics_declare(m, "bmcwatch_uptime_seconds", METRIC_GAUGE,
			"Seconds since the daemon started.");
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	metrics_close(m);
	free(m->fam);
	free(m->ser);
	free(m);
}

int metrics_declare(struct metrics *m, const char *name, enum metric_type type,
		    const char *help)
{
	struct metric_family *f;

	for (size_t i = 0; i < m->n_fam; i++)
		if (!strcmp(m->fam[i].name, name))
			return 0;
	f = realloc(m->fam, (m->n_fam + 1) * sizeof(*f));
	if (!f)
		return -1;
	m->fam = f;
	f = &m->fam[m->n_fam++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->help, sizeof(f->help), "%s", help);
	f->type = type;
	return 0;
}

static struct metric_series *series(struct metrics *m, const char *name,
				    const char *labels, bool create)
{
	struct metric_series *s;

	for (size_t i = 0; i < m->n_ser; i++)
		if (!strcmp(m->ser[i].name, name) && !strcmp(m->ser[i].labels, labels))
			return &m->ser[i];
	if (!create)
		return NULL;
	s = realloc(m->ser, (m->n_ser + 1) * sizeof(*s));
	if (!s)
		return NULL;
	m->ser = s;
	s = &m->ser[m->n_ser++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->labels, sizeof(s->labels), "%s", labels ? labels : "");
	s->value = 0;
	return s;
}

int metrics_add(struct metrics *m, const char *name, const char *labels,
		double delta)
{
	struct metric_series *s = series(m, name, labels ? labels : "", true);

	if (!s)
		return -1;
	s->value += delta;
	return 0;
}

int metrics_set(struct metrics *m, const char *name, const char *labels,
		double value)
{
	struct metric_series *s = series(m, name, labels ? labels : "", true);

	if (!s)
		return -1;
	s->value = value;
	return 0;
}

double metrics_get(const struct metrics *m, const char *name, const char *labels)
{
	struct metric_series *s = series((struct metrics *)m, name,
					 labels ? labels : "", false);

	return s ? s->value : 0;
}

int metrics_escape_label(const char *src, char *dst, size_t len)
{
	size_t o = 0;

	for (; *src; src++) {
		const char *rep = *src == '\\' ? "\\\\" : *src == '"' ? "\\\"" :
				  *src == '\n' ? "\\n" : NULL;
		size_t n = rep ? 2 : 1;

		if (o + n >= len)
			return -1;
		if (rep)
			memcpy(dst + o, rep, 2);
		else
			dst[o] = *src;
		o += n;
	}
	if (o >= len)
		return -1;
	dst[o] = '\0';
	return (int)o;
}

static void render_series(FILE *f, const struct metric_series *s)
{
	if (s->labels[0])
		fprintf(f, "%s{%s} %.17g\n", s->name, s->labels, s->value);
	else
		fprintf(f, "%s %.17g\n", s->name, s->value);
}

char *metrics_render(struct metrics *m, uint64_t now_ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	metrics_set(m, "bmcwatch_uptime_seconds", "",
		    now_ns > m->start_ns ? (double)((now_ns - m->start_ns) / 1000000000ull) : 0);
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	/* All series of a family together, under its HELP and TYPE. */
	for (size_t i = 0; i < m->n_fam; i++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->fam[i].name,
			m->fam[i].help, m->fam[i].name,
			m->fam[i].type == METRIC_COUNTER ? "counter" : "gauge");
		for (size_t j = 0; j < m->n_ser; j++)
			if (!strcmp(m->ser[j].name, m->fam[i].name))
				render_series(f, &m->ser[j]);
	}
	for (size_t j = 0; j < m->n_ser; j++) {
		size_t i;

		for (i = 0; i < m->n_fam; i++)
			if (!strcmp(m->ser[j].name, m->fam[i].name))
				break;
		if (i == m->n_fam)
			render_series(f, &m->ser[j]);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int metrics_http_addr(const char *spec, struct sockaddr_storage *ss,
		      unsigned int *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *host, *colon;
	unsigned long port;
	char buf[64], *end;
	size_t n;

	if (strncmp(spec, "http:", 5))
		return -1;
	host = spec + 5;
	colon = strrchr(host, ':');
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (port < 1 || port > 65535)
		return -1;
	n = colon - host;
	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return -1;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1 ||
		    IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*sslen = sizeof(*sin6);
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1 ||
	    sin->sin_addr.s_addr == htonl(INADDR_ANY))
		return -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	*sslen = sizeof(*sin);
	return 0;
}

int metrics_open(struct metrics *m, const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned int sslen;
	int one = 1;

	if (!spec || !*spec || !strcmp(spec, "off"))
		return 0;
	if (!strncmp(spec, "textfile:", 9)) {
		snprintf(m->textfile, sizeof(m->textfile), "%s", spec + 9);
		return 0;
	}
	if (metrics_http_addr(spec, &ss, &sslen)) {
		snprintf(err, errlen, "metrics '%s': expected off|http:ADDRESS:PORT|textfile:/PATH", spec);
		return -1;
	}
	/*
	 * One address, never all: the endpoint has no authentication.
	 * IP_FREEBIND: a management interface may get its address after
	 * the daemon started at boot; the monitor must not wait for it.
	 */
	m->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->listen_fd < 0 ||
	    setsockopt(m->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(m->listen_fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) ||
	    bind(m->listen_fd, (struct sockaddr *)&ss, sslen) ||
	    listen(m->listen_fd, 8)) {
		snprintf(err, errlen, "metrics '%s': %s", spec, strerror(errno));
		if (m->listen_fd >= 0)
			close(m->listen_fd);
		m->listen_fd = -1;
		return -1;
	}
	return 0;
}

int metrics_fd(const struct metrics *m)
{
	return m->listen_fd;
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/*
 * A minimal HTTP/1.0 responder: GET /metrics, anything else 404; one request
 * per connection. Socket timeouts bound how long a slow client can hold the
 * main loop.
 */
void metrics_serve(struct metrics *m, uint64_t now_ns)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 500000 };
	char req[1024], hdr[256];
	ssize_t n;
	char *body;
	int fd;

	fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = recv(fd, req, sizeof(req) - 1, 0);
	if (n > 0) {
		req[n] = '\0';
		if (!strncmp(req, "GET /metrics ", 13) || !strncmp(req, "GET /metrics\r", 13)) {
			body = metrics_render(m, now_ns);
			if (body) {
				n = snprintf(hdr, sizeof(hdr),
					     "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
					     strlen(body));
				send_all(fd, hdr, n);
				send_all(fd, body, strlen(body));
				free(body);
			}
		} else {
			static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

			send_all(fd, nf, sizeof(nf) - 1);
		}
	}
	close(fd);
}

int metrics_export(struct metrics *m, uint64_t now_ns)
{
	char tmp[PATH_MAX + 8];
	char *body;
	int fd, ret = 0;
	size_t len;

	if (!m->textfile[0])
		return 0;
	body = metrics_render(m, now_ns);
	if (!body)
		return -1;
	/* node_exporter must never read a half-written file: write, rename. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", m->textfile);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	len = strlen(body);
	if (fd < 0 || write(fd, body, len) != (ssize_t)len)
		ret = -1;
	if (fd >= 0)
		close(fd);
	if (!ret && rename(tmp, m->textfile))
		ret = -1;
	free(body);
	return ret;
}

void metrics_close(struct metrics *m)
{
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	m->listen_fd = -1;
}
