// SPDX-License-Identifier: GPL-2.0
/*
 * See kmod_state.h. Over 600 lines: one state (struct kmod_state, private)
 * that every section reads and writes (counters, health replay, hooks and
 * losses, status), and the attach/interval order between them is the point.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <linux/bmcwatch.h>
#include <linux/bpf.h>

#include "khealth.h"
#include "kmod_state.h"
#include "kmodtab.h"
#include "log.h"
#include "sysfs_pci.h"

#define ABI_PATH	BMCW_SYSFS_DIR "/abi_version"
#define HOOKS_PATH	BMCW_DEBUGFS_DIR "/hooks"
#define LOSSES_PATH	BMCW_DEBUGFS_DIR "/losses"
#define HEALTH_PATH	BMCW_DEBUGFS_DIR "/health"

#define HOOKS_MAX	96
#define LOSSES_MAX	32
#define PROGS_MAX	32
#define HEALTH_ROWS	80	/* the module keeps 64 */
/* Losses this recent make the watch "degraded" in bmcwatch status. */
#define RECENT_LOSS_NS	(600ULL * 1000000000ULL)

/* How counters found at attach count: from where a daemon last reported. */
enum base_mode {
	BASE_PREV,	/* the same module instance: the previous daemon's */
	BASE_ZERO,	/* a module instance no daemon reported: all of it */
	BASE_NOW,	/* no instance to tell (older module): only growth */
};

struct counter {
	char name[112];		/* "loss:NAME", "hook:MONITOR/SYMBOL" */
	uint64_t reported;
};

struct kmod_state {
	struct bmcw_daemon *d;
	pid_t self;
	bool attached, loaded;
	bool abi_known;
	unsigned int major, minor;
	uint64_t begin_mono;		/* before the BPF programs attached */
	struct prev_kernel prev;
	/* health events */
	struct khealth_track track;
	uint64_t prev_miss[KHEALTH_WINDOW];	/* missing at the last check */
	size_t n_prev_miss;
	uint64_t replayed, recovered, seq_lost;
	uint64_t dropped_reported;	/* of track.dropped */
	char failed_raised[HOOKS_MAX][HOOKTAB_NAME_MAX];
	size_t n_failed_raised;
	/* tables */
	struct kmodtab_hook hooks[HOOKS_MAX];
	size_t n_hooks;
	bool have_hooks;
	size_t bad_hook_rows;		/* at the last read */
	char first_bad[160];
	struct kmodtab_loss losses[LOSSES_MAX];
	size_t n_losses;
	enum base_mode base;
	struct counter ctr[PREV_KERNEL_MAX];
	size_t n_ctr;
	struct {
		uint32_t id;
		char name[20];		/* the kernel keeps 15 characters */
		uint64_t total, reported;
	} prog[PROGS_MAX];
	size_t n_prog;
	uint64_t last_loss;		/* CLOCK_REALTIME */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct kmod_state *kmod_state_new(struct bmcw_daemon *d)
{
	struct kmod_state *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->d = d;
	k->self = getpid();
	if (d->metrics) {
		metrics_declare(d->metrics, "bmcwatch_kernel_losses_total", METRIC_COUNTER,
				"Events bmcwatch.ko lost, by cause (debugfs losses), since the module was loaded.");
		metrics_declare(d->metrics, "bmcwatch_hook_missed_total", METRIC_COUNTER,
				"Calls a kernel hook of bmcwatch.ko did not report (kprobe busy, no free kretprobe instance), since the module was loaded.");
		metrics_declare(d->metrics, "bmcwatch_bpf_recursion_misses_total", METRIC_COUNTER,
				"Runs of a BPF program the kernel skipped because it was already running on that CPU.");
		metrics_declare(d->metrics, "bmcwatch_kernel_hooks", METRIC_GAUGE,
				"Hooks of bmcwatch.ko by monitor and state (placed, waiting, failed, removed, unused).");
		metrics_declare(d->metrics, "bmcwatch_kernel_health_replayed_total", METRIC_COUNTER,
				"Health events of bmcwatch.ko raised from its table: nothing received them live.");
	}
	return k;
}

void kmod_state_free(struct kmod_state *k)
{
	free(k);
}

void kmod_state_restore(struct kmod_state *k, const struct prev_kernel *pk)
{
	k->prev = *pk;
}

unsigned int kmod_state_abi_minor(const struct kmod_state *k)
{
	return k->abi_known ? k->minor : 0;
}

uint64_t kmod_state_last_loss(const struct kmod_state *k)
{
	return k->last_loss;
}

int kmod_state_begin(struct kmod_state *k, char *why, size_t len)
{
	char line[64];
	int err;

	k->abi_known = false;
	k->begin_mono = clock_ns(CLOCK_MONOTONIC);
	err = read_line_file(ABI_PATH, line, sizeof(line));
	k->loaded = err != -ENOENT;
	if (err == -ENOENT)
		return 0;	/* not loaded: the monitors say so */
	if (err) {
		snprintf(why, len, "bmcwatch.ko's ABI version (%s) cannot be read: %s",
			 ABI_PATH, strerror(-err));
		return -1;
	}
	if (kmodtab_abi_check(line, BMCW_ABI_MAJOR, BMCW_ABI_MINOR, &k->minor, why, len))
		return -1;
	k->major = BMCW_ABI_MAJOR;
	k->abi_known = true;
	if (k->minor != BMCW_ABI_MINOR)
		bmcw_log(LOG_INFO, "bmcwatch.ko speaks ABI %u.%u, this daemon %d.%d: %s",
			 k->major, k->minor, BMCW_ABI_MAJOR, BMCW_ABI_MINOR,
			 k->minor < BMCW_ABI_MINOR ?
			 "what the module does not have is not used" :
			 "what this daemon does not know is ignored");
	return 0;
}

static uint64_t settled(const struct kmod_state *k);

/* --- counters reported so far, by name ---------------------------------- */

static struct counter *counter(struct kmod_state *k, const char *name, uint64_t now)
{
	struct counter *c;

