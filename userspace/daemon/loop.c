// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatchd's event loop: one epoll over a timerfd at interval_ms, a
 * signalfd, the watchdog's timerfd, the module watch and each monitor's
 * fd. The metrics endpoint is not here: it serves from its own thread what
 * on_timer() publishes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "inventory.h"
#include "kmod_state.h"
#include "log.h"
#include "output.h"
#include "service.h"
#include "status.h"

uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}


int arm_timer(int tfd, unsigned int ms)
{
	struct itimerspec its = {
		.it_interval = { ms / 1000, (ms % 1000) * 1000000L },
		.it_value = { ms / 1000, (ms % 1000) * 1000000L },
	};

	return timerfd_settime(tfd, 0, &its, NULL);
}

int epoll_add(int ep, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

void health_event(struct bmcw_daemon *d, const char *rule, const char *msg)
{
	struct bmcw_alert a = { .rule = rule };

	snprintf(a.message, sizeof(a.message), "%s", msg);
	alert_add_extra(&a, "version", "%s", BMCW_VERSION);
	pipeline_submit(d->pipeline, &a);
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

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

/* How often the inventory fingerprint is read again (a hot-add also alerts). */
#define INVENTORY_PERIOD_NS	(60ull * 1000000000ull)

/*
 * What the fleet compares hosts by (bmcwatch_info) and the daemon's own
 * verdict (bmcwatch_health), as bmcwatch status would say it: down when
 * not watching (the module let go, or the core pcie monitor not
 * attached), else degraded while it has a blind spot. The inventory
 * fingerprint is the module's; while the module is away the last one
 * read stands. The heartbeat carries the same fingerprint.
 */
static void update_host(struct daemon_run *r, uint64_t now)
{
	struct bmcw_daemon *d = &r->d;
	char spots[32][192], err[256];
	size_t n_spots = d->n_spots;
	bool watching = !d->released;

	if (now >= r->inventory_next_ns && !d->released) {
		struct inventory inv = { 0 };

		r->inventory_next_ns = now + INVENTORY_PERIOD_NS;
		if (!inventory_read(NULL, &inv, err, sizeof(err)) && inv.has_host_fp) {
			host_info_set_fingerprint(&d->host, inv.host_fp);
			heartbeat_set_fingerprint(&d->heartbeat, d->host.inventory_fp);
		}
		inventory_free(&inv);
	}
	for (size_t m = 0; m < bmcw_monitor_count; m++)
		if (!strcmp(r->slots[m].ops->name, "pcie") && !r->slots[m].enabled)
			watching = false;
	if (d->kmod)
		n_spots += kmod_state_blind_spots(d->kmod, spots, 32);
	host_info_export(d->metrics, &d->host, BMCW_VERSION, d->hostname);
	host_health_export(d->metrics, watching, n_spots);
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

/* SIGHUP reloads the policy; SIGTERM and SIGINT stop the loop. */
static void on_signal(struct daemon_run *r)
{
	struct signalfd_siginfo si;

	while (read(r->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			service_reloading();
			reload(&r->d, &r->policy, &r->cli, r->tfd);
			service_watching(&r->d, r->slots, true);
		} else {
			r->running = false;
			r->signalled = true;
		}
	}
}

/* Learning done (or failed): the baseline is written and the daemon stops. */
static void learn_interval(struct daemon_run *r)
{
	if (!r->learning || !learn_tick(&r->learn, mono_ns()))
		return;
	r->exit_code = learn_finish(&r->learn, r->policy, r->d.hostname,
				    mono_ns()) ? 1 : 0;
	r->stop_msg = r->exit_code ? "bmcwatchd stopping: learning failed" :
		      "bmcwatchd stopping: learning done, baseline written";
	r->running = false;
}

/* Released for an unload request: is the module gone, back, or still there? */
static void modwatch_interval(struct daemon_run *r)
{
	struct modwatch_seen seen;
	enum modwatch_action act;

	modwatch_report_losses(r->mw);
	if (!r->d.released)
		return;
	modwatch_look(&seen);
	act = modwatch_decide(&r->rel, &seen, mono_ns(), MODWATCH_GRACE_NS);
	if (act != MODWATCH_WAIT)
		reattach_module(&r->d, r->slots, r->ep, act,
				r->have_base ? &r->base : NULL);
}

/*
 * A monitor's work of one interval (draining, sweeping its per-CPU maps,
 * reclaiming keys) is what grows with the host's CPUs and functions: its
 * time, last and longest, goes to the metrics, where an operator of a big
 * host sees it approach the interval.
 */
static void timed_interval(struct bmcw_daemon *d, struct monitor_slot *s,
			   uint64_t now)
{
	uint64_t t0 = mono_ns();
	char labels[80];

	s->ops->on_interval(s->state, now);
	s->interval_ns = mono_ns() - t0;
	if (s->interval_ns > s->interval_max_ns)
		s->interval_max_ns = s->interval_ns;
	if (!d->metrics)
		return;
	metrics_declare(d->metrics, "bmcwatch_interval_seconds", METRIC_GAUGE,
			"Time a monitor's work of the last interval took (draining, sweeping, reclaiming).");
	metrics_declare(d->metrics, "bmcwatch_interval_seconds_max", METRIC_GAUGE,
			"The longest a monitor's work of one interval took since the daemon started.");
	snprintf(labels, sizeof(labels), "monitor=\"%s\"", s->ops->name);
	metrics_set(d->metrics, "bmcwatch_interval_seconds", labels,
		    s->interval_ns / 1e9);
	metrics_set(d->metrics, "bmcwatch_interval_seconds_max", labels,
		    s->interval_max_ns / 1e9);
}

static void on_timer(struct daemon_run *r, uint64_t now)
{
	uint64_t ticks;

	if (read(r->tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	for (size_t m = 0; m < bmcw_monitor_count; m++)
		if (r->slots[m].enabled && r->slots[m].ops->on_interval)
			timed_interval(&r->d, &r->slots[m], now);
	/* after the monitors drained their ring buffers */
	kmod_state_interval(r->d.kmod);
	learn_interval(r);
	if (r->mw)
		modwatch_interval(r);
	heartbeat_tick(&r->d.heartbeat, r->d.pipeline, now);
	pipeline_tick(r->d.pipeline, now);
	update_gauges(&r->d);
	update_host(r, now);
	metrics_export(r->d.metrics, now);
	status_write(r->policy->status_file, &r->d, r->slots, bmcw_monitor_count, now);
}

/* Reached only while the loop turns: a hung loop stops the pings. */
static void on_watchdog(struct daemon_run *r)
{
	uint64_t ticks;

	if (read(r->wdfd, &ticks, sizeof(ticks)) == sizeof(ticks))
		service_watchdog_ping();
}

static void on_modwatch(struct daemon_run *r)
{
	struct modw_event e;
	const char *how;

	if (!modwatch_take_request(r->mw, &e, &how) || r->d.released)
		return;
	release_module(&r->d, r->slots, &e, how, &r->rel);
	/* a profile with a hole is not a baseline */
	if (r->learning) {
		r->exit_code = 1;
		r->stop_msg = "bmcwatchd stopping: learning interrupted by the module's release, no baseline written";
		r->running = false;
	}
}

void daemon_loop(struct daemon_run *r)
{
	struct epoll_event evs[16];

	while (r->running) {
		int n = epoll_wait(r->ep, evs, sizeof(evs) / sizeof(evs[0]), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bmcw_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		/* before the records this turn reads (evclock.h) */
		if (evclock_measure(&r->d.clock))
			bmcw_log(LOG_NOTICE, "the wall clock was stepped by %+.3f s: event times from now on are on the new one",
				 (double)r->d.clock.last_step_ns / 1e9);
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64 & ~0xffffffffull;
			uint32_t idx = (uint32_t)evs[i].data.u64;
			uint64_t now = realtime_ns();

			if (tag == EV_SIGNAL) {
				on_signal(r);
			} else if (tag == EV_TIMER) {
				on_timer(r, now);
			} else if (tag == EV_WATCHDOG) {
				on_watchdog(r);
			} else if (tag == EV_MODWATCH) {
				on_modwatch(r);
			} else if (tag == EV_MONITOR && idx < bmcw_monitor_count &&
				   r->slots[idx].enabled && r->slots[idx].ops->on_readable) {
				r->slots[idx].ops->on_readable(r->slots[idx].state);
			}
		}
	}
}
