// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile BMC for the emulated host: serves QEMU's ipmi-bmc-extern socket
 * ("VM" protocol) on 127.0.0.1:PORT, answers the usual requests sanely, and
 * misbehaves on request. The guest picks the misbehaviour by sending the
 * OEM command netfn 0x30 cmd 0x99 with one data byte:
 *   1 attention   raise SMS_ATN with no message flag set
 *   2 push        queue a message for the host nobody asked for
 *   3 mismatch    answer the next Get Device ID with the wrong cmd
 *   4 storm       raise attention 40 times in a row
 *   5 nmi         inject an NMI (extern command 07)
 *   6 identity    report a different firmware revision from now on
 *   7 reset       behave as a BMC that just reset: forget the global
 *                 enables (and so the interrupt), the message flags and
 *                 any queued message, and answer the next Get Device ID
 *                 with "self-initialisation in progress"; counts resets
 *   8 stall       answer the next request with a wrong message id, then
 *                 with the right one STALL_MS later. QEMU drops the wrong
 *                 one and, having had an answer, stops its own 4 s timer
 *                 that would otherwise answer "timeout" for us; the
 *                 host's KCS driver meanwhile gives up waiting (5 s) and
 *                 enters error recovery (GET_STATUS/ABORT), then retries
 *                 once the interface moves again.
 *   9 hang        as stall, for HANG_MS: QEMU's interface forwards
 *                 nothing more until the right answer comes, so the KCS
 *                 driver's first try and its 10 error recoveries all time
 *                 out (5 s each) and it declares the interface "hosed"
 *                 and fails the message; the late answer then frees
 *                 QEMU's interface and the next request works.
 *
 * Protocol: QEMU's external-BMC socket, see vm_codec.h.
 *
 * usage: hostile_bmc PORT [READY-FILE]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vm_codec.h"

#define MAX_MSG		VM_MAX_MSG
#define STALL_MS	7000
#define HANG_MS		75000

static int conn = -1;
static uint8_t msg_flags;		/* Get Message Flags answer */
static uint8_t global_enables;
static bool irq_enabled;
static bool mismatch_next;
static int storm_left;
static bool new_identity;
static uint8_t queued[32];		/* a pushed message, Get Message data */
static int queued_len;
static unsigned long served;
static int init_left;			/* Get Device IDs still "initialising" */
static unsigned int resets;
static bool stall_next;
static unsigned int stall_ms = STALL_MS;	/* of the next stall */
static uint8_t delayed[MAX_MSG];	/* the right answer to a stalled request */
static size_t delayed_len;
static uint64_t delayed_at_ms;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A one-byte command, in its own write as QEMU wants. */
static void vm_cmd(uint8_t cmd)
{
	vm_put_frame(conn, &cmd, 1, VM_CMD_END);
}

static void respond(const uint8_t *req, uint8_t cmd, uint8_t cc,
		    const uint8_t *data, size_t n)
{
	uint8_t m[MAX_MSG];
	size_t len = 0;

	m[len++] = req[0];				/* msg_id */
	m[len++] = (req[1] | 0x04);			/* netfn + 1, same lun */
	m[len++] = cmd;
	m[len++] = cc;
	memcpy(m + len, data, n);
	len += n;
	m[len] = -vm_sum(m, len);
	len++;
	if (stall_next) {
		stall_next = false;
		memcpy(delayed, m, len);
		delayed_len = len;
		delayed_at_ms = now_ms() + stall_ms;
		/* another message id, checksum made right for it */
		m[len - 1] -= 0x40;
		m[0] += 0x40;
		fprintf(stderr, "hostile_bmc: stalling the answer to netfn 0x%02x cmd 0x%02x for %u ms\n",
			req[1] >> 2, cmd, stall_ms);
	}
	vm_put_frame(conn, m, len, VM_MSG_END);
}

static void raise_attention(void)
{
	/* With interrupts on, attention comes with an IRQ. */
	vm_cmd(irq_enabled ? VM_ATTN_IRQ : VM_ATTN);
}

static void scenario(int which)
{

	fprintf(stderr, "hostile_bmc: scenario %d\n", which);
	switch (which) {
	case 1:
		raise_attention();
		break;
	case 2:
		memcpy(queued, vm_pushed_msg, sizeof(vm_pushed_msg));
		queued_len = sizeof(vm_pushed_msg);
		msg_flags |= 0x01;
		raise_attention();
		break;
	case 3:
		mismatch_next = true;
		break;
	case 4:
		storm_left = 40;
		raise_attention();
		break;
	case 5:
		vm_cmd(VM_SEND_NMI);
		break;
	case 6:
		new_identity = true;
		break;
	case 7:
		/* what a BMC that rebooted knows of the host: nothing */
		resets++;
		global_enables = 0;
		msg_flags = 0;
		queued_len = 0;
		storm_left = 0;
		if (irq_enabled) {
			irq_enabled = false;
			vm_cmd(VM_DISABLE_IRQ);
		}
		vm_cmd(VM_NOATTN);
		init_left = 1;
		fprintf(stderr, "hostile_bmc: reset #%u\n", resets);
		break;
	case 8:
	case 9:
		stall_next = true;
		stall_ms = which == 9 ? HANG_MS : STALL_MS;
		break;
	}
}

