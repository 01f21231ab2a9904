/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syslog+tls (RFC 5425) against an in-process GnuTLS collector on
 * loopback, with a CA, server and client certificates made at run time:
 *  - delivery with the server verified against the CA and its IP address,
 *    and the client's certificate verified by the server;
 *  - the collector down and back: every alert once, in order, replayed
 *    from the spool;
 *  - a wrong CA, a wrong name, a missing client certificate: refused with
 *    a message saying why, and the alerts kept in the spool, not dropped;
 *  - a CA file that does not exist: the output does not open.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "output.h"
#include "tap.h"

static char dir[] = "/tmp/bmcw-tls-XXXXXX";
static char ca_pem[300], other_ca_pem[300], srv_pem[300], srv_key[300];
static char cli_pem[300], cli_key[300];

/* --- certificates ------------------------------------------------------- */

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t k;

	gnutls_x509_privkey_init(&k);
	gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
				     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	return k;
}

enum cert_kind { CERT_CA, CERT_SERVER, CERT_CLIENT };

static gnutls_x509_crt_t new_cert(enum cert_kind kind, const char *cn, int serial,
				  gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
				  gnutls_x509_privkey_t issuer_key, const char *ip)
{
	unsigned char ser = serial, id[64];
	size_t idlen = sizeof(id);
	time_t now = time(NULL);
	gnutls_x509_crt_t c;
	struct in_addr a;

	gnutls_x509_crt_init(&c);
	gnutls_x509_crt_set_version(c, 3);
	gnutls_x509_crt_set_serial(c, &ser, 1);
	gnutls_x509_crt_set_activation_time(c, now - 3600);
	gnutls_x509_crt_set_expiration_time(c, now + 86400);
	gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn));
	gnutls_x509_crt_set_key(c, key);
	if (gnutls_x509_crt_get_key_id(c, 0, id, &idlen) == 0)
		gnutls_x509_crt_set_subject_key_id(c, id, idlen);
	if (kind == CERT_CA) {
		gnutls_x509_crt_set_basic_constraints(c, 1, -1);
		gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	} else {
		gnutls_x509_crt_set_basic_constraints(c, 0, -1);
		gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE);
		gnutls_x509_crt_set_key_purpose_oid(c, kind == CERT_SERVER ?
						    GNUTLS_KP_TLS_WWW_SERVER :
						    GNUTLS_KP_TLS_WWW_CLIENT, 0);
	}
	if (ip && inet_pton(AF_INET, ip, &a) == 1)
		gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, &a, 4,
						     GNUTLS_FSAN_APPEND);
	if (issuer) {
		idlen = sizeof(id);
		if (gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, NULL) == 0)
			gnutls_x509_crt_set_authority_key_id(c, id, idlen);
	}
	gnutls_x509_crt_sign2(c, issuer ? issuer : c, issuer_key ? issuer_key : key,
			      GNUTLS_DIG_SHA256, 0);
	return c;
}

static void write_datum(const char *path, const gnutls_datum_t *d)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(d->data, 1, d->size, f);
		fclose(f);
	}
}

static void save_cert(gnutls_x509_crt_t c, const char *path)
{
	gnutls_datum_t d;

	gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d);
	write_datum(path, &d);
	gnutls_free(d.data);
}

static void save_key(gnutls_x509_privkey_t k, const char *path)
{
	gnutls_datum_t d;

	gnutls_x509_privkey_export2(k, GNUTLS_X509_FMT_PEM, &d);
	write_datum(path, &d);
	gnutls_free(d.data);
}

