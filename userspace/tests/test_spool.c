/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spool on its own (order, persistence across reopen, torn tail) and
 * syslog+tcp against a loopback receiver that goes down and comes back:
 * every alert must arrive exactly once and in order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "spool.h"
#include "tap.h"

static char dir[] = "/tmp/bmcw-spool-XXXXXX";

static void test_spool_basics(void)
{
	char err[256], buf[64], path[300];
	struct spool *s = spool_open(dir, "unit", false, err, sizeof(err));
	uint64_t seq;
	uint32_t len;
	int fd;

	ok(s != NULL, "spool opens (%s)", s ? "ok" : err);
	spool_append(s, 1, "one", 3);
	spool_append(s, 2, "two", 3);
	spool_append(s, 3, "three", 5);
	is_int(spool_records(s), 3, "three records queued");
	ok(spool_peek(s, &seq, buf, sizeof(buf), &len) == 1 && seq == 1 &&
	   len == 3 && !memcmp(buf, "one", 3), "oldest first");
	spool_pop(s);
	spool_close(s);

	/* A crash mid-append leaves a torn record: it must be cut, not replayed. */
	snprintf(path, sizeof(path), "%s/unit.spool", dir);
	fd = open(path, O_WRONLY | O_APPEND);
	ok(write(fd, "\x53\x50\x4f\x4c\xff", 5) == 5, "simulate a torn record");
	close(fd);
	s = spool_open(dir, "unit", false, err, sizeof(err));
	is_int(spool_records(s), 2, "after reopen: delivered record stays delivered, torn tail cut");
	ok(spool_peek(s, &seq, buf, sizeof(buf), &len) == 1 && seq == 2, "resumes at record 2");
	spool_pop(s);
	spool_pop(s);
	is_int(spool_records(s), 0, "drained");
	is_int(spool_bytes(s), 0, "and the file is reset");
	spool_close(s);
}

static int listen_on(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What the receiver has read so far, and the seqs parsed from its frames. */
struct receiver {
	int lfd, cfd;
	char buf[1 << 16];
	size_t used;
	int seqs[256];
	int n;
};

static void receiver_poll(struct receiver *r)
{
	ssize_t n;

	if (r->cfd < 0)
		r->cfd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK);
	if (r->cfd < 0)
		return;
	while ((n = recv(r->cfd, r->buf + r->used, sizeof(r->buf) - r->used, 0)) > 0)
		r->used += n;
	/* Octet counting: "LEN SP MSG", repeated. */
	for (;;) {
		char *sp = memchr(r->buf, ' ', r->used), *seq;
		size_t len, hdr;

		if (!sp)
			break;
		len = strtoul(r->buf, NULL, 10);
		hdr = sp - r->buf + 1;
		if (r->used < hdr + len)
			break;
		seq = memmem(r->buf + hdr, len, "seq=\"", 5);
		if (seq && r->n < 256)
			r->seqs[r->n++] = atoi(seq + 5);
		memmove(r->buf, r->buf + hdr + len, r->used - hdr - len);
		r->used -= hdr + len;
	}
}

static void receiver_down(struct receiver *r)
{
	receiver_poll(r);
	if (r->cfd >= 0)
		close(r->cfd);
	close(r->lfd);
	r->cfd = r->lfd = -1;
}

static void pump(struct output *o, struct receiver *r, int ms)
{
	struct timespec ts = { 0, 5 * 1000000L };

	for (int i = 0; i < ms / 5; i++) {
		output_tick(o);
		if (r->lfd >= 0)
			receiver_poll(r);
		nanosleep(&ts, NULL);
	}
}

static void emit_seq(struct output *o, uint64_t seq)
{
	struct bmcw_alert a = { .rule = "pcie.config_write", .count = 1, .seq = seq };

	snprintf(a.message, sizeof(a.message), "alert %llu", (unsigned long long)seq);
	output_emit(o, &a);
}