static void handle(const uint8_t *m, size_t n)
{
	static const uint8_t guid[16] = {
		0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	uint8_t devid[] = { 0x20, 0x01, 0x02, 0x03, 0x02, 0xbf,
			    0x57, 0x01, 0x00, 0x10, 0x00 };
	uint8_t sum = 0, netfn, cmd, buf[32];
	const uint8_t *data = m + 3;
	size_t dlen;
	int act = 0;

	for (size_t i = 0; i < n; i++)
		sum += m[i];
	if (n < 4 || sum) {
		fprintf(stderr, "hostile_bmc: bad message (%zu bytes)\n", n);
		return;
	}
	served++;
	netfn = m[1] >> 2;
	cmd = m[2];
	dlen = n - 4;

	if (netfn == 0x06) {
		switch (cmd) {
		case 0x01:
			if (new_identity)
				devid[3] = 0x99;
			if (init_left > 0) {
				init_left--;
				devid[2] |= 0x80;	/* self-initialisation */
			}
			respond(m, mismatch_next ? 0x02 : cmd, 0, devid,
				sizeof(devid));
			mismatch_next = false;
			return;
		case 0x04:
			buf[0] = 0x55;
			buf[1] = 0x00;
			respond(m, cmd, 0, buf, 2);
			return;
		case 0x08:
		case 0x37:
			respond(m, cmd, 0, guid, sizeof(guid));
			return;
		case 0x22:
		case 0x24:
			respond(m, cmd, 0, NULL, 0);
			return;
		case 0x2e:
			global_enables = dlen ? data[0] : 0;
			if ((global_enables & 0x01) && !irq_enabled) {
				irq_enabled = true;
				vm_cmd(VM_ENABLE_IRQ);
			}
			respond(m, cmd, 0, NULL, 0);
			return;
		case 0x2f:
			respond(m, cmd, 0, &global_enables, 1);
			return;
		case 0x30:
			msg_flags &= ~(dlen ? data[0] : 0);
			respond(m, cmd, 0, NULL, 0);
			return;
		case 0x31:
			vm_cmd(VM_NOATTN);
			respond(m, cmd, 0, &msg_flags, 1);
			if (storm_left > 0 && --storm_left > 0)
				raise_attention();
			return;
		case 0x33:
			if (!queued_len) {
				respond(m, cmd, 0x80, NULL, 0);
				return;
			}
			respond(m, cmd, 0, queued, queued_len);
			queued_len = 0;
			msg_flags &= ~0x01;
			return;
		case 0x35:
			respond(m, cmd, 0x80, NULL, 0);
			return;
		}
	} else if (netfn == 0x00 && cmd == 0x01) {
		memset(buf, 0, 3);
		respond(m, cmd, 0, buf, 3);
		return;
	} else if (netfn == 0x30 && cmd == 0x99 && dlen >= 1) {
		act = data[0];
		respond(m, cmd, 0, NULL, 0);
		scenario(act);
		return;
	}
	respond(m, cmd, 0xc1, NULL, 0);	/* invalid command, well formed */
}

static void on_msg(void *ctx, uint8_t *m, size_t n)
{
	(void)ctx;
	handle(m, n);
}

static void serve(void)
{
	/* commands from QEMU (version, capabilities) are only noted */
	struct vm_reader rd = { .on_msg = on_msg };
	uint8_t in[4096];

	for (;;) {
		struct pollfd p = { .fd = conn, .events = POLLIN };
		int timeout = -1;
		ssize_t r;

		if (delayed_len) {
			uint64_t t = now_ms();

			timeout = delayed_at_ms > t ? (int)(delayed_at_ms - t) : 0;
		}
		if (poll(&p, 1, timeout) == 0) {
			fprintf(stderr, "hostile_bmc: sending the stalled answer\n");
			vm_put_frame(conn, delayed, delayed_len, VM_MSG_END);
			delayed_len = 0;
			continue;
		}
		r = read(conn, in, sizeof(in));
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return;
		}
		vm_feed(&rd, in, r);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, s;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [READY-FILE]\n", argv[0]);
		return 2;
	}
	a.sin_port = htons(atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("hostile_bmc: listen");
		return 1;
	}
	if (argc > 2) {
		FILE *f = fopen(argv[2], "w");

		if (f)
			fclose(f);
	}
	/* QEMU reconnects after a reset: serve one connection after another. */
	for (;;) {
		conn = accept(s, NULL, NULL);
		if (conn < 0) {
			if (errno == EINTR)
				continue;
			perror("hostile_bmc: accept");
			return 1;
		}
		irq_enabled = false;
		delayed_len = 0;	/* QEMU forgot the request it was for */
		serve();
		close(conn);
		fprintf(stderr, "hostile_bmc: connection closed after %lu requests\n",
			served);
	}
}
