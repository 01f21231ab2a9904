/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog+tcp://HOST:PORT and syslog+tls://HOST:PORT: RFC 5424 messages
 * framed by octet counting ("LEN SP MSG": RFC 6587 3.4.1, RFC 5425 4.3),
 * over plain TCP or over TLS (output_tls.c), with an on-disk spool.
 *
 * Delivery: every record goes to the spool first and stays there until the
 * collector's TCP has acknowledged its last byte, which is the bytes
 * written to the socket minus those it still holds unacknowledged
 * (SIOCOUTQ). A connection that dies - reset, closed by the collector, or
 * silent for ack_timeout_ms (TCP_USER_TIMEOUT, so a cut link is noticed) -
 * takes nothing with it: its unacknowledged records are sent again, in
 * order, on the next connection. New records queue behind the spool so
 * the order holds.
 *
 * Limits: syslog over TCP has no acknowledgement from the application. A
 * record the collector's kernel acknowledged but the collector never read
 * (it crashed at that moment) is lost, and a record that arrived but whose
 * acknowledgement was lost with the connection arrives twice. RELP would
 * close both gaps; the collector would have to speak it.
 *
 * The socket is non-blocking throughout; connects and TLS handshakes time
 * out and are retried with exponential backoff from output_tick(), so a
 * dead collector costs the main loop nothing.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "log.h"
#include "output.h"
#include "output_net.h"
#include "output_tls.h"
#include "spool.h"

#define STREAM_CONNECT_TIMEOUT_MS	3000	/* connect + TLS handshake */
#define STREAM_BACKOFF_MIN_MS		1000
#define STREAM_BACKOFF_MAX_MS		60000
#define STREAM_ACK_TIMEOUT_MS		30000
/* At exit, how long to wait for the collector to acknowledge what is sent. */
#define STREAM_CLOSE_WAIT_MS		3000
/*
 * TLS 1.3 servers check a client certificate after the client considers
 * the handshake done: a server that refuses it has TCP-acknowledged the
 * first records, then drops them. Acknowledgements count only once a TLS
 * session has lived this long.
 */
#define STREAM_TLS_SETTLE_MS		2000
#define INFLIGHT_MAX			4096

enum stream_state { ST_DOWN, ST_CONNECTING, ST_HANDSHAKE, ST_UP };

/* A record sent on the current connection, not yet acknowledged. */
struct inflight {
	uint64_t wire_end;	/* the connection's byte count after its last byte */
	uint32_t size;		/* its size in the spool */
};