	for (size_t i = 0; i < k->n_ctr; i++)
		if (!strcmp(k->ctr[i].name, name))
			return &k->ctr[i];
	if (k->n_ctr == PREV_KERNEL_MAX)
		return NULL;
	c = &k->ctr[k->n_ctr++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->reported = k->base == BASE_PREV ? prev_kernel_count(&k->prev, name) :
		      k->base == BASE_ZERO ? 0 : now;
	return c;
}

/*
 * A loss the kernel side reported grew: say so once per growth, with
 * what it means. @locus names the counter for the pipeline's aggregation.
 */
static void loss_alert(struct kmod_state *k, const char *cause, const char *locus,
		       uint64_t lost, uint64_t total, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void loss_alert(struct kmod_state *k, const char *cause, const char *locus,
		       uint64_t lost, uint64_t total, const char *fmt, ...)
{
	struct bmcw_alert al = { .rule = "health.events_lost" };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(al.message, sizeof(al.message), fmt, ap);
	va_end(ap);
	snprintf(al.why, sizeof(al.why),
		 "what the kernel side did not see or could not send is not analysed: part of the host went unwatched for a moment");
	snprintf(al.subject.locus, sizeof(al.subject.locus), "%s", locus);
	alert_add_extra(&al, "cause", "%s", cause);
	alert_add_extra(&al, "lost", "%" PRIu64, lost);
	alert_add_extra(&al, "total", "%" PRIu64, total);
	pipeline_submit(k->d->pipeline, &al);
	k->last_loss = clock_ns(CLOCK_REALTIME);
}

/* --- health events --------------------------------------------------- */

static void remember_failed(struct kmod_state *k, const struct khealth_event *e)
{
	char mon[16];

	if (k->n_failed_raised < HOOKS_MAX)
		snprintf(k->failed_raised[k->n_failed_raised++], HOOKTAB_NAME_MAX, "%s/%s",
			 khealth_monitor_name(e->monitor, mon, sizeof(mon)), e->what);
}

static bool failed_raised(const struct kmod_state *k, const char *hook)
{
	for (size_t i = 0; i < k->n_failed_raised; i++)
		if (!strcmp(k->failed_raised[i], hook))
			return true;
	return false;
}

static void raise_event(struct kmod_state *k, const struct khealth_event *e,
			const char *replay_why)
{
	struct khealth_ctx c = { .self = k->self, .replayed = replay_why != NULL,
				 .replay_why = replay_why };
	char exe[PATH_MAX] = "";
	struct bmcw_alert al;

	/* a replayed event's pid may be gone, or someone else's by now */
	if (!replay_why && e->pid)
		proc_exe((pid_t)e->pid, exe, sizeof(exe));
	c.exe = exe;
	if (replay_why)
		c.event_realtime_ns = evclock_to_real(&k->d->clock, e->ts_ns);
	khealth_alert(e, &c, &al);
	/* when the module raised it, live or replayed (ktime_get_ns()) */
	evclock_stamp(&k->d->clock, &al, 1, e->ts_ns);
	pipeline_submit(k->d->pipeline, &al);
	if (e->kind == BMCW_HEALTH_HOOK_FAILED)
		remember_failed(k, e);
	if (e->kind == BMCW_HEALTH_EVENTS_LOST)
		k->last_loss = clock_ns(CLOCK_REALTIME);
	if (replay_why && k->d->metrics)
		metrics_add(k->d->metrics, "bmcwatch_kernel_health_replayed_total", "", 1);
}

void kmod_state_health(struct kmod_state *k, const void *body, size_t len)
{
	struct khealth_event e;

	if (khealth_from_record(body, len, kmod_state_abi_minor(k), &e))
		return;
	/* raised already from the table (replay), or a repeat */
	if (!khealth_track_take(&k->track, e.seq))
		return;
	raise_event(k, &e, NULL);
}

/* debugfs "health": the header and up to @max rows; -1 if unreadable. */
static int read_health(struct kmodtab_health_head *head,
		       struct kmodtab_health_row *rows, size_t max, size_t *n)
{
	FILE *f = fopen(HEALTH_PATH, "re");
	struct kmodtab_health_row row;
	char line[512];
	bool have_head = false;
	size_t bad = 0;

	*n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!have_head) {
			if (kmodtab_health_head_parse(line, head) == KMODTAB_ROW)
				have_head = true;
			else
				bad++;
			continue;
		}
		switch (kmodtab_health_parse(line, &row)) {
		case KMODTAB_ROW:
			if (*n < max)
				rows[(*n)++] = row;
			break;
		case KMODTAB_BAD:
			bad++;
			break;
		default:
			break;
		}
	}
	fclose(f);
	if (bad)
		bmcw_log(LOG_WARNING, "%s: %zu lines that do not parse, skipped", HEALTH_PATH, bad);
	return have_head ? 0 : -1;
}

/*
 * Attach: raise once what no daemon received. Rows raised before the
 * programs attached are replayed when this daemon lineage has not raised
 * them: with the same module instance as the previous daemon, every one
 * after what it had settled; with a new instance, the ones no consumer
 * received (delivered=0). Rows raised since come through BPF: expected.
 */
static void replay(struct kmod_state *k)
{
	struct kmodtab_health_row rows[HEALTH_ROWS];
	struct kmodtab_health_head head;
	struct khealth_event e;
	uint64_t base = 0;
	bool same;
	size_t n;

	if (read_health(&head, rows, HEALTH_ROWS, &n)) {
		/* an older module: no numbering, nothing to replay */
		khealth_track_reset(&k->track, 0, 0);
		k->base = BASE_NOW;
		return;
	}
	same = k->prev.instance == head.instance;
	if (same)
		base = k->prev.health_seq;
	k->base = same ? BASE_PREV : BASE_ZERO;
	khealth_track_reset(&k->track, head.instance, head.last_seq);
	k->n_prev_miss = 0;
	k->dropped_reported = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kmodtab_health_row *r = &rows[i];

		if (r->ts_ns >= k->begin_mono) {
			khealth_track_expect(&k->track, r->seq);
			continue;
		}
		if (same && r->seq <= base)
			continue;
		/*
		 * Received by someone, in a new instance: another consumer
		 * before this daemon, or this daemon's programs if it came
		 * while they attached. Expected: if it does not come, the
		 * gap check settles it without raising it.
		 */
		if (!same && r->delivered) {
			khealth_track_expect(&k->track, r->seq);
			continue;
		}
		khealth_from_row(r, &e);
		raise_event(k, &e, r->delivered ?
			    "raised while this bmcwatchd was not attached" :
			    "raised while no bmcwatchd listened");
		k->replayed++;
	}
	if (k->replayed)
		bmcw_log(LOG_NOTICE, "bmcwatch.ko instance %016" PRIx64 ": %" PRIu64 " health events replayed from %s",
			 head.instance, k->replayed, HEALTH_PATH);
}

