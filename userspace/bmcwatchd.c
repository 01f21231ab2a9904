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
#include "kmod_state.h"
#include "learn.h"
#include "log.h"
#include "modwatch.h"
#include "monitor.h"
#include "output.h"
#include "prev_run.h"
#include "status.h"
#include "sysfs_pci.h"

#define EV_TIMER	(1ull << 32)
#define EV_SIGNAL	(2ull << 32)
#define EV_METRICS	(3ull << 32)
#define EV_MONITOR	(4ull << 32)	/* | slot index */
#define EV_MODWATCH	(5ull << 32)

static const struct option long_opts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "foreground",	no_argument,	   NULL, 'f' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "bmc-device",	required_argument, NULL, 'b' },
	{ "output",	required_argument, NULL, 'o' },
	{ "learn",	no_argument,	   NULL, 'l' },
	{ "learn-seconds", required_argument, NULL, 'L' },
	{ "baseline",	required_argument, NULL, 'B' },
	{ "metrics",	required_argument, NULL, 'm' },
	{ "tls-ca",	required_argument, NULL, 'A' },
	{ "tls-cert",	required_argument, NULL, 'C' },
	{ "tls-key",	required_argument, NULL, 'K' },
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
		"                             syslog+udp://HOST:PORT|syslog+tcp://HOST:PORT|\n"
		"                             syslog+tls://HOST:PORT;\n"
		"                             repeatable, replaces the [output] list\n"
		"      --tls-ca FILE          CAs that syslog+tls trusts (PEM; overrides\n"
		"                             [output] tls_ca; default: the system's)\n"
		"      --tls-cert FILE        client certificate for syslog+tls (PEM)\n"
		"      --tls-key FILE         its private key (PEM)\n"
		"      --metrics SPEC         off|http:ADDRESS:PORT|textfile:/PATH\n"
		"                             (overrides [daemon] metrics)\n"
		"      --learn                write the baseline and exit: the PCI inventory,\n"
		"                             and with learn seconds the traffic profile\n"
		"      --learn-seconds N      learn the traffic profile for N seconds\n"
		"                             (overrides [baseline] learn_seconds)\n"
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
		case 'L':
			errno = 0;
			cli->learn_seconds = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-') {
				fprintf(stderr, "bmcwatchd: --learn-seconds: invalid value '%s'\n", optarg);
				return 2;
			}
			cli->learn_seconds_set = true;
			break;
		case 'B':
			cli->baseline = optarg;
			break;
		case 'm':
			cli->metrics = optarg;
			break;
		case 'A':
			cli->tls_ca = optarg;
			break;
		case 'C':
			cli->tls_cert = optarg;
			break;
		case 'K':
			cli->tls_key = optarg;
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

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The module speaks another ABI major: its events would be misread, so no
 * monitor attaches; every output says why, and so does the status file.
 */
static void refuse_module(struct bmcw_daemon *d, struct monitor_slot *slots,
			  const char *why)
{
	struct bmcw_alert a = { .rule = "health.hook_failed" };

	for (size_t i = 0; i < bmcw_monitor_count; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].ops = bmcw_monitors[i];
		slots[i].fd = -1;
		snprintf(slots[i].why, sizeof(slots[i].why), "%s",
			 "not attached: bmcwatch.ko's ABI major differs from this daemon's");
	}
	snprintf(a.message, sizeof(a.message), "%.*s", (int)sizeof(a.message) - 1, why);
	snprintf(a.why, sizeof(a.why),
		 "nothing is watched until bmcwatch.ko and bmcwatchd come from matching versions");
	snprintf(a.subject.locus, sizeof(a.subject.locus), "kmod abi");
	pipeline_submit(d->pipeline, &a);
	bmcw_log(LOG_ERR, "%s", why);
}

/*
 * Start every monitor and poll its fd; returns how many run. *ok is false
 * when the module was refused (no kernel view to go on with).
 */
