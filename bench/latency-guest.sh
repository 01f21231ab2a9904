#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Event-to-alert latency, inside the emulated host (bench/src/alert_lat.c
# says what is timed and with which clocks). The daemon runs with
# aggregation and rate limiting off, so that every occurrence is its own
# alert line, and with edu declared a BMC function.
#   ring buffer  a config write to edu -> pcie.config_write, at interval
#                1000 ms and 200 ms (it should not depend on the interval)
#   summarised   a burst of edu interrupts (per-CPU counters, read by the
#                sweep) -> doorbell.unexpected_irq (rate above the learned
#                peak), at interval 200 ms and 1000 ms: bounded by the
#                interval
# Samples: latency.dat: "kind interval_ms trial lat_ns stamp_ms cause_ns".
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
CFG_TRIALS=${BMCW_BENCH_CFG_TRIALS:-100}
IRQ_TRIALS=${BMCW_BENCH_IRQ_TRIALS:-25}
BDF=$(bmcw_edu_bdf)
OUT=$(bench_data latency)
: >"$OUT"

cat >/tmp/bench.conf <<'CONF'
[daemon]
aggregation_window_s = 0
rate_limit = 0
heartbeat_minutes = 0

[bmc]
device = 1234:11e8
CONF

bmcw_load || exit 1

# run KIND INTERVAL COMMAND...: an alert_lat run, its lines tagged
run() {
	local kind=$1 ms=$2
	shift 2
	"$@" | sed "s/^/$kind $ms /" >>"$OUT"
	[ "${PIPESTATUS[0]}" = 0 ] || { bench_log "alert_lat $kind $ms failed"; exit 1; }
}

for ms in 1000 200; do
	bmcw_start -c /tmp/bench.conf --interval "$ms" >/dev/null || exit 1
	run ringbuf "$ms" "$BENCH_BIN/alert_lat" cfg "$BMCW_ALERTS" "$BDF" "$CFG_TRIALS" 20
	bmcw_stop
	bench_log "ring buffer at $ms ms done"
done

# Summarised: interrupts counted per CPU in BPF, judged at each sweep
# against the rate learned in the daemon's first 5 s (here: none, so the
# floor of 200/s). A burst of 200 (at 200 ms) or 1000 (at 1000 ms) exceeds
# it however it falls across two intervals.
insmod selftests/kmod/edu_irq/edu_irq.ko || exit 1
irq=$(cat /sys/kernel/debug/edu_irq/irq)
cpu=$(( $(nproc) - 1 ))
bench_affinity "$irq" "$cpu"
echo 1000 >/sys/kernel/debug/edu_irq/bench	# warm up, before any learning
for ms in 200 1000; do
	n=$(( ms == 200 ? 200 : 1000 ))
	learned=$(grep -c 'learned peak' /tmp/bmcwatchd.log 2>/dev/null)
	bmcw_start -c /tmp/bench.conf --interval "$ms" >/dev/null || exit 1
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c 'learned peak' /tmp/bmcwatchd.log)" -gt "$learned" ] && break
		sleep 0.1
	done
	grep 'learned peak' /tmp/bmcwatchd.log | tail -1 >&2
	run summarised "$ms" taskset -c "$cpu" "$BENCH_BIN/alert_lat" irq "$BMCW_ALERTS" \
		/sys/kernel/debug/edu_irq/bench "$n" "$IRQ_TRIALS" $((ms * 2))
	bmcw_stop
	bench_log "summarised at $ms ms done"
done
rmmod edu_irq
bmcw_unload
