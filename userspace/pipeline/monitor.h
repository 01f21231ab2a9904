/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Monitors: the parts that watch something (a BPF ring buffer, the IOMMU,
 * the inventory) and turn what they see into alerts via d->pipeline. The
 * daemon calls init once, polls fd() with epoll and calls on_readable when
 * it is readable, calls on_interval every interval_ms, and fini at exit.
 * Any callback may be NULL. A nonzero return from init disables the monitor
 * (reported as health.hook_failed); the daemon goes on without it.
 */
#ifndef BMCW_MONITOR_H
#define BMCW_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evclock.h"
#include "heartbeat.h"
#include "host_info.h"
#include "metrics.h"
#include "pipeline.h"
#include "policy.h"

struct traffic_learner;
struct baseline;
struct kmod_state;

#define DAEMON_SPOTS_MAX 16

struct bmcw_daemon {
	const struct policy *policy;
	struct pipeline *pipeline;
	struct metrics *metrics;
	struct heartbeat heartbeat;	/* heartbeat_set_fingerprint(&d->heartbeat, ...) */
	/* model, inventory fingerprint, BMC identity: bmcwatch_info */
	struct host_info host;
	char hostname[256];
	uint64_t started_ns;		/* CLOCK_REALTIME */
	/*
	 * Kernel event stamps to wall-clock time (evclock.h): measured again
	 * at every turn of the loop, before the monitors read.
	 */
	struct evclock clock;
	bool stopping;			/* clean stop: the status file says so */
	/* Learning the traffic profile (--learn-seconds): monitors add to it. */
	struct traffic_learner *learn;
	/* The baseline enforced; NULL without one, or while learning. */
	const struct baseline *base;
	/* bmcwatch.ko released on an unload request: monitors stopped. */
	bool released;
	char released_why[256];
	/* bmcwatch.ko itself: ABI, health events, hooks, losses (kmod_state.h) */
	struct kmod_state *kmod;
	/*
	 * The daemon's own probes and sources that could not be put in place
	 * (daemon_blind_spot()): the status file lists them with the
	 * module's, and bmcwatch status says degraded.
	 */
	char spots[DAEMON_SPOTS_MAX][192];
	size_t n_spots;
};

/*
 * A probe or source of the daemon's that is not in place for good (it was
 * refused, or its hardware or kernel support is missing): WHAT, why (ERR)
 * and what goes UNSEEN, once per WHAT. The caller raises the alert.
 */
void daemon_blind_spot(struct bmcw_daemon *d, const char *what, const char *err,
		       const char *unseen);

struct bmcw_monitor_ops {
	const char *name;
	int (*init)(struct bmcw_daemon *d, void **state);	/* 0 or -errno */
	int (*fd)(void *state);					/* -1 if none */
	int (*on_readable)(void *state);
	int (*on_interval)(void *state, uint64_t now_ns);
	void (*fini)(void *state);
};

/* monitors.c: the table of every monitor the daemon runs. */
extern const struct bmcw_monitor_ops *const bmcw_monitors[];
extern const size_t bmcw_monitor_count;

/* A monitor as the daemon runs it. */
struct monitor_slot {
	const struct bmcw_monitor_ops *ops;
	void *state;
	bool enabled;
	int fd;
	char why[128];			/* why it is disabled */
	uint64_t interval_ns;		/* its last on_interval took */
	uint64_t interval_max_ns;	/* the longest one since start */
};

/*
 * Start each monitor of table; one whose init fails is disabled and a
 * health.hook_failed alert names it. Returns the number enabled.
 */
size_t monitors_start(struct bmcw_daemon *d, const struct bmcw_monitor_ops *const *table,
		      size_t n, struct monitor_slot *slots);
void monitors_stop(struct monitor_slot *slots, size_t n);

#endif /* BMCW_MONITOR_H */