static void test_tcp_outage(void)
{
	struct output_env env = { .hostname = "h", .pid = 1, .spool_dir = dir,
				  .backoff_min_ms = 10, .backoff_max_ms = 40,
				  .connect_timeout_ms = 200 };
	static struct receiver r = { .cfd = -1 };
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	char spec[64], err[256];
	struct output *o;
	int port, in_order = 1, seq = 1;

	r.lfd = listen_on(0);
	getsockname(r.lfd, (struct sockaddr *)&sin, &slen);
	port = ntohs(sin.sin_port);
	snprintf(spec, sizeof(spec), "syslog+tcp://127.0.0.1:%d", port);
	o = output_open(spec, &env, err, sizeof(err));
	ok(o != NULL, "syslog+tcp opens (%s)", o ? spec : err);
	if (!o)
		return;
	pump(o, &r, 50);
	for (; seq <= 5; seq++)
		emit_seq(o, seq);
	pump(o, &r, 50);
	is_int(r.n, 5, "peer up: 5 alerts delivered");

	receiver_down(&r);
	for (; seq <= 12; seq++) {
		emit_seq(o, seq);
		pump(o, &r, 10);
	}
	ok(!o->stats.connected, "output sees the peer is gone");
	is_int(o->stats.spool_records, 7, "the 7 alerts sent while down are spooled");
	ok(o->stats.spool_bytes > 0, "spool bytes are reported");

	r.lfd = listen_on(port);
	ok(r.lfd >= 0, "peer comes back on the same port");
	emit_seq(o, seq++);	/* queued behind the spool, not ahead of it */
	pump(o, &r, 500);
	is_int(o->stats.spool_records, 0, "spool drained after reconnect");
	is_int(r.n, 13, "all 13 alerts arrived once");
	for (int i = 0; i < r.n; i++)
		if (r.seqs[i] != i + 1)
			in_order = 0;
	ok(in_order, "in order, no duplicates");
	if (!in_order)
		for (int i = 0; i < r.n; i++)
			diag("received seq %d", r.seqs[i]);
	is_int(o->stats.errors, 0, "no alert was lost");
	output_close(o);
	receiver_down(&r);
}

/*
 * A collector that stops reading: once its window is full the records sit
 * unacknowledged in our socket, and they must stay in the spool (in
 * flight) until its TCP acknowledges them.
 */
static void test_tcp_unacked(void)
{
	struct output_env env = { .hostname = "h", .pid = 1, .spool_dir = dir,
				  .backoff_min_ms = 10, .backoff_max_ms = 40,
				  .connect_timeout_ms = 200 };
	static struct receiver r = { .cfd = -1 };
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int port, small = 4096, in_order = 1;
	char spec[64], err[256];
	struct output *o;
	uint64_t held, flight;

	r.lfd = listen_on(0);
	setsockopt(r.lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	getsockname(r.lfd, (struct sockaddr *)&sin, &slen);
	port = ntohs(sin.sin_port);
	snprintf(spec, sizeof(spec), "syslog+tcp://127.0.0.1:%d", port);
	o = output_open(spec, &env, err, sizeof(err));
	ok(o != NULL, "syslog+tcp opens (%s)", o ? spec : err);
	if (!o)
		return;
	pump(o, &r, 50);		/* connected and accepted; then nobody reads */
	for (int seq = 1; seq <= 200; seq++) {
		struct bmcw_alert a = { .rule = "pcie.config_write", .count = 1, .seq = seq };

		memset(a.message, 'x', sizeof(a.message) - 1);
		memset(a.why, 'y', sizeof(a.why) - 1);
		output_emit(o, &a);
		output_tick(o);
	}
	held = o->stats.spool_records;
	flight = o->stats.in_flight;
	ok(held > 0 && flight > 0 && flight <= held,
	   "collector not reading: %llu alerts kept, %llu of them sent and unacknowledged",
	   (unsigned long long)held, (unsigned long long)flight);
	for (int i = 0; i < 400 && (r.n < 200 || o->stats.spool_records); i++) {
		if (r.cfd >= 0)
			receiver_poll(&r);
		pump(o, &r, 5);
	}
	is_int(o->stats.spool_records, 0, "collector reads again: all acknowledged, spool empty");
	is_int(r.n, 200, "all 200 arrived");
	for (int i = 0; i < r.n; i++)
		if (r.seqs[i] != i + 1)
			in_order = 0;
	ok(in_order, "in order, once each");
	output_close(o);
	receiver_down(&r);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_spool_basics();
	test_tcp_outage();
	test_tcp_unacked();
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not clean %s", dir);
	}
	return tap_done();
}
