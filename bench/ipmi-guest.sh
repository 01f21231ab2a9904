#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host: Get Device ID round trips through /dev/ipmi0
# (ipmitool), interleaved rounds without and with bmcwatch (module + daemon),
# so that drift in the emulator's speed hits both setups alike. Prints one
# "SETUP SECONDS-PER-ROUND" line per round, then the ratio of medians.
set -u
cd "$(dirname "$0")/.."
. selftests/lib/bmcwatch.sh
ROUNDS=${BENCH_ROUNDS:-5} CALLS=${BENCH_CALLS:-100}

modprobe ipmi_si && modprobe ipmi_devintf
for ((i = 0; i < 100; i++)); do [ -c /dev/ipmi0 ] && break; sleep 0.1; done

# One round: CALLS Get Device ID requests in one ipmitool process (exec
# mode), so process start-up does not dominate what is measured.
printf 'raw 0x06 0x01\n%.0s' $(seq "$CALLS") >/tmp/gdi.cmds
round() {
	local t0 t1
	t0=$EPOCHREALTIME
	ipmitool exec /tmp/gdi.cmds >/dev/null
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

round >/dev/null	# warm up caches
for ((r = 0; r < ROUNDS; r++)); do
	echo "bare $(round)"
	bmcw_load && bmcw_start >/dev/null
	echo "bmcwatch $(round)"
	bmcw_stop
	bmcw_unload
done
