/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's learning run (bmcwatchd --learn with [baseline]
 * learn_seconds or --learn-seconds > 0): the monitors run as usual (and
 * still alert) while they add what they count to a traffic_learner; after
 * learn_seconds (a whole number of windows) the baseline is written: the
 * PCI inventory, the config writers over the run (from the pinned
 * counters), and the traffic profile. A corrupt baseline already there
 * stops the run before it starts: it is evidence, never replaced.
 */
#ifndef BMCW_LEARN_H
#define BMCW_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "percpu_sweep.h"
#include "policy.h"
#include "traffic.h"

struct learn_run {
	struct traffic_learner t;
	unsigned int windows_needed;
	struct percpu_sweep cfg;	/* pinned config counters, if there */
	bool have_cfg;
	uint64_t cfg_start_ns;
};

/* Before the monitors: 0, or -1 when the baseline file must not be replaced. */
int learn_prepare(struct learn_run *r, const struct policy *p, uint64_t now_mono_ns);
/* Once the monitors run (their maps are pinned): the first window opens. */
void learn_begin(struct learn_run *r, uint64_t now_mono_ns);
/* Each interval, after the monitors added their counts: true when done. */
bool learn_tick(struct learn_run *r, uint64_t now_mono_ns);
/* Write the baseline: 0, or -1 with the reason logged. */
int learn_finish(struct learn_run *r, const struct policy *p, const char *hostname,
		 uint64_t now_mono_ns);
void learn_free(struct learn_run *r);

#endif /* BMCW_LEARN_H */
