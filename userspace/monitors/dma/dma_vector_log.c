// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA monitor's reader of the kernel's messages about interrupts on
 * vectors with no handler (see dma.c for why there is no probe in
 * interrupt entry). Two sources, [dma] vector_log:
 *  - a BPF program where the kernel formats each message (dma.bpf.c:
 *    printk_sprint()'s exit, or the printk:console tracepoint where that
 *    is safe), which needs no access to the kernel log: the unit as
 *    shipped has no CAP_SYSLOG and ProtectKernelLogs=yes, so /dev/kmsg is
 *    closed to it;
 *  - /dev/kmsg, where the tracepoint cannot be attached.
 * "auto" takes the tracepoint, and /dev/kmsg only if that fails; never both
 * at once, which would count each message twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dma_mon.h"
#include "log.h"
#include "msi_senders.h"

/*
 * The kernel's "No irq handler for vector" message, in either of the forms
 * kernels print it (irq_stat.c) (pr_emerg_ratelimited:
 * 10 per 5 s) and its "N callbacks suppressed" note, which comes just
 * before the next message it lets through. @ts_ns: when it was printed
 * (CLOCK_MONOTONIC, stamped by BPF), 0 if unknown.
 */
static void vector_message(struct dma_mon *st, const struct kmsg_vector *k,
			   uint64_t ts_ns)
{
	struct kmsg_vec_count *v = NULL;
	struct msi_senders who;
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
	/* counted exactly: the interval's alert has it (dma_unowned.c) */
	if (!st->unowned.link) {
		msi_senders_find(k->cpu, k->vector, &st->inv, &who);
		if (dma_rules_vector_msg(k->cpu, k->vector, seen,
					 st->kmsg_pending_suppressed, &who,
					 st->vcount_why, &al))
			dma_submit_event(st, &al, 1, ts_ns);
	}
	st->kmsg_pending_suppressed = 0;
}

void dma_on_console(struct dma_mon *st, const struct bmcw_dma_console *c)
{
	struct kmsg_vector k;
	size_t len = c->len < sizeof(c->text) ? c->len : sizeof(c->text);

	if (kmsg_parse_vector_text(c->text, len, &k) != KMSG_VECTOR_NONE)
		vector_message(st, &k, c->ts_ns);
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
		/*
		 * Its time stamp is printk's clock (local_clock()), not
		 * CLOCK_MONOTONIC: the time it is read stands in.
		 */
		if (kmsg_parse_vector(rec, n, &k) != KMSG_VECTOR_NONE)
			vector_message(st, &k, 0);
	}
}

/*
 * Read from the log's end: what was printed before the daemon started is
 * not news (and a restart must not repeat it).
 */
static int open_kmsg(struct dma_mon *st)
{
	struct epoll_event ev = { .events = EPOLLIN };

	st->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->kmsg_fd < 0)
		return -errno;
	lseek(st->kmsg_fd, 0, SEEK_END);
	ev.data.fd = st->kmsg_fd;
	if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->kmsg_fd, &ev))
		bmcw_log(LOG_WARNING, "dma: /dev/kmsg read at each interval only: %s",
			 strerror(errno));
	return 0;
}

static const char *const vlog_names[] = {
	[DMA_VLOG_AUTO] = "auto",
	[DMA_VLOG_CONSOLE] = "console",
	[DMA_VLOG_KMSG] = "kmsg",
};

#define VECTOR_WHY "interrupts on vectors with no handler (rogue MSIs)"

/*
 * Whether the console tracepoint may take a probe here: from 5.19 to 6.1
 * it is an "rcuidle" tracepoint inside printk_sprint(), and with a probe
 * attached the kernel warns at the first message printed in NMI context
 * (a BMC's NMI makes one). Not where printk_sprint() exists (the program
 * at its exit is the way there), nor on a kernel of those versions that
 * inlined it.
 */
static bool tracepoint_safe(const struct dma_mon *st)
{
	struct utsname u;
	unsigned int maj, min;

	if (st->sprint_exists || uname(&u) ||
	    sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return false;
	return maj < 5 || (maj == 5 && min < 15) || maj > 6 || (maj == 6 && min >= 2);
}

/* The BPF source: printk_sprint's exit, else the console tracepoint. */
static int attach_console(struct dma_mon *st, const char **what)
{
	if (st->sprint_loaded) {
		*what = "printk_sprint() exit (fexit)";
		st->console_link = bpf_program__attach(st->skel->progs.on_printk_sprint);
	} else if (tracepoint_safe(st)) {
		*what = "printk:console tracepoint";
		st->console_link = bpf_program__attach(st->skel->progs.on_console);
	} else {
		*what = "printk_sprint() exit or printk:console tracepoint";
		return st->sprint_exists ? ENOENT : EOPNOTSUPP;
	}
	return st->console_link ? 0 : errno;
}

void dma_open_vector_log(struct dma_mon *st)
{
	enum dma_vector_log how = st->d->policy->dma_vector_log;
	int bpf_err = 0, kmsg_err = 0;
	const char *what = "";
	char name[96];

	if (how != DMA_VLOG_KMSG) {
		bpf_err = attach_console(st, &what);
		if (!bpf_err) {
			bmcw_log(LOG_INFO, "dma: vector messages read at the %s ([dma] vector_log = %s)",
				 what, vlog_names[how]);
			return;
		}
		bmcw_log(LOG_WARNING, "dma: cannot read kernel messages at the %s: %s%s",
			 what, strerror(bpf_err),
			 how == DMA_VLOG_AUTO ? "; reading /dev/kmsg instead" : "");
	}
	if (how != DMA_VLOG_CONSOLE) {
		kmsg_err = -open_kmsg(st);
		if (!kmsg_err) {
			bmcw_log(LOG_INFO, "dma: vector messages read from /dev/kmsg ([dma] vector_log = %s)",
				 vlog_names[how]);
			return;
		}
	}
	/* Neither: say which was refused, and why. */
	if (bpf_err) {
		dma_hook_failed(st, what, bpf_err,
				"interrupts on vectors with no handler are not seen");
		snprintf(name, sizeof(name), "dma monitor's reader at the %s", what);
		daemon_blind_spot(st->d, name, strerror(bpf_err), VECTOR_WHY);
	}
	if (kmsg_err) {
		dma_hook_failed(st, "/dev/kmsg", kmsg_err,
				"interrupts on vectors with no handler are not seen");
		daemon_blind_spot(st->d, "dma monitor's /dev/kmsg reader",
				  strerror(kmsg_err), VECTOR_WHY);
	}
}