/*
 * Sequence numbers expected through BPF and still missing at two checks
 * in a row (one interval apart: not one in flight) are read from the
 * module's table; what is no longer there is lost.
 */
static void settle_gaps(struct kmod_state *k)
{
	struct kmodtab_health_row rows[HEALTH_ROWS];
	uint64_t miss[KHEALTH_WINDOW], act[KHEALTH_WINDOW], lost = 0;
	struct kmodtab_health_head head;
	size_t n = khealth_track_missing(&k->track, miss, KHEALTH_WINDOW), na = 0, nr = 0;
	struct khealth_event e;

	/* numbers that left the window before anything settled them */
	lost = k->track.dropped - k->dropped_reported;
	k->dropped_reported = k->track.dropped;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k->n_prev_miss; j++)
			if (miss[i] == k->prev_miss[j])
				act[na++] = miss[i];
	memcpy(k->prev_miss, miss, n * sizeof(*miss));
	k->n_prev_miss = n;
	if (na && (read_health(&head, rows, HEALTH_ROWS, &nr) || head.instance != k->track.instance))
		nr = 0;
	for (size_t i = 0; i < na; i++) {
		size_t j;

		for (j = 0; j < nr && rows[j].seq != act[i]; j++)
			;
		if (!khealth_track_take(&k->track, act[i]))
			continue;
		if (j == nr) {
			lost++;
			continue;
		}
		/* another consumer's before this daemon attached (replay()) */
		if (k->base == BASE_ZERO && rows[j].delivered && rows[j].ts_ns < k->begin_mono)
			continue;
		khealth_from_row(&rows[j], &e);
		raise_event(k, &e, "its live copy was lost on the way; recovered from the module's table");
		k->recovered++;
	}
	if (!lost)
		return;
	k->seq_lost += lost;
	loss_alert(k, "health_seq_gap", "kmod health", lost, k->seq_lost,
		   "%" PRIu64 " health events of bmcwatch.ko never arrived and fell off its table before they could be read: what they said is unknown",
		   lost);
}

