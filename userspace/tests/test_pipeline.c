/* SPDX-License-Identifier: GPL-2.0 */
/* Aggregation, thresholds, rate limiting and policy filters, on a fake clock. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "monitor.h"
#include "pipeline.h"
#include "tap.h"

#define SEC 1000000000ull
#define T0 (1714564800ull * SEC)	/* 2024-05-01T12:00:00Z */

static uint64_t fake_now;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static struct bmcw_alert cfg_write(const char *bdf, const char *comm)
{
	struct bmcw_alert a = { .rule = "pcie.config_write" };

	a.subject.has_device = 1;
	snprintf(a.subject.bdf, sizeof(a.subject.bdf), "%s", bdf);
	a.subject.has_process = 1;
	a.subject.pid = 100;
	snprintf(a.subject.comm, sizeof(a.subject.comm), "%s", comm);
	snprintf(a.subject.exe, sizeof(a.subject.exe), "/usr/bin/%s", comm);
	snprintf(a.subject.locus, sizeof(a.subject.locus), "cfg 0x04");
	snprintf(a.message, sizeof(a.message), "write by %s", comm);
	return a;
}

static struct pipeline *setup(struct policy *pol, struct capture *cap,
			      unsigned int window, unsigned int rate)
{
	struct pipeline *p;

	policy_init(pol);
	pol->aggregation_window_s = window;
	pol->rate_limit = rate;
	p = pipeline_new(pol, NULL);
	pipeline_set_clock(p, fake_clock, NULL);
	pipeline_add_output(p, capture_output(cap));
	fake_now = T0;
	return p;
}

