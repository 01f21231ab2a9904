#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host. Prints KTAP.
# Loads and unloads bmcwatch.ko BMCW_SOAK_CYCLES times while other CPUs
# drive config-space (kthreads of bmcw_test, user reads of every config
# file), IPMI (ipmitool against the BMC simulator) and interrupt (edu_irq)
# traffic, restarting bmcwatchd every BMCW_SOAK_RESTART_EVERY cycles. Then:
# every bus back on its original pci_ops, no leak, counts exact while the
# daemon ran. The daemon runs with [dma] vector_count = exact: its
# trampoline on __common_interrupt is attached and detached under the
# interrupt traffic at each restart. Kernel splats fail the run in the
# runner.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

CYCLES=${BMCW_SOAK_CYCLES:-20}
EVERY=${BMCW_SOAK_RESTART_EVERY:-5}
# Unreclaimable slab may grow this much per cycle (noise) before a leak is
# declared; a leak of one object per cycle hides below it, kmemleak finds it.
LEAK_KB_PER_CYCLE=${BMCW_SOAK_LEAK_KB_PER_CYCLE:-4}
T=/sys/kernel/debug/bmcw_test
E=/sys/kernel/debug/edu_irq
pids=()

ktap_header
ktap_plan 7

cleanup() {
	((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
	echo 0 >$T/hammer 2>/dev/null
	bmcw_stop
}
trap cleanup EXIT

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
printf '[dma]\nvector_count = exact\n' >/tmp/soak.conf
exact_attached() { grep -c "unowned vectors counted exactly" /tmp/bmcwatchd.log 2>/dev/null; }

insmod selftests/kmod/bmcw_test/bmcw_test.ko || { ktap_fail "bmcw_test loads"; exit 1; }
modprobe ipmi_si && modprobe ipmi_devintf
[[ ${BMCW_SOAK_IRQ:-1} == 0 ]] || insmod selftests/kmod/edu_irq/edu_irq.ko 2>/dev/null
edu=$(bmcw_edu_bdf)
busops_before=$(cat $T/busops)

# The traffic. User reads skip edu: the exact-count check below owns it.
# The threads sleep every 2048-4096 rounds: each unload waits for that, and
# 200 cycles must fit (selftests/livehost/churn.sh is the hostile one).
echo "2 4096" >$T/hammer
(while :; do
	for f in /sys/bus/pci/devices/*/config; do
		[[ $f == */$edu/config ]] || cat "$f" >/dev/null
	done
done) &
pids+=($!)
(while :; do ipmitool mc info >/dev/null 2>&1 || sleep 0.1; done) &
pids+=($!)
if [[ ${BMCW_SOAK_IRQ:-1} == 0 ]]; then
	ktap_diag "interrupt traffic off (BMCW_SOAK_IRQ=0)"
elif [ -w $E/raise ]; then
	(while :; do echo 20 >$E/raise 2>/dev/null || sleep 0.1; done) &
	pids+=($!)
else
	ktap_diag "edu_irq not loaded: no interrupt traffic"
fi

if [ -e /sys/kernel/debug/kmemleak ]; then
	kmemleak=1
	echo clear >/sys/kernel/debug/kmemleak
else
	kmemleak=0
	ktap_diag "kmemleak unavailable (CONFIG_DEBUG_KMEMLEAK off): checking slab drift"
fi

