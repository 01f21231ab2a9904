// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the IPMI monitor: opens the skeleton, attaches to
 * the bmcwatch_ipmi tracepoint, pins the counters, runs each ring buffer
 * record through the IPMI rules, and every interval checks the losses and
 * compares the attentions seen with the driver's own SI counter.
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "ipmi.h"
#include "monitors.h"
#include "ipmi.skel.h"
#include "ipmi_rules.h"
#include "baseline.h"
#include "bpf_monitor.h"
#include "log.h"
#include "msi_senders.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"
#include "traffic.h"

/* Attentions the two sides may disagree by (sampling races). */
#define DRIFT_SLACK	2

struct ipmi_mon {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct ipmi_bpf *skel;
	struct ipmi_state st;
	uint64_t stats[IPMI_STAT_MAX];
	int64_t si_attn_base;		/* driver's counter at start, -1 none */
	uint64_t our_attn_base;
	int64_t drift_reported;
	/* learning the profile or enforcing a baseline's: counters per key */
	bool sweeping;
	struct percpu_sweep counts;
	uint64_t attn_prev;
	uint64_t swept_ns;		/* CLOCK_REALTIME: the last sweep, or attach */
};

static uint64_t realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The identity answers the rules hold, into the profile being learnt. */
static void learn_identity(struct ipmi_mon *m)
{
	const struct ipmi_identity *ids[BASELINE_ID_COUNT] = {
		[BASELINE_ID_DEVICE] = &m->st.device_id,
		[BASELINE_ID_DEVICE_GUID] = &m->st.device_guid,
		[BASELINE_ID_SYSTEM_GUID] = &m->st.system_guid,
	};

	for (int k = 0; k < BASELINE_ID_COUNT; k++)
		if (ids[k]->seen)
			traffic_learn_identity(m->d->learn, k, ids[k]->b, ids[k]->len);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct ipmi_mon *m = ctx;
	const struct bmcw_rec_hdr *h = data;
	struct bmcw_alert al[IPMI_RULES_MAX_ALERTS];
	char exe[PATH_MAX] = "";
	struct ipmi_ctx c = { .exe = exe };
	const struct bmcw_ipmi_event *e = (const void *)(h + 1);
	struct msi_senders nmi_senders;
	int n;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len ||
	    h->type != BMCW_REC_IPMI || h->len < sizeof(*e))
		return 0;
	if (e->pid)
		proc_exe(e->pid, exe, sizeof(exe));
	if (e->kind == BMCW_IPMI_UNKNOWN_NMI && m->d->metrics)
		metrics_add(m->d->metrics, "bmcwatch_unknown_nmis_total", "",
			    (double)ipmi_nmi_count(e));
	/* a function whose MSI delivers NMIs to that CPU may have sent it */
	if (e->kind == BMCW_IPMI_UNKNOWN_NMI) {
		msi_senders_find(e->cpu, MSI_SENT_NMI, NULL, &nmi_senders);
		c.nmi_senders = &nmi_senders;
	}
	n = ipmi_rules_event(&m->st, e, &c, al);
	evclock_stamp(&m->d->clock, al, n, e->ts_ns);
	for (int i = 0; i < n; i++)
		pipeline_submit(m->d->pipeline, &al[i]);
	if (m->d->learn)
		learn_identity(m);
	return 0;
}

/*
 * Every counter key's growth: into the profile being learnt, or through
 * the new-command rule against the baseline's. The state machine's view
 * (XACT) is the wire's; the message layer's only stands in when the state
 * machine hooks are missing. What grew did so since the last sweep (@now:
 * CLOCK_REALTIME).
 */
