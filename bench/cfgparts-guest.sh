#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the cost of a traced config read goes, inside the emulated host
# (bench/run cfgparts; meant for the instruction-count mode). The kernel
# loop of cfgread-guest.sh, and a 256-byte sysfs config read (lspci's),
# with bmcwatch.ko loaded and one program at a time on its
# bmcwatch_cfg_access tracepoint (bench/.out/bpf_attach), so that each
# setup adds one part to the one before:
#   module  nobody attached: the module's wrapper alone
#   empty   an empty program: the module's traced half and the dispatch
#   array   a per-CPU array lookup by index and a locked add
#   plain   the same, a plain add
#   hash    the per-CPU hash lookup and locked add of the old count()
#   prog    bpf/pcie.bpf.c's on_cfg_access alone (no daemon)
#   with    bmcwatchd (every monitor, its sweeps, as cfgread's "with")
# and the same on bmcwatch_cfg_count, where the module counts a read
# without building its event: c-empty, c-array, c-plain, c-hash, c-prog.
# Samples: cfgparts.dat "round setup batch ns_per_read" and
# cfgparts-sysfs.dat "round setup batch ns_per_pread".
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
N=${BMCW_BENCH_READS:-20000}
NSYS=${BMCW_BENCH_SYSFS_READS:-200}
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 3 1)}
BATCHES=${BMCW_BENCH_BATCHES:-5}
SETUPS=${BMCW_BENCH_SETUPS:-module empty array hash prog c-empty c-array c-plain c-hash c-prog with}
BDF=$(bmcw_edu_bdf)
T=/sys/kernel/debug/bmcw_test/bench
OUT=$(bench_data cfgparts)
OUT_SYSFS=$(bench_data cfgparts-sysfs)
PARTS=$BENCH_BIN/cfg_parts.bpf.o
PROD=$BMCW_TOP/bpf/.output/pcie.bpf.o
ATTACH_PID=
: >"$OUT"
: >"$OUT_SYSFS"

insmod selftests/kmod/bmcw_test/bmcw_test.ko || exit 1
bmcw_load || exit 1

detach() {
	[ -n "$ATTACH_PID" ] || return 0
	kill "$ATTACH_PID" 2>/dev/null
	wait "$ATTACH_PID" 2>/dev/null
	ATTACH_PID=
}

# attach TRACEPOINT OBJ PROG: one program on the tracepoint, until detach.
attach() {
	local line
	coproc ATT { exec "$BENCH_BIN/bpf_attach" -t "$1" "$2" "$3" 2>&1; }
	ATTACH_PID=$ATT_PID
	read -r -t 120 line <&"${ATT[0]}"
	[ "$line" = attached ] || { bench_log "bpf_attach $3: $line"; return 1; }
}

enter() {
	detach
	bmcw_stop
	case $1 in
	module) ;;
	empty | array | plain | hash)
		attach bmcwatch_cfg_access "$PARTS" "parts_$1" ;;
	c-empty | c-array | c-plain | c-hash)
		attach bmcwatch_cfg_count "$PARTS" "parts_${1#c-}" ;;
	prog) attach bmcwatch_cfg_access "$PROD" on_cfg_access ;;
	c-prog) attach bmcwatch_cfg_count "$PROD" on_cfg_count ;;
	with) bmcw_start >/dev/null ;;
	*) bench_log "unknown setup $1"; return 1 ;;
	esac
}

measure() { bench_cfg_batch "$OUT" "$@" || exit 1; }
measure_sysfs() { bench_sysfs_batch "$OUT_SYSFS" "$@" || exit 1; }

measure -1 warmup 0
for ((r = 0; r < ROUNDS; r++)); do
	# shellcheck disable=SC2086 # a list of setups
	for setup in $(bench_order "$r" $SETUPS); do
		enter "$setup" || exit 1
		for ((b = 0; b < BATCHES; b++)); do
			measure "$r" "$setup" "$b"
			measure_sysfs "$r" "$setup" "$b"
		done
	done
	bench_log "cfgparts round $r done"
done
detach
bmcw_stop
sed -i '/ warmup /d' "$OUT"
