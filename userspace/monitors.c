/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitors the daemon runs, in start order. Add an entry per monitor
 * (declared in its own header); an empty table runs the daemon with only
 * its health events.
 */
#include "monitor.h"
#include "pcicfg.h"
#include "lpc_mon.h"
#include "ipmi_mon.h"
#include "dma_mon.h"

const struct bmcw_monitor_ops *const bmcw_monitors[] = {
	&pcicfg_monitor,
	&lpc_monitor,		/* after pcicfg: needs the [bmc] list pushed */
	&ipmi_monitor,
	&dma_monitor,		/* after pcicfg: reads the BMC flags */
};

const size_t bmcw_monitor_count =
	sizeof(bmcw_monitors) / sizeof(bmcw_monitors[0]);
