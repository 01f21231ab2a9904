// SPDX-License-Identifier: GPL-2.0
/* See baseline_daemon.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline_daemon.h"
#include "log.h"
#include "output.h"

int daemon_baseline_new(struct baseline *b, const char *hostname)
{
	struct timespec ts;
	char err[1024];

	memset(b, 0, sizeof(*b));
	if (inventory_read(NULL, &b->inv, err, sizeof(err))) {
		bmcw_log(LOG_ERR, "learn: %s", err);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	format_rfc3339_ms((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec, b->created);
	snprintf(b->host, sizeof(b->host), "%s", hostname);
	return 0;
}

int daemon_baseline_learn(const struct policy *p, const char *hostname)
{
	struct baseline b;
	char err[1024];
	int ret;

	if (daemon_baseline_new(&b, hostname))
		return -1;
	/* A valid baseline is what --learn replaces; a corrupt one is evidence. */
	ret = baseline_save(p->baseline, &b, true, false, err, sizeof(err));
	if (ret)
		bmcw_log(LOG_ERR, "learn: %s", err);
	else
		bmcw_log(LOG_NOTICE, "learn: baseline of %zu PCI functions (host fingerprint %016llx) written to %s",
			 b.inv.n, (unsigned long long)b.inv.host_fp, p->baseline);
	baseline_free(&b);
	return ret ? -1 : 0;
}

int daemon_baseline_open(const struct policy *p, struct baseline *b, bool *have)
{
	char err[1024];
	int ret = baseline_load(p->baseline, b, err, sizeof(err));

	*have = !ret;
	if (ret == -ENOENT) {
		bmcw_log(LOG_NOTICE, "no baseline at %s: changes since learning are not checked",
			 p->baseline);
		return 0;
	}
	if (ret) {
		bmcw_log(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

int daemon_baseline_check(struct bmcw_daemon *d, const struct baseline *b)
{
	struct baseline_change *ch = NULL;
	struct inventory cur;
	struct bmcw_alert a;
	char err[1024];
	size_t n = 0;

	if (inventory_read(NULL, &cur, err, sizeof(err))) {
		/*
		 * Not silently: an inventory this daemon cannot parse (a
		 * newer module's, a corrupt line) leaves the baseline
		 * unenforced, which every output must hear of.
		 */
		bmcw_log(LOG_ERR, "baseline not checked: %s", err);
		memset(&a, 0, sizeof(a));
		a.rule = "health.hook_failed";
		snprintf(a.subject.locus, sizeof(a.subject.locus), "baseline");
		snprintf(a.message, sizeof(a.message),
			 "baseline not enforced: the module's PCI inventory cannot be read: %.180s",
			 err);
		snprintf(a.why, sizeof(a.why),
			 "without the current inventory, PCI functions added, removed or changed since the baseline was learnt go unnoticed");
		pipeline_submit(d->pipeline, &a);
		return 0;
	}
	if (baseline_diff(&b->inv, &cur, &ch, &n)) {
		inventory_free(&cur);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		baseline_change_alert(&ch[i], &a);
		pipeline_submit(d->pipeline, &a);
	}
	bmcw_log(n ? LOG_WARNING : LOG_INFO,
		 "baseline %s (%s): %zu PCI functions now, %zu difference(s)",
		 d->policy->baseline, b->created, cur.n, n);
	free(ch);
	inventory_free(&cur);
	return (int)n;
}
