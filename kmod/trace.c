// SPDX-License-Identifier: GPL-2.0
/*
 * The one place that instantiates bmcwatch's tracepoints, every monitor's:
 * the other files only include the headers and call trace_*().
 */
#define CREATE_TRACE_POINTS
#include "health_trace.h"
#include "pcie_trace.h"
#include "ipmi_trace.h"
#include "dma_trace.h"
#include "lpc_trace.h"
#include "usb_trace.h"
