/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "http:ADDRESS:PORT" to a socket address. Apart from the server so that
 * what checks a config file (policy.c) needs no HTTP library.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "metrics.h"

int metrics_http_addr(const char *spec, struct sockaddr_storage *ss,
		      unsigned int *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *host, *colon;
	unsigned long port;
	char buf[64], *end;
	size_t n;

	if (strncmp(spec, "http:", 5))
		return -1;
	host = spec + 5;
	colon = strrchr(host, ':');
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (port < 1 || port > 65535)
		return -1;
	n = colon - host;
	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return -1;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1 ||
		    IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*sslen = sizeof(*sin6);
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1 ||
	    sin->sin_addr.s_addr == htonl(INADDR_ANY))
		return -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	*sslen = sizeof(*sin);
	return 0;
}
