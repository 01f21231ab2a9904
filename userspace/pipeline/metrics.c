/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry and its rendering, and where the text goes: a textfile
 * here, the HTTP endpoint in metrics_http.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics.h"
#include "metrics_http.h"

struct metric_family {
	char name[96];
	enum metric_type type;
	char help[160];
};

struct metric_series {
	char name[96];
	char *labels;			/* malloc'ed: an info series' can be long */
	double value;
};

struct metrics {
	uint64_t start_ns;
	struct metric_family *fam;
	size_t n_fam;
	struct metric_series *ser;
	size_t n_ser;
	struct metrics_http *http;	/* NULL unless "http:" */
	char textfile[PATH_MAX];
};

struct metrics *metrics_new(uint64_t start_realtime_ns)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->start_ns = start_realtime_ns;
	metrics_declare(m, "bmcwatch_uptime_seconds", METRIC_GAUGE,
			"Seconds since the daemon started.");
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	metrics_close(m);
	for (size_t i = 0; i < m->n_ser; i++)
		free(m->ser[i].labels);
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
	char *copy;

	for (size_t i = 0; i < m->n_ser; i++)
		if (!strcmp(m->ser[i].name, name) && !strcmp(m->ser[i].labels, labels))
			return &m->ser[i];
	if (!create || strlen(name) >= sizeof(s->name))
		return NULL;
	copy = strdup(labels);
	s = copy ? realloc(m->ser, (m->n_ser + 1) * sizeof(*s)) : NULL;
	if (!s) {
		free(copy);
		return NULL;
	}
	m->ser = s;
	s = &m->ser[m->n_ser++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->labels = copy;
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

void metrics_drop(struct metrics *m, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < m->n_ser; i++) {
		if (!strcmp(m->ser[i].name, name))
			free(m->ser[i].labels);
		else
			m->ser[o++] = m->ser[i];
	}
	m->n_ser = o;
}

int metrics_set_info(struct metrics *m, const char *name, const char *labels)
{
	struct metric_series *s = series(m, name, labels, false);

	if (s && s->value == 1)
		return 0;
	metrics_drop(m, name);
	return metrics_set(m, name, labels, 1);
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

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

int metrics_label_value(const char *src, size_t max, char *dst, size_t len)
{
	const unsigned char *s = (const unsigned char *)src, *end;
	char clean[512];
	size_t o = 0, n;

	if (max >= sizeof(clean))
		max = sizeof(clean) - 1;
	/* blanks at either end (a sysfs file's newline) are no part of it */
	while (*s && strchr(" \t\r\n", *s))
		s++;
	end = s + strlen((const char *)s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		end--;
	for (; s < end; s += n) {
		n = utf8_seq(s);
		if (n <= 1) {
			/* a control character or a byte of no character: '?' */
			bool bad = !n || *s < 0x20 || *s == 0x7f;

			n = 1;
			if (o + 1 > max)
				break;
			clean[o++] = bad ? '?' : (char)*s;
		} else {
			if (o + n > max)
				break;	/* never half a character */
			memcpy(clean + o, s, n);
			o += n;
		}
	}
	while (o && clean[o - 1] == ' ')	/* cut short after a blank */
		o--;
	clean[o] = '\0';
	return metrics_escape_label(o ? clean : "unknown", dst, len);
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

int metrics_open(struct metrics *m, const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned int sslen;
	int fd;

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
	fd = metrics_http_listen(&ss, sslen);
	if (fd < 0) {
		snprintf(err, errlen, "metrics '%s': %s", spec, strerror(errno));
		return -1;
	}
	if (metrics_open_http(m, fd, &metrics_http_defaults)) {
		snprintf(err, errlen, "metrics '%s': the HTTP server (libmicrohttpd) did not start", spec);
		return -1;
	}
	return 0;
}

int metrics_open_http(struct metrics *m, int listen_fd,
		      const struct metrics_http_limits *lim)
{
	metrics_http_stop(m->http);
	m->http = metrics_http_start(listen_fd, lim);
	return m->http ? 0 : -1;
}

static int write_textfile(const char *path, const char *body, size_t len)
{
	char tmp[PATH_MAX + 8];
	int fd, ret = 0;

	/* node_exporter must never read a half-written file: write, rename. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, body, len) != (ssize_t)len)
		ret = -1;
	if (fd >= 0)
		close(fd);
	if (!ret && rename(tmp, path))
		ret = -1;
	return ret;
}

int metrics_export(struct metrics *m, uint64_t now_ns)
{
	char *body;
	size_t len;
	int ret = 0;

	if (!m->textfile[0] && !m->http)
		return 0;
	body = metrics_render(m, now_ns);
	if (!body)
		return -1;
	len = strlen(body);
	if (m->textfile[0])
		ret = write_textfile(m->textfile, body, len);
	if (m->http) {
		metrics_http_publish(m->http, body, len);	/* takes it */
		body = NULL;
	}
	free(body);
	return ret;
}

void metrics_close(struct metrics *m)
{
	metrics_http_stop(m->http);
	m->http = NULL;
	m->textfile[0] = '\0';
}
