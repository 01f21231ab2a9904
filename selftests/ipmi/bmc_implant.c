// SPDX-License-Identifier: GPL-2.0
/*
 * An implant between the host's KCS interface and a real BMC, for the
 * demo and the evaluation: QEMU's ipmi-bmc-extern connects here, every
 * request is relayed to the upstream BMC (OpenIPMI's ipmi_sim, or any BMC
 * speaking the same socket protocol) and every answer relayed back, so
 * the host sees a normal BMC, until the host side of the test asks for an
 * attack through the control FIFO, one word per line:
 *   attention  raise SMS_ATN with no message flag set
 *   push       queue a message for the host nobody asked for
 *   mismatch   answer the next Get Device ID with the wrong cmd
 *   nmi        inject an NMI
 *   identity   report another firmware revision from now on
 *   restore    stop rewriting answers
 * The attacks come from the BMC side, as a compromised BMC's would: nothing
 * the host does triggers them.
 *
 * usage: bmc_implant [-c CONTROL-FIFO] [-r READY-FILE] PORT UPSTREAM-HOST:PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vm_codec.h"

#define NETFN_APP	0x06
#define CMD_GET_DEVICE_ID	0x01
#define CMD_CLEAR_MSG_FLAGS	0x30
#define CMD_GET_MSG_FLAGS	0x31
#define CMD_GET_MSG		0x33

struct implant {
	int host;		/* QEMU's connection */
	int bmc;		/* the upstream BMC */
	bool irq_enabled;	/* as the upstream BMC last told QEMU */
	bool attn_pending;	/* an attention of ours awaits Get Msg Flags */
	uint8_t flags;		/* our message flags */
	uint8_t queued[16];	/* our pushed message (Get Message data) */
	size_t queued_len;
	bool mismatch_next;
	bool identity;
	int devid_msg_id;	/* the Get Device ID in flight, or -1 */
};

static void note(const char *what)
{
	fprintf(stderr, "bmc_implant: %s\n", what);
}

static void to_host_cmd(struct implant *s, uint8_t cmd)
{
	vm_put_frame(s->host, &cmd, 1, VM_CMD_END);
}

static void raise_attention(struct implant *s)
{
	s->attn_pending = true;
	to_host_cmd(s, s->irq_enabled ? VM_ATTN_IRQ : VM_ATTN);
}

/* Answer a request ourselves instead of the upstream BMC. */
static void answer(struct implant *s, const uint8_t *req, uint8_t cc,
		   const uint8_t *data, size_t n)
{
	uint8_t m[VM_MAX_MSG];
	size_t len = 0;

	m[len++] = req[0];		/* msg_id */
	m[len++] = req[1] | 0x04;	/* response netfn, same lun */
	m[len++] = req[2];
	m[len++] = cc;
	memcpy(m + len, data, n);
	len += n;
	m[len] = -vm_sum(m, len);
	vm_put_frame(s->host, m, len + 1, VM_MSG_END);
}

/* A request from the host: ours to answer, or the upstream BMC's. */
static void from_host_msg(void *ctx, uint8_t *m, size_t n)
{
	struct implant *s = ctx;
	uint8_t netfn, cmd;

	if (n < 4) {
		vm_put_frame(s->bmc, m, n, VM_MSG_END);
		return;
	}
	netfn = m[1] >> 2;
	cmd = m[2];
	if (netfn == NETFN_APP && cmd == CMD_GET_MSG_FLAGS && s->attn_pending) {
		s->attn_pending = false;
		to_host_cmd(s, VM_NOATTN);
		answer(s, m, 0, &s->flags, 1);
		return;
	}
	if (netfn == NETFN_APP && cmd == CMD_GET_MSG && s->queued_len) {
		answer(s, m, 0, s->queued, s->queued_len);
		s->queued_len = 0;
		s->flags &= ~0x01;
		return;
	}
	if (netfn == NETFN_APP && cmd == CMD_CLEAR_MSG_FLAGS && n > 4)
		s->flags &= ~m[3];
	if (netfn == NETFN_APP && cmd == CMD_GET_DEVICE_ID)
		s->devid_msg_id = m[0];
	vm_put_frame(s->bmc, m, n, VM_MSG_END);
}

static void from_host_cmd(void *ctx, uint8_t *c, size_t n)
{
	struct implant *s = ctx;

	vm_put_frame(s->bmc, c, n, VM_CMD_END);
}

/* An answer from the upstream BMC, rewritten when an attack says so. */
static void from_bmc_msg(void *ctx, uint8_t *m, size_t n)
{
	struct implant *s = ctx;

	if (n >= 5 && s->devid_msg_id == m[0] && (m[1] >> 2) == NETFN_APP + 1 &&
	    m[2] == CMD_GET_DEVICE_ID) {
		s->devid_msg_id = -1;
		if (s->mismatch_next) {
			m[2] = 0x02;	/* Cold Reset: not what was asked */
			s->mismatch_next = false;
		}
		if (s->identity && n >= 9)
			m[7] ^= 0x55;	/* firmware revision, minor */
		m[n - 1] = 0;
		m[n - 1] = -vm_sum(m, n - 1);
	}
	vm_put_frame(s->host, m, n, VM_MSG_END);
}

