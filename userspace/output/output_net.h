/* SPDX-License-Identifier: GPL-2.0 */
/* Address resolution shared by the network outputs. */
#ifndef BMCW_OUTPUT_NET_H
#define BMCW_OUTPUT_NET_H

#include <sys/socket.h>

struct net_addr {
	int family;
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * "HOST:PORT" or "[V6]:PORT". Resolved once, at open: getaddrinfo() can
 * block on DNS, which the main loop must never do later.
 */
int net_addr_resolve(const char *hostport, int socktype, struct net_addr *out);

#endif /* BMCW_OUTPUT_NET_H */
