/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitors the daemon runs, in start order. Add an entry per monitor
 * (declared in monitors.h); an empty table runs the daemon with only
 * its health events.
 */
#include "monitors.h"

const struct bmcw_monitor_ops *const bmcw_monitors[] = {
	&pcie_monitor,
	&lpc_monitor,		/* after pcie: needs the [bmc] list pushed */
	&ipmi_monitor,
	&dma_monitor,		/* after pcie: reads the BMC flags */
	&usb_monitor,
};

const size_t bmcw_monitor_count =
	sizeof(bmcw_monitors) / sizeof(bmcw_monitors[0]);
