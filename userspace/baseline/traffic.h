/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The traffic profile: learning it (bmcwatchd --learn --learn-seconds N)
 * and the windowed counting its enforcement shares with learning.
 *
 * Learning cuts time into windows of window_s from its start. Monitors add
 * what their counters grew by each interval; closing a window folds its
 * count into the total and the largest window of each key. Only complete
 * windows count, so the mean is total / windows and a learning run of N
 * seconds is exactly N / window_s windows.
 *
 * Enforcement counts the same events in tumbling windows of the same
 * length and flags the first time a window exceeds the learned largest
 * window times the policy's factor (never less than its floor): the unit
 * is the one the baseline was learnt in, so bursts within a window are
 * compared with bursts, not with averages.
 *
 * Pure functions, no I/O: unit tests drive them with hand-made times.
 */
#ifndef BMCW_TRAFFIC_H
#define BMCW_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseline.h"

/* Tumbling windows of a count; start_ns 0 until the first event. */
struct rate_window {
	uint64_t start_ns;
	uint64_t count;
	bool reported;
};

/*
 * Count @n events at @now_ns. A window starts at the first event after the
 * previous one ended. Returns 1 when this addition takes the window's count
 * above @limit for the first time in that window, else 0.
 */
int rate_window_add(struct rate_window *w, uint64_t window_ns, uint64_t now_ns,
		    uint64_t n, uint64_t limit);

/* The most events per window not flagged: max(learned_max * factor, floor). */
uint64_t traffic_limit(uint64_t learned_max, unsigned int factor, unsigned int floor);

struct tl_count {
	uint64_t cur;		/* the open window */
	uint64_t total;		/* complete windows */
	uint64_t max;
};

struct tl_ipmi {
	uint8_t netfn, cmd, dir, origin;
	struct tl_count c;
};

struct tl_irq {
	char bdf[16];
	unsigned int vector, irq;
	struct tl_count c;
};

struct traffic_learner {
	uint64_t window_ns;
	uint64_t win_start;		/* start of the open window */
	unsigned int windows;		/* complete windows */
	struct tl_count attention;
	size_t n_ipmi, cap_ipmi;
	struct tl_ipmi *ipmi;
	size_t n_irq, cap_irq;
	struct tl_irq *irq;
	struct baseline_ident id[BASELINE_ID_COUNT];
};

/* window_s >= 1; the first window opens at @now_ns. */
void traffic_learner_init(struct traffic_learner *t, unsigned int window_s,
			  uint64_t now_ns);
void traffic_learner_free(struct traffic_learner *t);
/* Close every window that ended by @now_ns (after adding what it saw). */
void traffic_learner_tick(struct traffic_learner *t, uint64_t now_ns);
/* Add to the open window; 0, or -1 out of memory / too many keys. */
int traffic_learn_ipmi(struct traffic_learner *t, uint8_t netfn, uint8_t cmd,
		       uint8_t dir, uint8_t origin, uint64_t n);
int traffic_learn_irq(struct traffic_learner *t, const char *bdf,
		      unsigned int vector, unsigned int irq, uint64_t n);
void traffic_learn_attention(struct traffic_learner *t, uint64_t n);
/* The latest answer wins: a change while learning is alerted on anyway. */
void traffic_learn_identity(struct traffic_learner *t, enum baseline_ident_kind k,
			    const uint8_t *b, size_t len);
/*
 * The profile of the complete windows (keys seen only in the open window
 * are listed with zero counts: they were seen). 0, or -1 out of memory.
 */
int traffic_learner_result(const struct traffic_learner *t, struct baseline_traffic *out);

#endif /* BMCW_TRAFFIC_H */
