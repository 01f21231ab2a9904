// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatchd: loads the policy, opens the outputs, starts the monitors and
 * runs one epoll loop: a timerfd at interval_ms, a signalfd, systemd's
 * watchdog and each monitor's fd (the metrics endpoint serves from a
 * thread of its own). It does not fork; the service manager runs it
 * (Type=notify: service.c), and --foreground only sends its own
 * diagnostics to stderr.
 *
 * The start-up is the list of steps in steps.c, the loop is loop.c.
 */
#include "daemon.h"

int main(int argc, char **argv)
{
	/* static: zeroed, and the previous run's kernel state is large */
	static struct daemon_run r;
	struct monitor_slot slots[bmcw_monitor_count + 1];

	r.argc = argc;
	r.argv = argv;
	r.slots = slots;
	r.stop_msg = "bmcwatchd stopping on signal";
	r.running = true;
	if (daemon_start(&r))
		return r.exit_code;
	daemon_loop(&r);
	daemon_stop(&r);
	return r.exit_code;
}
