#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Config-space read cost, inside the emulated host: a kernel loop of
# pci_read_config_dword() (bmcw_test.ko "bench") timed in four setups,
# interleaved round by round so drift hits all of them alike:
#   bare       no bmcwatch
#   module     bmcwatch.ko loaded, nobody attached to its tracepoints
#   module+bpf bmcwatch.ko + bmcwatchd (BPF counting every access)
#   bpftrace   no bmcwatch; a bpftrace kprobe counting the same accesses
# Prints one line per measurement: "setup ns_per_read".
set -u
cd "$(dirname "$0")/.."
. selftests/lib/bmcwatch.sh
N=${BENCH_READS:-200000}
ROUNDS=${BENCH_ROUNDS:-5}
BDF=$(bmcw_edu_bdf)
T=/sys/kernel/debug/bmcw_test/bench

insmod selftests/kmod/bmcw_test/bmcw_test.ko || exit 1

measure() {
	echo "$BDF $N" >$T
	awk -v setup="$1" '{ split($1, c, "="); split($2, t, "=");
		printf "%s %.1f\n", setup, t[2] / c[2] }' $T
}

for ((r = 0; r < ROUNDS; r++)); do
	measure bare
	bmcw_load
	measure module
	bmcw_start >/dev/null
	measure module+bpf
	bmcw_stop
	bmcw_unload
	bpftrace -e 'kprobe:pci_bus_read_config_dword { @[arg0, arg1, arg2] = count(); }' \
		>/dev/null 2>&1 &
	bt=$!
	# bpftrace needs a moment to compile and attach
	for ((i = 0; i < 100; i++)); do
		grep -q pci_bus_read_config_dword /sys/kernel/debug/kprobes/list \
			2>/dev/null && break
		sleep 0.2
	done
	measure bpftrace
	kill -INT $bt
	wait $bt
done