/* --- hooks and losses --------------------------------------------------- */

static const char *const legacy_tables[][2] = {
	/* older modules (ABI < 1.2): one table per monitor */
	{ "lpc", BMCW_DEBUGFS_DIR "/lpc_hooks" },
	{ "ipmi", BMCW_DEBUGFS_DIR "/ipmi_hooks" },
	{ "dma", BMCW_DEBUGFS_DIR "/iommu" },
};

static size_t read_hook_file(const char *path, const char *monitor,
			     struct kmodtab_hook *out, size_t max, bool *found,
			     size_t *bad_rows, char *first_bad, size_t bad_len)
{
	FILE *f = fopen(path, "re");
	char line[512];
	size_t n = 0, bad = 0;

	*found = f != NULL;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		int r = kmodtab_hook_parse(line, &out[n]);

		if (r == KMODTAB_BAD && !bad++)
			snprintf(first_bad, bad_len, "%.*s", (int)strcspn(line, "\n"), line);
		if (r != KMODTAB_ROW || n == max)
			continue;
		if (monitor && !out[n].monitor[0])
			snprintf(out[n].monitor, sizeof(out[n].monitor), "%s", monitor);
		n++;
	}
	fclose(f);
	/* the legacy tables hold other rows too (ipmi_hooks' NMI row) */
	if (!monitor)
		*bad_rows += bad;
	return n;
}