# One cycle: load, maybe a daemon run with an exact count, unload, ops back.
survived=0 restarts=0 bad_ops= bad_count= bad_load=
edu_devfn=$((0x${edu:8:2} << 3 | ${edu:11:1}))
edu_bus=$((0x${edu:5:2}))
for ((i = 1; i <= CYCLES; i++)); do
	# Progress, so a hang or a crash shows the cycle it happened in.
	((i % 10 == 1)) && ktap_diag "cycle $i"
	if ! out=$(bmcw_load 2>&1); then
		bad_load="cycle $i insmod: $out"
		break
	fi
	if ((i % EVERY == 0)); then
		x0=$(exact_attached)
		if bmcw_start -c /tmp/soak.conf; then
			restarts=$((restarts + 1))
			# unless this kernel cannot count exactly (5.10's BTF has no
			# __common_interrupt), which the daemon says
			(($(exact_attached) > x0)) ||
				bmcw_exact_unsupported >/dev/null ||
				bad_count+=" cycle $i: vector_count = exact did not attach;"
			b=$(bmcw_cfg_count 0 $edu_bus $edu_devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
			for ((r = 0; r < 50; r++)); do
				dd if=/sys/bus/pci/devices/$edu/config of=/dev/null bs=4 count=1 2>/dev/null
			done
			a=$(bmcw_cfg_count 0 $edu_bus $edu_devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
			(( a - b == 50 )) || bad_count+=" cycle $i: $((a - b))/50;"
			bmcw_stop
			bmcw_wait_alert health.monitor_stopped 5 ||
				bad_count+=" cycle $i: no monitor_stopped;"
		else
			bad_count+=" cycle $i: daemon did not start;"
			bmcw_stop
		fi
	fi
	if ! out=$(bmcw_unload 2>&1); then
		bad_load="cycle $i rmmod: $out"
		break
	fi
	[[ $(cat $T/busops) == "$busops_before" ]] || bad_ops+=" $i"
	survived=$i
done
echo 0 >$T/hammer
kill "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
pids=()

ktap_diag "cycles survived: $survived of $CYCLES (daemon restarts: $restarts)"
ktap_check "$survived of $CYCLES load/unload cycles under traffic${bad_load:+: $bad_load}" \
	test "$survived" -eq "$CYCLES"
ktap_check "every bus back on its original ops after every unload${bad_ops:+ (not after cycles$bad_ops)}" \
	test -z "$bad_ops"
ktap_check "$restarts daemon restarts: counts exact, stop reported${bad_count:+:$bad_count}" \
	test -z "$bad_count" -a "$restarts" -eq $((survived / EVERY))
ktap_check "bmcw_test saw ops restored at the end" \
	test "$(cat $T/busops)" = "$busops_before"

# Leaks: kmemleak when the kernel has it, else unreclaimable slab drift
# over quiet cycles measured in a settled state: caches warm up over the
# first cycles and level off (seen here: +170 kB over 40 cycles, then flat
# over the next 80), so only growth after a warm-up counts, RCU callbacks
# and deferred frees done.
settle() {
	sleep 2
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}
quiet_cycles() {
	local k
	for ((k = 1; k <= $1; k++)); do
		bmcw_load || return 1
		if ((k % EVERY == 0)); then
			bmcw_start -c /tmp/soak.conf >/dev/null && bmcw_stop
		fi
		bmcw_unload || return 1
	done
}
Q=$((CYCLES < 40 ? CYCLES : 40))
quiet_cycles 10
settle
slab0=$(meminfo SUnreclaim)
quiet_cycles "$Q"
settle
slab1=$(meminfo SUnreclaim)
n=$Q
ktap_diag "SUnreclaim $slab0 -> $slab1 kB over $n quiet cycles after 10 warm-up cycles"
if ((kmemleak)); then
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	ktap_check "kmemleak: no unreferenced objects ($leaks)" test "$leaks" -eq 0
	ktap_skip "slab drift within bound" "kmemleak used instead"
else
	ktap_skip "kmemleak scan" "kmemleak unavailable in this kernel"
	limit=$((128 + LEAK_KB_PER_CYCLE * n))
	ktap_check "unreclaimable slab grew $((slab1 - slab0)) kB over $n quiet cycles (limit $limit)" \
		test $((slab1 - slab0)) -le "$limit"
fi
ktap_check "module gone at the end" test ! -d /sys/module/bmcwatch
ktap_finish
