/* SPDX-License-Identifier: GPL-2.0 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline.h"
#include "rules.h"

#define NS_PER_SEC	1000000000ull
#define AGG_SLOTS	512
#define SUMMARY_NS	(60 * NS_PER_SEC)	/* at most one summary a minute */
#define LOSS_HOPS	8

/* When occurrences happened: the earliest, the latest, the least exact source. */
struct span {
	uint64_t first, last;
	enum bmcw_time_src src;
};

struct aggregate {
	bool used;
	const struct bmcw_rule *rule;
	struct bmcw_alert latest;	/* content of the newest occurrence */
	uint64_t window_start;
	uint64_t total;			/* occurrences in this window */
	bool reached;			/* threshold reached, alerting */
	uint64_t pending;		/* occurrences not yet emitted */
	struct span pending_span;	/* when they happened */
};

struct rule_rate {
	double tokens;
	uint64_t refilled_at;
	uint64_t supp_alerts, supp_occurrences;	/* since the last summary */
	struct span supp_span;		/* when they happened */
	uint64_t last_summary;
};

struct loss {
	char hop[32];
	uint64_t pending;		/* since the last summary */
	uint64_t pending_first, pending_last;	/* reported when (daemon clock) */
	uint64_t total;			/* since start, for the status file */
};

struct pipeline {
	const struct policy *policy;
	struct metrics *metrics;
	pipeline_clock_fn clock;
	void *clock_ctx;
	struct output **outputs;
	size_t n_outputs;
	struct aggregate agg[AGG_SLOTS];
	struct pipeline_rule_stats *stats;
	struct rule_rate *rate;
	struct loss loss[LOSS_HOPS];
	uint64_t loss_last_summary;
	uint64_t last_loss;		/* when events were last lost, or 0 */
	uint64_t seq;
};

static const char *const loss_hops[] = {
	"bpf_map_full", "ringbuf", "queue", "rate_limit",
};

/* Hops whose losses need saying what they are. */
static const struct {
	const char *hop, *what;
} loss_what[] = {
	/* The hardware dropped them; no software ever saw them. */
	{ "iommu", "faults lost in the IOMMU itself: its fault recording overflowed (at least one fault each time)" },
};

const char *pipeline_loss_what(const char *hop)
{
	for (size_t i = 0; i < sizeof(loss_what) / sizeof(loss_what[0]); i++)
		if (!strcmp(loss_what[i].hop, hop))
			return loss_what[i].what;
	return NULL;
}

const char *pipeline_loss_at(const struct pipeline *p, size_t i, uint64_t *total)
{
	if (i >= LOSS_HOPS || !p->loss[i].hop[0])
		return NULL;
	*total = p->loss[i].total;
	return p->loss[i].hop;
}

static uint64_t realtime_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

struct pipeline *pipeline_new(const struct policy *policy, struct metrics *metrics)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	char labels[64];

	if (!p)
		return NULL;
	p->policy = policy;
	p->metrics = metrics;
	p->clock = realtime_ns;
	p->stats = calloc(rule_count(), sizeof(*p->stats));
	p->rate = calloc(rule_count(), sizeof(*p->rate));
	if (!p->stats || !p->rate) {
		pipeline_free(p);
		return NULL;
	}
	for (size_t i = 0; i < rule_count(); i++)
		p->rate[i].tokens = policy->rate_limit;
	if (metrics) {
		metrics_declare(metrics, "bmcwatch_alerts_total", METRIC_COUNTER,
				"Alerts sent to the outputs, by rule and severity.");
		metrics_declare(metrics, "bmcwatch_rule_occurrences_total", METRIC_COUNTER,
				"Occurrences seen per rule, before aggregation.");
		metrics_declare(metrics, "bmcwatch_alerts_filtered_total", METRIC_COUNTER,
				"Occurrences dropped by policy (allow list, disabled rule, below threshold).");
		metrics_declare(metrics, "bmcwatch_events_lost_total", METRIC_COUNTER,
				"Events or alerts lost or suppressed, by hop.");
		metrics_declare(metrics, "bmcwatch_output_errors_total", METRIC_COUNTER,
				"Alerts an output failed to deliver or queue.");
		/* Loss series exist from the start so a rate() sees the first one. */
		for (size_t i = 0; i < sizeof(loss_hops) / sizeof(loss_hops[0]); i++) {
			snprintf(labels, sizeof(labels), "hop=\"%s\"", loss_hops[i]);
			metrics_add(metrics, "bmcwatch_events_lost_total", labels, 0);
		}
	}
	return p;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_outputs; i++)
		output_close(p->outputs[i]);
	free(p->outputs);
	free(p->stats);
	free(p->rate);
	free(p);
}

