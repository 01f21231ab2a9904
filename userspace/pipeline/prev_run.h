/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Did the previous daemon stop cleanly? A daemon killed with SIGKILL (or
 * by the OOM killer, or a crash) cannot report its own end. The status file
 * it left says "state": "running" with its pid; the next daemon, started
 * by the service manager, finds that pid gone and reports the gap.
 */
#ifndef BMCW_PREV_RUN_H
#define BMCW_PREV_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * From the status text the previous daemon left: 1 with *pid set when it
 * says it was running and @alive(pid) says no such daemon runs any more;
 * 0 otherwise (stopped cleanly, still running, our own pid, older format
 * without "state", or not a status file at all).
 */
int prev_run_unclean(const char *text, size_t len, pid_t self,
		     bool (*alive)(pid_t pid), pid_t *pid);
/* Is @pid a running bmcwatchd (by /proc/PID/comm)? */
bool prev_run_daemon_alive(pid_t pid);
/*
 * Read @path and decide; on 1, msg says which pid died and when it last
 * wrote its status.
 */
int prev_run_check(const char *path, char *msg, size_t len);

/*
 * What the previous daemon knew of bmcwatch.ko, from the "kernel" object
 * of its status file: the module instance it watched, the newest health
 * event it had settled (raised or accounted for), and the counters
 * (module losses "loss:NAME", hook misses "hook:MONITOR/SYMBOL") as far
 * as it had reported them. A daemon attaching to the same instance goes
 * on from there: nothing raised twice, nothing left out.
 */
#define PREV_KERNEL_MAX		128

struct prev_kernel {
	uint64_t instance;		/* 0: none known */
	uint64_t health_seq;
	size_t n;
	struct {
		char name[112];
		uint64_t count;
	} c[PREV_KERNEL_MAX];
};

/* From status text; 0, or -1 (then *pk is empty) when it has none. */
int prev_run_kernel(const char *text, size_t len, struct prev_kernel *pk);
int prev_run_load_kernel(const char *path, struct prev_kernel *pk);
/* A counter's value, or 0 when the previous daemon did not have it. */
uint64_t prev_kernel_count(const struct prev_kernel *pk, const char *name);

#endif /* BMCW_PREV_RUN_H */
