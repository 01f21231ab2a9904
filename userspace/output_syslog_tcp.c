/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog+tcp://HOST:PORT: RFC 5424 messages framed by octet counting
 * (RFC 6587 3.4.1, "LEN SP MSG"), with an on-disk spool.
 *
 * The socket is non-blocking throughout; connects time out and are retried
 * with exponential backoff from output_tick(), so a dead peer costs the main
 * loop nothing. While the spool holds anything, new messages go behind it
 * to keep the order; the spool drains when the peer is back.
 *
 * Limit: plain TCP syslog has no acknowledgements. A peer that closes
 * cleanly is seen (EOF) before the next write, so an orderly restart of the
 * collector loses nothing; a peer that vanishes without a FIN can lose what
 * was in the socket buffer at that moment.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "output_net.h"
#include "spool.h"

#define TCP_CONNECT_TIMEOUT_MS	3000
#define TCP_BACKOFF_MIN_MS	1000
#define TCP_BACKOFF_MAX_MS	60000

enum tcp_state { TCP_DOWN, TCP_CONNECTING, TCP_UP };

struct tcp_out {
	struct net_addr addr;
	struct spool *spool;
	int fd;
	enum tcp_state state;
	uint64_t connect_started_ms;
	uint64_t next_attempt_ms;
	unsigned int backoff_ms;
	size_t head_sent;	/* bytes of the spool's head already on this connection */
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

static void tcp_down(struct output *o, struct tcp_out *t)
{
	unsigned int max = env_or(o->env.backoff_max_ms, TCP_BACKOFF_MAX_MS);

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->state = TCP_DOWN;
	/* A half-sent frame is resent whole on the next connection. */
	t->head_sent = 0;
	t->next_attempt_ms = mono_ms() + t->backoff_ms;
	t->backoff_ms = t->backoff_ms * 2 > max ? max : t->backoff_ms * 2;
	o->stats.connected = false;
}

static void tcp_up(struct output *o, struct tcp_out *t)
{
	t->state = TCP_UP;
	t->backoff_ms = env_or(o->env.backoff_min_ms, TCP_BACKOFF_MIN_MS);
	o->stats.connected = true;
}

static void tcp_try_connect(struct output *o, struct tcp_out *t)
{
	t->fd = socket(t->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		tcp_down(o, t);
		return;
	}
	t->connect_started_ms = mono_ms();
	if (connect(t->fd, (struct sockaddr *)&t->addr.ss, t->addr.len) == 0)
		tcp_up(o, t);
	else if (errno == EINPROGRESS)
		t->state = TCP_CONNECTING;
	else
		tcp_down(o, t);
}

static void tcp_check_connect(struct output *o, struct tcp_out *t)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	if (poll(&pfd, 1, 0) == 1) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
			tcp_down(o, t);
		else
			tcp_up(o, t);
	} else if (mono_ms() - t->connect_started_ms >
		   env_or(o->env.connect_timeout_ms, TCP_CONNECT_TIMEOUT_MS)) {
		tcp_down(o, t);
	}
}

/* A collector never talks back; EOF means it closed the connection. */
static bool tcp_peer_closed(struct tcp_out *t)
{
	char c;
	ssize_t n = recv(t->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* Returns bytes sent (maybe fewer than len), or -1 if the connection died. */
static ssize_t tcp_send(struct output *o, struct tcp_out *t, const char *buf,
			size_t len)
{
	ssize_t n;

	if (tcp_peer_closed(t)) {
		tcp_down(o, t);
		return -1;
	}
	n = send(t->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n < 0)
		tcp_down(o, t);
	return n;
}

static void tcp_update_stats(struct output *o, struct tcp_out *t)
{
	o->stats.spool_records = spool_records(t->spool);
	o->stats.spool_bytes = spool_bytes(t->spool);
}

/* Send spooled frames in order until the socket is full or the spool empty. */
static void tcp_drain(struct output *o, struct tcp_out *t)
{
	char frame[OUTPUT_LINE_MAX + 16];
	uint64_t seq;
	uint32_t len;
	ssize_t n;

	while (t->state == TCP_UP &&
	       spool_peek(t->spool, &seq, frame, sizeof(frame), &len) == 1) {
		n = tcp_send(o, t, frame + t->head_sent, len - t->head_sent);
		if (n <= 0)
			break;
		t->head_sent += n;
		if (t->head_sent < len)
			break;
		t->head_sent = 0;
		if (spool_pop(t->spool))
			break;
	}
	tcp_update_stats(o, t);
}

static void tcp_tick(struct output *o)
{
	struct tcp_out *t = o->priv;

	if (t->state == TCP_DOWN && mono_ms() >= t->next_attempt_ms)
		tcp_try_connect(o, t);
	if (t->state == TCP_CONNECTING)
		tcp_check_connect(o, t);
	if (t->state == TCP_UP)
		tcp_drain(o, t);
}

static int tcp_emit(struct output *o, const struct bmcw_alert *a)
{
	struct tcp_out *t = o->priv;
	char msg[OUTPUT_LINE_MAX], frame[OUTPUT_LINE_MAX + 16];
	int mlen, flen;
	ssize_t n = -1;

	mlen = format_rfc5424(a, o->hostname, o->pid, msg, sizeof(msg));
	if (mlen < 0)
		return -1;
	flen = snprintf(frame, sizeof(frame), "%d %s", mlen, msg);
	if (flen < 0 || flen >= (int)sizeof(frame))
		return -1;

	tcp_tick(o);
	if (t->state == TCP_UP && !spool_records(t->spool)) {
		n = tcp_send(o, t, frame, flen);
		if (n == flen)
			return 0;
	}
	/* Not (fully) sent: queue it; if part went out, the drain resumes there. */
	if (spool_append(t->spool, a->seq, frame, flen))
		return -1;
	if (n > 0 && t->state == TCP_UP)
		t->head_sent = n;
	tcp_update_stats(o, t);
	return 0;
}

static int tcp_open(struct output *o, const char *arg)
{
	struct tcp_out *t = calloc(1, sizeof(*t));
	char err[256];

	if (!t)
		return -1;
	t->fd = -1;
	if (net_addr_resolve(arg + 2, SOCK_STREAM, &t->addr))
		goto fail;
	t->spool = spool_open(o->env.spool_dir ? o->env.spool_dir :
			      "/var/lib/bmcwatch/spool", o->spec,
			      o->env.spool_fsync, err, sizeof(err));
	if (!t->spool)
		goto fail;
	t->backoff_ms = env_or(o->env.backoff_min_ms, TCP_BACKOFF_MIN_MS);
	o->priv = t;
	tcp_update_stats(o, t);
	tcp_try_connect(o, t);
	return 0;
fail:
	free(t);
	return -1;
}

static void tcp_close(struct output *o)
{
	struct tcp_out *t = o->priv;

	/* Last chance to deliver; what is left stays spooled for next time. */
	tcp_tick(o);
	if (t->fd >= 0)
		close(t->fd);
	spool_close(t->spool);
	free(t);
}

const struct output_ops output_syslog_tcp_ops = {
	.scheme = "syslog+tcp",
	.open = tcp_open,
	.emit = tcp_emit,
	.tick = tcp_tick,
	.close = tcp_close,
};
