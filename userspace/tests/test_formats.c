/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output formats against golden files (fixed host name, pid and times), the
 * escaping rules of RFC 5424 and CEF, and the json:, cef: and syslog+udp
 * outputs end to end. UPDATE_GOLDEN=1 rewrites the golden files.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "output.h"
#include "alert_fixture.h"
#include "tap.h"

#define HOST "host-01.example"
#define MS 1000000ull

static void fixture(struct bmcw_alert *a)
{
	alert_fixture(a);
	/* Every character some format must escape. */
	strcpy(a->message, "BAR write \"0xf000\" = 1 [P2A] a\\b|c\nnext");
	strcpy(a->why, "no driver owns 03:00.0; write=unexpected\r\n");
	alert_add_extra(a, "odd key]", "v\"]");
}

static void health_fixture(struct bmcw_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->rule = "health.heartbeat";
	a->severity = BMCW_SEV_INFO;
	strcpy(a->message, "bmcwatch alive, inventory sha256:00ff");
	a->count = 1;
	a->first_ns = a->last_ns = 1714564800ull * 1000000000ull;
	a->seq = 1;
}

static char *slurp(const char *path)
{
	static char buf[3][16384];
	static int which;
	char *b = buf[which++ % 3];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	b[0] = '\0';
	if (f) {
		n = fread(b, 1, sizeof(buf[0]) - 1, f);
		fclose(f);
	}
	b[n] = '\0';
	return b;
}

