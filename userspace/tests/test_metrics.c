/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text rendering, the textfile export and GET /metrics on
 * loopback as the daemon opens it; hostile clients: test_metrics_http.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpc.h"
#include "metrics.h"
#include "pipeline.h"
#include "tap.h"

#define SEC 1000000000ull

static void test_render(struct metrics *m)
{
	char *text;

	metrics_declare(m, "bmcwatch_test_gauge", METRIC_GAUGE, "A test gauge.");
	metrics_set(m, "bmcwatch_test_gauge", "dev=\"0000:03:00.0\"", 2.5);
	metrics_add(m, "bmcwatch_alerts_total", "rule=\"pcie.config_write\",severity=\"warning\"", 1);
	metrics_add(m, "bmcwatch_alerts_total", "rule=\"pcie.config_write\",severity=\"warning\"", 2);
	text = metrics_render(m, 100 * SEC + 10 * SEC);
	ok(strstr(text, "# HELP bmcwatch_alerts_total ") &&
	   strstr(text, "# TYPE bmcwatch_alerts_total counter\n"), "HELP and TYPE lines");
	ok(strstr(text, "bmcwatch_alerts_total{rule=\"pcie.config_write\",severity=\"warning\"} 3\n") != NULL,
	   "counter with labels adds up");
	ok(strstr(text, "bmcwatch_events_lost_total{hop=\"rate_limit\"} 0\n") &&
	   strstr(text, "bmcwatch_events_lost_total{hop=\"bpf_map_full\"} 0\n") &&
	   strstr(text, "bmcwatch_events_lost_total{hop=\"ringbuf\"} 0\n") &&
	   strstr(text, "bmcwatch_events_lost_total{hop=\"queue\"} 0\n"),
	   "every loss hop is exported from the start");
	ok(strstr(text, "bmcwatch_uptime_seconds 10\n") != NULL, "uptime");
	ok(strstr(text, "bmcwatch_test_gauge{dev=\"0000:03:00.0\"} 2.5\n") != NULL,
	   "a gauge registered by a monitor");
	free(text);
}

static void test_escape(void)
{
	char buf[64];

	metrics_escape_label("a\"b\\c\nd", buf, sizeof(buf));
	is_str(buf, "a\\\"b\\\\c\\nd", "label values escape \" \\ and newline");
}

static void test_textfile(struct metrics *m)
{
	char err[128], path[] = "/tmp/bmcw-prom-XXXXXX", spec[64], body[4096];
	FILE *f;
	size_t n;

	close(mkstemp(path));
	snprintf(spec, sizeof(spec), "textfile:%s", path);
	ok(metrics_open(m, spec, err, sizeof(err)) == 0, "textfile opens");
	ok(metrics_export(m, 110 * SEC) == 0, "textfile exported");
	f = fopen(path, "r");
	n = f ? fread(body, 1, sizeof(body) - 1, f) : 0;
	body[n] = '\0';
	if (f)
		fclose(f);
	ok(strstr(body, "bmcwatch_uptime_seconds 10\n") != NULL, "textfile has the metrics");
	unlink(path);
}

