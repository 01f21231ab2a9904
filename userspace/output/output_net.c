/* SPDX-License-Identifier: GPL-2.0 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "output_net.h"

int net_addr_resolve(const char *hostport, int socktype, struct net_addr *out)
{
	struct addrinfo hints = { .ai_socktype = socktype }, *res;
	const char *colon = strrchr(hostport, ':');
	char host[256];
	size_t n;

	if (!colon) {
		errno = EINVAL;
		return -1;
	}
	n = colon - hostport;
	if (n >= 2 && hostport[0] == '[' && hostport[n - 1] == ']') {
		hostport++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(host, hostport, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, colon + 1, &hints, &res)) {
		errno = EHOSTUNREACH;
		return -1;
	}
	out->family = res->ai_family;
	out->len = res->ai_addrlen;
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}