static void from_bmc_cmd(void *ctx, uint8_t *c, size_t n)
{
	struct implant *s = ctx;

	if (c[0] == VM_ENABLE_IRQ)
		s->irq_enabled = true;
	else if (c[0] == VM_DISABLE_IRQ)
		s->irq_enabled = false;
	vm_put_frame(s->host, c, n, VM_CMD_END);
}

static void attack(struct implant *s, const char *what)
{
	char line[80];

	snprintf(line, sizeof(line), "attack %.60s", what);
	note(line);
	if (!strcmp(what, "attention")) {
		raise_attention(s);
	} else if (!strcmp(what, "push")) {
		memcpy(s->queued, vm_pushed_msg, sizeof(vm_pushed_msg));
		s->queued_len = sizeof(vm_pushed_msg);
		s->flags |= 0x01;
		raise_attention(s);
	} else if (!strcmp(what, "mismatch")) {
		s->mismatch_next = true;
	} else if (!strcmp(what, "nmi")) {
		to_host_cmd(s, VM_SEND_NMI);
	} else if (!strcmp(what, "identity")) {
		s->identity = true;
	} else if (!strcmp(what, "restore")) {
		s->identity = false;
		s->mismatch_next = false;
	} else {
		note("unknown attack ignored");
	}
}

/* Lines from the control FIFO; partial lines wait for their end. */
static void control(struct implant *s, int fd)
{
	static char buf[256];
	static size_t len;
	ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
	char *nl;

	if (r <= 0)
		return;
	len += r;
	buf[len] = 0;
	while ((nl = strchr(buf, '\n'))) {
		*nl = 0;
		if (*buf && s->host >= 0)
			attack(s, buf);
		len -= nl + 1 - buf;
		memmove(buf, nl + 1, len + 1);
	}
	if (len == sizeof(buf) - 1)
		len = 0;	/* no newline in 255 bytes: garbage */
}

static int dial(const char *hostport)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(hostport, ':');

	if (!colon || colon - hostport >= (long)sizeof(host))
		return -1;
	memcpy(host, hostport, colon - hostport);
	host[colon - hostport] = 0;
	a.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -1;
	/* The upstream BMC may still be starting: try for 20 s. */
	for (int i = 0; i < 200; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	}
	return -1;
}

static bool pump(int from, struct vm_reader *r)
{
	uint8_t in[4096];
	ssize_t n = read(from, in, sizeof(in));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	vm_feed(r, in, n);
	return true;
}

/* One host connection: relay until either side closes. */
static void relay(struct implant *s, int ctl)
{
	struct vm_reader up = { .on_msg = from_host_msg, .on_cmd = from_host_cmd,
				.ctx = s };
	struct vm_reader down = { .on_msg = from_bmc_msg, .on_cmd = from_bmc_cmd,
				  .ctx = s };

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = s->host, .events = POLLIN },
			{ .fd = s->bmc, .events = POLLIN },
			{ .fd = ctl, .events = POLLIN },
		};

		if (poll(p, ctl >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents && !pump(s->host, &up))
			return;
		if (p[1].revents && !pump(s->bmc, &down))
			return;
		if (ctl >= 0 && p[2].revents)
			control(s, ctl);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	const char *fifo = NULL, *ready = NULL;
	int one = 1, s, ctl = -1, opt;

	while ((opt = getopt(argc, argv, "c:r:")) != -1) {
		if (opt == 'c')
			fifo = optarg;
		else if (opt == 'r')
			ready = optarg;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	if (fifo) {
		if (mkfifo(fifo, 0600) && errno != EEXIST) {
			perror("bmc_implant: mkfifo");
			return 1;
		}
		/* read-write: the FIFO never reports end of file */
		ctl = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (ctl < 0) {
			perror("bmc_implant: control FIFO");
			return 1;
		}
	}
	a.sin_port = htons(atoi(argv[optind]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("bmc_implant: listen");
		return 1;
	}
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	/* QEMU reconnects after a reset: serve one connection after another. */
	for (;;) {
		struct implant st = { .host = -1, .devid_msg_id = -1 };

		st.host = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (st.host < 0) {
			if (errno == EINTR)
				continue;
			perror("bmc_implant: accept");
			return 1;
		}
		st.bmc = dial(argv[optind + 1]);
		if (st.bmc < 0) {
			note("upstream BMC unreachable");
			close(st.host);
			continue;
		}
		note("relaying");
		relay(&st, ctl);
		close(st.bmc);
		close(st.host);
		note("connection closed");
	}
usage:
	fprintf(stderr,
		"usage: %s [-c CONTROL-FIFO] [-r READY-FILE] PORT UPSTREAM-HOST:PORT\n",
		argv[0]);
	return 2;
}
