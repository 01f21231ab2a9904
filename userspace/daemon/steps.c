// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatchd's start-up: an ordered list of steps, each with the teardown
 * that undoes it; daemon_stop() runs the teardowns of the steps that ran,
 * in reverse. A step that fails stops the start-up with r->exit_code set,
 * and the daemon exits at once without tearing down: nothing half-started
 * is flushed (a remote output's close would deliver an old spool), and
 * the process's end releases the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "baseline_daemon.h"
#include "daemon.h"
#include "kmod_state.h"
#include "log.h"
#include "output.h"
#include "service.h"
#include "status.h"

struct daemon_step {
	const char *name;
	int (*start)(struct daemon_run *r);	/* 0: go on */
	void (*stop)(struct daemon_run *r);	/* NULL: nothing to undo */
};

static int refuse(struct daemon_run *r)
{
	bmcw_log(LOG_ERR, "refusing to start");
	r->exit_code = 1;
	return -1;
}

static int out_of_memory(struct daemon_run *r)
{
	bmcw_log(LOG_ERR, "out of memory");
	r->exit_code = 1;
	return -1;
}

static int start_args(struct daemon_run *r)
{
	r->exit_code = parse_args(r->argc, r->argv, &r->cli);
	return r->exit_code;
}

static void stop_args(struct daemon_run *r)
{
	strlist_free(&r->cli.bmc_devices);
	strlist_free(&r->cli.outputs);
}

static int start_policy(struct daemon_run *r)
{
	char err[4096];

	r->policy = calloc(1, sizeof(*r->policy));
	if (!r->policy || policy_load(r->policy, &r->cli, err, sizeof(err))) {
		fprintf(stderr, "bmcwatchd: %s\nbmcwatchd: refusing to start\n",
			r->policy ? err : "out of memory");
		r->exit_code = 1;
		return -1;
	}
	log_set_foreground(r->policy->foreground);
	if (!r->policy->foreground)
		openlog(BMCW_APP_NAME, LOG_PID, LOG_DAEMON);
	r->d.policy = r->policy;
	r->d.started_ns = realtime_ns();
	evclock_init(&r->d.clock, NULL, NULL);
	if (gethostname(r->d.hostname, sizeof(r->d.hostname) - 1))
		strcpy(r->d.hostname, "-");
	return 0;
}

static void stop_policy(struct daemon_run *r)
{
	policy_free(r->policy);
	free(r->policy);
}

/* --learn records the inventory and exits: a one-shot maintenance step. */
static int start_learn_once(struct daemon_run *r)
{
	if (!r->policy->learn || r->policy->learn_seconds)
		return 0;
	r->exit_code = daemon_baseline_learn(r->policy, r->d.hostname) ? 1 : 0;
	return -1;
}

/* ... or first watches the traffic for learn_seconds, not enforcing. */
static int start_learn(struct daemon_run *r)
{
	r->learning = r->policy->learn;
	if (r->learning && learn_prepare(&r->learn, r->policy, mono_ns()))
		return refuse(r);
	if (r->learning)
		r->d.learn = &r->learn.t;
	return 0;
}

static void stop_learn(struct daemon_run *r)
{
	if (r->learning)
		learn_free(&r->learn);
}

/* A corrupt baseline is refused before anything runs, never replaced. */
static int start_baseline(struct daemon_run *r)
{
	if (!r->learning && daemon_baseline_open(r->policy, &r->base, &r->have_base))
		return refuse(r);
	if (r->have_base) {
		r->d.base = &r->base;
		if (!r->base.has_traffic)
			bmcw_log(LOG_NOTICE, "baseline %s (version %u) has no traffic profile: fixed attention threshold, interrupt rates learnt at start; relearn with --learn --learn-seconds N",
				 r->policy->baseline, r->base.version);
	}
	return 0;
}

static void stop_baseline(struct daemon_run *r)
{
	baseline_free(&r->base);
}

static int start_pipeline(struct daemon_run *r)
{
	char err[4096];

	r->d.metrics = metrics_new(r->d.started_ns);
	r->d.pipeline = r->d.metrics ? pipeline_new(r->policy, r->d.metrics) : NULL;
	if (!r->d.pipeline)
		return out_of_memory(r);
	host_info_declare(r->d.metrics);
	if (host_info_read_dmi(&r->d.host, NULL) < 2)
		bmcw_log(LOG_INFO, "no DMI system vendor or product name in %s: the metrics say model \"unknown\"",
			 HOST_INFO_DMI_DIR);
	if (metrics_open(r->d.metrics, r->policy->metrics, err, sizeof(err))) {
		bmcw_log(LOG_ERR, "%s", err);
		r->exit_code = 1;
		return -1;
	}
	return 0;
}

static void stop_pipeline(struct daemon_run *r)
{
	pipeline_free(r->d.pipeline);
	metrics_free(r->d.metrics);
}

static int open_outputs(struct bmcw_daemon *d)
{
	struct output_env env = {
		.hostname = d->hostname,
		.pid = getpid(),
		.spool_dir = d->policy->spool_dir,
		.spool_fsync = d->policy->spool_fsync,
		.connect_timeout_ms = d->policy->connect_timeout_ms,
		.backoff_max_ms = d->policy->retry_max_ms,
		.ack_timeout_ms = d->policy->ack_timeout_ms,
		.tls_ca = d->policy->tls_ca,
		.tls_cert = d->policy->tls_cert,
		.tls_key = d->policy->tls_key,
	};
	char err[512];

	for (size_t i = 0; i < d->policy->outputs.n; i++) {
		struct output *o = output_open(d->policy->outputs.v[i], &env, err, sizeof(err));

		if (!o || pipeline_add_output(d->pipeline, o)) {
			bmcw_log(LOG_ERR, "%s", o ? "out of memory" : err);
			output_close(o);
			return -1;
		}
	}
	return 0;
}

/* Output state, read from the outputs rather than counted on the way. */

/* The pipeline owns the outputs: stop_pipeline() closes them. */
static int start_outputs(struct daemon_run *r)
{
	if (open_outputs(&r->d)) {
		r->exit_code = 1;
		return -1;
	}
	heartbeat_init(&r->d.heartbeat, r->policy->heartbeat_minutes, r->d.started_ns);
	return 0;
}

/* before anything rewrites the status file: where the last daemon was */
static int start_kmod_state(struct daemon_run *r)
{
	r->d.kmod = kmod_state_new(&r->d);
	if (!r->d.kmod)
		return out_of_memory(r);
	if (!prev_run_load_kernel(r->policy->status_file, &r->prev_kernel))
		kmod_state_restore(r->d.kmod, &r->prev_kernel);
	return 0;
}

static void stop_kmod_state(struct daemon_run *r)
{
	kmod_state_free(r->d.kmod);
}

/*
 * systemd's watchdog (WatchdogSec=): pinged from the loop at half its
 * interval, so that a loop that hangs is restarted. Its own timer: the
 * sweep interval may be longer than the watchdog's.
 */
static int watchdog_timer(struct daemon_run *r)
{
	uint64_t usec = service_watchdog_usec();
	uint64_t ms = usec / 2000;

	r->wdfd = -1;
	if (!usec)
		return 0;
	if (ms < 1)
		ms = 1;
	if (ms > 3600000)
		ms = 3600000;
	r->wdfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->wdfd < 0 || arm_timer(r->wdfd, (unsigned int)ms) ||
	    epoll_add(r->ep, r->wdfd, EV_WATCHDOG))
		return -1;
	service_watchdog_ping();
	return 0;
}

