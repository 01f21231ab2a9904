#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt path overhead alone: the "irq" benchmark of bench/run (edu
# interrupts with and without bmcwatch, wall clock and instruction count),
# which rewrites bench/results/REPORT-DATE.md with it.
exec "$(dirname "$0")/run" irq