void pipeline_set_clock(struct pipeline *p, pipeline_clock_fn fn, void *ctx)
{
	p->clock = fn ? fn : realtime_ns;
	p->clock_ctx = ctx;
}

int pipeline_add_output(struct pipeline *p, struct output *o)
{
	struct output **v = realloc(p->outputs, (p->n_outputs + 1) * sizeof(*v));

	if (!v)
		return -1;
	p->outputs = v;
	p->outputs[p->n_outputs++] = o;
	return 0;
}

size_t pipeline_output_count(const struct pipeline *p)
{
	return p->n_outputs;
}

struct output *pipeline_output(const struct pipeline *p, size_t i)
{
	return i < p->n_outputs ? p->outputs[i] : NULL;
}

const struct pipeline_rule_stats *pipeline_stats(const struct pipeline *p,
						 const struct bmcw_rule *rule)
{
	return &p->stats[rule_index(rule)];
}

uint64_t pipeline_last_seq(const struct pipeline *p)
{
	return p->seq;
}

uint64_t pipeline_last_loss(const struct pipeline *p)
{
	return p->last_loss;
}

static void count_metric(struct pipeline *p, const char *name, const char *k1,
			 const char *v1, const char *k2, const char *v2, double n)
{
	char labels[256], esc[128];
	int len;

	if (!p->metrics)
		return;
	metrics_escape_label(v1, esc, sizeof(esc));
	len = snprintf(labels, sizeof(labels), "%s=\"%s\"", k1, esc);
	if (k2) {
		metrics_escape_label(v2, esc, sizeof(esc));
		snprintf(labels + len, sizeof(labels) - len, ",%s=\"%s\"", k2, esc);
	}
	metrics_add(p->metrics, name, labels, n);
}

/* Token bucket: rate_limit tokens a minute, burst rate_limit. */
static bool rate_allows(struct pipeline *p, const struct bmcw_rule *rule,
			uint64_t now)
{
	struct rule_rate *r = &p->rate[rule_index(rule)];
	double limit = p->policy->rate_limit;

	if (!limit || rule->cls == BMCW_CLASS_HEALTH)
		return true;	/* health events are how losses get reported */
	if (now > r->refilled_at) {
		r->tokens += limit * (double)(now - r->refilled_at) / (60.0 * NS_PER_SEC);
		if (r->tokens > limit)
			r->tokens = limit;
	}
	r->refilled_at = now;
	if (r->tokens < 1.0)
		return false;
	r->tokens -= 1.0;
	return true;
}

static void fan_out(struct pipeline *p, const struct bmcw_rule *rule,
		    struct bmcw_alert *out)
{
	out->seq = ++p->seq;
	p->stats[rule_index(rule)].emitted[out->severity]++;
	count_metric(p, "bmcwatch_alerts_total", "rule", rule->name, "severity",
		     severity_name(out->severity), 1);
	for (size_t i = 0; i < p->n_outputs; i++)
		if (output_emit(p->outputs[i], out))
			count_metric(p, "bmcwatch_output_errors_total", "output",
				     p->outputs[i]->spec, NULL, NULL, 1);
}

/* The span of one occurrence as submitted; the pipeline's clock if unset. */
static struct span span_of(const struct bmcw_alert *a, uint64_t now)
{
	struct span s = { a->first_ns, a->last_ns, a->time_src };

	if (!s.first && !s.last)
		return (struct span){ now, now, BMCW_TIME_DAEMON };
	if (!s.first)
		s.first = s.last;
	if (!s.last || s.last < s.first)
		s.last = s.first;
	if ((unsigned int)s.src >= BMCW_TIME_SRC_COUNT)
		s.src = BMCW_TIME_DAEMON;
	return s;
}

/* Widens @to (empty when first is 0) by @s, in whatever order they come. */
static void span_add(struct span *to, const struct span *s)
{
	if (!to->first) {
		*to = *s;
		return;
	}
	if (s->first < to->first)
		to->first = s->first;
	if (s->last > to->last)
		to->last = s->last;
	if (s->src < to->src)
		to->src = s->src;
}

/*
 * One alert standing for count occurrences that happened over @when, made
 * at @now (the pipeline's clock: its rate limit counts in it too).
 */
static void emit(struct pipeline *p, const struct bmcw_rule *rule,
		 const struct bmcw_alert *content, uint64_t count,
		 const struct span *when, uint64_t now)
{
	struct bmcw_alert out = *content;

	out.rule = rule->name;
	out.severity = policy_severity(p->policy, rule, content->severity);
	out.count = count;
	out.first_ns = when->first;
	out.last_ns = when->last;
	out.time_src = when->src;
	out.created_ns = now;
	if (!rate_allows(p, rule, now)) {
		struct rule_rate *r = &p->rate[rule_index(rule)];

		r->supp_alerts++;
		r->supp_occurrences += count;
		span_add(&r->supp_span, when);
		p->stats[rule_index(rule)].suppressed_alerts++;
		p->stats[rule_index(rule)].suppressed_occurrences += count;
		count_metric(p, "bmcwatch_events_lost_total", "hop", "rate_limit",
			     NULL, NULL, 1);
		return;
	}
	fan_out(p, rule, &out);
}