/* A CA, a server certificate for 127.0.0.1, a client one, and a stranger CA. */
static void make_certs(void)
{
	gnutls_x509_privkey_t cak = new_key(), ok_ = new_key(), sk = new_key(), ck = new_key();
	gnutls_x509_crt_t ca = new_cert(CERT_CA, "bmcwatch test CA", 1, cak, NULL, NULL, NULL);
	gnutls_x509_crt_t other = new_cert(CERT_CA, "bmcwatch test CA", 2, ok_, NULL, NULL, NULL);
	gnutls_x509_crt_t srv = new_cert(CERT_SERVER, "collector", 3, sk, ca, cak, "127.0.0.1");
	gnutls_x509_crt_t cli = new_cert(CERT_CLIENT, "bmcwatchd", 4, ck, ca, cak, NULL);

	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	snprintf(other_ca_pem, sizeof(other_ca_pem), "%s/other-ca.pem", dir);
	snprintf(srv_pem, sizeof(srv_pem), "%s/server.pem", dir);
	snprintf(srv_key, sizeof(srv_key), "%s/server.key", dir);
	snprintf(cli_pem, sizeof(cli_pem), "%s/client.pem", dir);
	snprintf(cli_key, sizeof(cli_key), "%s/client.key", dir);
	save_cert(ca, ca_pem);
	save_cert(other, other_ca_pem);
	save_cert(srv, srv_pem);
	save_key(sk, srv_key);
	save_cert(cli, cli_pem);
	save_key(ck, cli_key);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_crt_deinit(other);
	gnutls_x509_crt_deinit(srv);
	gnutls_x509_crt_deinit(cli);
	gnutls_x509_privkey_deinit(cak);
	gnutls_x509_privkey_deinit(ok_);
	gnutls_x509_privkey_deinit(sk);
	gnutls_x509_privkey_deinit(ck);
}

/* --- the collector: GnuTLS server, octet-counted frames ------------------ */

#define MAX_CONNS 8

struct collector {
	gnutls_certificate_credentials_t cred;
	bool require_client_cert;
	int lfd[2];			/* 127.0.0.1 and 127.0.0.2 */
	int port;
	struct {
		int fd;
		gnutls_session_t s;
		bool done;		/* handshake */
		char buf[1 << 16];
		size_t used;
	} c[MAX_CONNS];
	int seqs[512];
	int n;
	int handshakes, client_certs;
};

static int listen_on(uint32_t addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	sin.sin_addr.s_addr = htonl(addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void collector_up(struct collector *col)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	col->lfd[0] = listen_on(0x7f000001, col->port);
	getsockname(col->lfd[0], (struct sockaddr *)&sin, &len);
	col->port = ntohs(sin.sin_port);
	col->lfd[1] = listen_on(0x7f000002, col->port);
}

static void collector_init(struct collector *col)
{
	memset(col, 0, sizeof(*col));
	for (int i = 0; i < MAX_CONNS; i++)
		col->c[i].fd = -1;
	gnutls_certificate_allocate_credentials(&col->cred);
	gnutls_certificate_set_x509_key_file(col->cred, srv_pem, srv_key, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_set_x509_trust_file(col->cred, ca_pem, GNUTLS_X509_FMT_PEM);
	collector_up(col);
}

static void conn_close(struct collector *col, int i)
{
	gnutls_deinit(col->c[i].s);
	close(col->c[i].fd);
	col->c[i].fd = -1;
	col->c[i].used = 0;
	col->c[i].done = false;
}

static void collector_frames(struct collector *col, int i)
{
	char *b = col->c[i].buf;

	for (;;) {
		char *sp = memchr(b, ' ', col->c[i].used), *seq;
		size_t len, hdr;

		if (!sp)
			return;
		len = strtoul(b, NULL, 10);
		hdr = sp - b + 1;
		if (col->c[i].used < hdr + len)
			return;
		seq = memmem(b + hdr, len, "seq=\"", 5);
		if (seq && col->n < 512)
			col->seqs[col->n++] = atoi(seq + 5);
		memmove(b, b + hdr + len, col->c[i].used - hdr - len);
		col->c[i].used -= hdr + len;
	}
}

static void collector_poll(struct collector *col)
{
	for (int l = 0; l < 2; l++) {
		int fd = col->lfd[l] >= 0 ? accept4(col->lfd[l], NULL, NULL, SOCK_NONBLOCK) : -1;

		for (int i = 0; fd >= 0 && i < MAX_CONNS; i++) {
			if (col->c[i].fd >= 0)
				continue;
			col->c[i].fd = fd;
			gnutls_init(&col->c[i].s, GNUTLS_SERVER | GNUTLS_NONBLOCK);
			gnutls_set_default_priority(col->c[i].s);
			gnutls_credentials_set(col->c[i].s, GNUTLS_CRD_CERTIFICATE, col->cred);
			if (col->require_client_cert) {
				gnutls_certificate_server_set_request(col->c[i].s, GNUTLS_CERT_REQUIRE);
				gnutls_session_set_verify_cert(col->c[i].s, NULL, 0);
			}
			gnutls_transport_set_int(col->c[i].s, fd);
			fd = -1;
		}
		if (fd >= 0)
			close(fd);
	}
	for (int i = 0; i < MAX_CONNS; i++) {
		ssize_t r;

		if (col->c[i].fd < 0)
			continue;
		if (!col->c[i].done) {
			r = gnutls_handshake(col->c[i].s);
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				continue;
			if (r < 0) {
				/* As a real server does: say why before hanging up. */
				gnutls_alert_send_appropriate(col->c[i].s, r);
				conn_close(col, i);
				continue;
			}
			col->c[i].done = true;
			col->handshakes++;
			if (col->require_client_cert) {
				unsigned int n = 0;

				if (gnutls_certificate_get_peers(col->c[i].s, &n) && n > 0)
					col->client_certs++;
				else
					diag("no peer certificate: %u", n);
			}
		}
		while ((r = gnutls_record_recv(col->c[i].s, col->c[i].buf + col->c[i].used,
					       sizeof(col->c[i].buf) - col->c[i].used)) > 0) {
			col->c[i].used += r;
			collector_frames(col, i);
		}
		if (r == 0 || (r < 0 && r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED))
			conn_close(col, i);
	}
}

/* Stop listening and drop every connection (after reading what came). */
static void collector_down(struct collector *col)
{
	collector_poll(col);
	for (int i = 0; i < MAX_CONNS; i++)
		if (col->c[i].fd >= 0)
			conn_close(col, i);
	for (int l = 0; l < 2; l++) {
		if (col->lfd[l] >= 0)
			close(col->lfd[l]);
		col->lfd[l] = -1;
	}
}

static void collector_free(struct collector *col)
{
	collector_down(col);
	gnutls_certificate_free_credentials(col->cred);
}

/* --- the output side ---------------------------------------------------- */

static void pump(struct output *o, struct collector *col, int ms)
{
	struct timespec ts = { 0, 5 * 1000000L };

	for (int i = 0; i < ms / 5; i++) {
		if (o)
			output_tick(o);
		collector_poll(col);
		nanosleep(&ts, NULL);
	}
}

/* Pump until cond holds or ms pass; the condition's value. */
#define pump_until(o, col, ms, cond) ({					\
	int left_ = (ms) / 5;						\
	while (!(cond) && left_-- > 0)					\
		pump((o), (col), 5);					\
	(cond);								\
})

