// SPDX-License-Identifier: GPL-2.0
/*
 * The traffic profile: windowed counting (learning and enforcement share
 * it), the limit a baseline gives, and a learning run from hand-made
 * counts to the baseline's traffic section and back through JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "traffic.h"
#include "tap.h"

#define S	1000000000ULL

static void windows(void)
{
	struct rate_window w = { 0 };
	int fired = 0;

	is_int(rate_window_add(&w, 10 * S, 5 * S, 0, 3), 0, "no events: nothing");
	ok(!w.start_ns, "  and no window opened");
	for (int i = 0; i < 3; i++)
		fired += rate_window_add(&w, 10 * S, 5 * S + i, 1, 3);
	is_int(fired, 0, "3 events with a limit of 3: not above");
	is_int(rate_window_add(&w, 10 * S, 6 * S, 1, 3), 1, "the 4th is above the limit");
	is_int(rate_window_add(&w, 10 * S, 7 * S, 5, 3), 0, "  reported once per window");
	/* 15 s is 10 s after the window opened at 5 s: a new one */
	is_int(rate_window_add(&w, 10 * S, 15 * S, 3, 3), 0,
	       "a new window after 10 s: 3 events, not above");
	is_int((int)w.count, 3, "  the new window counts from its first event");
	ok(w.start_ns == 15 * S, "  which opened it");
	is_int(rate_window_add(&w, 10 * S, 16 * S, 100, 3), 1, "then 100 more: above");
	is_int(rate_window_add(&w, 10 * S, 17 * S, 100, 3), 0,
	       "  already reported in this window");
	is_int(rate_window_add(&w, 10 * S, 26 * S, 4, 3), 1, "a burst of 4 at once is above 3");

	is_int(traffic_limit(0, 4, 10), 10, "learnt 0: the floor");
	is_int(traffic_limit(5, 4, 10), 20, "learnt 5 x 4 = 20 above the floor");
	is_int(traffic_limit(2, 4, 10), 10, "learnt 2 x 4 = 8: the floor wins");
	ok(traffic_limit(UINT64_MAX / 2, 4, 0) == UINT64_MAX, "saturates instead of wrapping");
}

static void learning(void)
{
	struct traffic_learner t;
	struct baseline_traffic out;
	const struct baseline_ipmi_cmd *c;
	const struct baseline_irq *q;
	const uint8_t devid[] = { 0x20, 0x01, 0x02, 0x03 };

	traffic_learner_init(&t, 2, 100 * S);
	/* window 1: [100, 102) */
	traffic_learn_ipmi(&t, 0x06, 0x01, 0, BMCW_IPMI_ORIG_USER, 3);
	traffic_learn_ipmi(&t, 0x06, 0x01, 1, BMCW_IPMI_ORIG_USER, 3);
	traffic_learn_attention(&t, 1);
	traffic_learn_irq(&t, "0000:00:01.0", 0, 24, 10);
	traffic_learner_tick(&t, 101 * S);
	is_int(t.windows, 0, "no window complete after 1 s");
	traffic_learner_tick(&t, 102 * S);
	is_int(t.windows, 1, "one window complete after 2 s");
	/* window 2: more of everything; a new command */
	traffic_learn_ipmi(&t, 0x06, 0x01, 0, BMCW_IPMI_ORIG_USER, 1);
	traffic_learn_ipmi(&t, 0x0a, 0x23, 0, BMCW_IPMI_ORIG_SI, 7);
	traffic_learn_attention(&t, 4);
	traffic_learn_irq(&t, "0000:00:01.0", 0, 24, 30);
	traffic_learn_irq(&t, "0000:00:01.0", 1, 25, 2);
	/* two windows close at once: the third saw nothing */
	traffic_learner_tick(&t, 106 * S + 1);
	is_int(t.windows, 3, "a late tick closes every window that ended");
	/* seen only in the open window: known, not counted */
	traffic_learn_ipmi(&t, 0x00, 0x01, 0, BMCW_IPMI_ORIG_USER, 9);
	traffic_learn_identity(&t, BASELINE_ID_DEVICE, devid, sizeof(devid));

	ok(!traffic_learner_result(&t, &out), "result");
	is_int(out.window_s, 2, "window_s");
	is_int(out.windows, 3, "windows");
	ok(out.attention.count == 5 && out.attention.max == 4, "attention: 5, at most 4");
	ok(out.attention.mean > 1.66 && out.attention.mean < 1.67, "  mean 5/3");
	is_int(out.n_ipmi, 4, "four command keys");
	ok(out.ipmi[0].netfn == 0x00 && out.ipmi[3].netfn == 0x0a, "  sorted by netfn");
	c = baseline_find_ipmi(&out, 0x06, 0x01, 0, BMCW_IPMI_ORIG_USER);
	ok(c && c->r.count == 4 && c->r.max == 3, "Get Device ID requests: 4, at most 3");
	c = baseline_find_ipmi(&out, 0x00, 0x01, 0, BMCW_IPMI_ORIG_USER);
	ok(c && c->r.count == 0 && c->r.max == 0, "seen in the open window: listed, 0 counted");
	ok(!baseline_find_ipmi(&out, 0x06, 0x01, 0, BMCW_IPMI_ORIG_SI), "other origin: not found");
	q = baseline_find_irq(&out, "0000:00:01.0", 0);
	ok(q && q->r.count == 40 && q->r.max == 30 && q->irq == 24, "vector 0: 40, at most 30");
	ok(baseline_find_irq(&out, "0000:00:01.0", 1) && !baseline_find_irq(&out, "0000:00:01.0", 2),
	   "vector 1 listed, 2 not");
	ok(out.id[BASELINE_ID_DEVICE].seen && out.id[BASELINE_ID_DEVICE].len == 4 &&
	   !out.id[BASELINE_ID_SYSTEM_GUID].seen, "identity kept");
	baseline_traffic_free(&out);
	traffic_learner_free(&t);
}

/* A learnt profile goes through JSON and back unchanged. */
static void through_json(void)
{
	struct traffic_learner t;
	struct baseline b = { 0 }, b2;
	char err[256] = "", *j1, *j2;

	traffic_learner_init(&t, 60, 0);
	traffic_learn_ipmi(&t, 0x06, 0x31, 0, BMCW_IPMI_ORIG_SI, 120);
	traffic_learn_ipmi(&t, 0x2e, 0x99, 0, BMCW_IPMI_ORIG_USER, 1);
	traffic_learn_attention(&t, 7);
	traffic_learn_irq(&t, "0000:00:01.0", 0, 24, 1000);
	traffic_learner_tick(&t, 60 * S);
	strcpy(b.created, "2026-11-30T00:00:00.000Z");
	strcpy(b.host, "h");
	b.inv.has_host_fp = true;
	ok(!traffic_learner_result(&t, &b.traffic), "learnt");
	b.has_traffic = true;
	j1 = baseline_to_json(&b);
	ok(j1 && !baseline_parse(j1, strlen(j1), &b2, err, sizeof(err)), "parses back (%s)", err);
	ok(b2.version == BASELINE_VERSION && b2.has_traffic, "version %d with traffic",
	   BASELINE_VERSION);
	j2 = baseline_to_json(&b2);
	is_str(j2, j1, "the same text again");
	ok(strstr(j1, "\"name\":\"oem_group/unnamed\"") || strstr(j1, "\"name\": \"oem_group/unnamed\""),
	   "commands are named for the reader");
	free(j1);
	free(j2);
	baseline_free(&b2);
	baseline_free(&b);
	traffic_learner_free(&t);
}

int main(void)
{
	windows();
	learning();
	through_json();
	return tap_done();
}
