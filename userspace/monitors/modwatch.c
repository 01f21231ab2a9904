// SPDX-License-Identifier: GPL-2.0
/* See modwatch.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_monitor.h"
#include "log.h"
#include "modwatch.h"
#include "modwatch.skel.h"
#include "probe_path.h"
#include "sysfs_pci.h"

/*
 * The syscall's entry for fentry and kprobe.multi: its pt_regs wrapper
 * (since 4.17 on x86_64, 4.19 on arm64), whose arguments the programs
 * read as the wrapped syscall's. Elsewhere the kprobe alone.
 */
#if defined(__x86_64__)
#define SYSCALL_WRAPPER(name)	"__x64_sys_" name
#elif defined(__aarch64__)
#define SYSCALL_WRAPPER(name)	"__arm64_sys_" name
#elif defined(__s390x__)
#define SYSCALL_WRAPPER(name)	"__s390x_sys_" name
#else
#define SYSCALL_WRAPPER(name)	NULL
#endif

enum { HOOK_DELETE_MODULE, HOOK_SHOW_REFCNT, MODW_HOOKS };

static const struct {
	const char *what;
	const char *func;	/* for fentry and kprobe.multi; NULL: neither */
	const char *why;	/* unseen without it */
} hooks[MODW_HOOKS] = {
	[HOOK_DELETE_MODULE] = { "delete_module(2) probe", SYSCALL_WRAPPER("delete_module"),
		"delete_module(2) calls for bmcwatch.ko (rmmod -f, scripts) are not reported" },
	[HOOK_SHOW_REFCNT] = { "show_refcnt probe", "show_refcnt",
		"rmmod and modprobe -r of bmcwatch.ko are not reported, and fail with \"in use\" while the daemon runs" },
};

struct modwatch {
	struct bmcw_daemon *d;
	struct modwatch_bpf *skel;
	unsigned int avail[MODW_HOOKS];		/* paths each probe could take */
	unsigned int loaded[MODW_HOOKS];	/* paths whose program is loaded */
	int load_err[PROBE_NPATHS];		/* the last object with it failed so */
	struct probe_try tries[MODW_HOOKS];
	struct bpf_link *links[MODW_HOOKS];
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

static struct bpf_program *hook_prog(struct modwatch_bpf *s, unsigned int h, enum probe_path p)
{
	struct bpf_program *progs[MODW_HOOKS][PROBE_NPATHS] = {
		[HOOK_DELETE_MODULE] = {
			[PROBE_FENTRY] = s->progs.on_delete_module_fentry,
			[PROBE_KPROBE_MULTI] = s->progs.on_delete_module_multi,
			[PROBE_KPROBE] = s->progs.on_delete_module,
		},
		[HOOK_SHOW_REFCNT] = {
			[PROBE_FENTRY] = s->progs.on_show_refcnt_fentry,
			[PROBE_KPROBE_MULTI] = s->progs.on_show_refcnt_multi,
			[PROBE_KPROBE] = s->progs.on_show_refcnt,
		},
	};

	return progs[h][p];
}

/*
 * What each probe could take: the kprobe always; fentry when its function
 * is in the kernel's BTF (the verifier needs its type); kprobe.multi by
 * name, which only the attach can tell.
 */
static void find_paths(struct modwatch *m)
{
	struct btf *btf = btf__load_vmlinux_btf();

	for (unsigned int h = 0; h < MODW_HOOKS; h++) {
		probe_try_init(&m->tries[h]);
		m->avail[h] = PROBE_BIT(PROBE_KPROBE);
		if (!hooks[h].func)
			continue;
		m->avail[h] |= PROBE_BIT(PROBE_KPROBE_MULTI);
		if (btf && btf__find_by_name_kind(btf, hooks[h].func, BTF_KIND_FUNC) > 0)
			m->avail[h] |= PROBE_BIT(PROBE_FENTRY);
		else
			probe_try_result(&m->tries[h], PROBE_FENTRY, ESRCH);
	}
	btf__free(btf);
}

/* Open and load with the programs of @set; NULL with *err on failure. */
static struct modwatch_bpf *load(struct modwatch *m, unsigned int set, int *err)
{
	struct modwatch_bpf *skel = modwatch_bpf__open();

	if (!skel) {
		*err = errno;
		return NULL;
	}
	snprintf((char *)skel->rodata->target, sizeof(skel->rodata->target), "%s",
		 MODWATCH_MODULE);
	for (unsigned int h = 0; h < MODW_HOOKS; h++) {
		m->loaded[h] = 0;
		for (unsigned int p = 0; p < PROBE_NPATHS; p++) {
			struct bpf_program *prog = hook_prog(skel, h, p);
			bool on = set & m->avail[h] & PROBE_BIT(p);

			if (on && p == PROBE_FENTRY) {
				int e = bpf_program__set_attach_target(prog, 0, hooks[h].func);

				if (e) {
					probe_try_result(&m->tries[h], p, -e);
					m->avail[h] &= ~PROBE_BIT(p);
					on = false;
				}
			}
			bpf_program__set_autoload(prog, on);
			if (on)
				m->loaded[h] |= PROBE_BIT(p);
		}
	}
	*err = -modwatch_bpf__load(skel);
	if (*err) {
		modwatch_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static struct bpf_link *attach(struct modwatch *m, unsigned int h, enum probe_path p)
{
	struct bpf_program *prog = hook_prog(m->skel, h, p);

	switch (p) {
	case PROBE_FENTRY:
		return bpf_program__attach_trace(prog);
	case PROBE_KPROBE_MULTI: {
		/* by name: a pattern would need the addresses of /proc/kallsyms (CAP_SYSLOG) */
		const char *syms[] = { hooks[h].func };
		LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms, .cnt = 1);

		return bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts);
	}
	default:
		return bpf_program__attach(prog);
	}
}

static void paths_text(unsigned int set, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int p = 0; p < PROBE_NPATHS && used < len; p++)
		if (set & PROBE_BIT(p))
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 probe_path_name(p));
}

