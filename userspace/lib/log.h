/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's own diagnostics (not alerts): stderr in the foreground, syslog otherwise. */
#ifndef BMCW_LOG_H
#define BMCW_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_set_foreground(bool foreground);
void bmcw_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* BMCW_LOG_H */