static void read_hooks(struct kmod_state *k)
{
	bool found;

	k->bad_hook_rows = 0;
	k->n_hooks = read_hook_file(HOOKS_PATH, NULL, k->hooks, HOOKS_MAX, &found,
				    &k->bad_hook_rows, k->first_bad, sizeof(k->first_bad));
	k->have_hooks = found;
	if (found || kmod_state_abi_minor(k) >= 2)
		return;
	for (size_t i = 0; i < sizeof(legacy_tables) / sizeof(legacy_tables[0]); i++)
		k->n_hooks += read_hook_file(legacy_tables[i][1], legacy_tables[i][0],
					     k->hooks + k->n_hooks, HOOKS_MAX - k->n_hooks,
					     &found, &k->bad_hook_rows, k->first_bad,
					     sizeof(k->first_bad));
}

static void read_losses(struct kmod_state *k)
{
	FILE *f = fopen(LOSSES_PATH, "re");
	char line[512];

	k->n_losses = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && k->n_losses < LOSSES_MAX)
		if (kmodtab_loss_parse(line, &k->losses[k->n_losses]) == KMODTAB_ROW)
			k->n_losses++;
	fclose(f);
}

/* At attach: the hooks that could not be placed, unless just raised. */
static void report_failed_hooks(struct kmod_state *k)
{
	char err[96];

	/* a hook whose state cannot be read may be a failed one */
	if (k->bad_hook_rows) {
		struct bmcw_alert al = { .rule = "health.hook_failed" };

		snprintf(al.message, sizeof(al.message),
			 "%zu rows of bmcwatch.ko's hook table do not parse, the first: '%.100s'",
			 k->bad_hook_rows, k->first_bad);
		snprintf(al.why, sizeof(al.why),
			 "the state of those hooks is unknown: any of them may be a blind spot; the module and daemon may not match");
		snprintf(al.subject.locus, sizeof(al.subject.locus), "kmod hooks");
		pipeline_submit(k->d->pipeline, &al);
	}

	for (size_t i = 0; i < k->n_hooks; i++) {
		const struct kmodtab_hook *h = &k->hooks[i];
		struct bmcw_alert al = { .rule = "health.hook_failed" };
		char name[HOOKTAB_NAME_MAX + 16];

		snprintf(name, sizeof(name), "%s/%s", h->monitor, h->symbol);
		if (h->state != KMODTAB_HOOK_FAILED || failed_raised(k, name))
			continue;
		if (h->row.err < 0 && h->row.err > -4096)
			snprintf(err, sizeof(err), "error %d: %s", h->row.err, strerror(-h->row.err));
		else
			snprintf(err, sizeof(err), "error %d", h->row.err);
		snprintf(al.message, sizeof(al.message),
			 "%s monitor: bmcwatch.ko could not place its hook %s (%s)%s%s%s",
			 h->monitor[0] ? h->monitor : "a", h->symbol, err,
			 h->unseen[0] ? ": " : "", h->unseen, h->unseen[0] ? " unseen" : "");
		snprintf(al.why, sizeof(al.why),
			 "what that hook sees is not watched on this host; the rest of the %s monitor still works",
			 h->monitor[0] ? h->monitor : "module's");
		snprintf(al.subject.locus, sizeof(al.subject.locus), "%s %s", h->monitor,
			 h->symbol);
		alert_add_extra(&al, "monitor", "%s", h->monitor);
		alert_add_extra(&al, "hook", "%s", h->symbol);
		pipeline_submit(k->d->pipeline, &al);
	}
}