/* Golden files hold the line plus a newline. */
static void golden(const char *name, const char *got)
{
	char path[256], want_line[16384];

	snprintf(path, sizeof(path), "golden/%s", name);
	if (getenv("UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		fprintf(f, "%s\n", got);
		fclose(f);
	}
	snprintf(want_line, sizeof(want_line), "%s", slurp(path));
	want_line[strcspn(want_line, "\n")] = '\0';
	is_str(got, want_line, "%s matches its golden file", name);
}

static void test_golden(void)
{
	struct bmcw_alert a, h;
	char buf[OUTPUT_LINE_MAX];

	fixture(&a);
	health_fixture(&h);
	ok(format_json(&a, HOST, buf, sizeof(buf)) > 0, "json formats");
	golden("alert.json", buf);
	ok(format_json(&h, HOST, buf, sizeof(buf)) > 0, "json formats a health event");
	golden("heartbeat.json", buf);
	ok(strstr(buf, "\"kind\":\"event\""), "health events are event.kind event");
	ok(format_rfc5424(&a, HOST, 777, buf, sizeof(buf)) > 0, "rfc5424 formats");
	golden("alert.rfc5424", buf);
	ok(!strchr(buf, '\n'), "rfc5424 message is one line");
	ok(format_rfc5424(&h, HOST, 777, buf, sizeof(buf)) > 0, "rfc5424 formats a health event");
	golden("heartbeat.rfc5424", buf);
	ok(format_cef(&a, HOST, buf, sizeof(buf)) > 0, "cef formats");
	golden("alert.cef", buf);
	ok(!strchr(buf, '\n') && !strchr(buf, '\r'), "cef line has no raw line break");
	ok(format_cef(&a, HOST, buf, 64) == -1, "a too small buffer is an error, not a cut line");
}

/*
 * Each format's times: the event's (first and last occurrence, the last as
 * the record's own time) apart from when the daemon made the alert.
 */
static void test_times(void)
{
	struct bmcw_alert a;
	char buf[OUTPUT_LINE_MAX];

	fixture(&a);	/* events at 12:00:00.005 .. 12:00:02.123, made 12:00:04.500 */
	format_json(&a, HOST, buf, sizeof(buf));
	ok(!strncmp(buf, "{\"@timestamp\":\"2024-05-01T12:00:02.123Z\"", 39),
	   "json: @timestamp is the last occurrence's event time");
	ok(strstr(buf, "\"created\":\"2024-05-01T12:00:04.500Z\"") &&
	   strstr(buf, "\"event\":{") < strstr(buf, "\"created\""),
	   "json: event.created is when the daemon made it");
	ok(strstr(buf, "\"first\":\"2024-05-01T12:00:00.005Z\",\"last\":\"2024-05-01T12:00:02.123Z\",\"time_source\":\"event\""),
	   "json: bmcwatch.first, .last and .time_source");
	format_rfc5424(&a, HOST, 777, buf, sizeof(buf));
	ok(!strncmp(buf, "<28>1 2024-05-01T12:00:02.123Z ", 31),
	   "rfc5424: TIMESTAMP is the last occurrence's event time");
	ok(strstr(buf, " first=\"2024-05-01T12:00:00.005Z\" last=\"2024-05-01T12:00:02.123Z\" time_source=\"event\" created=\"2024-05-01T12:00:04.500Z\""),
	   "rfc5424: first, last, time_source and created");
	format_cef(&a, HOST, buf, sizeof(buf));
	ok(strstr(buf, "|rt=1714564802123 ") && strstr(buf, " start=1714564800005 end=1714564802123 "),
	   "cef: rt and end the last occurrence, start the first");
	ok(strstr(buf, " deviceCustomDate1Label=created deviceCustomDate1=1714564804500 ") &&
	   strstr(buf, " cs6Label=timeSource cs6=event"),
	   "cef: deviceCustomDate1 created, cs6 timeSource");
	a.created_ns = 0;
	format_json(&a, HOST, buf, sizeof(buf));
	ok(!strstr(buf, "\"created\""), "json: no created without one (a formatter's caller's alert)");
	a.time_src = BMCW_TIME_WINDOW;
	format_rfc5424(&a, HOST, 777, buf, sizeof(buf));
	ok(strstr(buf, " time_source=\"window\" seq=") && !strstr(buf, "created="),
	   "rfc5424: a sweep's window, and no created without one");
}

static void test_escapes(void)
{
	char buf[128];

	rfc5424_escape_param("a\"b\\c]d", buf, sizeof(buf));
	is_str(buf, "a\\\"b\\\\c\\]d", "RFC 5424 PARAM-VALUE escapes \" \\ ]");
	rfc5424_escape_param("[x=y]", buf, sizeof(buf));
	is_str(buf, "[x=y\\]", "RFC 5424 leaves [ and = alone");
	is_int(rfc5424_escape_param("]]]]", buf, 8), -1, "RFC 5424 escape reports overflow");
	cef_escape_header("a|b\\c=d\ne", buf, sizeof(buf));
	is_str(buf, "a\\|b\\\\c=d e", "CEF header escapes | and \\, not =");
	cef_escape_ext("a|b\\c=d\ne\rf", buf, sizeof(buf));
	is_str(buf, "a|b\\\\c\\=d\\ne\\rf", "CEF extension escapes \\ = and line breaks, not |");
	format_rfc3339_ms(1714564800ull * 1000000000ull + 7 * MS + 999999, buf);
	is_str(buf, "2024-05-01T12:00:00.007Z", "RFC 3339 timestamp, UTC, milliseconds truncated");
}

static void test_file_outputs(void)
{
	struct output_env env = { .hostname = HOST, .pid = 777 };
	char jpath[] = "/tmp/bmcw-json-XXXXXX", cpath[] = "/tmp/bmcw-cef-XXXXXX";
	char spec[64], err[256], line[OUTPUT_LINE_MAX + 2];
	struct bmcw_alert a;
	struct output *o;

	fixture(&a);
	close(mkstemp(jpath));
	close(mkstemp(cpath));
	snprintf(spec, sizeof(spec), "json:%s", jpath);
	o = output_open(spec, &env, err, sizeof(err));
	ok(o && output_emit(o, &a) == 0 && output_emit(o, &a) == 0, "json: output writes");
	output_close(o);
	format_json(&a, HOST, line, sizeof(line));
	strcat(line, "\n");
	{
		char two[2 * sizeof(line)];

		snprintf(two, sizeof(two), "%s%s", line, line);
		is_str(slurp(jpath), two, "json: output appends one line per alert");
	}
	snprintf(spec, sizeof(spec), "cef:%s", cpath);
	o = output_open(spec, &env, err, sizeof(err));
	ok(o && output_emit(o, &a) == 0, "cef: output writes");
	output_close(o);
	format_cef(&a, HOST, line, sizeof(line));
	strcat(line, "\n");
	is_str(slurp(cpath), line, "cef: output writes the formatted line");
	/* below a file, not a directory: refused */
	snprintf(spec, sizeof(spec), "json:%s/x.json", cpath);
	o = output_open(spec, &env, err, sizeof(err));
	ok(!o && strstr(err, "cannot open"), "an unwritable path is refused: %s", err);
	unlink(jpath);
	unlink(cpath);
	{
		char dir[] = "/tmp/bmcw-logdir-XXXXXX", path[PATH_MAX];

		/* --learn by hand before the unit made /var/log/bmcwatch */
		ok(mkdtemp(dir) != NULL, "a scratch directory");
		snprintf(spec, sizeof(spec), "json:%s/new/sub/alerts.json", dir);
		o = output_open(spec, &env, err, sizeof(err));
		ok(o && output_emit(o, &a) == 0, "json: a missing directory is made: %s",
		   o ? spec : err);
		output_close(o);
		snprintf(path, sizeof(path), "%s/new/sub/alerts.json", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/new/sub", dir);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/new", dir);
		rmdir(path);
		rmdir(dir);
	}
}

static void test_udp(void)
{
	struct output_env env = { .hostname = HOST, .pid = 777 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	char spec[64], err[256], got[OUTPUT_LINE_MAX], want[OUTPUT_LINE_MAX];
	struct bmcw_alert a;
	struct output *o;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	snprintf(spec, sizeof(spec), "syslog+udp://127.0.0.1:%d", ntohs(sin.sin_port));
	fixture(&a);
	o = output_open(spec, &env, err, sizeof(err));
	ok(o && output_emit(o, &a) == 0, "syslog+udp sends");
	n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	got[n > 0 ? n : 0] = '\0';
	format_rfc5424(&a, HOST, 777, want, sizeof(want));
	is_str(got, want, "the datagram is exactly one RFC 5424 message");
	output_close(o);
	close(fd);
}

int main(void)
{
	test_golden();
	test_times();
	test_escapes();
	test_file_outputs();
	test_udp();
	return tap_done();
}
