// SPDX-License-Identifier: GPL-2.0
/* See learn.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bmcwatch.h>

#include "baseline.h"
#include "baseline_daemon.h"
#include "learn.h"
#include "log.h"
#include "pcie_rules.h"

int learn_prepare(struct learn_run *r, const struct policy *p, uint64_t now_mono_ns)
{
	struct baseline old;
	char err[1024];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = baseline_load(p->baseline, &old, err, sizeof(err));
	if (!ret)
		baseline_free(&old);
	else if (ret != -ENOENT) {
		bmcw_log(LOG_ERR, "learn: %s; not replacing it", err);
		return -1;
	}
	traffic_learner_init(&r->t, p->window_seconds, now_mono_ns);
	r->windows_needed = p->learn_seconds / p->window_seconds;
	bmcw_log(LOG_NOTICE, "learn: learning the traffic profile for %u windows of %u s",
		 r->windows_needed, p->window_seconds);
	return 0;
}

void learn_begin(struct learn_run *r, uint64_t now_mono_ns)
{
	int fd = bpf_obj_get(BMCW_PIN_DIR "/cfg_counts");

	/*
	 * The first window opens now that the monitors count, not when the
	 * daemon started loading them (seconds on a slow host): a window
	 * without counters would pass for a quiet one.
	 */
	r->t.win_start = now_mono_ns;

	if (fd < 0) {
		bmcw_log(LOG_WARNING, "learn: no config-space counters (%s): no config writers in the baseline",
			 strerror(errno));
		return;
	}
	if (percpu_sweep_init(&r->cfg, fd, sizeof(__u64)) || percpu_sweep_run(&r->cfg)) {
		close(fd);
		return;
	}
	r->have_cfg = true;
	r->cfg_start_ns = now_mono_ns;
}

bool learn_tick(struct learn_run *r, uint64_t now_mono_ns)
{
	traffic_learner_tick(&r->t, now_mono_ns);
	return r->t.windows >= r->windows_needed;
}

/* Config writers over the run, as bmcwatch baseline save --sample does. */
static void config_profile(struct learn_run *r, struct baseline *b, uint64_t now_mono_ns)
{
	unsigned int secs;

	if (!r->have_cfg || percpu_sweep_run(&r->cfg))
		return;
	secs = (now_mono_ns - r->cfg_start_ns) / 1000000000ULL;
	b->has_profile = true;
	b->sample_s = secs;
	for (size_t i = 0; i < r->cfg.n; i++) {
		struct baseline_counter c = { 0 };
		struct bmcw_cfg_key k;
		__u64 packed;

		memcpy(&packed, r->cfg.keys + i * r->cfg.key_size, sizeof(packed));
		k = bmcw_cfg_key_unpack(packed);
		if (k.dir != BMCW_DIR_WRITE) {
			b->reads_total += r->cfg.sums[i];
			continue;
		}
		pcie_bdf(c.bdf, sizeof(c.bdf), k.seg, k.bus, k.devfn);
		snprintf(c.cls, sizeof(c.cls), "%s", pcie_class_name(k.cls));
		snprintf(c.dir, sizeof(c.dir), "write");
		snprintf(c.origin, sizeof(c.origin), "%s", pcie_origin_name(k.origin));
		c.count = r->cfg.sums[i];
		c.rate = secs ? (double)percpu_sweep_delta(&r->cfg, i) / secs : 0;
		baseline_add_counter(b, &c);
	}
}

int learn_finish(struct learn_run *r, const struct policy *p, const char *hostname,
		 uint64_t now_mono_ns)
{
	struct baseline b;
	char err[1024];
	int ret;

	if (daemon_baseline_new(&b, hostname))
		return -1;
	config_profile(r, &b, now_mono_ns);
	if (traffic_learner_result(&r->t, &b.traffic)) {
		bmcw_log(LOG_ERR, "learn: out of memory");
		baseline_free(&b);
		return -1;
	}
	b.has_traffic = true;
	/* Replaces a valid baseline (that is what --learn is for), never a corrupt one. */
	ret = baseline_save(p->baseline, &b, true, false, err, sizeof(err));
	if (ret)
		bmcw_log(LOG_ERR, "learn: %s", err);
	else
		bmcw_log(LOG_NOTICE, "learn: baseline written to %s: %zu PCI functions, %u windows of %u s, %zu IPMI command keys, %zu interrupt vectors, %llu attentions (at most %llu per window)",
			 p->baseline, b.inv.n, b.traffic.windows, b.traffic.window_s,
			 b.traffic.n_ipmi, b.traffic.n_irqs,
			 (unsigned long long)b.traffic.attention.count,
			 (unsigned long long)b.traffic.attention.max);
	baseline_free(&b);
	return ret ? -1 : 0;
}

void learn_free(struct learn_run *r)
{
	if (r->have_cfg)
		close(r->cfg.map_fd);
	percpu_sweep_free(&r->cfg);
	traffic_learner_free(&r->t);
}