static void report_misses(struct kmod_state *k)
{
	char name[HOOKTAB_NAME_MAX + 8], labels[200], esc[160];
	static const char *const states[] = {
		"waiting", "placed", "failed", "removed", "unused",
	};
	static const char *const monitors[] = { "pcie", "ipmi", "dma", "lpc", "usb" };

	for (size_t i = 0; i < k->n_hooks; i++) {
		const struct kmodtab_hook *h = &k->hooks[i];
		struct counter *c;

		snprintf(name, sizeof(name), "hook:%s", h->row.hook);
		c = counter(k, name, h->row.missed);
		if (!c)
			continue;
		if (h->row.missed > c->reported)
			loss_alert(k, "hook_missed", name, h->row.missed - c->reported,
				   h->row.missed,
				   "kernel hook %s missed %" PRIu64 " calls (%s): %s went unseen for them",
				   h->row.hook, h->row.missed - c->reported,
				   !strcmp(h->kind, "kretprobe") ?
				   "no free return-probe instance, or its handler was already running" :
				   "its handler was already running on that CPU",
				   h->unseen[0] ? h->unseen : "what it watches");
		c->reported = h->row.missed;
		if (k->d->metrics) {
			metrics_escape_label(h->row.hook, esc, sizeof(esc));
			snprintf(labels, sizeof(labels), "hook=\"%s\"", esc);
			metrics_set(k->d->metrics, "bmcwatch_hook_missed_total", labels,
				    (double)h->row.missed);
		}
	}
	if (!k->d->metrics || !k->have_hooks)
		return;
	for (size_t m = 0; m < sizeof(monitors) / sizeof(monitors[0]); m++)
		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
			unsigned int n = 0;

			for (size_t i = 0; i < k->n_hooks; i++)
				n += !strcmp(k->hooks[i].monitor, monitors[m]) &&
				     !strcmp(k->hooks[i].row.state, states[s]);
			snprintf(labels, sizeof(labels), "monitor=\"%s\",state=\"%s\"",
				 monitors[m], states[s]);
			metrics_set(k->d->metrics, "bmcwatch_kernel_hooks", labels, n);
		}
}

static void report_losses(struct kmod_state *k)
{
	char name[64], labels[96];

	for (size_t i = 0; i < k->n_losses; i++) {
		const struct kmodtab_loss *l = &k->losses[i];
		struct counter *c;

		snprintf(name, sizeof(name), "loss:%s", l->name);
		c = counter(k, name, l->count);
		if (!c)
			continue;
		/*
		 * Events raised while no consumer was attached are kept in
		 * the health table and replayed: not lost. What fell off the
		 * table is (health_overwritten).
		 */
		if (l->count > c->reported && strcmp(l->name, "health_undelivered"))
			loss_alert(k, l->name, name, l->count - c->reported, l->count,
				   "bmcwatch.ko lost %" PRIu64 " events at %s: %s",
				   l->count - c->reported, l->name,
				   l->what[0] ? l->what : "(no description)");
		c->reported = l->count;
		if (k->d->metrics) {
			snprintf(labels, sizeof(labels), "cause=\"%s\"", l->name);
			metrics_set(k->d->metrics, "bmcwatch_kernel_losses_total", labels,
				    (double)l->count);
		}
	}
}

/* BPF_OBJ_GET_INFO_BY_FD by hand: this file is in the core, without libbpf. */
static int prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(info, 0, sizeof(*info));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	return syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) ? -errno : 0;
}

/*
 * Every BPF program this daemon holds (its monitors' and the module
 * watch's), found by its file descriptors: recursion_misses counts the
 * runs the kernel skipped because the program was already running on that
 * CPU (raw_tp from 6.2; before that nested runs are not prevented, hence
 * the atomic counters in bpf/bmcw.bpf.h). What grew is events lost.
 */
