/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's use of the baseline:
 *  --learn: read the module's inventory, write it as the baseline
 *           (replacing a valid one, never a corrupt one) and exit; with
 *           learn_seconds the traffic profile too (learn.h);
 *  otherwise: a corrupt baseline stops the start with its message; a valid
 *           one is compared with the inventory once the monitors run, and
 *           each difference becomes a pcie.device_added/removed/changed
 *           alert; no baseline at all is logged and not enforced.
 */
#ifndef BMCW_BASELINE_DAEMON_H
#define BMCW_BASELINE_DAEMON_H

#include <stdbool.h>

#include "baseline.h"
#include "monitor.h"

/*
 * A baseline of this host as it is now (its PCI inventory, the time and
 * @hostname): 0, or -1 with the reason logged and nothing to free.
 */
int daemon_baseline_new(struct baseline *b, const char *hostname);

/* --learn: 0 when written; -1 with the reason logged. */
int daemon_baseline_learn(const struct policy *p, const char *hostname);
/* Before the monitors: 0 (*have says whether one exists) or -1 (corrupt). */
int daemon_baseline_open(const struct policy *p, struct baseline *b, bool *have);
/*
 * After the monitors started: alerts for each difference; returns how many.
 * The monitors enforce the traffic profile themselves (d->base).
 */
int daemon_baseline_check(struct bmcw_daemon *d, const struct baseline *b);

#endif /* BMCW_BASELINE_DAEMON_H */
