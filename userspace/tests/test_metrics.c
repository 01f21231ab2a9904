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
#include <sys/stat.h>
#include <unistd.h>

#include "host_info.h"
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

/* Label values from text the firmware wrote: always a valid exposition. */
static void test_label_value(void)
{
	char buf[128];

	metrics_label_value("  PowerEdge R750\n", 96, buf, sizeof(buf));
	is_str(buf, "PowerEdge R750", "a DMI string loses its newline and blanks");
	metrics_label_value("a\"b\\c", 96, buf, sizeof(buf));
	is_str(buf, "a\\\"b\\\\c", "quote and backslash escaped");
	metrics_label_value("x\ty\001z\x7f", 96, buf, sizeof(buf));
	is_str(buf, "x?y?z?", "control characters inside become '?'");
	metrics_label_value("Soci\xc3\xa9t\xc3\xa9 \xff\xc3 (\xed\xa0\x80", 96, buf, sizeof(buf));
	is_str(buf, "Soci\xc3\xa9t\xc3\xa9 ?? (???", "UTF-8 kept, invalid bytes and surrogates '?'");
	metrics_label_value("ab\xc3\xa9", 3, buf, sizeof(buf));
	is_str(buf, "ab", "cut to max bytes, never inside a character");
	metrics_label_value(" \n", 96, buf, sizeof(buf));
	is_str(buf, "unknown", "nothing left: unknown");
	ok(metrics_label_value("\"\"\"\"", 96, buf, 8) == -1, "-1 when the escaped value does not fit");
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int count_lines(const char *text, const char *prefix)
{
	int n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

/* bmcwatch_info: the hardware model the fleet groups hosts by. */
static void test_host_info(void)
{
	char dir[] = "/tmp/bmcw-dmi-XXXXXX", path[64], *text;
	struct metrics *m = metrics_new(0);
	struct host_info hi = { 0 };
	static const uint8_t devid[] = { 0x20, 0x81, 0x02, 0x05, 0x02, 0xbf,
					 0x57, 0x01, 0x00, 0x47, 0x0b };

	ok(mkdtemp(dir) != NULL, "a fake /sys/class/dmi/id");
	write_file(dir, "sys_vendor", "Dell Inc.\n");
	write_file(dir, "product_name", "PowerEdge \"R750\"\n");
	is_int(host_info_read_dmi(&hi, dir), 2, "sys_vendor and product_name read");
	host_info_declare(m);
	host_info_export(m, &hi, "1.2.3", "node-07");
	text = metrics_render(m, 0);
	ok(strstr(text, "# TYPE bmcwatch_info gauge\n") != NULL, "bmcwatch_info is a gauge");
	ok(strstr(text, "bmcwatch_info{version=\"1.2.3\",host=\"node-07\",vendor=\"Dell Inc.\","
			"model=\"PowerEdge \\\"R750\\\"\",inventory_fingerprint=\"unknown\","
			"bmc_identity=\"unknown\"} 1\n") != NULL,
	   "model and vendor from DMI, escaped; fingerprint and identity unknown until known");
	free(text);

	host_info_set_fingerprint(&hi, 0x0123456789abcdefull);
	host_info_set_bmc_identity(&hi, devid, sizeof(devid));
	host_info_export(m, &hi, "1.2.3", "node-07");
	text = metrics_render(m, 0);
	ok(strstr(text, "inventory_fingerprint=\"0123456789abcdef\",bmc_identity=\"2081020502bf570100470b\"} 1\n") != NULL,
	   "the fingerprint as 16 hex digits, the Get Device ID answer in hex");
	is_int(count_lines(text, "bmcwatch_info{"), 1, "one bmcwatch_info series: the old labels are gone");
	free(text);

	/* no DMI at all (a container, some ARM servers): the daemon goes on */
	snprintf(path, sizeof(path), "%s/none", dir);
	memset(&hi, 0, sizeof(hi));
	is_int(host_info_read_dmi(&hi, path), 0, "no DMI directory: nothing read, no error");
	host_info_export(m, &hi, "1.2.3", "node-07");
	text = metrics_render(m, 0);
	ok(strstr(text, "vendor=\"unknown\",model=\"unknown\"") != NULL, "and the model is unknown");
	free(text);

	/* a hostile or broken firmware string cannot break the exposition */
	write_file(dir, "product_name", "Board\nbmcwatch_info{x=\"y\"} 1\n");
	write_file(dir, "sys_vendor", "\xff\xfeVendor");
	host_info_read_dmi(&hi, dir);
	host_info_export(m, &hi, "1.2.3", "node-07");
	text = metrics_render(m, 0);
	ok(strstr(text, "vendor=\"??Vendor\",model=\"Board?bmcwatch_info{x=\\\"y\\\"} 1\"") != NULL &&
	   count_lines(text, "bmcwatch_info") == 1,
	   "a newline in a DMI string stays inside the label: still one series");
	free(text);

	host_health_export(m, true, 0);
	text = metrics_render(m, 0);
	ok(strstr(text, "bmcwatch_health{state=\"healthy\"} 1\n") &&
	   strstr(text, "bmcwatch_health{state=\"degraded\"} 0\n") &&
	   strstr(text, "bmcwatch_health{state=\"down\"} 0\n") &&
	   strstr(text, "bmcwatch_blind_spots 0\n"), "healthy: every state present, one at 1");
	free(text);
	host_health_export(m, true, 2);
	is_str(host_health_state(true, 2), "degraded", "a blind spot: degraded");
	ok(metrics_get(m, "bmcwatch_health", "state=\"degraded\"") == 1 &&
	   metrics_get(m, "bmcwatch_health", "state=\"healthy\"") == 0 &&
	   metrics_get(m, "bmcwatch_blind_spots", "") == 2, "degraded, 2 blind spots");
	host_health_export(m, false, 2);
	ok(metrics_get(m, "bmcwatch_health", "state=\"down\"") == 1 &&
	   metrics_get(m, "bmcwatch_health", "state=\"degraded\"") == 0,
	   "not watching: down, whatever the blind spots");
	/* for selftests/promrules: promtool check metrics reads this */
	if (getenv("BMCW_METRICS_DUMP")) {
		FILE *f = fopen(getenv("BMCW_METRICS_DUMP"), "w");

		text = metrics_render(m, 0);
		ok(f && fputs(text, f) >= 0 && !fclose(f), "exposition written to %s",
		   getenv("BMCW_METRICS_DUMP"));
		free(text);
	}
	metrics_free(m);
	snprintf(path, sizeof(path), "%s/sys_vendor", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/product_name", dir);
	unlink(path);
	rmdir(dir);
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
	test_label_value();
	test_host_info();
	test_textfile(m);
	test_http();
	test_addr();
	pipeline_free(p);
	policy_free(&pol);
	metrics_free(m);
	return tap_done();
}