static size_t attach_monitors(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
			      bool *ok)
{
	char why[320];
	size_t enabled;

	*ok = !kmod_state_begin(d->kmod, why, sizeof(why));
	if (!*ok) {
		refuse_module(d, slots, why);
		return 0;
	}
	enabled = monitors_start(d, bmcw_monitors, bmcw_monitor_count, slots);

	for (size_t i = 0; i < bmcw_monitor_count; i++)
		if (slots[i].enabled && slots[i].fd >= 0 &&
		    epoll_add(ep, slots[i].fd, EV_MONITOR | i))
			bmcw_log(LOG_WARNING, "monitor %s: cannot poll its fd", slots[i].ops->name);
	return enabled;
}

/*
 * Someone asks for bmcwatch.ko to go. Say so on every output and make
 * sure it is out first; then let go of the module (the BPF links on its
 * tracepoints are what hold it) and keep running without it, so that the
 * retried rmmod succeeds and a module loaded again is watched again.
 */
static void release_module(struct bmcw_daemon *d, struct monitor_slot *slots,
			   const struct modw_event *e, const char *how,
			   struct modwatch_release *rel)
{
	char exe[PATH_MAX] = "", seen_exe[PATH_MAX];
	const char *base;
	struct modwatch_seen seen;
	struct bmcw_alert a;

	/* /proc only if it still is that process (rmmod exits at once) */
	modwatch_exe_path(e, seen_exe, sizeof(seen_exe));
	base = strrchr(seen_exe, '/');
	if (proc_exe(e->pid, exe, sizeof(exe)) || !base || !strrchr(exe, '/') ||
	    strcmp(strrchr(exe, '/'), base))
		snprintf(exe, sizeof(exe), "%s", seen_exe);
	modwatch_stop_alert(e, how, exe, MODWATCH_MODULE, &a);
	pipeline_submit(d->pipeline, &a);
	bmcw_log(LOG_WARNING, "%s", a.message);
	pipeline_flush(d->pipeline);
	monitors_stop(slots, bmcw_monitor_count);
	kmod_state_detached(d->kmod);
	d->released = true;
	snprintf(d->released_why, sizeof(d->released_why),
		 "released bmcwatch.ko: unload requested by %.15s (pid %u) via %s",
		 a.subject.comm, e->pid, how);
	for (size_t i = 0; i < bmcw_monitor_count; i++)
		snprintf(slots[i].why, sizeof(slots[i].why), "%s",
			 "bmcwatch.ko released for an unload request");
	modwatch_look(&seen);
	rel->at_ns = mono_ns();
	rel->ino = seen.ino;
	rel->gone = !seen.present;
	status_write(d->policy->status_file, d, slots, bmcw_monitor_count, realtime_ns());
}

static void reattach_module(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
			    enum modwatch_action why, const struct baseline *base)
{
	char msg[256];
	size_t enabled;
	bool ok;

