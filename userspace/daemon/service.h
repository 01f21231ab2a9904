/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatchd and its service manager (systemd, Type=notify): READY=1 once
 * every monitor is attached, a STATUS= line that says what the daemon is
 * doing, WATCHDOG=1 from the event loop, RELOADING=1 around a SIGHUP and
 * STOPPING=1 at the end. Not run by systemd (NOTIFY_SOCKET unset), every
 * call does nothing.
 */
#ifndef BMCW_SERVICE_H
#define BMCW_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor.h"

void service_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * What is watched, as STATUS= ("watching: 5 of 5 monitors attached"), with
 * READY=1 when ready: at the end of the start-up and of a reload.
 */
void service_watching(const struct bmcw_daemon *d, const struct monitor_slot *slots,
		      bool ready);
void service_reloading(void);
void service_stopping(const char *why);
/*
 * The interval at which systemd wants WATCHDOG=1 (WatchdogSec=), in
 * microseconds; 0 if it wants none.
 */
uint64_t service_watchdog_usec(void);
void service_watchdog_ping(void);

#endif /* BMCW_SERVICE_H */