static void scan_progs(struct kmod_state *k)
{
	DIR *dir = opendir("/proc/self/fd");
	char link[64], path[32], labels[96], locus[48];
	struct bpf_prog_info info;
	struct dirent *de;
	bool seen[PROGS_MAX] = { false };
	size_t i;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		int fd = atoi(de->d_name);
		ssize_t n;

		if (fd <= 2 || fd == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-prog") || prog_info(fd, &info))
			continue;
		for (i = 0; i < k->n_prog && k->prog[i].id != info.id; i++)
			;
		if (i == k->n_prog) {
			if (k->n_prog == PROGS_MAX)
				continue;
			k->n_prog++;
			k->prog[i].id = info.id;
			snprintf(k->prog[i].name, sizeof(k->prog[0].name), "%.*s",
				 (int)sizeof(info.name), info.name);
			k->prog[i].reported = 0;	/* it counts from its load */
		}
		seen[i] = true;
		k->prog[i].total = info.recursion_misses;
	}
	closedir(dir);
	/* programs that went (monitors restarted) are forgotten */
	for (i = 0; i < k->n_prog;) {
		if (seen[i]) {
			i++;
			continue;
		}
		k->prog[i] = k->prog[--k->n_prog];
		seen[i] = seen[k->n_prog];
	}
	for (i = 0; i < k->n_prog; i++) {
		uint64_t total = k->prog[i].total;

		if (total > k->prog[i].reported) {
			snprintf(locus, sizeof(locus), "bpf %s", k->prog[i].name);
			loss_alert(k, "bpf_recursion", locus, total - k->prog[i].reported, total,
				   "BPF program %s was skipped %" PRIu64 " times: it was already running on that CPU (a nested event), so those events were not counted",
				   k->prog[i].name, total - k->prog[i].reported);
		}
		k->prog[i].reported = total;
		if (k->d->metrics) {
			snprintf(labels, sizeof(labels), "program=\"%s\"", k->prog[i].name);
			metrics_set(k->d->metrics, "bmcwatch_bpf_recursion_misses_total",
				    labels, (double)total);
		}
	}
}

void kmod_state_attached(struct kmod_state *k)
{
	/* a daemon that re-attaches goes on from its own state */
	if (k->track.instance) {
		k->prev.instance = k->track.instance;
		k->prev.health_seq = settled(k);
		k->prev.n = 0;
		for (size_t i = 0; i < k->n_ctr && i < PREV_KERNEL_MAX; i++) {
			snprintf(k->prev.c[i].name, sizeof(k->prev.c[0].name), "%s",
				 k->ctr[i].name);
			k->prev.c[i].count = k->ctr[i].reported;
			k->prev.n++;
		}
	}
	k->n_ctr = 0;
	k->n_failed_raised = 0;
	k->replayed = 0;
	k->attached = true;
	replay(k);
	read_hooks(k);
	read_losses(k);
	report_failed_hooks(k);
	report_misses(k);
	report_losses(k);
}

void kmod_state_detached(struct kmod_state *k)
{
	k->attached = false;
}

void kmod_state_interval(struct kmod_state *k)
{
	if (!k->attached)
		return;
	k->loaded = access(BMCW_SYSFS_DIR, F_OK) == 0;
	read_hooks(k);
	read_losses(k);
	report_misses(k);
	report_losses(k);
	settle_gaps(k);
	scan_progs(k);
}

/* --- status ----------------------------------------------------------- */

/* Everything up to this sequence number is settled (for the next daemon). */
static uint64_t settled(const struct kmod_state *k)
{
	uint64_t miss[KHEALTH_WINDOW];
	size_t n = khealth_track_missing(&k->track, miss, KHEALTH_WINDOW);

	return n ? miss[0] - 1 : k->track.high;
}

static uint64_t reported(const struct kmod_state *k, const char *name, uint64_t now)
{
	for (size_t i = 0; i < k->n_ctr; i++)
		if (!strcmp(k->ctr[i].name, name))
			return k->ctr[i].reported;
	return now;
}

struct json_object *kmod_state_json(const struct kmod_state *k)
{
	struct json_object *o = json_object_new_object(), *arr, *h;
	char buf[HOOKTAB_NAME_MAX + 16];