static void sweep_commands(struct ipmi_mon *m, uint64_t attn_now, uint64_t now)
{
	struct bmcw_alert al;
	bool any_xact = false;

	if (percpu_sweep_run(&m->counts))
		return;
	for (size_t i = 0; i < m->counts.n; i++) {
		const struct bmcw_ipmi_key *k = (const void *)(m->counts.keys +
							       i * m->counts.key_size);

		any_xact |= k->kind == BMCW_IPMI_XACT;
	}
	for (size_t i = 0; i < m->counts.n; i++) {
		const struct bmcw_ipmi_key *k = (const void *)(m->counts.keys +
							       i * m->counts.key_size);

		if (k->kind != (any_xact ? BMCW_IPMI_XACT :
				k->dir ? BMCW_IPMI_MSG_RSP : BMCW_IPMI_MSG_REQ))
			continue;
		if (m->d->learn)
			traffic_learn_ipmi(m->d->learn, k->netfn, k->cmd, k->dir, k->origin,
					   percpu_sweep_delta(&m->counts, i));
		else if (!k->dir && ipmi_rules_counted(&m->st, k->netfn, k->cmd,
							k->origin, &al)) {
			if (m->swept_ns && now >= m->swept_ns)
				alert_set_time(&al, BMCW_TIME_WINDOW, m->swept_ns, now);
			pipeline_submit(m->d->pipeline, &al);
		}
	}
	m->swept_ns = now;
	if (m->d->learn)
		traffic_learn_attention(m->d->learn, attn_now - m->attn_prev);
	m->attn_prev = attn_now;
}

