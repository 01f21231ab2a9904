/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS for the syslog+tls output (RFC 5425), on GnuTLS: client credentials
 * (a CA to verify the collector against, optionally a client certificate)
 * and non-blocking sessions over a socket the caller connected.
 *
 * The session counts every byte it writes to the socket, so the output can
 * tell from the socket's unacknowledged byte count (SIOCOUTQ) which of its
 * records the collector's TCP has acknowledged.
 */
#ifndef BMCW_OUTPUT_TLS_H
#define BMCW_OUTPUT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_client;
struct tls_conn;

/*
 * ca: PEM file of trusted CAs, NULL for the system's trust store; cert and
 * key: PEM client certificate (chain) and its key, both or neither.
 */
struct tls_client *tls_client_new(const char *ca, const char *cert,
				  const char *key, char *err, size_t errlen);
void tls_client_free(struct tls_client *c);

/*
 * A session on connected socket fd, verifying the peer's certificate
 * against the CA and name (a DNS name, also sent as SNI, or an IP address
 * matched against the certificate's IP addresses). Bytes it writes to fd
 * are added to *pushed.
 */
struct tls_conn *tls_conn_new(struct tls_client *c, int fd, const char *name,
			      uint64_t *pushed, char *err, size_t errlen);
/* 1 done, 0 call again when the socket is ready, -1 failed (err says why). */
int tls_conn_handshake(struct tls_conn *t, char *err, size_t errlen);
/* Bytes of buf taken (all of it, in practice), 0 to retry with the same buf, -1 dead. */
ssize_t tls_conn_send(struct tls_conn *t, const void *buf, size_t len,
		      char *err, size_t errlen);
/* Reads what the peer sent (tickets, alerts): 0 still open, -1 closed or failed. */
int tls_conn_poll_peer(struct tls_conn *t, char *err, size_t errlen);
/* Sends close_notify if the socket takes it right away; never blocks. */
void tls_conn_free(struct tls_conn *t);

#endif /* BMCW_OUTPUT_TLS_H */