	json_object_object_add(o, "loaded", json_object_new_boolean(k->loaded));
	if (k->abi_known) {
		snprintf(buf, sizeof(buf), "%u.%u", k->major, k->minor);
		json_object_object_add(o, "abi", json_object_new_string(buf));
	}
	if (k->track.instance) {
		snprintf(buf, sizeof(buf), "%016" PRIx64, k->track.instance);
		json_object_object_add(o, "instance", json_object_new_string(buf));
		json_object_object_add(o, "health_seq", json_object_new_uint64(settled(k)));
	}
	json_object_object_add(o, "health_replayed", json_object_new_uint64(k->replayed));
	json_object_object_add(o, "health_recovered", json_object_new_uint64(k->recovered));
	json_object_object_add(o, "health_lost", json_object_new_uint64(k->seq_lost));
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_hooks; i++) {
		const struct kmodtab_hook *kh = &k->hooks[i];

		h = json_object_new_object();
		json_object_object_add(h, "hook", json_object_new_string(kh->row.hook));
		json_object_object_add(h, "monitor", json_object_new_string(kh->monitor));
		json_object_object_add(h, "symbol", json_object_new_string(kh->symbol));
		json_object_object_add(h, "state", json_object_new_string(kh->row.state));
		json_object_object_add(h, "err", json_object_new_int(kh->row.err));
		json_object_object_add(h, "missed", json_object_new_uint64(kh->row.missed));
		snprintf(buf, sizeof(buf), "hook:%s", kh->row.hook);
		json_object_object_add(h, "missed_reported",
				       json_object_new_uint64(reported(k, buf, kh->row.missed)));
		if (kh->kind[0])
			json_object_object_add(h, "kind", json_object_new_string(kh->kind));
		if (kh->module[0])
			json_object_object_add(h, "module", json_object_new_string(kh->module));
		if (kh->unseen[0])
			json_object_object_add(h, "unseen", json_object_new_string(kh->unseen));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "hooks", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_losses; i++) {
		const struct kmodtab_loss *l = &k->losses[i];

		h = json_object_new_object();
		json_object_object_add(h, "cause", json_object_new_string(l->name));
		json_object_object_add(h, "count", json_object_new_uint64(l->count));
		snprintf(buf, sizeof(buf), "loss:%s", l->name);
		json_object_object_add(h, "reported",
				       json_object_new_uint64(reported(k, buf, l->count)));
		if (l->what[0])
			json_object_object_add(h, "what", json_object_new_string(l->what));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "losses", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_prog; i++) {
		h = json_object_new_object();
		json_object_object_add(h, "program", json_object_new_string(k->prog[i].name));
		json_object_object_add(h, "recursion_misses",
				       json_object_new_uint64(k->prog[i].total));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "bpf_programs", arr);
	return o;
}

size_t kmod_state_blind_spots(const struct kmod_state *k, char (*out)[192], size_t max)
{
	uint64_t now = clock_ns(CLOCK_REALTIME), last = k->last_loss, pl;
	size_t n = 0;

	if (!k->attached)
		return 0;
	for (size_t i = 0; i < k->n_hooks && n < max; i++) {
		const struct kmodtab_hook *h = &k->hooks[i];

		if (h->state == KMODTAB_HOOK_FAILED)
			snprintf(out[n++], 192, "hook %s failed (error %d): %s unseen",
				 h->row.hook, h->row.err, h->unseen[0] ? h->unseen : "its events");
		else if (h->state == KMODTAB_HOOK_REMOVED)
			snprintf(out[n++], 192, "hook %s removed with %s: %s unseen until it is loaded again",
				 h->row.hook, h->module[0] ? h->module : "its module",
				 h->unseen[0] ? h->unseen : "its events");
	}
	pl = k->d->pipeline ? pipeline_last_loss(k->d->pipeline) : 0;
	if (pl > last)
		last = pl;
	if (last && now >= last && now - last < RECENT_LOSS_NS && n < max)
		snprintf(out[n++], 192, "events lost %" PRIu64 " s ago (see losses and health.events_lost)",
			 (uint64_t)((now - last) / 1000000000ULL));
	return n;
}