/* The SI driver's "attentions" counter (sum over interfaces), or -1. */
static int64_t si_attentions(void)
{
	glob_t g;
	int64_t sum = -1;

	if (glob("/sys/class/ipmi/ipmi*/device/attentions", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");
		unsigned long long v;

		if (!f)
			continue;
		if (fscanf(f, "%llu", &v) == 1)
			sum = (sum < 0 ? 0 : sum) + (int64_t)v;
		fclose(f);
	}
	globfree(&g);
	return sum;
}

static void check_drift(struct ipmi_mon *m)
{
	int64_t si = si_attentions(), theirs, ours, diff;
	struct bmcw_alert al = { 0 };

	if (si < 0)
		return;
	if (m->si_attn_base < 0 || si < m->si_attn_base) {
		/* first sight, or ipmi_si reloaded: start over */
		m->si_attn_base = si;
		m->our_attn_base = m->stats[IPMI_STAT_ATTN];
		return;
	}
	theirs = si - m->si_attn_base;
	ours = (int64_t)(m->stats[IPMI_STAT_ATTN] - m->our_attn_base);
	diff = theirs - ours;
	if (diff < 0)
		diff = -diff;
	if (diff <= DRIFT_SLACK || diff == m->drift_reported)
		return;
	m->drift_reported = diff;
	al.rule = "health.counter_drift";
	snprintf(al.subject.locus, sizeof(al.subject.locus), "ipmi attentions");
	snprintf(al.message, sizeof(al.message),
		 "ipmi_si counted %" PRId64 " attentions, bmcwatch saw %" PRId64,
		 theirs, ours);
	snprintf(al.why, sizeof(al.why),
		 "the driver's own SI counter and the state machine hook disagree: attentions are being missed or the hook was bypassed");
	pipeline_submit(m->d->pipeline, &al);
}

static void fini(void *state)
{
	struct ipmi_mon *m = state;

	if (!m)
		return;
	ring_buffer__free(m->mon.rb);
	percpu_sweep_free(&m->counts);
	if (m->skel) {
		bpf_map__unpin(m->skel->maps.ipmi_counts, NULL);
		bpf_map__unpin(m->skel->maps.ipmi_stats, NULL);
	}
	ipmi_bpf__destroy(m->skel);
	free(m);
}

/*
 * The fast path sends a process's request only when it is new or when
 * the rules may call it sensitive: mark every such command. The HPM.1
 * test looks at the first data byte (the PICMG defining body, 0).
 */
static int fill_sensitive(int fd)
{
	static const uint8_t picmg = 0x00;
	struct ipmi_cmd_bits b;
	uint32_t pair;
	unsigned int cmd;

	for (pair = 0; pair < IPMI_NETFNS; pair++) {
		memset(&b, 0, sizeof(b));
		for (cmd = 0; cmd < 256; cmd++)
			if (ipmi_sensitive(pair << 1, cmd, &picmg, 1))
				b.bits[cmd / 64] |= 1ULL << (cmd % 64);
		if (bpf_map_update_elem(fd, &pair, &b, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct ipmi_mon *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	*state = m;
	m->d = d;
	m->si_attn_base = -1;
	ipmi_state_init(&m->st);
	if (d->base && d->base->has_traffic) {
		ipmi_state_use_baseline(&m->st, d->base, d->policy->rate_factor,
					d->policy->rate_floor);
		bmcw_log(LOG_INFO, "ipmi: baseline of %s: %zu commands known, attention limit %llu per %u s",
			 d->base->created, d->base->traffic.n_ipmi,
			 (unsigned long long)m->st.attn_limit, d->base->traffic.window_s);
	}
	bpfmon_libbpf_logging();
	m->skel = ipmi_bpf__open();
	if (!m->skel)
		return -errno;
	m->skel->rodata->send_all = getenv("BMCW_IPMI_SEND_ALL") != NULL;
	err = ipmi_bpf__load(m->skel);
	/* before attaching: a sensitive request must never pass unsent */
	if (!err)
		err = fill_sensitive(bpf_map__fd(m->skel->maps.ipmi_sensitive_cmds));
	if (!err)
		err = ipmi_bpf__attach(m->skel);
	if (err) {
		bmcw_log(LOG_ERR, "ipmi: cannot attach to the bmcwatch_ipmi tracepoint (%s); is the module loaded?",
			 strerror(-err));
		return err;
	}
	if (bpfmon_pin(m->skel->maps.ipmi_counts, "ipmi_counts") ||
	    bpfmon_pin(m->skel->maps.ipmi_stats, "ipmi_stats"))
		bmcw_log(LOG_WARNING, "ipmi: cannot pin maps under %s",
			 BMCW_PIN_DIR);
	m->mon.rb = ring_buffer__new(bpf_map__fd(m->skel->maps.ipmi_events),
				 on_record, m, NULL);
	if (!m->mon.rb)
		return -errno;
	if (d->metrics) {
		metrics_declare(d->metrics, "bmcwatch_unknown_nmis_total", METRIC_COUNTER,
				"NMIs no handler claimed, as bmcwatch.ko counted them.");
		metrics_add(d->metrics, "bmcwatch_unknown_nmis_total", "", 0);
	}
	m->sweeping = d->learn || m->st.cmds_known;
	/* counted from now on (the first sweep's window starts here) */
	m->swept_ns = realtime_now();
	if (m->sweeping) {
		err = percpu_sweep_init(&m->counts, bpf_map__fd(m->skel->maps.ipmi_counts),
					sizeof(struct bmcw_ipmi_key));
		if (err)
			return err;
	}
	return 0;
}

static int on_interval(void *state, uint64_t now_ns)
{
	static const struct bpfmon_hop hops[] = {
		{ IPMI_STAT_MAP_FULL, "bpf_map_full" },
		{ IPMI_STAT_RB_FULL, "ringbuf" },
		{ IPMI_STAT_READ_FAIL, "bpf_read" },
	};
	struct ipmi_mon *m = state;
	uint64_t now[IPMI_STAT_MAX];

	ring_buffer__consume(m->mon.rb);
	if (bpfmon_report_losses(m->d->pipeline,
				 bpf_map__fd(m->skel->maps.ipmi_stats),
				 IPMI_STAT_MAX, hops,
				 sizeof(hops) / sizeof(hops[0]), m->stats, now))
		return 0;
	if (m->d->metrics) {
		metrics_set(m->d->metrics, "bmcwatch_ipmi_events_seen_total", "",
			    now[IPMI_STAT_SEEN]);
		metrics_set(m->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"ipmi\"", now[IPMI_STAT_RB_SENT]);
	}
	check_drift(m);
	/* the fleet compares BMCs by it (bmcwatch_info): no GUID, no serial */
	if (m->st.device_id.seen)
		host_info_set_bmc_identity(&m->d->host, m->st.device_id.b,
					   m->st.device_id.len);
	if (m->sweeping)
		sweep_commands(m, now[IPMI_STAT_ATTN], now_ns);
	return 0;
}

const struct bmcw_monitor_ops ipmi_monitor = {
	.name = "ipmi",
	.init = init,
	.fd = bpfmon_fd,
	.on_readable = bpfmon_on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
