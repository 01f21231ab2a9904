// SPDX-License-Identifier: GPL-2.0
/* See baseline_daemon.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/bmcwatch.h>

#include "baseline_daemon.h"
#include "log.h"
#include "output.h"
#include "usb_rules.h"
#include "usb_tab.h"

/*
 * The BMC's USB devices present now into @b; none listed (has_usb false)
 * when the module has no USB table (before ABI 1.7, or no debugfs).
 */
static int learn_usb(struct baseline *b)
{
	struct usb_tab_dev *u;
	int n = usb_tab_read_dev(USB_TAB_PATH, &u);

	if (n < 0) {
		bmcw_log(LOG_WARNING, "learn: %s not readable: the BMC's USB devices are not in the baseline",
			 USB_TAB_PATH);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct baseline_usb e = {
			.vendor = u[i].d.vendor, .product = u[i].d.product,
		};

		if (!(u[i].d.flags & BMCW_USB_F_BMC))
			continue;
		snprintf(e.port, sizeof(e.port), "%s", u[i].d.port);
		snprintf(e.role, sizeof(e.role), "%s", usb_dev_role(&u[i].d));
		/* a port holds one device: no two rows are the same entry */
		if (baseline_add_usb(b, &e)) {
			free(u);
			return -1;
		}
	}
	baseline_usb_sort(b);
	b->has_usb = true;
	free(u);
	return 0;
}

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
	if (learn_usb(b)) {
		bmcw_log(LOG_ERR, "learn: out of memory");
		baseline_free(b);
		return -1;
	}
	return 0;
}

/*
 * The BMC's USB devices now against the baseline's: each one present and
 * not learnt, and each one learnt and absent, is an alert. How many.
 */
static size_t check_usb(struct bmcw_daemon *d, const struct baseline *b)
{
	struct usb_tab_dev *u;
	struct bmcw_alert a;
	size_t diffs = 0;
	int n;

	if (!b->has_usb)
		return 0;
	n = usb_tab_read_dev(USB_TAB_PATH, &u);
	if (n < 0) {
		bmcw_log(LOG_WARNING, "baseline: %s not readable: the BMC's USB devices not checked",
			 USB_TAB_PATH);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (!(u[i].d.flags & BMCW_USB_F_BMC) ||
		    baseline_find_usb(b, u[i].d.port, u[i].d.vendor, u[i].d.product) ||
		    !usb_rules_unlearnt(&u[i].d, b->created, &a))
			continue;
		pipeline_submit(d->pipeline, &a);
		diffs++;
	}
	for (size_t k = 0; k < b->n_usb; k++) {
		const struct baseline_usb *e = &b->usb[k];
		int i;

		for (i = 0; i < n; i++)
			if ((u[i].d.flags & BMCW_USB_F_BMC) && !strcmp(u[i].d.port, e->port) &&
			    u[i].d.vendor == e->vendor && u[i].d.product == e->product)
				break;
		if (i < n)
			continue;
		usb_rules_unseen(e->port, e->vendor, e->product, e->role, b->created, &a);
		pipeline_submit(d->pipeline, &a);
		diffs++;
	}
	free(u);
	return diffs;
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
		bmcw_log(LOG_NOTICE, "learn: baseline of %zu PCI functions (host fingerprint %016llx) and %zu of the BMC's USB devices written to %s",
			 b.inv.n, (unsigned long long)b.inv.host_fp, b.n_usb, p->baseline);
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
	size_t n = 0, nusb;

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
	nusb = check_usb(d, b);
	bmcw_log(n + nusb ? LOG_WARNING : LOG_INFO,
		 "baseline %s (%s): %zu PCI functions now, %zu difference(s); %zu in the BMC's USB devices%s",
		 d->policy->baseline, b->created, cur.n, n, nusb,
		 b->has_usb ? "" : " (not in this baseline)");
	n += nusb;
	free(ch);
	inventory_free(&cur);
	return (int)n;
}