	d->released = false;
	d->released_why[0] = '\0';
	enabled = attach_monitors(d, slots, ep, &ok);
	snprintf(msg, sizeof(msg), "%s: %zu of %zu monitors attached again",
		 why == MODWATCH_REATTACH_RELOADED ? "bmcwatch.ko is loaded again" :
		 "bmcwatch.ko was not unloaded within the grace period after the request",
		 enabled, bmcw_monitor_count);
	health_event(d, "health.monitor_started", msg);
	bmcw_log(LOG_NOTICE, "%s", msg);
	/* a module loaded again is a new instance: what it raised alone */
	if (ok)
		kmod_state_attached(d->kmod);
	if (base)
		daemon_baseline_check(d, base);
	status_write(d->policy->status_file, d, slots, bmcw_monitor_count, realtime_ns());
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
static void update_gauges(struct bmcw_daemon *d)
{
	static const struct {
		const char *name;
		enum metric_type type;
		const char *help;
	} fam[] = {
		{ "bmcwatch_spool_records", METRIC_GAUGE,
		  "Alerts in an output's spool: not sent yet, or sent and not yet acknowledged." },
		{ "bmcwatch_spool_bytes", METRIC_GAUGE, "Bytes in an output's spool." },
		{ "bmcwatch_output_in_flight", METRIC_GAUGE,
		  "Alerts sent on the current connection and not yet acknowledged by the collector's TCP." },
		{ "bmcwatch_output_connected", METRIC_GAUGE,
		  "1 while a remote output is connected (TLS: handshake done)." },
		{ "bmcwatch_output_alerts_total", METRIC_COUNTER, "Alerts handed to an output." },
		{ "bmcwatch_output_replayed_total", METRIC_COUNTER,
		  "Alerts sent from the spool after waiting in it (collector down or slow), resends included." },
		{ "bmcwatch_output_resent_total", METRIC_COUNTER,
		  "Alerts sent again because their connection died before the collector acknowledged them." },
		{ "bmcwatch_output_connects_total", METRIC_COUNTER,
		  "Connections a remote output established." },
	};
	char labels[300], esc[280];

	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++)
		metrics_declare(d->metrics, fam[i].name, fam[i].type, fam[i].help);
	for (size_t i = 0; i < pipeline_output_count(d->pipeline); i++) {
		const struct output *o = pipeline_output(d->pipeline, i);
		const struct output_stats *st = &o->stats;

		metrics_escape_label(o->spec, esc, sizeof(esc));
		snprintf(labels, sizeof(labels), "output=\"%s\"", esc);
		metrics_set(d->metrics, "bmcwatch_output_alerts_total", labels, st->emitted);
		if (!st->remote)
			continue;
		metrics_set(d->metrics, "bmcwatch_spool_records", labels, st->spool_records);
		metrics_set(d->metrics, "bmcwatch_spool_bytes", labels, st->spool_bytes);
		metrics_set(d->metrics, "bmcwatch_output_in_flight", labels, st->in_flight);
		metrics_set(d->metrics, "bmcwatch_output_connected", labels, st->connected);
		metrics_set(d->metrics, "bmcwatch_output_replayed_total", labels, st->replayed);
		metrics_set(d->metrics, "bmcwatch_output_resent_total", labels, st->resent);
		metrics_set(d->metrics, "bmcwatch_output_connects_total", labels, st->connects);
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
	struct learn_run learn;
	bool learning = false;
	struct modwatch *mw;
	struct modwatch_release rel = { 0 };
	static struct prev_kernel prev_kernel;
	bool kmod_ok;
	const char *stop_msg = "bmcwatchd stopping on signal";
	int exit_code = 0;
	bool signalled = false;
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
	if (policy->learn && !policy->learn_seconds)
		return daemon_baseline_learn(policy, d.hostname) ? 1 : 0;
	/* ... or first watches the traffic for learn_seconds, not enforcing. */
	learning = policy->learn;
	if (learning && learn_prepare(&learn, policy, mono_ns())) {
		bmcw_log(LOG_ERR, "refusing to start");
		return 1;
	}
	/* A corrupt baseline is refused before anything runs, never replaced. */
	if (!learning && daemon_baseline_open(policy, &base, &have_base)) {
		bmcw_log(LOG_ERR, "refusing to start");
		return 1;
	}
	if (learning)
		d.learn = &learn.t;
	if (have_base) {
		d.base = &base;
		if (!base.has_traffic)
			bmcw_log(LOG_NOTICE, "baseline %s (version %u) has no traffic profile: fixed attention threshold, interrupt rates learnt at start; relearn with --learn --learn-seconds N",
				 policy->baseline, base.version);
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
	/* before anything rewrites the status file: where the last daemon was */
	d.kmod = kmod_state_new(&d);
	if (!d.kmod) {
		bmcw_log(LOG_ERR, "out of memory");
		return 1;
	}
	if (!prev_run_load_kernel(policy->status_file, &prev_kernel))
		kmod_state_restore(d.kmod, &prev_kernel);

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

	/* Unload requests: watched from the kernel, not from the module. */
	mw = modwatch_open(&d);
	if (mw && epoll_add(ep, modwatch_fd(mw), EV_MODWATCH))
		bmcw_log(LOG_WARNING, "module watch: cannot poll its fd");
	enabled = attach_monitors(&d, slots, ep, &kmod_ok);
	if (learning)
		learn_begin(&learn, mono_ns());
	snprintf(msg, sizeof(msg), "bmcwatchd %s started, %zu of %zu monitors enabled%s",
		 BMCW_DAEMON_VERSION, enabled, bmcw_monitor_count,
		 learning ? ", learning the traffic profile" : "");
	health_event(&d, "health.monitor_started", msg);
	bmcw_log(LOG_INFO, "%s", msg);
	/* after "started": what happened while nothing listened, replayed */
	if (kmod_ok)
		kmod_state_attached(d.kmod);
	/* Killed (SIGKILL, OOM, crash) daemons cannot say so: say it for them. */
	if (prev_run_check(policy->status_file, msg, sizeof(msg))) {
		health_event(&d, "health.monitor_stopped", msg);
		bmcw_log(LOG_WARNING, "%s", msg);
	}
	status_write(policy->status_file, &d, slots, bmcw_monitor_count, realtime_ns());
	if (have_base)
		daemon_baseline_check(&d, &base);

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
					if (si.ssi_signo == SIGHUP) {
						reload(&d, &policy, &cli, tfd);
					} else {
						running = false;
						signalled = true;
					}
				}
			} else if (tag == EV_TIMER) {
				if (read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
					continue;
				for (size_t m = 0; m < bmcw_monitor_count; m++)
					if (slots[m].enabled && slots[m].ops->on_interval)
						slots[m].ops->on_interval(slots[m].state, now);
				/* after the monitors drained their ring buffers */
				kmod_state_interval(d.kmod);
				if (learning && learn_tick(&learn, mono_ns())) {
					exit_code = learn_finish(&learn, policy, d.hostname,
								 mono_ns()) ? 1 : 0;
					stop_msg = exit_code ? "bmcwatchd stopping: learning failed" :
						   "bmcwatchd stopping: learning done, baseline written";
					running = false;
				}
				if (mw) {
					struct modwatch_seen seen;
					enum modwatch_action act;

					modwatch_report_losses(mw);
					if (d.released) {
						modwatch_look(&seen);
						act = modwatch_decide(&rel, &seen, mono_ns(),
								      MODWATCH_GRACE_NS);
						if (act != MODWATCH_WAIT)
							reattach_module(&d, slots, ep, act,
									have_base ? &base : NULL);
					}
				}
				heartbeat_tick(&d.heartbeat, d.pipeline, now);
				pipeline_tick(d.pipeline, now);
				update_gauges(&d);
				metrics_export(d.metrics, now);
				status_write(policy->status_file, &d, slots, bmcw_monitor_count, now);
			} else if (tag == EV_METRICS) {
				metrics_serve(d.metrics, now);
			} else if (tag == EV_MODWATCH) {
				struct modw_event e;
				const char *how;

				if (modwatch_take_request(mw, &e, &how) && !d.released) {
					release_module(&d, slots, &e, how, &rel);
					/* a profile with a hole is not a baseline */
					if (learning) {
						exit_code = 1;
						stop_msg = "bmcwatchd stopping: learning interrupted by the module's release, no baseline written";
						running = false;
					}
				}
			} else if (tag == EV_MONITOR && idx < bmcw_monitor_count &&
				   slots[idx].enabled && slots[idx].ops->on_readable) {
				slots[idx].ops->on_readable(slots[idx].state);
			}
		}
	}

	if (learning && signalled)
		bmcw_log(LOG_WARNING, "learn: interrupted by a signal, no baseline written");
	/* Say we stop through every output, and deliver what is pending. */
	health_event(&d, "health.monitor_stopped", stop_msg);
	d.stopping = true;
	bmcw_log(LOG_INFO, "stopping");
	monitors_stop(slots, bmcw_monitor_count);
	pipeline_flush(d.pipeline);
	status_write(policy->status_file, &d, slots, bmcw_monitor_count, realtime_ns());
	modwatch_close(mw);
	kmod_state_free(d.kmod);
	pipeline_free(d.pipeline);
	metrics_free(d.metrics);
	baseline_free(&base);
	if (learning)
		learn_free(&learn);
	policy_free(policy);
	free(policy);
	strlist_free(&cli.bmc_devices);
	strlist_free(&cli.outputs);
	close(tfd);
	close(sfd);
	close(ep);
	return exit_code;
}
