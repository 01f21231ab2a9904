// SPDX-License-Identifier: GPL-2.0
/* See modwatch.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_monitor.h"
#include "log.h"
#include "modwatch.h"
#include "modwatch.skel.h"
#include "sysfs_pci.h"

struct modwatch {
	struct bmcw_daemon *d;
	struct modwatch_bpf *skel;
	struct bpf_link *links[2];
	struct ring_buffer *rb;
	bool have;			/* a request is waiting in req */
	struct modw_event req;
	const char *how;
	uint64_t stats[MODW_STAT_MAX];
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct modwatch *m = ctx;
	const struct modw_event *e = data;
	const char *how;
	char comm[sizeof(e->comm) + 1];

	if (len < sizeof(*e))
		return 0;
	how = modwatch_unload_request(e, MODWATCH_MODULE);
	if (!how) {
		memcpy(comm, e->comm, sizeof(e->comm));
		comm[sizeof(e->comm)] = '\0';
		bmcw_log(LOG_DEBUG, "modwatch: %s (pid %u) looked at the module: not an unload",
			 comm, e->pid);
		return 0;
	}
	if (!m->have) {
		m->req = *e;
		m->how = how;
		m->have = true;
	}
	return 0;
}

static void hook_failed(struct bmcw_daemon *d, const char *what, int err, const char *why)
{
	struct bmcw_alert a = { .rule = "health.hook_failed" };

	snprintf(a.message, sizeof(a.message),
		 "module watch: %s is not in place (%s)", what, strerror(err));
	snprintf(a.why, sizeof(a.why), "%s", why);
	snprintf(a.subject.locus, sizeof(a.subject.locus), "%s", what);
	pipeline_submit(d->pipeline, &a);
	bmcw_log(LOG_WARNING, "%s", a.message);
}

struct modwatch *modwatch_open(struct bmcw_daemon *d)
{
	struct modwatch *m = calloc(1, sizeof(*m));
	struct {
		struct bpf_program *prog;
		const char *what, *why;
	} progs[2];
	unsigned int n = 0;
	int err;

	if (!m)
		return NULL;
	m->d = d;
	bpfmon_libbpf_logging();
	m->skel = modwatch_bpf__open();
	if (!m->skel)
		goto fail;
	snprintf((char *)m->skel->rodata->target, sizeof(m->skel->rodata->target), "%s",
		 MODWATCH_MODULE);
	err = modwatch_bpf__load(m->skel);
	if (err) {
		hook_failed(d, "module watch programs", -err,
			    "unloading bmcwatch.ko under the daemon is not reported");
		goto fail;
	}
	progs[0] = (typeof(progs[0])){ m->skel->progs.on_delete_module,
		"kprobe delete_module(2)",
		"delete_module(2) calls for bmcwatch.ko (rmmod -f, scripts) are not reported" };
	progs[1] = (typeof(progs[0])){ m->skel->progs.on_show_refcnt,
		"kprobe show_refcnt",
		"rmmod and modprobe -r of bmcwatch.ko are not reported, and fail with \"in use\" while the daemon runs" };
	for (unsigned int i = 0; i < 2; i++) {
		struct bpf_link *l = bpf_program__attach(progs[i].prog);

		if (!l) {
			hook_failed(d, progs[i].what, errno, progs[i].why);
			continue;
		}
		m->links[n++] = l;
	}
	if (!n)
		goto fail;
	m->rb = ring_buffer__new(bpf_map__fd(m->skel->maps.modw_events), on_event, m, NULL);
	if (!m->rb)
		goto fail;
	return m;
fail:
	modwatch_close(m);
	return NULL;
}

void modwatch_close(struct modwatch *m)
{
	if (!m)
		return;
	ring_buffer__free(m->rb);
	for (unsigned int i = 0; i < 2; i++)
		bpf_link__destroy(m->links[i]);
	modwatch_bpf__destroy(m->skel);
	free(m);
}

int modwatch_fd(const struct modwatch *m)
{
	return ring_buffer__epoll_fd(m->rb);
}

bool modwatch_take_request(struct modwatch *m, struct modw_event *e, const char **how)
{
	ring_buffer__consume(m->rb);
	if (!m->have)
		return false;
	*e = m->req;
	*how = m->how;
	m->have = false;
	return true;
}

void modwatch_report_losses(struct modwatch *m)
{
	static const struct bpfmon_hop hops[] = {
		{ MODW_STAT_RB_FULL, "ringbuf" },
		{ MODW_STAT_READ_FAIL, "bpf_read" },
	};
	uint64_t now[MODW_STAT_MAX];

	bpfmon_report_losses(m->d->pipeline, bpf_map__fd(m->skel->maps.modw_stats),
			     MODW_STAT_MAX, hops, sizeof(hops) / sizeof(hops[0]),
			     m->stats, now);
}

void modwatch_look(struct modwatch_seen *s)
{
	char state[32];
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat("/sys/module/" MODWATCH_MODULE, &st))
		return;
	s->present = true;
	s->ino = st.st_ino;
	s->live = !read_line_file("/sys/module/" MODWATCH_MODULE "/initstate", state,
				  sizeof(state)) && !strcmp(state, "live");
}
