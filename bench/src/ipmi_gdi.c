// SPDX-License-Identifier: GPL-2.0
/*
 * ipmi_gdi DEV COUNT [SECONDS]: COUNT IPMI Get Device ID round trips
 * through the driver's ioctls (send, poll, receive), one at a time (or
 * fewer, when SECONDS pass first), then prints "calls=N ns=T". Unlike
 * ipmitool it forks nothing and parses nothing, so what is timed is the
 * driver, the system interface and the BMC.
 * Exit 1 if any request fails or returns a non-zero completion code.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipmi.h>

#define NETFN_APP	0x06
#define CMD_GET_DEV_ID	0x01

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int round_trip(int fd, long id)
{
	struct ipmi_system_interface_addr si = {
		.addr_type = IPMI_SYSTEM_INTERFACE_ADDR_TYPE,
		.channel = IPMI_BMC_CHANNEL,
	};
	struct ipmi_req req = {
		.addr = (unsigned char *)&si,
		.addr_len = sizeof(si),
		.msgid = id,
		.msg = { .netfn = NETFN_APP, .cmd = CMD_GET_DEV_ID },
	};
	struct ipmi_addr from;
	unsigned char data[64];
	struct ipmi_recv rsp;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (ioctl(fd, IPMICTL_SEND_COMMAND, &req) < 0)
		return -errno;
	for (;;) {
		if (poll(&p, 1, 5000) <= 0)
			return -ETIMEDOUT;
		memset(&rsp, 0, sizeof(rsp));
		rsp.addr = (unsigned char *)&from;
		rsp.addr_len = sizeof(from);
		rsp.msg.data = data;
		rsp.msg.data_len = sizeof(data);
		if (ioctl(fd, IPMICTL_RECEIVE_MSG_TRUNC, &rsp) < 0) {
			if (errno == EAGAIN)
				continue;
			return -errno;
		}
		/* Anything else (an event, a stale reply) is not ours. */
		if (rsp.recv_type == IPMI_RESPONSE_RECV_TYPE && rsp.msgid == id)
			break;
	}
	/* data[0] is the completion code; Get Device ID returns 11+ bytes */
	if (rsp.msg.data_len < 12 || data[0])
		return -EPROTO;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t t0, t1, end = UINT64_MAX;
	long i, n;
	int fd, err;

	if (argc < 3 || argc > 4 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: ipmi_gdi DEV COUNT [SECONDS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	t0 = now_ns();
	if (argc == 4)
		end = t0 + (uint64_t)(atof(argv[3]) * 1e9);
	for (i = 0; i < n && (i & 15 || now_ns() < end); i++) {
		err = round_trip(fd, i);
		if (err) {
			fprintf(stderr, "ipmi_gdi: request %ld: %s\n", i,
				strerror(-err));
			return 1;
		}
	}
	t1 = now_ns();
	printf("calls=%ld ns=%llu\n", i, (unsigned long long)(t1 - t0));
	close(fd);
	return 0;
}
