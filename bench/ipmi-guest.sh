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
#   ipmitool  what an operator runs. Wall clock: ipmitool exec of
#             BMCW_BENCH_TOOL_CALLS "raw 0x06 0x01" in one process (3
#             batches). Instruction count: busy instructions (see below)
#             of one "ipmitool raw 0x06 0x01" process per round trip
#             (ipmi-tool1), and per command of an "ipmitool exec" of
#             BMCW_BENCH_TOOL_CALLS lines (ipmi-toolx); ipmitool and its
#             files run from a tmpfs copy, so no file I/O waits on the
#             host's shared filesystem.
# In the instruction-count mode an idle CPU jumps to its next timer, so a
# process's elapsed time there includes waits; its busy instructions are
# the scheduler's run time of every task on the one CPU (/proc/schedstat,
# cpu0's 7th figure: ns, = instructions), taken around the client.
# BMCW_BENCH_IPMI_IF=ssif (bench/run's "ssif" benchmark): the same over
# SSIF (QEMU's smbus-ipmi on the ICH9 SMBus, ipmi_ssif, whose hooks are
# bmcwatch's SSIF probes), its samples named ssif-* instead of ipmi-*.
# Samples: ipmi-gdi.dat, ipmi-tool*.dat: "round setup batch ns_per_call".
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
export BMCW_IPMI_IF=${BMCW_BENCH_IPMI_IF:-kcs}
pfx=ipmi
[ "$BMCW_IPMI_IF" = ssif ] && pfx=ssif
GDI=$(bench_data $pfx-gdi) TOOL=$(bench_data $pfx-tool) SEEN=$(bench_data $pfx-seen)
TOOL1=$(bench_data $pfx-tool1) TOOLX=$(bench_data $pfx-toolx)
BENCH_DAEMON_ARGS="--interval 1000"
: >"$GDI"; : >"$SEEN"
((TOOL_BATCHES)) && : >"$TOOL"
bench_icount && { : >"$TOOL1"; : >"$TOOLX"; }

bmcw_ipmi_drivers || exit 1
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

busy_ns() { awk '/^cpu0 / { print $8 }' /proc/schedstat; }

# ipmitool with every file it opens in a tmpfs root
IROOT=/tmp/ipmitool-root
tool_root() {
	local f
	mkdir -p $IROOT/dev $IROOT/tmp
	mount --bind /dev $IROOT/dev || return 1
	for f in /usr/bin/ipmitool $(ldd /usr/bin/ipmitool | grep -o '/[^ ]*') \
		$(strace -f -e trace=openat ipmitool raw 0x06 0x01 2>&1 >/dev/null |
		  grep -v ENOENT | grep -o '"/[^"]*"' | tr -d '"'); do
		[ -f "$f" ] || continue
		mkdir -p "$IROOT$(dirname "$f")"
		cp -L "$f" "$IROOT$f"
	done
	cp /tmp/gdi.cmds $IROOT/tmp/
	chroot $IROOT /usr/bin/ipmitool raw 0x06 0x01 >/dev/null
}

# busy instructions of one ipmitool process per round trip, and of one
# exec'ing BMCW_BENCH_TOOL_CALLS commands, per command
tool_busy() {
	local b0 b1 i
	b0=$(busy_ns)
	for ((i = 0; i < 3; i++)); do
		chroot $IROOT /usr/bin/ipmitool raw 0x06 0x01 >/dev/null || exit 1
	done
	b1=$(busy_ns)
	echo "$1 $2 $3 $(( (b1 - b0) / 3 ))" >>"$TOOL1"
	b0=$(busy_ns)
	chroot $IROOT /usr/bin/ipmitool exec /tmp/gdi.cmds >/dev/null || exit 1
	b1=$(busy_ns)
	echo "$1 $2 $3 $(( (b1 - b0) / TOOL_CALLS ))" >>"$TOOLX"
}

if bench_icount; then
	tool_root || { bench_log "cannot copy ipmitool into $IROOT"; exit 1; }
fi
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
		if bench_icount; then
			for ((b = 0; b < 3; b++)); do
				tool_busy "$r" "$setup" "$b"
			done
		fi
	done
	bench_log "ipmi round $r done"
done
bench_enter bare
