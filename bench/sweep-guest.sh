#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of one full sweep of a per-CPU hash by the daemon's sweep code, for
# BMCW_BENCH_KEYS keys, in an emulated host with as many vCPUs as it was
# booted with (host side: --smp). No module needed: bench/.out/sweep_cost
# makes and fills its own map. Samples (sweep-CPUS.dat):
# "cpus keys round ns_per_sweep ns_in_lookup_syscalls", keys in
# alternating order.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
KEYS=${BMCW_BENCH_KEYS:-100 1000 10000}
REPS=${BMCW_BENCH_REPS:-7}
ROUNDS=${BMCW_BENCH_ROUNDS:-3}
OUT=$(bench_data "sweep-$(nproc)")
: >"$OUT"

for ((r = 0; r < ROUNDS; r++)); do
	# shellcheck disable=SC2086 # a list
	for k in $(bench_order "$r" $KEYS); do
		"$BENCH_BIN/sweep_cost" "$k" "$REPS" |
			sed -n 's/^cpus=\([0-9]*\) keys=\([0-9]*\) ns=\([0-9]*\) sys_ns=\([0-9]*\) .*/\1 \2 \3 \4/p' |
			awk -v r="$r" '{ print $1, $2, r, $3, $4 }' >>"$OUT"
		[ "${PIPESTATUS[0]}" = 0 ] || { bench_log "sweep_cost $k failed"; exit 1; }
	done
done
bench_log "sweep with $(nproc) CPUs done"
