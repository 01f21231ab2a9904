#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Config-space read cost, inside the emulated host: a kernel loop of
# pci_read_config_dword() (bmcw_test.ko "bench") timed in four setups,
# alternating round by round so drift hits all of them alike:
#   bare      no bmcwatch
#   module    bmcwatch.ko loaded, nobody attached to its tracepoints
#   with      bmcwatch.ko + bmcwatchd (BPF counting every access)
#   bpftrace  no bmcwatch; a bpftrace kprobe counting the same accesses
# BMCW_BENCH_ROUNDS rounds of BMCW_BENCH_BATCHES batches of
# BMCW_BENCH_READS reads. Samples (cfgread.dat):
# "round setup batch ns_per_read". After each batch, what lspci does:
# BMCW_BENCH_SYSFS_READS reads of the first 256 bytes of the function's
# sysfs config file (64 config reads each; bench/.out/cfg_sysfs), samples
# in cfgread-sysfs.dat: "round setup batch ns_per_pread". (The bpftrace
# kprobe does not see these: sysfs reads do not pass through
# pci_bus_read_config_dword().)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
N=${BMCW_BENCH_READS:-20000}
NSYS=${BMCW_BENCH_SYSFS_READS:-100}
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 7 3)}
BATCHES=${BMCW_BENCH_BATCHES:-9}
BDF=$(bmcw_edu_bdf)
T=/sys/kernel/debug/bmcw_test/bench
OUT=$(bench_data cfgread)
OUT_SYSFS=$(bench_data cfgread-sysfs)
: >"$OUT"
: >"$OUT_SYSFS"

insmod selftests/kmod/bmcw_test/bmcw_test.ko || exit 1

# One batch each (bench/lib.sh).
measure() { bench_cfg_batch "$OUT" "$@" || exit 1; }
measure_sysfs() { bench_sysfs_batch "$OUT_SYSFS" "$@" || exit 1; }

measure -1 warmup 0
for ((r = 0; r < ROUNDS; r++)); do
	for setup in $(bench_order "$r" bare module with bpftrace); do
		bench_enter "$setup" || exit 1
		for ((b = 0; b < BATCHES; b++)); do
			measure "$r" "$setup" "$b"
			measure_sysfs "$r" "$setup" "$b"
		done
	done
	bench_log "cfgread round $r done"
done
bench_enter bare
sed -i '/ warmup /d' "$OUT"
