/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GnuTLS underneath syslog+tls. GnuTLS does all of TLS; this file only
 * wires it to a non-blocking socket, counts the bytes it writes and turns
 * its errors into sentences an operator can act on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "errmsg.h"
#include "output_tls.h"

struct tls_client {
	gnutls_certificate_credentials_t cred;
};

struct tls_conn {
	gnutls_session_t s;
	int fd;
	uint64_t *pushed;
};

struct tls_client *tls_client_new(const char *ca, const char *cert,
				  const char *key, char *err, size_t errlen)
{
	struct tls_client *c = calloc(1, sizeof(*c));
	int r;

	if (!c || gnutls_certificate_allocate_credentials(&c->cred) < 0) {
		errmsg_set(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	if (ca && *ca) {
		r = gnutls_certificate_set_x509_trust_file(c->cred, ca, GNUTLS_X509_FMT_PEM);
		if (r == 0)
			errmsg_set(err, errlen, "TLS CA file %s: no certificate in it", ca);
		else if (r < 0)
			errmsg_set(err, errlen, "TLS CA file %s: %s", ca, gnutls_strerror(r));
	} else {
		r = gnutls_certificate_set_x509_system_trust(c->cred);
		if (r <= 0)
			errmsg_set(err, errlen, "TLS: no CA file given and the system trust store is empty%s%s",
				   r < 0 ? ": " : "", r < 0 ? gnutls_strerror(r) : "");
	}
	if (r <= 0)
		goto fail;
	if ((cert && *cert) != (key && *key)) {
		errmsg_set(err, errlen, "TLS: a client certificate needs its key and a key its certificate");
		goto fail;
	}
	if (cert && *cert) {
		r = gnutls_certificate_set_x509_key_file(c->cred, cert, key, GNUTLS_X509_FMT_PEM);
		if (r < 0) {
			errmsg_set(err, errlen, "TLS client certificate %s with key %s: %s",
				   cert, key, gnutls_strerror(r));
			goto fail;
		}
	}
	return c;
fail:
	tls_client_free(c);
	return NULL;
}

void tls_client_free(struct tls_client *c)
{
	if (!c)
		return;
	gnutls_certificate_free_credentials(c->cred);
	free(c);
}

/* The transport never blocks: the main loop must not wait on a collector. */
static ssize_t tls_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct tls_conn *t = p;
	ssize_t n = send(t->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0) {
		gnutls_transport_set_errno(t->s, errno);
		return -1;
	}
	*t->pushed += n;
	return n;
}

static ssize_t tls_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct tls_conn *t = p;
	ssize_t n = recv(t->fd, buf, len, MSG_DONTWAIT);

	if (n < 0)
		gnutls_transport_set_errno(t->s, errno);
	return n;
}

static int tls_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct tls_conn *t = p;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };

	(void)ms;	/* never wait: GnuTLS runs non-blocking here */
	return poll(&pfd, 1, 0);
}

static bool is_ip_literal(const char *name)
{
	unsigned char a[16];

	return inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1;
}

struct tls_conn *tls_conn_new(struct tls_client *c, int fd, const char *name,
			      uint64_t *pushed, char *err, size_t errlen)
{
	struct tls_conn *t = calloc(1, sizeof(*t));
	int r;

	if (!t) {
		errmsg_set(err, errlen, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->pushed = pushed;
	r = gnutls_init(&t->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
	if (r < 0) {
		free(t);
		errmsg_set(err, errlen, "TLS: %s", gnutls_strerror(r));
		return NULL;
	}
	/* RFC 5425 as updated by RFC 9662: TLS 1.2 or later. */
	r = gnutls_set_default_priority_append(t->s, "-VERS-TLS1.1:-VERS-TLS1.0", NULL, 0);
	if (r >= 0)
		r = gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE, c->cred);
	/* SNI carries DNS names only (RFC 6066). */
	if (r >= 0 && !is_ip_literal(name))
		r = gnutls_server_name_set(t->s, GNUTLS_NAME_DNS, name, strlen(name));
	if (r < 0) {
		errmsg_set(err, errlen, "TLS: %s", gnutls_strerror(r));
		gnutls_deinit(t->s);
		free(t);
		return NULL;
	}
	/* The handshake fails unless the chain ends at the CA and names name. */
	gnutls_session_set_verify_cert(t->s, name, 0);
	gnutls_transport_set_ptr(t->s, t);
	gnutls_transport_set_push_function(t->s, tls_push);
	gnutls_transport_set_pull_function(t->s, tls_pull);
	gnutls_transport_set_pull_timeout_function(t->s, tls_pull_timeout);
	/* The output times the handshake out itself (connect_timeout). */
	gnutls_handshake_set_timeout(t->s, 0);
	return t;
}

static bool retry(int r)
{
	return r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED;
}

/* A GnuTLS error as a sentence, with the reason a certificate was refused. */
static void tls_error(struct tls_conn *t, int r, const char *what, char *err,
		      size_t errlen)
{
	gnutls_datum_t out = { 0 };

	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
	    gnutls_certificate_verification_status_print(
		    gnutls_session_get_verify_cert_status(t->s),
		    gnutls_certificate_type_get(t->s), &out, 0) == 0) {
		/* GnuTLS ends its sentences with a space. */
		while (out.size && (out.data[out.size - 1] == ' ' || !out.data[out.size - 1]))
			out.data[--out.size] = '\0';
		errmsg_set(err, errlen, "TLS %s: server certificate refused: %s", what,
			   (char *)out.data);
		gnutls_free(out.data);
	} else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		errmsg_set(err, errlen, "TLS %s: the server sent alert '%s'", what,
			   gnutls_alert_get_name(gnutls_alert_get(t->s)));
	} else if (r == GNUTLS_E_PUSH_ERROR || r == GNUTLS_E_PULL_ERROR) {
		errmsg_set(err, errlen, "TLS %s: connection lost", what);
	} else {
		errmsg_set(err, errlen, "TLS %s: %s", what, gnutls_strerror(r));
	}
}

int tls_conn_handshake(struct tls_conn *t, char *err, size_t errlen)
{
	int r = gnutls_handshake(t->s);

	if (r == GNUTLS_E_SUCCESS)
		return 1;
	if (retry(r) || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
		return 0;
	tls_error(t, r, "handshake", err, errlen);
	return -1;
}

ssize_t tls_conn_send(struct tls_conn *t, const void *buf, size_t len,
		      char *err, size_t errlen)
{
	ssize_t r = gnutls_record_send(t->s, buf, len);

	if (r >= 0)
		return r;
	if (retry(r))
		return 0;
	tls_error(t, r, "send", err, errlen);
	return -1;
}

int tls_conn_poll_peer(struct tls_conn *t, char *err, size_t errlen)
{
	char buf[512];
	ssize_t r;

	/* A collector sends nothing but session tickets and alerts; drop data. */
	for (;;) {
		r = gnutls_record_recv(t->s, buf, sizeof(buf));
		if (r > 0)
			continue;
		if (r == 0) {
			errmsg_set(err, errlen, "TLS: the server closed the connection");
			return -1;
		}
		if (retry(r) || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			return 0;
		tls_error(t, (int)r, "receive", err, errlen);
		return -1;
	}
}

void tls_conn_free(struct tls_conn *t)
{
	if (!t)
		return;
	/* Best effort: the socket is non-blocking, so this never waits. */
	gnutls_bye(t->s, GNUTLS_SHUT_WR);
	gnutls_deinit(t->s);
	free(t);
}
