// SPDX-License-Identifier: GPL-2.0
/* The daemon's own blind spots, as bmcwatch status lists them. */
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "tap.h"

int main(void)
{
	static struct bmcw_daemon d;
	char what[32];

	daemon_blind_spot(&d, "dma monitor's /dev/kmsg reader", "Operation not permitted",
			  "interrupts on vectors with no handler (rogue MSIs)");
	ok(d.n_spots == 1 &&
	   !strcmp(d.spots[0], "dma monitor's /dev/kmsg reader not in place (Operation not permitted): interrupts on vectors with no handler (rogue MSIs) unseen"),
	   "a refused source: what, why and what is unseen");
	daemon_blind_spot(&d, "dma monitor's /dev/kmsg reader", "Permission denied", "x");
	ok(d.n_spots == 1 && strstr(d.spots[0], "(Permission denied)"),
	   "the same one again replaces it, no second line");
	daemon_blind_spot(&d, "dma monitor", "E", "y");
	ok(d.n_spots == 2, "a name that is the first's prefix is another spot");
	for (int i = 0; i < 2 * DAEMON_SPOTS_MAX; i++) {
		snprintf(what, sizeof(what), "probe %d", i);
		daemon_blind_spot(&d, what, "E", "z");
	}
	ok(d.n_spots == DAEMON_SPOTS_MAX, "at most %d, the first ones kept", DAEMON_SPOTS_MAX);
	ok(strstr(d.spots[0], "/dev/kmsg") != NULL, "the first one is still there");
	return tap_done();
}
