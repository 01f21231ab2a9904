#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/irq_cost.sh: cost bmcwatch adds to each interrupt of a BMC function
# (irq_handler_entry/exit BPF counters + the __common_interrupt kprobe),
# measured in the emulated host; prints the medians and their ratio.
# Goal: under 2% added per interrupt.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
selftests/vm/run --timeout 900 -- bench/irq-guest.sh | tee "$raw" >&2
med() { awk -v s="$1" '$1 == s { print $2 }' "$raw" | sort -n |
	awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
a=$(med without) b=$(med with)
awk -v a="$a" -v b="$b" 'BEGIN {
	printf "interrupt path: %d ns without, %d ns with bmcwatch: ratio %.4f (%+.2f%% per interrupt, goal < 2%%)\n",
	       a, b, b / a, 100 * (b - a) / a }'