static void hook_failed(struct bmcw_daemon *d, const char *what, const char *err,
			const char *why, const struct probe_try *t)
{
	struct bmcw_alert a = { .rule = "health.hook_failed" };

	snprintf(a.message, sizeof(a.message), "module watch: %s is not in place (%s)", what, err);
	snprintf(a.why, sizeof(a.why), "%s", why);
	snprintf(a.subject.locus, sizeof(a.subject.locus), "%s", what);
	/* each way tried, as "fentry", "kprobe_multi", "kprobe" */
	for (unsigned int p = 0; t && p < PROBE_NPATHS; p++) {
		const char *key = p == PROBE_KPROBE_MULTI ? "kprobe_multi" : probe_path_name(p);
		char one[160];

		if (t->err[p])
			alert_add_extra(&a, key, "%s", probe_try_error(t, p, one, sizeof(one)));
	}
	pipeline_submit(d->pipeline, &a);
	bmcw_log(LOG_WARNING, "%s", a.message);
	daemon_blind_spot(d, what, err, why);
}

static void place(struct modwatch *m, unsigned int h)
{
	struct probe_try *t = &m->tries[h];
	char errs[512];

	for (unsigned int p = 0; p < PROBE_NPATHS && !probe_try_placed(t); p++) {
		if (!(m->loaded[h] & PROBE_BIT(p))) {
			if (hooks[h].func)
				probe_try_unloaded(t, p, m->load_err[p]);
			continue;
		}
		m->links[h] = attach(m, h, p);
		probe_try_result(t, p, m->links[h] ? 0 : errno ? errno : EINVAL);
	}
	probe_try_errors(t, errs, sizeof(errs));
	if (!probe_try_placed(t)) {
		hook_failed(m->d, hooks[h].what, errs, hooks[h].why, t);
		return;
	}
	/* The way it took, and what did not take before it, for the operator. */
	bmcw_log(errs[0] ? LOG_NOTICE : LOG_INFO, "module watch: %s placed as %s (%s)%s%s",
		 hooks[h].what, probe_path_name(t->placed), probe_path_how(t->placed),
		 errs[0] ? "; not taken: " : "", errs);
}

struct modwatch *modwatch_open(struct bmcw_daemon *d)
{
	struct modwatch *m = calloc(1, sizeof(*m));
	unsigned int tried = 0, set, any, n = 0;
	char names[64];
	int err = 0;

	if (!m)
		return NULL;
	m->d = d;
	bpfmon_libbpf_logging();
	find_paths(m);
	/*
	 * Every program the probes could take, then fewer when the object
	 * does not load (one program the kernel refuses fails them all).
	 */
	for (;;) {
		any = 0;
		for (unsigned int h = 0; h < MODW_HOOKS; h++)
			any |= m->avail[h];
		set = probe_load_next(any, tried);
		if (!set)
			break;
		tried |= 1U << set;
		m->skel = load(m, set, &err);
		if (m->skel)
			break;
		for (unsigned int p = 0; p < PROBE_NPATHS; p++)
			if (set & PROBE_BIT(p))
				m->load_err[p] = err;
		paths_text(set, names, sizeof(names));
		bmcw_log(LOG_NOTICE, "module watch: programs for %s did not load: %s",
			 names, strerror(err));
	}
	if (!m->skel) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%s", strerror(err ? err : EINVAL));
		hook_failed(d, "module watch programs", msg,
			    "unloading bmcwatch.ko under the daemon is not reported", NULL);
		goto fail;
	}
	for (unsigned int h = 0; h < MODW_HOOKS; h++) {
		place(m, h);
		n += m->links[h] != NULL;
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

void modwatch_describe(const struct modwatch *m, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int h = 0; h < MODW_HOOKS && used < len; h++) {
		const struct probe_try *t = &m->tries[h];

		used += snprintf(buf + used, len - used, "%s%s: %s", used ? "; " : "",
				 hooks[h].what,
				 probe_try_placed(t) ? probe_path_name(t->placed) : "not placed");
	}
}

void modwatch_close(struct modwatch *m)
{
	if (!m)
		return;
	ring_buffer__free(m->rb);
	for (unsigned int h = 0; h < MODW_HOOKS; h++)
		bpf_link__destroy(m->links[h]);
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