static int start_event_loop(struct daemon_run *r)
{
	sigemptyset(&r->sigs);
	sigaddset(&r->sigs, SIGHUP);
	sigaddset(&r->sigs, SIGTERM);
	sigaddset(&r->sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &r->sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->sfd = signalfd(-1, &r->sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->ep < 0 || r->sfd < 0 || r->tfd < 0 ||
	    arm_timer(r->tfd, r->policy->interval_ms) ||
	    epoll_add(r->ep, r->sfd, EV_SIGNAL) || epoll_add(r->ep, r->tfd, EV_TIMER) ||
	    watchdog_timer(r)) {
		bmcw_log(LOG_ERR, "event loop setup: %s", strerror(errno));
		r->exit_code = 1;
		return -1;
	}
	return 0;
}

static void stop_event_loop(struct daemon_run *r)
{
	if (r->wdfd >= 0)
		close(r->wdfd);
	close(r->tfd);
	close(r->sfd);
	close(r->ep);
}

/* Unload requests: watched from the kernel, not from the module. */
static int start_modwatch(struct daemon_run *r)
{
	r->mw = modwatch_open(&r->d);
	if (r->mw && epoll_add(r->ep, modwatch_fd(r->mw), EV_MODWATCH))
		bmcw_log(LOG_WARNING, "module watch: cannot poll its fd");
	return 0;
}

static void stop_modwatch(struct daemon_run *r)
{
	modwatch_close(r->mw);
}

/* The monitors, then the learning run's first window and the greeting. */
static int start_monitors(struct daemon_run *r)
{
	char msg[256];
	size_t enabled;

	enabled = attach_monitors(&r->d, r->slots, r->ep, &r->kmod_ok);
	if (r->learning)
		learn_begin(&r->learn, mono_ns());
	snprintf(msg, sizeof(msg), "bmcwatchd %s started, %zu of %zu monitors enabled%s",
		 BMCW_VERSION, enabled, bmcw_monitor_count,
		 r->learning ? ", learning the traffic profile" : "");
	health_event(&r->d, "health.monitor_started", msg);
	bmcw_log(LOG_INFO, "%s", msg);
	/* after "started": what happened while nothing listened, replayed */
	if (r->kmod_ok)
		kmod_state_attached(r->d.kmod);
	/* Killed (SIGKILL, OOM, crash) daemons cannot say so: say it for them. */
	if (prev_run_check(r->policy->status_file, msg, sizeof(msg))) {
		health_event(&r->d, "health.monitor_stopped", msg);
		bmcw_log(LOG_WARNING, "%s", msg);
	}
	status_write(r->policy->status_file, &r->d, r->slots, bmcw_monitor_count,
		     realtime_ns());
	if (r->have_base)
		daemon_baseline_check(&r->d, &r->base);
	/* the endpoint answers 503 until the first exposition: publish it now */
	metrics_export(r->d.metrics, realtime_ns());
	service_watching(&r->d, r->slots, true);
	return 0;
}

/* Say we stop through every output, and deliver what is pending. */
static void stop_monitors(struct daemon_run *r)
{
	if (r->learning && r->signalled)
		bmcw_log(LOG_WARNING, "learn: interrupted by a signal, no baseline written");
	service_stopping(r->stop_msg);
	health_event(&r->d, "health.monitor_stopped", r->stop_msg);
	r->d.stopping = true;
	bmcw_log(LOG_INFO, "stopping");
	monitors_stop(r->slots, bmcw_monitor_count);
	pipeline_flush(r->d.pipeline);
	status_write(r->policy->status_file, &r->d, r->slots, bmcw_monitor_count,
		     realtime_ns());
}

/* In start order; each teardown runs after those of every later step. */
static const struct daemon_step steps[] = {
	{ "command line",	start_args,		stop_args },
	{ "policy",		start_policy,		stop_policy },
	{ "one-shot learning",	start_learn_once,	NULL },
	{ "learning run",	start_learn,		stop_learn },
	{ "baseline",		start_baseline,		stop_baseline },
	{ "pipeline",		start_pipeline,		stop_pipeline },
	{ "outputs",		start_outputs,		NULL },
	{ "module state",	start_kmod_state,	stop_kmod_state },
	{ "event loop",		start_event_loop,	stop_event_loop },
	{ "module watch",	start_modwatch,		stop_modwatch },
	{ "monitors",		start_monitors,		stop_monitors },
};

int daemon_start(struct daemon_run *r)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		service_status("starting: %s", steps[i].name);
		if (steps[i].start(r))
			return -1;
		r->steps_done = i + 1;
	}
	return 0;
}

void daemon_stop(struct daemon_run *r)
{
	while (r->steps_done)
		if (steps[--r->steps_done].stop)
			steps[r->steps_done].stop(r);
}
