// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA monitor's reader of the kernel log: interrupts on vectors with
 * no handler show only there (see dma.c for why there is no probe).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dma_mon.h"
#include "log.h"

/*
 * The kernel's "No irq handler for vector" message, in either of the forms
 * kernels print it (irq_stat.c) (pr_emerg_ratelimited:
 * 10 per 5 s) and its "N callbacks suppressed" note, which comes just
 * before the next message it lets through.
 */
static void kmsg_vector(struct dma_mon *st, const struct kmsg_vector *k)
{
	struct kmsg_vec_count *v = NULL;
	struct bmcw_alert al;
	uint64_t seen;

	if (k->kind == KMSG_VECTOR_SUPPRESSED) {
		st->kmsg_suppressed += k->suppressed;
		st->kmsg_pending_suppressed += k->suppressed;
		return;
	}
	st->kmsg_seen++;
	for (unsigned int i = 0; i < st->nkvec && !v; i++)
		if (st->kvec[i].cpu == k->cpu && st->kvec[i].vector == k->vector)
			v = &st->kvec[i];
	if (!v && st->nkvec < MAX_KMSG_VECTORS) {
		v = &st->kvec[st->nkvec++];
		v->cpu = k->cpu;
		v->vector = k->vector;
		v->seen = 0;
	}
	/* A table full of other vectors: the count of all of them. */
	seen = v ? ++v->seen : st->kmsg_seen;
	if (dma_rules_vector_msg(k->cpu, k->vector, seen,
				 st->kmsg_pending_suppressed, &al))
		pipeline_submit(st->d->pipeline, &al);
	st->kmsg_pending_suppressed = 0;
}

void dma_drain_kmsg(struct dma_mon *st)
{
	char rec[8192];		/* a record never exceeds CONSOLE_EXT_LOG_MAX */
	struct kmsg_vector k;
	ssize_t n;

	if (st->kmsg_fd < 0)
		return;
	/* Bounded: a kernel printing without pause must not starve the rest. */
	for (int i = 0; i < 4096; i++) {
		n = read(st->kmsg_fd, rec, sizeof(rec));
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read them */
		if (n <= 0)
			break;
		if (kmsg_parse_vector(rec, n, &k) != KMSG_VECTOR_NONE)
			kmsg_vector(st, &k);
	}
}

/*
 * The kernel log is where an interrupt on a vector nobody requested
 * shows. Read from its end: what was printed
 * before the daemon started is not news (and a restart must not repeat it).
 */
void dma_open_kmsg(struct dma_mon *st)
{
	struct epoll_event ev = { .events = EPOLLIN };

	st->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->kmsg_fd < 0) {
		int err = errno;

		dma_hook_failed(st, "/dev/kmsg", err,
				"interrupts on vectors with no handler are not seen");
		daemon_blind_spot(st->d, "dma monitor's /dev/kmsg reader", strerror(err),
				  "interrupts on vectors with no handler (rogue MSIs)");
		return;
	}
	lseek(st->kmsg_fd, 0, SEEK_END);
	ev.data.fd = st->kmsg_fd;
	if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->kmsg_fd, &ev))
		bmcw_log(LOG_WARNING, "dma: /dev/kmsg read at each interval only: %s",
			 strerror(errno));
}
