/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw HTTP client for the metrics endpoint's tests, on loopback only.
 * Raw sockets, not an HTTP library: the tests need a client that stalls,
 * floods and misbehaves. Every wait has a deadline, so a server that
 * hangs fails a test instead of hanging it.
 */
#ifndef BMCW_TEST_HTTPC_H
#define BMCW_TEST_HTTPC_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline long long httpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

/* A connection to 127.0.0.1:port from the loopback address 127.0.0.src. */
static inline int httpc_connect_from(int src, int port)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct sockaddr_in to = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	me.sin_addr.s_addr = htonl(0x7f000000 | (src & 0xff));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(port);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline int httpc_connect(int port)
{
	return httpc_connect_from(1, port);
}

static inline int httpc_send(int fd, const char *s)
{
	size_t len = strlen(s);

	return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/*
 * Read until the server closes or timeout_ms pass; buf gets what came,
 * NUL-terminated. 1: closed by the server (or reset); 0: still open at
 * the deadline.
 */
static inline int httpc_read_all(int fd, char *buf, size_t len, int timeout_ms)
{
	long long end = httpc_now_ms() + timeout_ms;
	size_t used = 0;
	char sink[4096];

	buf[0] = '\0';
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - httpc_now_ms();
		char *dst = used + 1 < len ? buf + used : sink;
		size_t room = used + 1 < len ? len - 1 - used : sizeof(sink);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, dst, room, 0);
		if (n <= 0)
			return n == 0 || errno == ECONNRESET ? 1 : 0;
		if (dst != sink) {
			used += n;
			buf[used] = '\0';
		}
	}
}

/* 1 if the server closed fd within timeout_ms, whatever it sent first. */
static inline int httpc_closed_within(int fd, int timeout_ms)
{
	char buf[512];

	return httpc_read_all(fd, buf, sizeof(buf), timeout_ms);
}

/* The status code of a response ("HTTP/1.x NNN ..."), or 0 if there is none. */
static inline int httpc_status(const char *resp)
{
	int code;

	if (sscanf(resp, "HTTP/1.%*1[01] %3d", &code) != 1)
		return 0;
	return code;
}

/* The body of a response, after the blank line; "" if none. */
static inline const char *httpc_body(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	return b ? b + 4 : "";
}

/*
 * One request on a new connection from 127.0.0.1, the answer in resp.
 * Returns its status code, 0 if none came within timeout_ms, -1 if no
 * connection.
 */
static inline int httpc_request(int port, const char *req, char *resp, size_t len,
				int timeout_ms)
{
	int fd = httpc_connect(port), closed;

	resp[0] = '\0';
	if (fd < 0)
		return -1;
	if (httpc_send(fd, req)) {
		close(fd);
		return -1;
	}
	closed = httpc_read_all(fd, resp, len, timeout_ms);
	close(fd);
	return closed ? httpc_status(resp) : 0;
}

#define HTTPC_GET_METRICS "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

#endif /* BMCW_TEST_HTTPC_H */
