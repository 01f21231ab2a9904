#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPMI overhead: ipmitool Get Device ID round trips in the emulated host,
# interleaved with and without bmcwatch; prints the ratio of the medians
# (goal: under 1.01). BENCH_ROUNDS / BENCH_CALLS tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
selftests/vm/run --timeout 900 -- bench/ipmi-guest.sh | tee "$raw" >&2
med() { awk -v s="$1" '$1 == s { print $2 }' "$raw" | sort -n |
	awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
bare=$(med bare) with=$(med bmcwatch)
awk -v a="$with" -v b="$bare" 'BEGIN {
	printf "ipmi get-device-id: bare %.4f s, bmcwatch %.4f s per round, ratio %.4f (%+.2f%%)\n", b, a, a / b, 100 * (a - b) / b }'