static void test_http(void)
{
	struct metrics *m = metrics_new(0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char err[128], spec[64], resp[8192];
	int port, fd;

	/* Find a free port, then let metrics_open bind it. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &(socklen_t){ sizeof(sin) });
	port = ntohs(sin.sin_port);
	close(fd);
	snprintf(spec, sizeof(spec), "http:127.0.0.1:%d", port);
	ok(metrics_open(m, spec, err, sizeof(err)) == 0, "HTTP endpoint listens (%s)", spec);

	is_int(httpc_request(port, HTTPC_GET_METRICS, resp, sizeof(resp), 2000), 503,
	       "before the first export it answers 503");
	ok(metrics_export(m, 5 * SEC) == 0, "the loop publishes");
	is_int(httpc_request(port, "GET /metrics HTTP/1.0\r\n\r\n", resp, sizeof(resp), 2000),
	       200, "GET /metrics answers 200");
	ok(strstr(resp, "text/plain; version=0.0.4") && strstr(resp, "bmcwatch_uptime_seconds 5\n"),
	   "with the 0.0.4 text format");
	is_int(httpc_request(port, "GET / HTTP/1.0\r\n\r\n", resp, sizeof(resp), 2000), 404,
	       "anything else is 404");
	metrics_free(m);
}

/* The listening address: loopback by default, one interface's when named. */
static void test_addr(void)
{
	static const char *const bad[] = {
		"http:0.0.0.0:9477", "http:[::]:9477", "http:127.0.0.1", "http:127.0.0.1:",
		"http:127.0.0.1:0", "http:127.0.0.1:65536", "http:127.0.0.1:9x", "http::9477",
		"http:::1:9477", "http:localhost:9477", "http:[10.0.0.1]:9477", "https:127.0.0.1:1",
	};
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct metrics *m = metrics_new(0);
	char err[160], spec[64], resp[256];
	unsigned int len;
	int fd, port;

	ok(metrics_http_addr("http:10.77.0.1:9477", &ss, &len) == 0 &&
	   ss.ss_family == AF_INET && sin->sin_addr.s_addr == htonl(0x0a4d0001) &&
	   ntohs(sin->sin_port) == 9477, "http:10.77.0.1:9477 parses");
	ok(metrics_http_addr("http:[fd00::1]:80", &ss, &len) == 0 && ss.ss_family == AF_INET6 &&
	   len == sizeof(struct sockaddr_in6), "bracketed IPv6 parses");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(metrics_http_addr(bad[i], &ss, &len) == -1, "refused: %s", bad[i]);
	ok(metrics_open(m, "http:0.0.0.0:9477", err, sizeof(err)) == -1 &&
	   !strcmp(err, "metrics 'http:0.0.0.0:9477': expected off|http:ADDRESS:PORT|textfile:/PATH"),
	   "metrics_open refuses a wildcard: %s", err);

	/* 127.0.0.2 stands for an interface address other than the default. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin->sin_family = AF_INET;
	sin->sin_port = 0;
	sin->sin_addr.s_addr = htonl(0x7f000002);
	bind(fd, (struct sockaddr *)sin, sizeof(*sin));
	getsockname(fd, (struct sockaddr *)sin, &(socklen_t){ sizeof(*sin) });
	port = ntohs(sin->sin_port);
	close(fd);
	snprintf(spec, sizeof(spec), "http:127.0.0.2:%d", port);
	ok(metrics_open(m, spec, err, sizeof(err)) == 0, "listens on the named address (%s)", spec);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok(connect(fd, (struct sockaddr *)sin, sizeof(*sin)) == -1,
	   "and only there: 127.0.0.1 on that port is refused");
	close(fd);
	metrics_export(m, 5 * SEC);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin->sin_addr.s_addr = htonl(0x7f000002);
	connect(fd, (struct sockaddr *)sin, sizeof(*sin));
	httpc_send(fd, "GET /metrics HTTP/1.0\r\n\r\n");
	httpc_read_all(fd, resp, sizeof(resp), 2000);
	close(fd);
	is_int(httpc_status(resp), 200, "GET /metrics there answers 200");
	metrics_free(m);
	/* 192.0.2.1 (TEST-NET-1) is on no interface: the daemon starts anyway. */
	m = metrics_new(0);
	ok(metrics_open(m, "http:192.0.2.1:9477", err, sizeof(err)) == 0,
	   "an address not (yet) configured is bound all the same (%s)", err);
	metrics_free(m);
}

int main(void)
{
	struct metrics *m = metrics_new(100 * SEC);
	struct policy pol;
	struct pipeline *p;

	policy_init(&pol);
	p = pipeline_new(&pol, m);	/* declares the pipeline's families */
	test_render(m);
	test_escape();
	test_textfile(m);
	test_http();
	test_addr();
	pipeline_free(p);
	policy_free(&pol);
	metrics_free(m);
	return tap_done();
}
