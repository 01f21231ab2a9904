/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's state as JSON for `bmcwatch status`, replaced atomically. */
#ifndef BMCW_STATUS_H
#define BMCW_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "monitor.h"

int status_write(const char *path, const struct bmcw_daemon *d,
		 const struct monitor_slot *slots, size_t n_slots, uint64_t now_ns);

#endif /* BMCW_STATUS_H */