struct stream_out {
	struct net_addr addr;
	char where[300];	/* HOST:PORT, for messages */
	char name[256];		/* HOST, which the server's certificate must name */
	struct spool *spool;
	struct tls_client *tls;	/* NULL: plain TCP */
	struct tls_conn *conn;
	int fd;
	enum stream_state state;
	uint64_t started_ms;	/* of the current connect + handshake */
	uint64_t trusted_ms;	/* acknowledgements count from then on */
	uint64_t next_attempt_ms;
	unsigned int backoff_ms;
	uint64_t pushed;	/* bytes written to this connection's socket */
	size_t partial;		/* bytes of the next record already written */
	uint64_t send_off;	/* spool offset (past its oldest) of the next record */
	struct inflight fl[INFLIGHT_MAX];
	unsigned int fl_head, fl_n;
	bool complained;	/* the current failure is logged */
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned int env_or(unsigned int v, unsigned int def)
{
	return v ? v : def;
}

static void stream_stats(struct output *o, struct stream_out *t)
{
	o->stats.spool_records = spool_records(t->spool);
	o->stats.spool_bytes = spool_bytes(t->spool);
	o->stats.in_flight = t->fl_n;
}

/* Drop from the spool what the collector's TCP has acknowledged. */
static void stream_acked(struct output *o, struct stream_out *t)
{
	uint64_t acked, before, off = 0;
	unsigned int n = 0;
	int outq;

	if (t->fd < 0 || !t->fl_n || mono_ms() < t->trusted_ms ||
	    ioctl(t->fd, SIOCOUTQ, &outq) || outq < 0)
		return;
	acked = t->pushed - (uint64_t)outq;
	while (n < t->fl_n && t->fl[(t->fl_head + n) % INFLIGHT_MAX].wire_end <= acked) {
		off += t->fl[(t->fl_head + n) % INFLIGHT_MAX].size;
		n++;
	}
	if (!n)
		return;
	before = spool_records(t->spool);
	if (spool_drop(t->spool, n))
		bmcw_log(LOG_ERR, "output %s: spool: %s", o->spec, strerror(errno));
	if (spool_records(t->spool) == before)
		return;		/* nothing dropped: they will be sent again */
	t->fl_head = (t->fl_head + n) % INFLIGHT_MAX;
	t->fl_n -= n;
	t->send_off -= off;
}

static void stream_fail(struct output *o, struct stream_out *t, const char *why)
{
	/* Once per failure, not at every retry. */
	if (!t->complained || strcmp(o->stats.last_error, why))
		bmcw_log(LOG_WARNING, "output %s: %s (alerts stay in the spool until delivered)",
			 o->spec, why);
	t->complained = true;
	snprintf(o->stats.last_error, sizeof(o->stats.last_error), "%s", why);
}

/* The connection is gone, why as printf: "HOST:PORT: " and the reason. */
static void stream_down(struct output *o, struct stream_out *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void stream_down(struct output *o, struct stream_out *t, const char *fmt, ...)
{
	unsigned int max = env_or(o->env.backoff_max_ms, STREAM_BACKOFF_MAX_MS);
	char why[sizeof(o->stats.last_error)];
	int n = snprintf(why, sizeof(why), "%s: ", t->where);
	va_list ap;

	if (n > 0 && (size_t)n < sizeof(why)) {
		va_start(ap, fmt);
		vsnprintf(why + n, sizeof(why) - n, fmt, ap);
		va_end(ap);
	}
	stream_acked(o, t);
	/* What the dead connection did not acknowledge goes again, in order. */
	o->stats.resent += t->fl_n;
	t->fl_n = t->fl_head = 0;
	t->send_off = 0;
	t->partial = 0;
	tls_conn_free(t->conn);
	t->conn = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->state = ST_DOWN;
	t->next_attempt_ms = mono_ms() + t->backoff_ms;
	t->backoff_ms = t->backoff_ms * 2 > max ? max : t->backoff_ms * 2;
	o->stats.connected = false;
	stream_fail(o, t, why);
	stream_stats(o, t);
}

static void stream_up(struct output *o, struct stream_out *t)
{
	t->state = ST_UP;
	t->trusted_ms = mono_ms() + (t->tls ? STREAM_TLS_SETTLE_MS : 0);
	t->backoff_ms = env_or(o->env.backoff_min_ms, STREAM_BACKOFF_MIN_MS);
	o->stats.connected = true;
	o->stats.connects++;
}

/* Say a failure is over once the connection has proven itself. */
static void stream_settled(struct output *o, struct stream_out *t)
{
	if (!t->complained || mono_ms() < t->trusted_ms)
		return;
	bmcw_log(LOG_NOTICE, "output %s: connected, %llu alerts to send from the spool",
		 o->spec, (unsigned long long)spool_records(t->spool));
	t->complained = false;
}

static void stream_handshake(struct output *o, struct stream_out *t)
{
	unsigned int limit = env_or(o->env.connect_timeout_ms, STREAM_CONNECT_TIMEOUT_MS);
	char err[192];
	int r = tls_conn_handshake(t->conn, err, sizeof(err));

	if (r > 0)
		stream_up(o, t);
	else if (r < 0)
		stream_down(o, t, "%s", err);
	else if (mono_ms() - t->started_ms > limit)
		stream_down(o, t, "TLS handshake timed out after %u ms", limit);
}

static void stream_connected(struct output *o, struct stream_out *t)
{
	char err[192];

	if (!t->tls) {
		stream_up(o, t);
		return;
	}
	t->conn = tls_conn_new(t->tls, t->fd, t->name, &t->pushed, err, sizeof(err));
	if (!t->conn) {
		stream_down(o, t, "%s", err);
		return;
	}
	t->state = ST_HANDSHAKE;
	stream_handshake(o, t);
}

static void stream_connect_failed(struct output *o, struct stream_out *t, int err)
{
	stream_down(o, t, "connect: %s", strerror(err));
}

static void stream_connect(struct output *o, struct stream_out *t)
{
	unsigned int uto = env_or(o->env.ack_timeout_ms, STREAM_ACK_TIMEOUT_MS);

	t->pushed = 0;
	t->started_ms = mono_ms();
	t->fd = socket(t->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		stream_connect_failed(o, t, errno);
		return;
	}
	/* Without it a cut link holds the records in a dead socket for ~15 min. */
	setsockopt(t->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &uto, sizeof(uto));
	if (connect(t->fd, (struct sockaddr *)&t->addr.ss, t->addr.len) == 0)
		stream_connected(o, t);
	else if (errno == EINPROGRESS)
		t->state = ST_CONNECTING;
	else
		stream_connect_failed(o, t, errno);
}

static void stream_check_connect(struct output *o, struct stream_out *t)
{
	unsigned int limit = env_or(o->env.connect_timeout_ms, STREAM_CONNECT_TIMEOUT_MS);
	struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, 0) == 1) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len))
			err = errno;
		if (err)
			stream_connect_failed(o, t, err);
		else
			stream_connected(o, t);
	} else if (mono_ms() - t->started_ms > limit) {
		stream_connect_failed(o, t, ETIMEDOUT);
	}
}

