// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon and bmcwatch.ko: the monitors attach only to a module of the
 * same ABI major; on an unload request they let go of it (the BPF links on
 * its tracepoints hold it), and attach again once it is back, or when it
 * was not unloaded after all.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "baseline_daemon.h"
#include "daemon.h"
#include "kmod_state.h"
#include "log.h"
#include "service.h"
#include "status.h"
#include "sysfs_pci.h"

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
size_t attach_monitors(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
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
void release_module(struct bmcw_daemon *d, struct monitor_slot *slots,
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
	/* when the request was made (stamped by BPF), not when it was read */
	evclock_stamp(&d->clock, &a, 1, e->ts_ns);
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
	service_watching(d, slots, false);
	status_write(d->policy->status_file, d, slots, bmcw_monitor_count, realtime_ns());
}

void reattach_module(struct bmcw_daemon *d, struct monitor_slot *slots, int ep,
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
	service_watching(d, slots, false);
	status_write(d->policy->status_file, d, slots, bmcw_monitor_count, realtime_ns());
}
