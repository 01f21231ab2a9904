/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metrics endpoint against hostile clients, on loopback: the daemon's
 * limits (metrics_http_defaults) with a shorter idle timeout, on an
 * ephemeral port. The test's main thread plays the daemon's loop: it
 * publishes with metrics_export() while the clients misbehave.
 *
 *   a. GET /metrics: 200 and the series; other paths 404, other methods 405
 *   b. a slow-loris client (partial request, then silence) does not delay
 *      another client, and is cut off after the idle timeout
 *   c. a megabyte of headers is refused (431), the server lives on
 *   d. one connection over the per-address limit is refused at once; with
 *      every slot taken a new client is not served (it waits in the
 *      kernel's backlog); publishing goes on meanwhile, and once the
 *      holders go the waiting client and a later one get the new text
 *   and the server's thread takes none of the daemon's signals.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpc.h"
#include "metrics.h"
#include "tap.h"

#define SEC 1000000000ull
#define TIMEOUT_S 3		/* the test's idle timeout; the daemon's is 10 s */

static struct metrics_http_limits lim;
static char resp[1 << 20];

static int listen_ephemeral(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

static int get_metrics(int port)
{
	return httpc_request(port, HTTPC_GET_METRICS, resp, sizeof(resp), 2000);
}

/*
 * The daemon's SIGTERM and SIGHUP go to its signalfd, never to the server's
 * thread. Read once the thread has answered: a thread that has not run
 * yet shows every signal blocked (glibc starts it so).
 */
static void test_signals(void)
{
	char path[320], line[256];
	unsigned long long blk, want = (1ull << (SIGTERM - 1)) | (1ull << (SIGHUP - 1));
	int others = 0, blocking = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/task");

	while (d && (e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.' || atoi(e->d_name) == getpid())
			continue;
		others++;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1 && (blk & want) == want)
				blocking++;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	ok(others >= 1 && blocking == others,
	   "the server's thread blocks SIGTERM and SIGHUP (%d of %d threads)", blocking, others);
}

static void test_normal(struct metrics *m, int port)
{
	int fd;

	is_int(get_metrics(port), 503, "(a) nothing published yet: 503");
	metrics_set(m, "bmcwatch_test_published", "", 1);
	ok(metrics_export(m, 5 * SEC) == 0, "(a) the loop publishes");
	is_int(get_metrics(port), 200, "(a) GET /metrics: 200");
	ok(strstr(resp, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != NULL,
	   "(a) the 0.0.4 text format");
	ok(strstr(httpc_body(resp), "# TYPE bmcwatch_test_published gauge\nbmcwatch_test_published 1\n") &&
	   strstr(httpc_body(resp), "bmcwatch_uptime_seconds 5\n"), "(a) the series published");
	is_int(httpc_request(port, "HEAD /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
			     resp, sizeof(resp), 2000), 200, "(a) HEAD /metrics: 200");
	is_str(httpc_body(resp), "", "(a) without a body");
	is_int(httpc_request(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
			     resp, sizeof(resp), 2000), 404, "(a) GET /: 404");
	is_int(httpc_request(port, "GET /metricsx HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
			     resp, sizeof(resp), 2000), 404, "(a) GET /metricsx: 404");
	is_int(httpc_request(port, "POST /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
			     "Content-Length: 5\r\n\r\nhello", resp, sizeof(resp), 2000),
	       405, "(a) POST /metrics: 405");
	ok(strstr(resp, "\r\nAllow: GET, HEAD\r\n") != NULL, "(a) saying what is allowed");
	fd = httpc_connect(port);
	httpc_send(fd, "GARBAGE\r\n\r\n");
	ok(httpc_read_all(fd, resp, sizeof(resp), 2000) && !resp[0],
	   "(a) not HTTP: closed without an answer");
	close(fd);
}

static void test_slow_loris(int port)
{
	long long t0, took;
	int slow, code, cut;

	slow = httpc_connect(port);
	ok(slow >= 0 && httpc_send(slow, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") == 0,
	   "(b) a client sends half a request and stalls");
	t0 = httpc_now_ms();
	code = get_metrics(port);
	took = httpc_now_ms() - t0;
	is_int(code, 200, "(b) meanwhile another client is served");
	ok(took < 1000, "(b) at once (%lld ms)", took);
	cut = httpc_closed_within(slow, (TIMEOUT_S + 3) * 1000);
	took = httpc_now_ms() - t0;
	ok(cut && took >= (TIMEOUT_S - 1) * 1000,
	   "(b) the stalled client is cut off after the idle timeout (%lld ms, timeout %d s)",
	   took, TIMEOUT_S);
	close(slow);
}

/* Headers until len bytes are sent or the server stops taking them. */
static size_t flood(int fd, size_t len, int one_line)
{
	char chunk[1024];
	size_t sent = 0;
	long long end = httpc_now_ms() + 5000;
	int i = 0;

	while (sent < len && httpc_now_ms() < end) {
		ssize_t n;

		if (one_line)
			memset(chunk, 'a', sizeof(chunk));
		else
			snprintf(chunk, sizeof(chunk), "X-Pad-%06d: %0*d\r\n", i++, 1000, 0);
		n = send(fd, chunk, one_line ? sizeof(chunk) : strlen(chunk),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			sent += n;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			poll(&p, 1, 100);
		} else {
			break;		/* closed or reset: refused */
		}
	}
	return sent;
}

static void test_huge(int port)
{
	static const char *const how[] = { "1 MiB of headers", "a 1 MiB header line" };

	for (int one_line = 0; one_line < 2; one_line++) {
		int fd = httpc_connect(port), code;
		size_t sent;

		httpc_send(fd, one_line ? "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Long: " :
			   "GET /metrics HTTP/1.1\r\nHost: a\r\n");
		sent = flood(fd, 1 << 20, one_line);
		if (sent >= 1 << 20)
			httpc_send(fd, "\r\n\r\n");
		ok(httpc_read_all(fd, resp, sizeof(resp), 3000), "(c) %s: the server closes (%zu bytes taken)",
		   how[one_line], sent);
		code = httpc_status(resp);
		ok(code == 431, "(c) %s: refused, 431 (got %d)", how[one_line], code);
		close(fd);
		is_int(get_metrics(port), 200, "(c) after %s, the server still serves", how[one_line]);
	}
}

/* Open n connections from 127.0.0.src, each with half a request. */
static int hold_slots(int *fds, int n, int src, int port)
{
	for (int i = 0; i < n; i++) {
		fds[i] = httpc_connect_from(src, port);
		if (fds[i] < 0 || httpc_send(fds[i], "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
			return -1;
	}
	return 0;
}

/* How many of fds the server has not closed. */
static int still_open(const int *fds, int n)
{
	int open = 0;

	for (int i = 0; i < n; i++)
		open += fds[i] >= 0 && !httpc_closed_within(fds[i], 0);
	return open;
}

/*
 * Stalled clients: first per_ip from one address, then from more
 * addresses until every slot is taken. The server refuses more from a
 * full address at once; while every slot is taken it accepts nobody, and
 * a new client waits in the kernel's backlog until slots free.
 */
static void test_flood(struct metrics *m, int port)
{
	int hold[64] = { 0 }, n = 0, extra, late, code = 0;
	long long t0, took, end;

	ok(hold_slots(hold, lim.per_ip, 10, port) == 0, "(d) %u stalled clients from 127.0.0.10",
	   lim.per_ip);
	n = lim.per_ip;
	extra = httpc_connect_from(10, port);
	httpc_send(extra, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	ok(httpc_closed_within(extra, 1000),
	   "(d) one more from that address is refused at once (per-address limit %u)", lim.per_ip);
	close(extra);
	for (int src = 11; n < (int)lim.connections; src++) {
		int k = (int)lim.connections - n < (int)lim.per_ip ?
			(int)lim.connections - n : (int)lim.per_ip;

		if (hold_slots(hold + n, k, src, port))
			break;
		n += k;
	}
	usleep(300 * 1000);
	is_int(still_open(hold, n), lim.connections,
	       "(d) %u stalled clients, at most %u an address: none refused", lim.connections,
	       lim.per_ip);

	late = httpc_connect_from(99, port);
	ok(late >= 0 && httpc_send(late, HTTPC_GET_METRICS) == 0,
	   "(d) a client from a new address connects (the kernel's backlog)");
	ok(!httpc_read_all(late, resp, sizeof(resp), 500) && !resp[0],
	   "(d) and is not served while the %u slots are taken", lim.connections);

	/* The daemon side, meanwhile. */
	metrics_set(m, "bmcwatch_test_published", "", 2);
	t0 = httpc_now_ms();
	ok(metrics_export(m, 6 * SEC) == 0, "(d) with every slot taken the loop still publishes");
	took = httpc_now_ms() - t0;
	ok(took < 500, "(d) without waiting (%lld ms)", took);

	for (int i = 0; i < n; i++)
		close(hold[i]);
	httpc_read_all(late, resp, sizeof(resp), 2000);
	code = httpc_status(resp);
	is_int(code, 200, "(d) once they go, the waiting client is served");
	close(late);
	/* MHD notices the closes on its next turn: a few tries. */
	end = httpc_now_ms() + 2000;
	while (httpc_now_ms() < end && (code = get_metrics(port)) != 200)
		usleep(50 * 1000);
	is_int(code, 200, "(d) and so is a later client");
	ok(strstr(httpc_body(resp), "bmcwatch_test_published 2\n") &&
	   strstr(httpc_body(resp), "bmcwatch_uptime_seconds 6\n"),
	   "(d) with what was published meanwhile");
}

/* A large exposition fits no connection's memory limit, and needs not. */
static void test_large(struct metrics *m, int port)
{
	char labels[128], *text;
	size_t want;

	metrics_declare(m, "bmcwatch_test_many", METRIC_GAUGE, "Many series.");
	for (int i = 0; i < 3000; i++) {
		snprintf(labels, sizeof(labels), "hook=\"a_rather_long_hook_name_%06d\"", i);
		metrics_set(m, "bmcwatch_test_many", labels, i);
	}
	text = metrics_render(m, 7 * SEC);
	want = strlen(text);
	free(text);
	metrics_export(m, 7 * SEC);
	is_int(get_metrics(port), 200, "a %zu-byte exposition is served", want);
	is_int(strlen(httpc_body(resp)), want, "whole");
}

int main(void)
{
	struct metrics *m = metrics_new(0);
	int port = 0, fd = listen_ephemeral(&port);

	signal(SIGPIPE, SIG_IGN);
	lim = metrics_http_defaults;
	lim.timeout_s = TIMEOUT_S;
	metrics_declare(m, "bmcwatch_test_published", METRIC_GAUGE, "What the loop published.");
	ok(fd >= 0 && metrics_open_http(m, fd, &lim) == 0,
	   "endpoint on 127.0.0.1:%d (limits: %u connections, %u per address, %u KiB each)",
	   port, lim.connections, lim.per_ip, (unsigned int)(lim.memory / 1024));
	test_normal(m, port);
	test_signals();		/* after a request: the thread has run */
	test_slow_loris(port);
	test_huge(port);
	test_flood(m, port);
	test_large(m, port);
	metrics_free(m);
	ok(fcntl(fd, F_GETFD) == -1, "stopping closes the listening socket");
	return tap_done();
}
