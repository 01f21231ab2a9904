/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tamper evidence for the module: what the daemon makes of someone asking
 * for bmcwatch.ko to go (bpf/modwatch.bpf.c reports it), and when it takes
 * the module back after releasing it. Pure functions, for host-side tests.
 *
 * While bmcwatchd runs, its BPF links on the module's tracepoints hold the
 * module: kmod's rmmod reads /sys/module/bmcwatch/refcnt, sees them and
 * stops with "in use" before calling delete_module(2). That read (by rmmod
 * or modprobe, nothing else: lsmod and monitoring read it too) or any
 * delete_module(2) naming the module is an unload request. The daemon
 * then says so on every output (health.monitor_stopped with the process),
 * flushes them, and releases its links: the operator's retry succeeds.
 * It stays up, degraded, and takes the module back once it is loaded
 * again, or once the unload has not happened within a grace period.
 */
#ifndef BMCW_MODWATCH_RULES_H
#define BMCW_MODWATCH_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../bpf/modwatch.h"
#include "alert.h"

#define MODWATCH_GRACE_NS	(60ULL * 1000000000ULL)

/*
 * How @e asks for @module to go ("rmmod's in-use check", "delete_module(2)",
 * ...), or NULL when it does not (another module, a reader that is not
 * rmmod or modprobe, a process without CAP_SYS_MODULE: refcnt is readable
 * by anyone, and a renamed cat must not blind the daemon).
 */
const char *modwatch_unload_request(const struct modw_event *e, const char *module);

/* The executable's path from the event's names ("/usr/bin/kmod"); "" if none. */
void modwatch_exe_path(const struct modw_event *e, char *buf, size_t len);

/*
 * The health.monitor_stopped alert for a request; @exe is the best path
 * known (from /proc if the process was still there, else the event's).
 */
void modwatch_stop_alert(const struct modw_event *e, const char *how,
			 const char *exe, const char *module, struct bmcw_alert *a);

/* The module as the daemon last looked at it (/sys/module/NAME). */
struct modwatch_seen {
	bool present;
	bool live;			/* initstate "live" */
	uint64_t ino;			/* of the directory: new on every load */
};

/* What the daemon remembers once it released the module. */
struct modwatch_release {
	uint64_t at_ns;			/* CLOCK_MONOTONIC */
	uint64_t ino;			/* the instance it released */
	bool gone;			/* seen absent since */
};

enum modwatch_action {
	MODWATCH_WAIT,			/* stay released */
	MODWATCH_REATTACH_RELOADED,	/* a new instance is live */
	MODWATCH_REATTACH_NOT_UNLOADED,	/* still the same one after the grace */
};

/* Each interval while released. */
enum modwatch_action modwatch_decide(struct modwatch_release *r,
				     const struct modwatch_seen *s, uint64_t now_ns,
				     uint64_t grace_ns);

#endif /* BMCW_MODWATCH_RULES_H */