/* 0 while the connection is fine; -1 with why when it is gone. */
static int stream_peer_check(struct stream_out *t, char *why, size_t len)
{
	char buf[512];
	ssize_t n;

	if (t->conn)
		return tls_conn_poll_peer(t->conn, why, len);
	/* A syslog collector never talks back: read and drop, to see EOF. */
	for (;;) {
		n = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0) {
			errmsg_set(why, len, "the collector closed the connection");
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		errmsg_set(why, len, "connection lost: %s", strerror(errno));
		return -1;
	}
}

/* Bytes taken (maybe fewer than len), 0 to retry later, -1 dead. */
static ssize_t stream_write(struct stream_out *t, const char *buf, size_t len,
			    char *why, size_t whylen)
{
	ssize_t n;

	if (t->conn)
		return tls_conn_send(t->conn, buf, len, why, whylen);
	n = send(t->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n >= 0) {
		t->pushed += n;
		return n;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	errmsg_set(why, whylen, "send: %s", strerror(errno));
	return -1;
}

/*
 * Send spooled records in order until the socket is full or all are sent.
 * direct: the records are being sent as they are emitted, not replayed.
 */
static void stream_drain(struct output *o, struct stream_out *t, bool direct)
{
	char frame[OUTPUT_LINE_MAX + 16], why[192];
	uint32_t len, size;
	uint64_t seq;
	ssize_t n;
	int r;

	while (t->state == ST_UP) {
		stream_acked(o, t);
		if (t->fl_n == INFLIGHT_MAX)
			break;
		r = spool_read_at(t->spool, t->send_off, &seq, frame, sizeof(frame),
				  &len, &size);
		if (r < 0)
			bmcw_log(LOG_ERR, "output %s: spool: %s", o->spec, strerror(errno));
		if (r <= 0)
			break;
		n = stream_write(t, frame + t->partial, len - t->partial, why, sizeof(why));
		if (n < 0) {
			stream_down(o, t, "%s", why);
			break;
		}
		t->partial += n;
		if (t->partial < len)
			break;		/* the socket is full: the rest at the next tick */
		t->partial = 0;
		t->fl[(t->fl_head + t->fl_n) % INFLIGHT_MAX] =
			(struct inflight){ .wire_end = t->pushed, .size = size };
		t->fl_n++;
		t->send_off += size;
		if (!direct)
			o->stats.replayed++;
	}
	stream_acked(o, t);
	stream_stats(o, t);
}

static void stream_tick(struct output *o)
{
	struct stream_out *t = o->priv;
	char why[192];

	if (t->state == ST_DOWN && mono_ms() >= t->next_attempt_ms)
		stream_connect(o, t);
	if (t->state == ST_CONNECTING)
		stream_check_connect(o, t);
	if (t->state == ST_HANDSHAKE)
		stream_handshake(o, t);
	if (t->state == ST_UP && stream_peer_check(t, why, sizeof(why)))
		stream_down(o, t, "%s", why);
	if (t->state == ST_UP) {
		stream_settled(o, t);
		stream_drain(o, t, false);
	}
	stream_stats(o, t);
}

static int stream_emit(struct output *o, const struct bmcw_alert *a)
{
	struct stream_out *t = o->priv;
	char msg[OUTPUT_LINE_MAX], frame[OUTPUT_LINE_MAX + 16];
	bool direct;
	int mlen, flen;

	mlen = format_rfc5424(a, o->hostname, o->pid, msg, sizeof(msg));
	if (mlen < 0)
		return -1;
	flen = snprintf(frame, sizeof(frame), "%d %s", mlen, msg);
	if (flen < 0 || flen >= (int)sizeof(frame))
		return -1;

	stream_tick(o);
	/* Sent at once only with nothing waiting ahead of it. */
	direct = t->state == ST_UP && spool_records(t->spool) == t->fl_n;
	/* Written ahead: it stays on disk until acknowledged. */
	if (spool_append(t->spool, a->seq, frame, flen)) {
		bmcw_log(LOG_ERR, "output %s: spool: %s; alert seq %llu lost", o->spec,
			 strerror(errno), (unsigned long long)a->seq);
		return -1;
	}
	if (direct)
		stream_drain(o, t, true);
	stream_stats(o, t);
	return 0;
}

static int stream_open(struct output *o, const char *arg, bool tls)
{
	struct stream_out *t = calloc(1, sizeof(*t));
	const char *hostport = arg + 2, *colon = strrchr(hostport, ':');
	size_t n = colon - hostport;
	char *err = o->stats.last_error;
	size_t errlen = sizeof(o->stats.last_error);

	if (!t)
		return -1;
	t->fd = -1;
	o->stats.remote = true;
	snprintf(t->where, sizeof(t->where), "%s", hostport);
	if (n >= 2 && hostport[0] == '[' && hostport[n - 1] == ']') {
		hostport++;
		n -= 2;
	}
	snprintf(t->name, sizeof(t->name), "%.*s", (int)n, hostport);
	if (net_addr_resolve(arg + 2, SOCK_STREAM, &t->addr)) {
		errmsg_set(err, errlen, "cannot resolve %s", t->where);
		goto fail;
	}
	if (tls) {
		t->tls = tls_client_new(o->env.tls_ca, o->env.tls_cert, o->env.tls_key,
					err, errlen);
		if (!t->tls)
			goto fail;
	}
	t->spool = spool_open(o->env.spool_dir ? o->env.spool_dir :
			      "/var/lib/bmcwatch/spool", o->spec,
			      o->env.spool_fsync, err, errlen);
	if (!t->spool)
		goto fail;
	t->backoff_ms = env_or(o->env.backoff_min_ms, STREAM_BACKOFF_MIN_MS);
	o->priv = t;
	stream_stats(o, t);
	stream_connect(o, t);
	return 0;
fail:
	tls_client_free(t->tls);
	free(t);
	return -1;
}

static int tcp_open(struct output *o, const char *arg)
{
	return stream_open(o, arg, false);
}

static int tls_open(struct output *o, const char *arg)
{
	return stream_open(o, arg, true);
}

static void stream_close(struct output *o)
{
	struct stream_out *t = o->priv;
	struct timespec ts = { 0, 10 * 1000000L };
	uint64_t until = mono_ms() + STREAM_CLOSE_WAIT_MS;

	/*
	 * Last chance to deliver. Waiting a moment for the acknowledgements
	 * keeps the next start from sending again what the collector has;
	 * what is left stays spooled for next time.
	 */
	stream_tick(o);
	while (t->state == ST_UP && spool_records(t->spool) && mono_ms() < until) {
		nanosleep(&ts, NULL);
		stream_tick(o);
	}
	tls_conn_free(t->conn);
	if (t->fd >= 0)
		close(t->fd);
	spool_close(t->spool);
	tls_client_free(t->tls);
	free(t);
}

const struct output_ops output_syslog_tcp_ops = {
	.scheme = "syslog+tcp",
	.open = tcp_open,
	.emit = stream_emit,
	.tick = stream_tick,
	.close = stream_close,
};

const struct output_ops output_syslog_tls_ops = {
	.scheme = "syslog+tls",
	.open = tls_open,
	.emit = stream_emit,
	.tick = stream_tick,
	.close = stream_close,
};