static void emit_seq(struct output *o, int seq)
{
	struct bmcw_alert a = { .rule = "pcie.config_write", .count = 1, .seq = seq };

	snprintf(a.message, sizeof(a.message), "alert %d", seq);
	output_emit(o, &a);
}

static struct output *open_tls(int port, const char *host, const char *ca,
			       const char *cert, const char *key, const char *spool,
			       char *err, size_t errlen)
{
	struct output_env env = {
		.hostname = "h", .pid = 1, .spool_dir = spool,
		.backoff_min_ms = 10, .backoff_max_ms = 40, .connect_timeout_ms = 2000,
		.tls_ca = ca, .tls_cert = cert, .tls_key = key,
	};
	char spec[80];

	snprintf(spec, sizeof(spec), "syslog+tls://%s:%d", host, port);
	return output_open(spec, &env, err, errlen);
}

static bool in_order(const struct collector *col, int from, int to)
{
	if (col->n != to - from + 1)
		return false;
	for (int i = 0; i < col->n; i++)
		if (col->seqs[i] != from + i)
			return false;
	return true;
}

static void test_delivery_and_outage(void)
{
	static struct collector col;
	char err[512], spool[300];
	struct output *o;
	int seq = 1;

	snprintf(spool, sizeof(spool), "%s/spool-ok", dir);
	collector_init(&col);
	col.require_client_cert = true;
	o = open_tls(col.port, "127.0.0.1", ca_pem, cli_pem, cli_key, spool, err, sizeof(err));
	ok(o != NULL, "syslog+tls opens with a CA and a client certificate (%s)", o ? "ok" : err);
	if (!o)
		return;
	ok(pump_until(o, &col, 3000, o->stats.connected),
	   "handshake: server verified against the CA and 127.0.0.1 (%s)", o->stats.last_error);
	ok(pump_until(o, &col, 3000, col.handshakes == 1) && col.client_certs == 1,
	   "the collector verified the client certificate");
	for (; seq <= 5; seq++)
		emit_seq(o, seq);
	ok(pump_until(o, &col, 3000, col.n == 5), "5 alerts arrive");
	ok(pump_until(o, &col, 4000, o->stats.spool_records == 0),
	   "once acknowledged they leave the spool");
	is_int(o->stats.replayed, 0, "sent as they came: nothing replayed");

	collector_down(&col);
	for (; seq <= 12; seq++) {
		emit_seq(o, seq);
		pump(o, &col, 10);
	}
	ok(pump_until(o, &col, 2000, !o->stats.connected), "the output sees the collector gone");
	is_int(o->stats.spool_records, 7, "the 7 alerts raised while it is down are spooled");
	ok(o->stats.last_error[0] != '\0', "last error: %s", o->stats.last_error);

	collector_up(&col);
	emit_seq(o, seq++);	/* behind the spool, not ahead of it */
	ok(pump_until(o, &col, 5000, col.n == 13 && o->stats.spool_records == 0),
	   "collector back: the spool drains");
	ok(in_order(&col, 1, 13), "all 13 alerts arrived once, in order");
	if (!in_order(&col, 1, 13))
		for (int i = 0; i < col.n; i++)
			diag("received seq %d", col.seqs[i]);
	ok(o->stats.replayed >= 8, "%llu replayed from the spool",
	   (unsigned long long)o->stats.replayed);
	ok(o->stats.connects == 2 && o->stats.errors == 0, "two connections, nothing lost");
	output_close(o);
	collector_free(&col);
}