static bool same_subject(const struct aggregate *g, const struct bmcw_rule *rule,
			 const struct bmcw_subject *s)
{
	const struct bmcw_subject *t = &g->latest.subject;

	return g->rule == rule && t->has_device == s->has_device &&
	       t->has_process == s->has_process && !strcmp(t->bdf, s->bdf) &&
	       !strcmp(t->comm, s->comm) && !strcmp(t->exe, s->exe) &&
	       !strcmp(t->locus, s->locus);
}

static void aggregate_close(struct pipeline *p, struct aggregate *g, uint64_t now)
{
	if (g->reached && g->pending)
		emit(p, g->rule, &g->latest, g->pending, &g->pending_span, now);
	else if (!g->reached) {
		p->stats[rule_index(g->rule)].below_threshold++;
		count_metric(p, "bmcwatch_alerts_filtered_total", "rule",
			     g->rule->name, "reason", "below_threshold", g->total);
	}
	g->used = false;
}

/* A free slot; when full, the oldest window ends early (it is emitted). */
static struct aggregate *aggregate_alloc(struct pipeline *p, uint64_t now)
{
	struct aggregate *oldest = NULL;

	for (size_t i = 0; i < AGG_SLOTS; i++) {
		if (!p->agg[i].used)
			return &p->agg[i];
		if (!oldest || p->agg[i].window_start < oldest->window_start)
			oldest = &p->agg[i];
	}
	aggregate_close(p, oldest, now);
	return oldest;
}

static void filtered(struct pipeline *p, const struct bmcw_rule *rule,
		     uint64_t *counter, const char *reason)
{
	(*counter)++;
	count_metric(p, "bmcwatch_alerts_filtered_total", "rule", rule->name,
		     "reason", reason, 1);
}

int pipeline_submit(struct pipeline *p, const struct bmcw_alert *a)
{
	const struct bmcw_rule *rule = rule_find(a->rule);
	struct pipeline_rule_stats *st;
	uint64_t now, window;
	unsigned int threshold;
	struct aggregate *g = NULL;
	struct span when;
	/* one observation may stand for several occurrences (see alert.h) */
	uint64_t n = a->count ? a->count : 1;

	if (!rule)
		return -1;
	st = &p->stats[rule_index(rule)];
	if (!policy_rule_enabled(p->policy, rule)) {
		filtered(p, rule, &st->disabled, "disabled");
		return 0;
	}
	if (a->subject.has_process &&
	    policy_process_allowed(p->policy, rule, a->subject.comm, a->subject.exe)) {
		filtered(p, rule, &st->allowed, "allowed_process");
		return 0;
	}
	now = p->clock(p->clock_ctx);
	when = span_of(a, now);
	st->occurrences += n;
	count_metric(p, "bmcwatch_rule_occurrences_total", "rule", rule->name,
		     NULL, NULL, (double)n);
	window = (uint64_t)p->policy->aggregation_window_s * NS_PER_SEC;
	threshold = policy_rule_threshold(p->policy, rule);
	if (!window) {
		/* No aggregation, hence no window to count a threshold in. */
		emit(p, rule, a, n, &when, now);
		return 0;
	}

	for (size_t i = 0; i < AGG_SLOTS && !g; i++)
		if (p->agg[i].used && same_subject(&p->agg[i], rule, &a->subject))
			g = &p->agg[i];
	if (g && now - g->window_start >= window) {
		aggregate_close(p, g, now);
		g = NULL;
	}
	if (!g) {
		g = aggregate_alloc(p, now);
		memset(g, 0, sizeof(*g));
		g->used = true;
		g->rule = rule;
		g->window_start = now;
	}
	g->latest = *a;
	g->total += n;
	if (!g->pending)
		g->pending_span = (struct span){ 0 };
	g->pending += n;
	span_add(&g->pending_span, &when);
	if (!g->reached && g->total >= threshold) {
		/* The operator sees the first (threshold-th) occurrence at once. */
		g->reached = true;
		emit(p, rule, &g->latest, g->pending, &g->pending_span, now);
		g->pending = 0;
	}
	return 0;
}

static void summary_alert(struct bmcw_alert *s, const char *locus)
{
	memset(s, 0, sizeof(*s));
	s->rule = "health.events_lost";
	snprintf(s->subject.locus, sizeof(s->subject.locus), "%s", locus);
}

