#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPMI overhead alone: the "ipmi" benchmark of bench/run (Get Device ID
# round trips with and without bmcwatch, wall clock and instruction count),
# which rewrites bench/results/REPORT-DATE.md with it.
exec "$(dirname "$0")/run" ipmi
