/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatchd: loads the policy, opens the outputs, starts the monitors and
 * runs one epoll loop: a timerfd at interval_ms, a signalfd, the metrics
 * socket and each monitor's fd. It does not fork; the service manager runs
 * it, and --foreground only sends its own diagnostics to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "baseline_daemon.h"
#include "log.h"
#include "monitor.h"
#include "output.h"
#include "prev_run.h"
#include "status.h"

#define EV_TIMER	(1ull << 32)
#define EV_SIGNAL	(2ull << 32)
#define EV_METRICS	(3ull << 32)
#define EV_MONITOR	(4ull << 32)	/* | slot index */

static const struct option long_opts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "foreground",	no_argument,	   NULL, 'f' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "bmc-device",	required_argument, NULL, 'b' },
	{ "output",	required_argument, NULL, 'o' },
	{ "learn",	no_argument,	   NULL, 'l' },
	{ "baseline",	required_argument, NULL, 'B' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bmcwatchd [OPTIONS]\n"
		"Watch the host<->BMC channels and raise explained alerts.\n\n"
		"  -c, --config FILE          config file (default " BMCW_DEFAULT_CONFIG ")\n"
		"      --foreground           log to stderr instead of syslog\n"
		"      --interval MS          polling interval (overrides [daemon] interval_ms)\n"
		"      --bmc-device ID        VENDOR:DEVICE or [DOMAIN:]BUS:DEV.FN of a BMC\n"
		"                             function; repeatable, replaces the [bmc] list\n"
		"      --output SPEC          json:PATH|cef:PATH|syslog|syslog+unix:PATH|\n"
		"                             syslog+udp://HOST:PORT|syslog+tcp://HOST:PORT;\n"
		"                             repeatable, replaces the [output] list\n"
		"      --learn                write the PCI inventory as the baseline, exit\n"
		"      --baseline PATH        baseline file (overrides [daemon] baseline)\n"
		"  -h, --help                 this help\n"
		"      --version              print the version and the kernel ABI version\n");
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int parse_args(int argc, char **argv, struct policy_cli *cli)
{
	char *end;
	int c;

	cli->interval_ms = -1;
	while ((c = getopt_long(argc, argv, "c:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli->config = optarg;
			break;
		case 'f':
			cli->foreground = true;
			break;
		case 'i':
			errno = 0;
			cli->interval_ms = strtol(optarg, &end, 10);
			if (errno || *end || cli->interval_ms < 0) {
				fprintf(stderr, "bmcwatchd: --interval: invalid value '%s'\n", optarg);
				return 2;
			}
			break;
		case 'b':
			if (strlist_add(&cli->bmc_devices, optarg))
				return 1;
			break;
		case 'o':
			if (strlist_add(&cli->outputs, optarg))
				return 1;
			break;
		case 'l':
			cli->learn = true;
			break;
		case 'B':
			cli->baseline = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("bmcwatchd %s (ABI %d.%d)\n", BMCW_DAEMON_VERSION,
			       BMCW_ABI_MAJOR, BMCW_ABI_MINOR);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bmcwatchd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

static int arm_timer(int tfd, unsigned int ms)
{
	struct itimerspec its = {
		.it_interval = { ms / 1000, (ms % 1000) * 1000000L },
		.it_value = { ms / 1000, (ms % 1000) * 1000000L },
	};

	return timerfd_settime(tfd, 0, &its, NULL);
}

static int epoll_add(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void health_event(struct bmcw_daemon *d, const char *rule, const char *msg)
{
	struct bmcw_alert a = { .rule = rule };

	snprintf(a.message, sizeof(a.message), "%s", msg);
	alert_add_extra(&a, "version", "%s", BMCW_DAEMON_VERSION);
	pipeline_submit(d->pipeline, &a);
}

static int open_outputs(struct bmcw_daemon *d)
{
	struct output_env env = {
		.hostname = d->hostname,
		.pid = getpid(),
		.spool_dir = d->policy->spool_dir,
		.spool_fsync = d->policy->spool_fsync,
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

/* Gauges that are read rather than counted. */
static void update_gauges(struct bmcw_daemon *d)
{
	char labels[300], esc[280];

	metrics_declare(d->metrics, "bmcwatch_spool_records", METRIC_GAUGE,
			"Alerts waiting in an output's spool.");
	metrics_declare(d->metrics, "bmcwatch_spool_bytes", METRIC_GAUGE,
			"Bytes waiting in an output's spool.");
	for (size_t i = 0; i < pipeline_output_count(d->pipeline); i++) {
		const struct output *o = pipeline_output(d->pipeline, i);

		metrics_escape_label(o->spec, esc, sizeof(esc));
		snprintf(labels, sizeof(labels), "output=\"%s\"", esc);
		metrics_set(d->metrics, "bmcwatch_spool_records", labels, o->stats.spool_records);
		metrics_set(d->metrics, "bmcwatch_spool_bytes", labels, o->stats.spool_bytes);
	}
}

static void reload(struct bmcw_daemon *d, struct policy **policy,
		   const struct policy_cli *cli, int tfd)
{
	struct policy *next = calloc(1, sizeof(*next));
	char err[4096];

	if (!next)
		return;
	if (policy_load(next, cli, err, sizeof(err))) {
		bmcw_log(LOG_ERR, "reload refused, keeping the running policy:\n%s", err);
		policy_free(next);
		free(next);
		return;
	}
	pipeline_set_policy(d->pipeline, next);
	d->policy = next;
	policy_free(*policy);
	free(*policy);
	*policy = next;
	heartbeat_init(&d->heartbeat, next->heartbeat_minutes, realtime_ns());
	arm_timer(tfd, next->interval_ms);
	bmcw_log(LOG_NOTICE, "policy reloaded from %s (outputs and metrics change at restart)",
		 next->path[0] ? next->path : "defaults");
}

int main(int argc, char **argv)
{
	struct policy_cli cli = { 0 };
	struct policy *policy = calloc(1, sizeof(*policy));
	struct bmcw_daemon d = { 0 };
	struct monitor_slot slots[bmcw_monitor_count + 1];
	char err[4096], msg[256];
	struct epoll_event evs[16];
	struct baseline base = { 0 };
	bool have_base = false;
	sigset_t sigs;
	int ep, sfd, tfd, ret;
	size_t enabled;
	bool running = true;

	ret = parse_args(argc, argv, &cli);
	if (ret)
		return ret;
	if (!policy || policy_load(policy, &cli, err, sizeof(err))) {
		fprintf(stderr, "bmcwatchd: %s\nbmcwatchd: refusing to start\n",
			policy ? err : "out of memory");
		return 1;
	}
	log_set_foreground(policy->foreground);
	if (!policy->foreground)
		openlog(BMCW_APP_NAME, LOG_PID, LOG_DAEMON);

	d.policy = policy;
	d.started_ns = realtime_ns();
	if (gethostname(d.hostname, sizeof(d.hostname) - 1))
		strcpy(d.hostname, "-");
	/* --learn records the inventory and exits: a one-shot maintenance step. */
	if (policy->learn)
		return daemon_baseline_learn(policy, d.hostname) ? 1 : 0;
	/* A corrupt baseline is refused before anything runs, never replaced. */
	if (daemon_baseline_open(policy, &base, &have_base)) {
		bmcw_log(LOG_ERR, "refusing to start");
		return 1;
	}
	d.metrics = metrics_new(d.started_ns);
	d.pipeline = d.metrics ? pipeline_new(policy, d.metrics) : NULL;
	if (!d.pipeline) {
		bmcw_log(LOG_ERR, "out of memory");
		return 1;
	}
	if (metrics_open(d.metrics, policy->metrics, err, sizeof(err))) {
		bmcw_log(LOG_ERR, "%s", err);
		return 1;
	}
	if (open_outputs(&d))
		return 1;
	heartbeat_init(&d.heartbeat, policy->heartbeat_minutes, d.started_ns);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ep < 0 || sfd < 0 || tfd < 0 || arm_timer(tfd, policy->interval_ms) ||
	    epoll_add(ep, sfd, EV_SIGNAL) || epoll_add(ep, tfd, EV_TIMER) ||
	    (metrics_fd(d.metrics) >= 0 && epoll_add(ep, metrics_fd(d.metrics), EV_METRICS))) {
		bmcw_log(LOG_ERR, "event loop setup: %s", strerror(errno));
		return 1;
	}

	enabled = monitors_start(&d, bmcw_monitors, bmcw_monitor_count, slots);
	for (size_t i = 0; i < bmcw_monitor_count; i++)
		if (slots[i].enabled && slots[i].fd >= 0 &&
		    epoll_add(ep, slots[i].fd, EV_MONITOR | i))
			bmcw_log(LOG_WARNING, "monitor %s: cannot poll its fd", slots[i].ops->name);
	snprintf(msg, sizeof(msg), "bmcwatchd %s started, %zu of %zu monitors enabled",
		 BMCW_DAEMON_VERSION, enabled, bmcw_monitor_count);
	health_event(&d, "health.monitor_started", msg);
	bmcw_log(LOG_INFO, "%s", msg);
	/* Killed (SIGKILL, OOM, crash) daemons cannot say so: say it for them. */
	if (prev_run_check(policy->status_file, msg, sizeof(msg))) {
		health_event(&d, "health.monitor_stopped", msg);
		bmcw_log(LOG_WARNING, "%s", msg);
	}
	status_write(policy->status_file, &d, slots, bmcw_monitor_count, realtime_ns());
	if (have_base)
		daemon_baseline_check(&d, &base);
	baseline_free(&base);

	while (running) {
		int n = epoll_wait(ep, evs, sizeof(evs) / sizeof(evs[0]), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bmcw_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64 & ~0xffffffffull;
			uint32_t idx = (uint32_t)evs[i].data.u64;
			uint64_t now = realtime_ns(), ticks;
			struct signalfd_siginfo si;

			if (tag == EV_SIGNAL) {
				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						reload(&d, &policy, &cli, tfd);
					else
						running = false;
				}
			} else if (tag == EV_TIMER) {
				if (read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
					continue;
				for (size_t m = 0; m < bmcw_monitor_count; m++)
					if (slots[m].enabled && slots[m].ops->on_interval)
						slots[m].ops->on_interval(slots[m].state, now);
				heartbeat_tick(&d.heartbeat, d.pipeline, now);
				pipeline_tick(d.pipeline, now);
				update_gauges(&d);
				metrics_export(d.metrics, now);
				status_write(policy->status_file, &d, slots, bmcw_monitor_count, now);
			} else if (tag == EV_METRICS) {
				metrics_serve(d.metrics, now);
			} else if (tag == EV_MONITOR && idx < bmcw_monitor_count &&
				   slots[idx].ops->on_readable) {
				slots[idx].ops->on_readable(slots[idx].state);
			}
		}
	}

	/* Say we stop through every output, and deliver what is pending. */
	health_event(&d, "health.monitor_stopped", "bmcwatchd stopping on signal");
	d.stopping = true;
	bmcw_log(LOG_INFO, "stopping");
	monitors_stop(slots, bmcw_monitor_count);
	pipeline_flush(d.pipeline);
	status_write(policy->status_file, &d, slots, bmcw_monitor_count, realtime_ns());
	pipeline_free(d.pipeline);
	metrics_free(d.metrics);
	policy_free(policy);
	free(policy);
	strlist_free(&cli.bmc_devices);
	strlist_free(&cli.outputs);
	close(tfd);
	close(sfd);
	close(ep);
	return 0;
}