/* A refused collector: a sentence that says why, and the alerts kept. */
static void refused(const char *what, const char *host, const char *ca, const char *cert,
		    const char *key, bool require_cert, const char *want)
{
	static struct collector col;
	char err[512], spool[300];
	struct output *o;

	snprintf(spool, sizeof(spool), "%s/spool-%d", dir, rand());
	collector_init(&col);
	col.require_client_cert = require_cert;
	o = open_tls(col.port, host, ca, cert, key, spool, err, sizeof(err));
	ok(o != NULL, "%s: the output opens (%s)", what, o ? "ok" : err);
	if (!o) {
		collector_free(&col);
		return;
	}
	for (int seq = 1; seq <= 3; seq++) {
		emit_seq(o, seq);
		pump(o, &col, 100);
	}
	pump_until(o, &col, 3000, strstr(o->stats.last_error, want) != NULL);
	ok(strstr(o->stats.last_error, want) != NULL, "%s: refused, saying '%s'", what,
	   o->stats.last_error);
	pump(o, &col, 2500);	/* longer than the TLS settle time */
	ok(col.handshakes == 0 && col.n == 0, "%s: no session, nothing reaches the collector",
	   what);
	ok(o->stats.spool_records == 3 && o->stats.errors == 0,
	   "%s: the 3 alerts stay in the spool (%llu), none lost", what,
	   (unsigned long long)o->stats.spool_records);
	output_close(o);
	collector_free(&col);
}

int main(void)
{
	char err[512], cmd[64];
	struct output *o;

	/* The collector's GnuTLS writes with plain send(): a refused peer is gone. */
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	make_certs();
	test_delivery_and_outage();
	refused("wrong CA", "127.0.0.1", other_ca_pem, NULL, NULL, false,
		"server certificate refused: The certificate is NOT trusted. The certificate issuer is unknown.");
	refused("wrong name (127.0.0.2)", "127.0.0.2", ca_pem, NULL, NULL, false,
		"server certificate refused: The certificate is NOT trusted. The name in the certificate does not match the expected.");
	refused("no client certificate", "127.0.0.1", ca_pem, NULL, NULL, true,
		"the server sent alert");
	o = open_tls(6514, "127.0.0.1", "/nonexistent/ca.pem", NULL, NULL, dir, err, sizeof(err));
	ok(!o && strstr(err, "cannot open: TLS CA file /nonexistent/ca.pem: "),
	   "a missing CA file stops the output: %s", err);
	output_close(o);
	o = open_tls(6514, "127.0.0.1", ca_pem, cli_pem, NULL, dir, err, sizeof(err));
	ok(!o && strstr(err, "a client certificate needs its key"),
	   "a client certificate without its key: %s", err);
	output_close(o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not clean %s", dir);
	return tap_done();
}
