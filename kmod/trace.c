// SPDX-License-Identifier: GPL-2.0
/* The one place that instantiates bmcwatch's tracepoints. */
#define CREATE_TRACE_POINTS
#include "bmcwatch_trace.h"