static void emit_summaries(struct pipeline *p, uint64_t now, bool force)
{
	const struct bmcw_rule *lost = rule_find("health.events_lost");
	struct bmcw_alert s;
	struct span when;
	const char *what;
	size_t i;

	for (i = 0; i < rule_count(); i++) {
		struct rule_rate *r = &p->rate[i];

		if (!r->supp_alerts ||
		    (!force && r->last_summary && now - r->last_summary < SUMMARY_NS))
			continue;
		summary_alert(&s, "rate_limit");
		snprintf(s.message, sizeof(s.message),
			 "rate limit suppressed %" PRIu64 " alerts (%" PRIu64
			 " occurrences) of rule %s", r->supp_alerts,
			 r->supp_occurrences, rule_at(i)->name);
		snprintf(s.why, sizeof(s.why),
			 "more than %u alerts a minute for one rule", p->policy->rate_limit);
		alert_add_extra(&s, "suppressed_rule", "%s", rule_at(i)->name);
		alert_add_extra(&s, "suppressed_alerts", "%" PRIu64, r->supp_alerts);
		alert_add_extra(&s, "suppressed_occurrences", "%" PRIu64,
				r->supp_occurrences);
		/* when the suppressed occurrences happened */
		emit(p, lost, &s, r->supp_occurrences, &r->supp_span, now);
		r->supp_alerts = r->supp_occurrences = 0;
		r->supp_span = (struct span){ 0 };
		r->last_summary = now;
	}
	if (!force && p->loss_last_summary && now - p->loss_last_summary < SUMMARY_NS)
		return;
	for (i = 0; i < LOSS_HOPS && p->loss[i].hop[0]; i++) {
		if (!p->loss[i].pending)
			continue;
		summary_alert(&s, p->loss[i].hop);
		what = pipeline_loss_what(p->loss[i].hop);
		snprintf(s.message, sizeof(s.message), "%" PRIu64 " events lost at %s%s%s%s",
			 p->loss[i].pending, p->loss[i].hop, what ? " (" : "",
			 what ? what : "", what ? ")" : "");
		snprintf(s.why, sizeof(s.why),
			 "events were dropped before they could be analysed");
		alert_add_extra(&s, "hop", "%s", p->loss[i].hop);
		alert_add_extra(&s, "lost", "%" PRIu64, p->loss[i].pending);
		/* when they were counted: the daemon's clock */
		when = (struct span){ p->loss[i].pending_first, p->loss[i].pending_last,
				      BMCW_TIME_DAEMON };
		emit(p, lost, &s, p->loss[i].pending, &when, now);
		p->loss[i].pending = 0;
		p->loss_last_summary = now;
	}
}

void pipeline_report_loss(struct pipeline *p, const char *hop, uint64_t n)
{
	size_t i;

	if (!n)
		return;
	p->last_loss = p->clock(p->clock_ctx);
	count_metric(p, "bmcwatch_events_lost_total", "hop", hop, NULL, NULL, n);
	for (i = 0; i < LOSS_HOPS; i++) {
		if (!p->loss[i].hop[0])
			snprintf(p->loss[i].hop, sizeof(p->loss[i].hop), "%s", hop);
		if (!strcmp(p->loss[i].hop, hop))
			break;
	}
	if (i == LOSS_HOPS)
		i = LOSS_HOPS - 1;	/* more hops than slots: lump */
	if (!p->loss[i].pending)
		p->loss[i].pending_first = p->last_loss;
	p->loss[i].pending_last = p->last_loss;
	p->loss[i].pending += n;
	p->loss[i].total += n;
}

void pipeline_tick(struct pipeline *p, uint64_t now)
{
	uint64_t window = (uint64_t)p->policy->aggregation_window_s * NS_PER_SEC;

	for (size_t i = 0; i < AGG_SLOTS; i++)
		if (p->agg[i].used && now - p->agg[i].window_start >= window)
			aggregate_close(p, &p->agg[i], now);
	emit_summaries(p, now, false);
	for (size_t i = 0; i < p->n_outputs; i++)
		output_tick(p->outputs[i]);
}

void pipeline_flush(struct pipeline *p)
{
	uint64_t now = p->clock(p->clock_ctx);

	for (size_t i = 0; i < AGG_SLOTS; i++)
		if (p->agg[i].used)
			aggregate_close(p, &p->agg[i], now);
	emit_summaries(p, now, true);
	for (size_t i = 0; i < p->n_outputs; i++)
		output_tick(p->outputs[i]);
}

void pipeline_set_policy(struct pipeline *p, const struct policy *policy)
{
	pipeline_flush(p);
	p->policy = policy;
}