static void test_aggregation(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	struct bmcw_alert a = cfg_write("0000:03:00.0", "poke");
	uint64_t total = 0;

	pipeline_submit(p, &a);
	is_int(cap.n, 1, "first occurrence is emitted at once");
	is_int(cap.a[0].count, 1, "with count 1");
	ok(cap.a[0].first_ns == T0 && cap.a[0].last_ns == T0, "first = last = now");
	is_int(cap.a[0].severity, BMCW_SEV_WARNING, "rule default severity applied");
	for (int i = 1; i <= 9; i++) {
		fake_now = T0 + i * SEC;
		pipeline_submit(p, &a);
	}
	is_int(cap.n, 1, "repeats inside the window are held");
	pipeline_tick(p, T0 + 59 * SEC);
	is_int(cap.n, 1, "nothing flushed before the window ends");
	pipeline_tick(p, T0 + 60 * SEC);
	is_int(cap.n, 2, "window end flushes one aggregate");
	is_int(cap.a[1].count, 9, "aggregate counts the 9 later occurrences");
	ok(cap.a[1].first_ns == T0 + SEC && cap.a[1].last_ns == T0 + 9 * SEC,
	   "aggregate first/last are those occurrences' times");
	is_int(cap.a[1].seq, cap.a[0].seq + 1, "sequence numbers increase by one");
	pipeline_tick(p, T0 + 200 * SEC);
	is_int(cap.n, 2, "a window with nothing new emits nothing more");

	fake_now = T0 + 300 * SEC;
	pipeline_submit(p, &a);
	a = cfg_write("0000:04:00.0", "poke");
	pipeline_submit(p, &a);
	is_int(cap.n, 4, "a new window and another subject each alert at once");
	for (size_t i = 0; i < cap.n; i++)
		total += cap.a[i].count;
	is_int(total, 12, "counts add up to the occurrences (nothing lost or doubled)");
	is_int(pipeline_stats(p, rule_find("pcie.config_write"))->occurrences, 12,
	       "per-rule occurrence counter");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_flush_on_exit(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	struct bmcw_alert a = cfg_write("0000:03:00.0", "poke");

	pipeline_submit(p, &a);
	fake_now += SEC;
	pipeline_submit(p, &a);
	pipeline_flush(p);
	ok(cap.n == 2 && cap.a[1].count == 1, "pipeline_flush emits pending aggregates");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_threshold(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	struct bmcw_alert a = cfg_write("0000:03:00.0", "poke");

	pol.rules[rule_index(rule_find("pcie.config_write"))].threshold = 3;
	pipeline_submit(p, &a);
	pipeline_submit(p, &a);
	is_int(cap.n, 0, "below threshold: no alert");
	pipeline_submit(p, &a);
	ok(cap.n == 1 && cap.a[0].count == 3, "threshold-th occurrence alerts with count 3");
	fake_now += 100 * SEC;
	pipeline_submit(p, &a);
	pipeline_tick(p, fake_now + 60 * SEC);
	is_int(cap.n, 1, "a later window below threshold stays quiet");
	is_int(pipeline_stats(p, rule_find("pcie.config_write"))->below_threshold, 1,
	       "and is counted as below threshold");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_rate_limit(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 0, 5);
	const struct bmcw_rule *rule = rule_find("pcie.config_write");
	struct bmcw_alert a = cfg_write("0000:03:00.0", "poke");
	size_t i;

	for (i = 0; i < 20; i++)
		pipeline_submit(p, &a);
	is_int(cap.n, 5, "rate_limit = 5: five alerts pass");
	is_int(pipeline_stats(p, rule)->suppressed_alerts, 15, "fifteen are counted as suppressed");
	pipeline_tick(p, fake_now);
	ok(cap.n == 6 && !strcmp(cap.a[5].rule, "health.events_lost"),
	   "a health.events_lost summary follows");
	is_int(cap.a[5].count, 15, "the summary stands for the 15 suppressed");
	ok(strstr(cap.a[5].message, "15 alerts") && strstr(cap.a[5].message, "pcie.config_write"),
	   "summary message names count and rule: %s", cap.a[5].message);
	pipeline_tick(p, fake_now + SEC);
	is_int(cap.n, 6, "no summary when nothing more was suppressed");
	fake_now += 12 * SEC;	/* one token back: 5 per 60 s */
	pipeline_submit(p, &a);
	is_int(cap.n, 7, "tokens refill over time");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_policy_filters(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	const struct bmcw_rule *rule = rule_find("pcie.config_write");
	struct bmcw_alert a = cfg_write("0000:03:00.0", "setpci");
	struct bmcw_alert bad = { .rule = "no.such_rule" };

	strlist_add(&pol.rules[rule_index(rule)].allow_process, "setpci");
	pipeline_submit(p, &a);
	is_int(cap.n, 0, "an allowed process raises nothing");
	is_int(pipeline_stats(p, rule)->allowed, 1, "but is counted");
	a = cfg_write("0000:03:00.0", "evil");
	pol.rules[rule_index(rule)].severity_set = true;
	pol.rules[rule_index(rule)].severity = BMCW_SEV_CRITICAL;
	pipeline_submit(p, &a);
	ok(cap.n == 1 && cap.a[0].severity == BMCW_SEV_CRITICAL, "policy severity is applied");
	pol.rules[rule_index(rule)].enabled = false;
	a = cfg_write("0000:05:00.0", "evil");
	pipeline_submit(p, &a);
	is_int(cap.n, 1, "a disabled rule raises nothing");
	is_int(pipeline_submit(p, &bad), -1, "an unknown rule is rejected");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_loss_report(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);

	pipeline_report_loss(p, "ringbuf", 7);
	pipeline_report_loss(p, "ringbuf", 3);
	pipeline_tick(p, fake_now);
	ok(cap.n == 1 && !strcmp(cap.a[0].rule, "health.events_lost") && cap.a[0].count == 10,
	   "lost events are summarised as health.events_lost with their count");
	pipeline_free(p);
	policy_free(&pol);
}

static void test_loss_totals(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	uint64_t total = 0;
	const char *hop;

	ok(!pipeline_loss_at(p, 0, &total), "no loss, no hop");
	pipeline_report_loss(p, "ringbuf", 2);
	pipeline_report_loss(p, "iommu", 1);
	pipeline_tick(p, fake_now);
	pipeline_report_loss(p, "iommu", 2);
	hop = pipeline_loss_at(p, 1, &total);
	ok(hop && !strcmp(hop, "iommu") && total == 3,
	   "a hop's total counts on after its summary (%s %llu)", hop ? hop : "-",
	   (unsigned long long)total);
	ok(cap.n == 2 && strstr(cap.a[1].message, "1 events lost at iommu (faults lost in the IOMMU itself"),
	   "IOMMU losses say what they are: %s", cap.n == 2 ? cap.a[1].message : "-");
	ok(!pipeline_loss_what("ringbuf"), "other hops need no saying");
	pipeline_free(p);
	policy_free(&pol);
}

static int failing_init(struct bmcw_daemon *d, void **state)
{
	(void)d;
	(void)state;
	return -ENODEV;
}

static int ok_init(struct bmcw_daemon *d, void **state)
{
	(void)d;
	*state = NULL;
	return 0;
}

static void test_monitor_failure(void)
{
	static const struct bmcw_monitor_ops bad = { .name = "kcs", .init = failing_init };
	static const struct bmcw_monitor_ops good = { .name = "inventory", .init = ok_init };
	const struct bmcw_monitor_ops *const table[] = { &bad, &good };
	static struct capture cap;
	struct monitor_slot slots[2];
	struct bmcw_daemon d = { 0 };
	struct policy pol;

	d.pipeline = setup(&pol, &cap, 60, 0);
	d.policy = &pol;
	is_int(monitors_start(&d, table, 2, slots), 1, "one of two monitors starts");
	ok(!slots[0].enabled && slots[1].enabled, "the failing one is disabled");
	ok(cap.n == 1 && !strcmp(cap.a[0].rule, "health.hook_failed") &&
	   strstr(cap.a[0].message, "monitor kcs disabled"),
	   "health.hook_failed names it: %s", cap.n ? cap.a[0].message : "");
	monitors_stop(slots, 2);
	pipeline_free(d.pipeline);
	policy_free(&pol);
}

static void test_heartbeat(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	struct heartbeat hb = { 0 };

	heartbeat_init(&hb, 15, T0);
	heartbeat_set_fingerprint(&hb, "sha256:abcd");
	is_int(heartbeat_tick(&hb, p, T0 + 14 * 60 * SEC), 0, "no heartbeat before the period");
	is_int(heartbeat_tick(&hb, p, T0 + 15 * 60 * SEC), 1, "heartbeat after 15 minutes");
	ok(cap.n == 1 && !strcmp(cap.a[0].rule, "health.heartbeat") &&
	   strstr(cap.a[0].message, "sha256:abcd"), "it carries the fingerprint");
	is_int(heartbeat_tick(&hb, p, T0 + 100 * 60 * SEC), 1, "after a stall: one heartbeat");
	is_int(heartbeat_tick(&hb, p, T0 + 101 * 60 * SEC), 0, "not a burst of missed ones");
	pipeline_free(p);
	policy_free(&pol);
}

/* One observation that stands for several occurrences (an NMI storm). */
static void test_weighted(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 60, 0);
	struct bmcw_alert a = { .rule = "doorbell.unknown_nmi", .count = 500 };
	uint64_t total = 0;

	snprintf(a.subject.locus, sizeof(a.subject.locus), "nmi cpu 0");
	pipeline_submit(p, &a);
	is_int(cap.n, 1, "weighted: emitted at once");
	is_int(cap.n ? cap.a[0].count : 0, 500, "standing for its 500 occurrences");
	a.count = 0;
	fake_now += SEC;
	pipeline_submit(p, &a);
	a.count = 7;
	pipeline_submit(p, &a);
	pipeline_flush(p);
	for (size_t i = 0; i < cap.n; i++)
		total += cap.a[i].count;
	is_int(total, 508, "count 0 is one; the aggregate adds the weights");
	is_int(pipeline_stats(p, rule_find("doorbell.unknown_nmi"))->occurrences, 508,
	       "per-rule occurrences too");
	ok(!pipeline_last_loss(p), "no loss reported");
	pipeline_report_loss(p, "ringbuf", 3);
	ok(pipeline_last_loss(p) == fake_now, "a loss is timed");
	pipeline_free(p);
}

/* A config write the kernel stamped at T0 + @ms (as evclock_stamp() sets it). */
static struct bmcw_alert stamped(const char *comm, uint64_t ms)
{
	struct bmcw_alert a = cfg_write("0000:03:00.0", comm);

	alert_set_time(&a, BMCW_TIME_EVENT, T0 + ms * 1000000ull, T0 + ms * 1000000ull);
	return a;
}

static void test_event_time(void)
{
	static struct capture cap;
	struct policy pol;
	struct pipeline *p = setup(&pol, &cap, 0, 0);
	struct bmcw_alert late = stamped("late", 2000), early = stamped("early", 1000);
	struct bmcw_alert a = cfg_write("0000:03:00.0", "poke");

	/* read out of order: the later event submitted first */
	fake_now = T0 + 5 * SEC;
	pipeline_submit(p, &late);
	fake_now = T0 + 6 * SEC;
	pipeline_submit(p, &early);
	ok(cap.n == 2 && !strcmp(cap.a[0].subject.comm, "late") &&
	   !strcmp(cap.a[1].subject.comm, "early"), "two events submitted in reverse order");
	ok(cap.a[0].first_ns == T0 + 2 * SEC && cap.a[0].last_ns == T0 + 2 * SEC,
	   "the first submitted keeps its event time (+2 s)");
	ok(cap.a[1].first_ns == T0 + SEC && cap.a[1].last_ns == T0 + SEC,
	   "the second keeps its own (+1 s): the kernel's order, not the submission's");
	ok(cap.a[0].created_ns == T0 + 5 * SEC && cap.a[1].created_ns == T0 + 6 * SEC,
	   "created_ns is when each was made (the pipeline's clock)");
	ok(cap.a[0].time_src == BMCW_TIME_EVENT && cap.a[1].time_src == BMCW_TIME_EVENT,
	   "time_source event");
	ok(cap.a[0].seq < cap.a[1].seq, "seq keeps the order they were made in");
	pipeline_submit(p, &a);
	ok(cap.n == 3 && cap.a[2].first_ns == fake_now && cap.a[2].last_ns == fake_now &&
	   cap.a[2].time_src == BMCW_TIME_DAEMON,
	   "an occurrence without a time: the pipeline's clock, time_source daemon");
	pipeline_free(p);
	policy_free(&pol);

	/* aggregated: the window's occurrences arrive out of order */
	p = setup(&pol, &cap, 60, 0);
	a = stamped("poke", 100);
	pipeline_submit(p, &a);
	ok(cap.n == 1 && cap.a[0].last_ns == T0 + 100 * 1000000ull &&
	   cap.a[0].created_ns == T0, "the first occurrence alerts at once, at its event time");
	fake_now = T0 + 10 * SEC;
	a = stamped("poke", 9000);
	pipeline_submit(p, &a);
	a = stamped("poke", 7000);
	pipeline_submit(p, &a);
	a = stamped("poke", 8000);
	pipeline_submit(p, &a);
	pipeline_tick(p, T0 + 60 * SEC);
	ok(cap.n == 2 && cap.a[1].count == 3, "the window's three later occurrences: one alert");
	ok(cap.a[1].first_ns == T0 + 7 * SEC && cap.a[1].last_ns == T0 + 9 * SEC,
	   "first and last are the earliest and latest event times, not the submission order");
	ok(cap.a[1].created_ns == T0 + 60 * SEC, "created when the window closed");
	fake_now = T0 + 100 * SEC;
	a = stamped("mixed", 90000);
	pipeline_submit(p, &a);
	alert_set_time(&a, BMCW_TIME_WINDOW, T0 + 95 * SEC, T0 + 99 * SEC);
	pipeline_submit(p, &a);
	pipeline_flush(p);
	ok(cap.n == 4 && cap.a[3].time_src == BMCW_TIME_WINDOW &&
	   cap.a[3].first_ns == T0 + 95 * SEC && cap.a[3].last_ns == T0 + 99 * SEC,
	   "a sweep's window keeps its bounds; an aggregate takes the least exact source");
	pipeline_free(p);
	policy_free(&pol);

	/* suppressed by the rate limit: the summary says when they happened */
	p = setup(&pol, &cap, 0, 1);
	a = stamped("poke", 500);
	pipeline_submit(p, &a);
	a = stamped("poke", 3000);
	pipeline_submit(p, &a);
	a = stamped("poke", 2000);
	pipeline_submit(p, &a);
	fake_now = T0 + 10 * SEC;
	pipeline_tick(p, fake_now);
	ok(cap.n == 2 && !strcmp(cap.a[1].rule, "health.events_lost") &&
	   cap.a[1].first_ns == T0 + 2 * SEC && cap.a[1].last_ns == T0 + 3 * SEC &&
	   cap.a[1].created_ns == T0 + 10 * SEC,
	   "a rate-limit summary spans the suppressed occurrences' event times");
	pipeline_free(p);
	policy_free(&pol);
}

int main(void)
{
	test_event_time();
	test_weighted();
	test_aggregation();
	test_flush_on_exit();
	test_threshold();
	test_rate_limit();
	test_policy_filters();
	test_loss_report();
	test_loss_totals();
	test_monitor_failure();
	test_heartbeat();
	return tap_done();
}
