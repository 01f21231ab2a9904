/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatchd's own parts: everything main() holds (struct daemon_run), the
 * start-up steps that fill it in order and tear it down in reverse
 * (steps.c), the event loop (loop.c), the module's release on an unload
 * request and its return (module.c), and the command line (args.c).
 */
#ifndef BMCW_DAEMON_H
#define BMCW_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baseline.h"
#include "learn.h"
#include "modwatch.h"
#include "monitor.h"
#include "policy.h"
#include "prev_run.h"

/* epoll tags: the kind in the high half, a monitor's slot in the low one */
#define EV_TIMER	(1ull << 32)
#define EV_SIGNAL	(2ull << 32)
#define EV_WATCHDOG	(3ull << 32)	/* systemd's, see service.h */
#define EV_MONITOR	(4ull << 32)	/* | slot index */
#define EV_MODWATCH	(5ull << 32)

struct daemon_run {
	int argc;
	char **argv;
	struct policy_cli cli;
	struct policy *policy;		/* replaced on SIGHUP */
	struct bmcw_daemon d;
	struct monitor_slot *slots;	/* bmcw_monitor_count of them */
	struct baseline base;
	bool have_base;
	struct learn_run learn;
	bool learning;
	struct modwatch *mw;
	struct modwatch_release rel;
	struct prev_kernel prev_kernel;
	bool kmod_ok;
	const char *stop_msg;
	int exit_code;
	bool signalled;
	sigset_t sigs;
	int ep, sfd, tfd;
	int wdfd;			/* the watchdog's timer, -1 without one */
	bool running;
	uint64_t inventory_next_ns;	/* loop.c: when to read the fingerprint again */
	size_t steps_done;		/* steps.c: how many to undo */
};

/* args.c: 0, or the exit status (usage printed) */
int parse_args(int argc, char **argv, struct policy_cli *cli);

/* steps.c: 0 when running, else r->exit_code says how to exit */
int daemon_start(struct daemon_run *r);
void daemon_stop(struct daemon_run *r);

/* loop.c */
void daemon_loop(struct daemon_run *r);
uint64_t realtime_ns(void);
uint64_t mono_ns(void);
int arm_timer(int tfd, unsigned int ms);
int epoll_add(int ep, int fd, uint64_t tag);
void health_event(struct bmcw_daemon *d, const char *rule, const char *msg);

/* module.c */
size_t attach_monitors(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
		       bool *ok);
void release_module(struct bmcw_daemon *d, struct monitor_slot *slots,
		    const struct modw_event *e, const char *how,
		    struct modwatch_release *rel);
void reattach_module(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
		     enum modwatch_action why, const struct baseline *base);

#endif /* BMCW_DAEMON_H */
