/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The alert pipeline: policy filter -> aggregation -> rate limit -> sequence
 * number -> every output.
 *
 * Aggregation: alerts with the same rule and subject (bdf, comm, exe, locus)
 * inside aggregation_window_s share one aggregate. The first occurrence is
 * emitted at once (or the threshold-th, if the rule has a threshold); what
 * arrives later in the window is emitted once when the window ends, with
 * count and first/last of those later occurrences. Counts of emitted alerts
 * thus add up to the number of occurrences: nothing is counted twice.
 * Windows, the rate limit and created_ns go by the pipeline's clock (when
 * occurrences are submitted); first_ns and last_ns are when they happened
 * (alert.h): the earliest and the latest, in whatever order they came.
 *
 * Rate limit: rate_limit alerts per rule per minute (token bucket). An alert
 * over the limit is not sent but counted, and at most once a minute per rule
 * a health.events_lost summary says how many were suppressed.
 */
#ifndef BMCW_PIPELINE_H
#define BMCW_PIPELINE_H

#include <stdint.h>

#include "alert.h"
#include "metrics.h"
#include "output.h"
#include "policy.h"

struct pipeline;

/* Per-rule counters, for metrics and the status file. */
struct pipeline_rule_stats {
	uint64_t occurrences;		/* submitted and enabled */
	uint64_t emitted[BMCW_SEV_COUNT]; /* alerts sent, by severity */
	uint64_t suppressed_alerts;	/* by the rate limit */
	uint64_t suppressed_occurrences;
	uint64_t allowed;		/* dropped: process on the allow list */
	uint64_t disabled;		/* dropped: rule disabled */
	uint64_t below_threshold;	/* windows that never reached threshold */
};

typedef uint64_t (*pipeline_clock_fn)(void *ctx);	/* CLOCK_REALTIME ns */

/* policy and metrics (may be NULL) must outlive the pipeline. */
struct pipeline *pipeline_new(const struct policy *policy, struct metrics *metrics);
void pipeline_free(struct pipeline *p);	/* closes the outputs */

void pipeline_set_clock(struct pipeline *p, pipeline_clock_fn fn, void *ctx);
/* SIGHUP: new policy; the aggregates in flight are flushed first. */
void pipeline_set_policy(struct pipeline *p, const struct policy *policy);
/* The pipeline takes ownership of o. */
int pipeline_add_output(struct pipeline *p, struct output *o);
size_t pipeline_output_count(const struct pipeline *p);
struct output *pipeline_output(const struct pipeline *p, size_t i);

/* 0 if taken (emitted, aggregated, or filtered by policy), -1 bad alert. */
int pipeline_submit(struct pipeline *p, const struct bmcw_alert *a);
/* Time-driven work: close windows, summaries, output retries. */
void pipeline_tick(struct pipeline *p, uint64_t now_ns);
/* Emit everything pending now (shutdown, reload). */
void pipeline_flush(struct pipeline *p);

/*
 * Events lost before they became alerts (hop: "bpf_map_full", "ringbuf",
 * "queue"); counted in metrics and summarised as health.events_lost.
 */
void pipeline_report_loss(struct pipeline *p, const char *hop, uint64_t n);
/* The i-th hop that lost events (NULL past the last) and its total. */
const char *pipeline_loss_at(const struct pipeline *p, size_t i, uint64_t *total);
/* What the losses of a hop are, for hops that need saying; else NULL. */
const char *pipeline_loss_what(const char *hop);
/* When events were last reported lost (CLOCK_REALTIME ns), 0 if never. */
uint64_t pipeline_last_loss(const struct pipeline *p);

const struct pipeline_rule_stats *pipeline_stats(const struct pipeline *p,
						 const struct bmcw_rule *rule);
uint64_t pipeline_last_seq(const struct pipeline *p);

#endif /* BMCW_PIPELINE_H */
