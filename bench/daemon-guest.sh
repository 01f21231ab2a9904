#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bmcwatchd's CPU time and memory, inside the emulated host, idle and under
# a sustained event storm, alternating for BMCW_BENCH_ROUNDS rounds of
# BMCW_BENCH_SECONDS each. The daemon runs as shipped (interval 1000 ms,
# default policy: 60 s aggregation, 30 alerts per rule a minute) with edu
# declared a BMC function. The storm: bench/.out/cfg_storm writing edu's
# config space as fast as it can (each write a ring-buffer event and a
# pcie.config_write occurrence) and, at the same time, bench/.out/ipmi_gdi
# issuing Get Device ID round trips (each a few IPMI events). Both run at
# nice 19: the daemon gets the CPU it asks for, so its CPU time is what
# handling the storm costs, and its losses say whether it keeps up.
# Samples (daemon.dat), one line per phase:
# "round phase seconds cpu_ticks rss_kb hwm_kb cfg_writes ipmi_calls
#  rb_sent rb_lost ipmi_seen" (ticks of utime+stime, CLK_TCK per second).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${BMCW_BENCH_ROUNDS:-3}
SECS=${BMCW_BENCH_SECONDS:-10}
BDF=$(bmcw_edu_bdf)
OUT=$(bench_data daemon)
: >"$OUT"

modprobe ipmi_si && modprobe ipmi_devintf || exit 1
for ((i = 0; i < 100; i++)); do [ -c /dev/ipmi0 ] && break; sleep 0.1; done
bmcw_load || exit 1
bmcw_start --interval 1000 --bmc-device 1234:11e8 >/dev/null || exit 1
pid=$BMCW_DAEMON_PID
echo "# clk_tck $(getconf CLK_TCK) cpus $(nproc)" >>"$OUT"

ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
# ring-buffer records sent and lost (config-space and IPMI monitors, stats
# index 4 and 2 in both), IPMI events seen
counters() {
	echo "$(( $(bench_stat pcicfg_stats 4) + $(bench_stat ipmi_stats 4) ))" \
		"$(( $(bench_stat pcicfg_stats 2) + $(bench_stat ipmi_stats 2) ))" \
		"$(bench_stat ipmi_stats 0)"
}

phase() {
	local r=$1 what=$2 t0 t1 c0 c1 w=0 q=0 k0 k1 res
	read -r -a k0 <<<"$(counters)"
	t0=$(bench_now) c0=$(ticks)
	if [ "$what" = storm ]; then
		nice -n 19 "$BENCH_BIN/ipmi_gdi" /dev/ipmi0 100000000 "$SECS" >/tmp/gdi.out &
		q=$!
		res=$(nice -n 19 "$BENCH_BIN/cfg_storm" "$BDF" "$SECS") || exit 1
		[[ $res =~ writes=([0-9]+) ]] && w=${BASH_REMATCH[1]}
		wait $q || exit 1
		[[ $(</tmp/gdi.out) =~ calls=([0-9]+) ]] && q=${BASH_REMATCH[1]}
	else
		sleep "$SECS"
	fi
	c1=$(ticks) t1=$(bench_now)
	read -r -a k1 <<<"$(counters)"
	echo "$r $what $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $((c1 - c0)) $(kb VmRSS) $(kb VmHWM) $w $q $((k1[0] - k0[0])) $((k1[1] - k0[1])) $((k1[2] - k0[2]))" >>"$OUT"
}

sleep 5		# past start-up: inventory, learning, first sweeps
for ((r = 0; r < ROUNDS; r++)); do
	for what in $(bench_order "$r" idle storm); do
		phase "$r" "$what"
	done
	bench_log "daemon round $r done"
done
kill -0 "$pid" || { bench_log "bmcwatchd died"; exit 1; }
bmcw_stop
bmcw_unload
