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

#endif /* BMCW_PREV_RUN_H */
