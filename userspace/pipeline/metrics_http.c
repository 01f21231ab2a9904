/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus endpoint, on libmicrohttpd (MHD). The daemon's event loop
 * never touches a client: MHD accepts, reads and answers from a thread of
 * its own, and the loop only publishes, once per interval, the text it
 * rendered (metrics_export). A request is answered with a copy of the last
 * text published, taken under a mutex that is only ever held for a
 * pointer swap or that copy.
 *
 * What a hostile client can take is bounded (struct metrics_http_limits):
 * a connection slot, of which one address gets a few, for at most the
 * idle timeout, and the memory of its request, capped per connection. A
 * stalled request, a flood of connections or a megabyte of headers
 * therefore costs the other clients nothing but those slots, and the
 * daemon, its alerts and its watchdog nothing at all.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "metrics_http.h"

#define EXPOSITION_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * A scrape is one request of well under 1 KiB, answered at once: 16
 * scrapers at a time, 4 from any one address (a host on the management
 * network cannot take the slots of the Prometheus on another), 10 s of
 * silence (Prometheus's own default scrape timeout) and 16 KiB of request
 * per connection (MHD refuses larger headers with 431).
 */
const struct metrics_http_limits metrics_http_defaults = {
	.connections = 16,
	.per_ip = 4,
	.timeout_s = 10,
	.memory = 16 * 1024,
};

struct metrics_http {
	struct MHD_Daemon *mhd;
	pthread_mutex_t lock;
	char *text;			/* the last exposition published, or NULL */
	size_t len;
};

int metrics_http_listen(const struct sockaddr_storage *ss, unsigned int sslen)
{
	int one = 1, fd, err;

	/*
	 * One address, never all: the endpoint has no authentication.
	 * IP_FREEBIND: a management interface may get its address after
	 * the daemon started at boot; the monitor must not wait for it.
	 */
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)ss, sslen) || listen(fd, 16)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* A fixed text: MHD keeps a pointer to it, no copy. */
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status,
				  const char *text, const char *hdr, const char *val)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (hdr)
		MHD_add_response_header(r, hdr, val);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The last exposition, copied under the lock: publish may free it next. */
static enum MHD_Result reply_exposition(struct metrics_http *h,
					struct MHD_Connection *c)
{
	struct MHD_Response *r = NULL;
	bool published;
	enum MHD_Result ret;

	pthread_mutex_lock(&h->lock);
	published = h->text != NULL;
	if (published)
		r = MHD_create_response_from_buffer(h->len, h->text, MHD_RESPMEM_MUST_COPY);
	pthread_mutex_unlock(&h->lock);
	if (!published)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "bmcwatchd is starting: no metrics yet\n",
				  MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, EXPOSITION_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * Called once the request line and headers are in (MHD read them within
 * the limits). Answered at once: a request body, which no GET has, is then
 * not read at all and MHD closes the connection after the answer.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req)
{
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req;
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND,
				  "not found: the metrics are at /metrics\n", NULL, NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "method not allowed: GET /metrics\n",
				  MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return reply_exposition(cls, c);
}

struct metrics_http *metrics_http_start(int listen_fd,
					const struct metrics_http_limits *lim)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	sigset_t all, old;

	if (!h) {
		close(listen_fd);
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	/*
	 * The server's thread inherits this thread's signal mask: all
	 * blocked, so that SIGTERM and SIGHUP reach the daemon's signalfd
	 * and never this thread (where SIGTERM would kill the process
	 * without its goodbye).
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/*
	 * MHD_USE_AUTO_INTERNAL_THREAD: one thread polls every connection
	 * (epoll here), so a client that stalls holds its slot, not the
	 * thread. No MHD_USE_ERROR_LOG: clients must not be able to fill
	 * the daemon's log. Strict parsing: a scraper sends clean HTTP.
	 */
	h->mhd = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
				  on_request, h,
				  MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
				  MHD_OPTION_CONNECTION_LIMIT, lim->connections,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->per_ip,
				  MHD_OPTION_CONNECTION_TIMEOUT, lim->timeout_s,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim->memory,
				  MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
				  MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->mhd) {
		close(listen_fd);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

void metrics_http_publish(struct metrics_http *h, char *text, size_t len)
{
	char *old;

	pthread_mutex_lock(&h->lock);
	old = h->text;
	h->text = text;
	h->len = len;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

/* MHD_stop_daemon joins the thread and closes the listening socket. */
void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}
