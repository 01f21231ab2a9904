#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt path cost, inside the emulated host: edu interrupts raised in a
# kernel loop (edu_irq.ko "raise": raise, wait for the handler, repeat),
# timed without and with bmcwatch (bmcwatch.ko + bmcwatchd, edu declared a
# BMC function so its interrupts are counted), interleaved round by round.
# Prints one line per measurement: "setup ns_per_interrupt".
set -u
cd "$(dirname "$0")/.."
. selftests/lib/bmcwatch.sh
N=${BENCH_IRQS:-20000}
ROUNDS=${BENCH_ROUNDS:-5}
R=/sys/kernel/debug/edu_irq/raise

insmod selftests/kmod/edu_irq/edu_irq.ko || exit 1
bmcw_load || exit 1
echo 1000 >$R		# warm up

measure() {
	local t0 t1

	t0=$(date +%s%N)
	echo "$N" >$R || exit 1
	t1=$(date +%s%N)
	echo "$1 $(( (t1 - t0) / N ))"
}

for ((r = 0; r < ROUNDS; r++)); do
	measure without
	bmcw_start --bmc-device 1234:11e8 >/dev/null || exit 1
	# the daemon maps the irq within an interval; wait for it
	for ((i = 0; i < 50; i++)); do
		[ -n "$(bpftool map dump pinned $BMCW_PIN/dma_irq_fns 2>/dev/null | grep key)" ] && break
		sleep 0.1
	done
	measure with
	bmcw_stop
done
bmcw_unload
rmmod edu_irq
