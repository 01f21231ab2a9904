#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What watching the BMC's USB face costs, inside the emulated host, whose
# qemu-xhci has a usb-net on port 1 (on a user-mode network of its own,
# restricted: nothing leaves the machine) and a usb-kbd on port 2, both
# declared the BMC's. Without bmcwatch ("bare") and with it ("with":
# bmcwatch.ko, whose input handler counts the BMC keyboard's reports into
# a tracepoint and BPF, + bmcwatchd, whose tc programs sit on the BMC
# NIC's ingress and egress), alternating for BMCW_BENCH_ROUNDS rounds of
# BMCW_BENCH_BATCHES batches:
#   key   a key pressed and released (two reports) BMCW_BENCH_KEYS times
#         on the BMC keyboard's input device, injected and timed by
#         bmcw_test.ko's input_bench: the input core and every handler
#         bound to the device; ns per key
#   udp   BMCW_BENCH_PACKETS 64-byte UDP datagrams out of the BMC NIC
#         (bench/src/udp_send.c): the egress path per packet, the tc
#         egress program included; ns per packet
# then, with bmcwatch, its two tc programs alone, on the same 64-byte UDP
# packet (to the host for ingress, from it for egress) through the
# kernel's BPF_PROG_TEST_RUN (bpftool prog run, BMCW_BENCH_PROG_RUNS
# repeats a batch): ns per packet each. Packets from the BMC's side
# cannot be made here without a program on the emulator's side of the
# user-mode network (it answers no ping), so the ingress figure is the
# program's own.
# Checked: bmcwatch saw them in the "with" rounds (its metrics:
# "ROUND with reports=R keys=K packets=P", usb-seen.dat). Samples:
# usb-key.dat, usb-udp.dat, usb-tc.dat: "round setup batch ns"
# (usb-tc.dat: setup "ingress" or "egress").
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 8 3)}
BATCHES=${BMCW_BENCH_BATCHES:-7}
KEYS=${BMCW_BENCH_KEYS:-500}
PACKETS=${BMCW_BENCH_PACKETS:-300}
PROG_RUNS=${BMCW_BENCH_PROG_RUNS:-20000}
KEY=$(bench_data usb-key) UDP=$(bench_data usb-udp) TC=$(bench_data usb-tc)
SEEN=$(bench_data usb-seen)
PEER=169.254.95.1
: >"$KEY"; : >"$UDP"; : >"$SEEN"; : >"$TC"

xhci=$(lspci -D -d 1b36:000d | awk 'NR == 1 { print $1 }')
[ -n "$xhci" ] || { bench_log "no qemu-xhci controller"; exit 1; }
BENCH_MODULE_ARGS="usb_bmc_devices=port:$xhci-1,port:$xhci-2 $BENCH_MODULE_ARGS"
BENCH_DAEMON_ARGS="--interval 1000 --metrics textfile:/tmp/usb.prom"
modprobe -a -q usbhid hid_generic || exit 1
nic=$(bmcw_usb_nic 1 169.254.95.15) || exit 1
kbd=
for ((i = 0; i < 100; i++)); do
	kbd=$(ls -d /sys/bus/usb/devices/*-2/*:*/*/input/input* 2>/dev/null | head -n 1)
	[ -n "$kbd" ] && break
	sleep 0.1
done
[ -n "$kbd" ] || { bench_log "no input device on USB port 2"; exit 1; }
kbd=${kbd##*/}
insmod selftests/kmod/bmcw_test/bmcw_test.ko || exit 1
IB=/sys/kernel/debug/bmcw_test/input_bench
bench_log "BMC NIC $nic, BMC keyboard $kbd"

# metric NAME: bmcwatchd's value of a metric (summed over its series), 0
# before it wrote one.
metric() {
	awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print s + 0 }' \
		/tmp/usb.prom 2>/dev/null || echo 0
}

keys() {
	echo "$kbd $KEYS" >$IB && bench_batch_line "$KEY" "$(<$IB)" "$@"
}

udp() {
	local res
	res=$("$BENCH_BIN/udp_send" "$nic" "$PEER" 9 "$PACKETS") || return 1
	bench_batch_line "$UDP" "$res" "$@"
	sleep 0.05	# the NIC's queue drains before the next batch
}

# One 64-byte frame: Ethernet, IPv4 (169.254.95.1 -> .15 to the host, the
# reverse from it), UDP 5000 -> 53, zeros; for bpftool prog run.
frame() {
	local a=$1 b=$2
	printf '\x52\x54\x00\x12\x34\x56\x52\x55\xa9\xfe\x5f\x01\x08\x00'
	printf '\x45\x00\x00\x32\x00\x01\x00\x00\x40\x11\x00\x00'
	printf "\\xa9\\xfe\\x5f\\x$a\\xa9\\xfe\\x5f\\x$b"
	printf '\x13\x88\x00\x35\x00\x1e\x00\x00'
	head -c 22 /dev/zero
}
frame 01 0f >/tmp/usb-in.pkt
frame 0f 01 >/tmp/usb-out.pkt

# prog_run NAME PACKET ROUND BATCH: the average of PROG_RUNS runs.
prog_run() {
	local ns
	ns=$(bpftool prog run name "$1" data_in "$2" repeat "$PROG_RUNS" 2>&1 |
		sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p')
	[ -n "$ns" ] || { bench_log "bpftool prog run $1 failed"; return 1; }
	echo "$3 ${1#usbnet_} $4 $ns" >>"$TC"
}

keys 0 warm 0 && udp 0 warm 0 || exit 1
sed -i '/ warm /d' "$KEY" "$UDP"
for ((r = 0; r < ROUNDS; r++)); do
	for setup in $(bench_order "$r" bare with); do
		bench_enter "$setup" || exit 1
		if [ "$setup" = with ]; then
			# the daemon's tc programs are on the NIC before timing
			bmcw_wait_for 30 bmcw_usbnet_watched "$nic" ||
				{ bench_log "tc programs not on $nic"; exit 1; }
			sleep 1.2
			m0=$(metric bmcwatch_usb_bmc_input_reports_total)
			p0=$(metric bmcwatch_usb_net_packets_total)
		fi
		for ((b = 0; b < BATCHES; b++)); do
			keys "$r" "$setup" "$b" || exit 1
			udp "$r" "$setup" "$b" || exit 1
		done
		if [ "$setup" = with ]; then
			sleep 2.2	# two of the daemon's intervals: counts swept
			m1=$(metric bmcwatch_usb_bmc_input_reports_total)
			p1=$(metric bmcwatch_usb_net_packets_total)
			echo "$r with reports=$((m1 - m0)) keys=$((BATCHES * KEYS)) packets=$((p1 - p0)) sent=$((BATCHES * PACKETS))" >>"$SEEN"
		fi
	done
	bench_log "usb round $r done"
done
# the programs alone, the daemon's (its flows of these frames, on the
# loopback's index where test runs put them, are its own business)
bench_enter with || exit 1
bmcw_wait_for 30 bmcw_usbnet_watched "$nic" || exit 1
for ((r = 0; r < ROUNDS; r++)); do
	for ((b = 0; b < BATCHES; b++)); do
		prog_run usbnet_ingress /tmp/usb-in.pkt "$r" "$b" &&
			prog_run usbnet_egress /tmp/usb-out.pkt "$r" "$b" || exit 1
	done
done
bench_enter bare
