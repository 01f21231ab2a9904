// SPDX-License-Identifier: GPL-2.0
/*
 * udp_send IFNAME ADDR PORT COUNT: COUNT 64-byte UDP datagrams to
 * ADDR:PORT out of IFNAME only (SO_BINDTODEVICE), one send(2) each: the
 * host's egress path per packet, a tc egress program on IFNAME included
 * (it runs in the sender's context, before the qdisc). Prints "count=N
 * ns=T dropped=D" (D: sends the stack refused, e.g. a full queue; in
 * the instruction-count mode ns are instructions).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char payload[64 - 28] = "bmcwatch bench";	/* 64 bytes with IP+UDP */
	unsigned long n, i, dropped = 0;
	uint64_t t0, t;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: udp_send IFNAME ADDR PORT COUNT\n");
		return 2;
	}
	n = strtoul(argv[4], NULL, 0);
	to.sin_port = htons((uint16_t)strtoul(argv[3], NULL, 0));
	if (!n || inet_pton(AF_INET, argv[2], &to.sin_addr) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1],
		       strlen(argv[1]) + 1) ||
	    sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0) {	/* the neighbour resolved first */
		perror(argv[1]);
		return 1;
	}
	usleep(100000);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		/* not connected: an ICMP error from the peer fails no send */
		if (sendto(fd, payload, sizeof(payload), 0,
			   (struct sockaddr *)&to, sizeof(to)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("send");
				return 1;
			}
			dropped++;
		}
	t = now_ns() - t0;
	printf("count=%lu ns=%llu dropped=%lu\n", n, (unsigned long long)t,
	       dropped);
	close(fd);
	return 0;
}
