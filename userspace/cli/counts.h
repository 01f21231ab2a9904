/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's pinned config-space counters, for top and baseline save. */
#ifndef BMCW_CLI_COUNTS_H
#define BMCW_CLI_COUNTS_H

#include <stddef.h>

#include "percpu_sweep.h"

int cli_counts_open(struct percpu_sweep *s, char *err, size_t errlen);
void cli_counts_close(struct percpu_sweep *s);

#endif /* BMCW_CLI_COUNTS_H */
