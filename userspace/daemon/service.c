// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify(3) messages to systemd. A message that cannot be sent is
 * dropped: the service manager is told how things are, the daemon never
 * waits for it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "service.h"

void service_status(const char *fmt, ...)
{
	char status[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", status);
}

void service_watching(const struct bmcw_daemon *d, const struct monitor_slot *slots,
		      bool ready)
{
	size_t attached = 0;

	for (size_t i = 0; i < bmcw_monitor_count; i++)
		attached += slots[i].enabled;
	if (d->released)
		sd_notifyf(0, "%sSTATUS=degraded: %s", ready ? "READY=1\n" : "",
			   d->released_why);
	else
		sd_notifyf(0, "%sSTATUS=watching: %zu of %zu monitors attached%s%s",
			   ready ? "READY=1\n" : "", attached, bmcw_monitor_count,
			   attached < bmcw_monitor_count ? " (degraded: see bmcwatch status)" : "",
			   d->learn ? ", learning the traffic profile" : "");
}

/*
 * MONOTONIC_USEC: systemd 253 and later (Type=notify-reload) match the
 * READY=1 that follows to this reload by it; older ones ignore it.
 */
void service_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the configuration",
		   (unsigned long long)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000);
}

void service_stopping(const char *why)
{
	sd_notifyf(0, "STOPPING=1\nSTATUS=%s", why);
}

uint64_t service_watchdog_usec(void)
{
	uint64_t usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void service_watchdog_ping(void)
{
	sd_notify(0, "WATCHDOG=1");
}
