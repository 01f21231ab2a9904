#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPMI round trip, inside the emulated host: Get Device ID through
# /dev/ipmi0 (KCS, QEMU's BMC simulator) without bmcwatch ("bare") and with
# it ("with": bmcwatch.ko, whose kprobes sit on the KCS state machine and
# the message layer, + bmcwatchd), alternating for BMCW_BENCH_ROUNDS
# rounds. Two clients:
#   gdi       bench/.out/ipmi_gdi: ioctl send, poll, receive; nothing else
#             (BMCW_BENCH_BATCHES batches of BMCW_BENCH_CALLS calls)
#   ipmitool  ipmitool exec of BMCW_BENCH_TOOL_CALLS "raw 0x06 0x01" in one
#             process (3 batches), what an operator would run; not in the
#             instruction-count mode
# Samples: ipmi-gdi.dat, ipmi-tool.dat: "round setup batch ns_per_call".
# ipmi-seen.dat: per "with" round, the messages bmcwatch counted per call
# (its IPMI_STAT_SEEN), which shows the hooks were in the path.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 8 3)}
BATCHES=${BMCW_BENCH_BATCHES:-9}
CALLS=${BMCW_BENCH_CALLS:-60}
TOOL_CALLS=${BMCW_BENCH_TOOL_CALLS:-10}
TOOL_BATCHES=3
bench_icount && TOOL_BATCHES=0
GDI=$(bench_data ipmi-gdi) TOOL=$(bench_data ipmi-tool) SEEN=$(bench_data ipmi-seen)
BENCH_DAEMON_ARGS="--interval 1000"
: >"$GDI"; : >"$SEEN"
((TOOL_BATCHES)) && : >"$TOOL"

modprobe ipmi_si && modprobe ipmi_devintf || exit 1
for ((i = 0; i < 100; i++)); do [ -c /dev/ipmi0 ] && break; sleep 0.1; done
printf 'raw 0x06 0x01\n%.0s' $(seq "$TOOL_CALLS") >/tmp/gdi.cmds

gdi() {
	local res
	res=$("$BENCH_BIN/ipmi_gdi" /dev/ipmi0 "$CALLS") || exit 1
	[[ $res =~ calls=([0-9]+)\ ns=([0-9]+) ]] || exit 1
	echo "$1 $2 $3 $((BASH_REMATCH[2] / BASH_REMATCH[1]))" >>"$GDI"
}

tool() {
	local t0 t1
	t0=$(bench_now)
	ipmitool exec /tmp/gdi.cmds >/dev/null || exit 1
	t1=$(bench_now)
	echo "$1 $2 $3 $(( (t1 - t0) / TOOL_CALLS ))" >>"$TOOL"
}

"$BENCH_BIN/ipmi_gdi" /dev/ipmi0 100 >/dev/null || exit 1	# warm up
((TOOL_BATCHES)) && { ipmitool exec /tmp/gdi.cmds >/dev/null || exit 1; }
for ((r = 0; r < ROUNDS; r++)); do
	for setup in $(bench_order "$r" bare with); do
		bench_enter "$setup" || exit 1
		[ "$setup" = with ] && s0=$(bench_stat ipmi_stats 0)
		for ((b = 0; b < BATCHES; b++)); do
			gdi "$r" "$setup" "$b"
		done
		# ipmitool waits in timeouts, which the instruction-count clock
		# skips over: its times mean nothing there.
		for ((b = 0; b < TOOL_BATCHES; b++)); do
			tool "$r" "$setup" "$b"
		done
		if [ "$setup" = with ]; then
			s1=$(bench_stat ipmi_stats 0)
			echo "$r with seen=$((s1 - s0)) calls=$((BATCHES * CALLS + TOOL_BATCHES * TOOL_CALLS))" >>"$SEEN"
		fi
	done
	bench_log "ipmi round $r done"
done
bench_enter bare
