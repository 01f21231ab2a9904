#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DMA and doorbell monitor, end to end inside the emulated host: IOMMU
# faults read from the VT-d fault recording registers by bmcwatch.ko,
# interrupt accounting from the kernel's own counts (kstat, the spurious
# detector) and vectors without a handler from its log (by default; BPF in
# the interrupt path when opted in), posture and rules in bmcwatchd, JSON
# alerts. Prints KTAP. edu (1234:11e8) is declared
# a BMC function and driven from user space through resource0.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/dma/lib.sh

TOP=$PWD
EDU_DMA=/tmp/edu_dma
IOMMU=/sys/kernel/debug/bmcwatch/iommu
VECTOR=0xd3			# no device vector is this high on a small guest

# pcpu_sum MAP FIELD KEYBYTES...: a pinned per-CPU map's value summed.
pcpu_sum() {
	local map=$1 field=$2 v sum=0
	shift 2
	for v in $(bpftool -j map lookup pinned "$BMCW_PIN/$map" key hex "$@" \
			2>/dev/null | jq -r ".formatted.values[].value$field"); do
		sum=$((sum + v))
	done
	echo "$sum"
}

# pcpu_sum_all MAP: every value of a pinned per-CPU map, summed.
pcpu_sum_all() {
	bpftool -j map dump pinned "$BMCW_PIN/$1" 2>/dev/null |
		jq '[.[].formatted.values[].value] | add // 0'
}

kstat() { grep -o "\b$1=[0-9]*" "$IOMMU" | cut -d= -f2; }
printed() { dmesg | grep -c "DMAR: \[DMA $1 NO_PASID\] Request device \[00:01.0\]"; }
since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# prom NAME IRQ: the daemon's metric of edu's interrupt IRQ (textfile).
prom() {
	awk -v k="$1{bdf=\"$bdf\",irq=\"$2\"}" '$1 == k { v = $2 } END { print v }' \
		/tmp/dma.prom 2>/dev/null
}
# prom_wait NAME IRQ [MIN]: poll until the daemon's metric is at least MIN.
prom_wait() {
	local i v
	for ((i = 0; i < 100 * ${BMCW_TIMEOUT_SCALE:-1}; i++)); do
		v=$(prom "$1" "$2")
		[ -n "$v" ] && [ "$v" -ge "${3:-0}" ] && return 0
		sleep 0.1
	done
	return 1
}
# counted_alerted NAME METRIC IRQ N TRIGGER MESSAGE-RE [AFTER...]: write N
# to TRIGGER, run AFTER; pass NAME when the daemon's METRIC for IRQ grew by
# exactly N and doorbell.unexpected_irq for that irq says MESSAGE-RE.
counted_alerted() {
	local name=$1 metric=$2 irq=$3 n=$4 trigger=$5 re=$6 v0 v1
	shift 6
	v0=$(prom "$metric" "$irq")
	echo "$n" >"$trigger"
	(($#)) && "$@"
	prom_wait "$metric" "$irq" $((v0 + n))
	v1=$(prom "$metric" "$irq")
	if [ $((v1 - v0)) -eq "$n" ] &&
	   bmcw_wait_alert doorbell.unexpected_irq 10 \
		"(.bmcwatch.locus == \"irq $irq\") and (.message | test(\"$re\"))"; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "daemon=$((v1 - v0))" \
			"$(cat /proc/irq/"$irq"/spurious 2>/dev/null)" "$(grep "irq=\"$irq\"" /tmp/dma.prom)"
	fi
}

ktap_header
ktap_plan 20

cc -O2 -o $EDU_DMA selftests/dma/edu_dma.c || { ktap_fail "edu_dma builds"; exit 1; }
bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
devfn=$(( 0x${bdf:8:2} << 3 | ${bdf:11:1} ))
bus=$(( 0x${bdf:5:2} ))
ktap_check "bmcwatch.ko found the DMAR unit and hooked dmar_fault" \
	eval 'grep -q "^unit=0 hw=vtd" $IOMMU && grep -q "^hook=dma/dmar_fault state=placed" /sys/kernel/debug/bmcwatch/hooks'
# The default configuration: nothing of bmcwatch in the interrupt path.
# Without CAP_SYS_ADMIN, as the unit runs it: sysfs then shows only the
# first 64 bytes of config space, and edu2's root port's ACS control is
# read from the module's posture table instead.
printf '[dma]\n' >/tmp/dma.conf
rm -f /tmp/dma.prom	# a previous daemon's counts are not this one's
BMCW_DAEMON_PREFIX="setpriv --bounding-set=-sys_admin --" \
	bmcw_start -c /tmp/dma.conf --bmc-device 1234:11e8 --metrics textfile:/tmp/dma.prom ||
	ktap_diag "daemon did not report start"
# CAP_SYS_ADMIN is capability 21
has_sys_admin() {
	local eff
	eff=$(awk '/^CapEff/ { print $2 }' "/proc/$BMCW_DAEMON_PID/status")
	(((0x$eff >> 21) & 1))
}
if [ -e $BMCW_PIN/dma_fault_counts ] && bmcw_no_alerts '.rule.name == "dma.unconfined"' &&
   ! has_sys_admin &&
   grep -Eq ' acs=[0-9a-f]{4}$' /sys/kernel/debug/bmcwatch/posture; then
	ktap_ok "dma monitor attached without CAP_SYS_ADMIN; translated posture (ACS of edu2's root port from the module) raises no dma.unconfined"
else
	ktap_fail "dma monitor attached without CAP_SYS_ADMIN; translated posture (ACS of edu2's root port from the module) raises no dma.unconfined" \
		"$(tail -5 /tmp/bmcwatchd.log)" "$(cat /sys/kernel/debug/bmcwatch/posture)" \
		"$(bmcw_alerts '.rule.name == "dma.unconfined"' | jq -r .message)"
fi

# 1. A DMA nobody mapped: edu reads IOVA 0x1000 through its empty domain.
setpci -s "$bdf" COMMAND=0x0006
# Latency: from starting the DMA to the alert's own timestamp (the test's
# polling with jq is slow under TCG and is not part of it).
f=".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.address == \"0x1000\" and .bmcwatch.extra.direction == \"read\""
fault_within "dma.iommu_fault names $bdf, address 0x1000, read," "$f" \
	$EDU_DMA "$bdf" read 0x1000 1
$EDU_DMA "$bdf" write 0x2000 1
ktap_check "a DMA write fault says write" bmcw_wait_alert dma.iommu_fault 2 \
	".bmcwatch.extra.address == \"0x2000\" and .bmcwatch.extra.direction == \"write\""

# 2a. Fifty faults as fast as edu makes them (its DMA engine is paced by a
# 100 ms timer): all counted, though the kernel prints at most 10 per 5 s.
# QEMU's VT-d has one fault recording register and drops ("compresses") a
# fault from a requester whose previous record is still pending, so each
# DMA waits until the module has read the previous record.
key="00 00 00 00 $(printf '%02x %02x' "$bus" "$devfn") 00 00"
m0=$(pcpu_sum dma_fault_counts "" $key)
k0=$(kstat records)
p0=$(printed Read)
for ((n = 1; n <= 50; n++)); do
	$EDU_DMA "$bdf" read 0x3000 1
	for ((i = 0; i < 40 && $(kstat records) < k0 + n; i++)); do
		sleep 0.05
	done
	((i < 40)) || break	# lost: no point waiting for the rest
done
m1=$(pcpu_sum dma_fault_counts "" $key)
k1=$(kstat records)
p1=$(printed Read)
if [ $((m1 - m0)) -eq 50 ] && [ $((k1 - k0)) -eq 50 ] && [ $((p1 - p0)) -lt 50 ]; then
	ktap_ok "50 faults: 50 counted by BPF and module, kernel printed $((p1 - p0))"
else
	ktap_fail "50 faults: 50 counted by BPF and module, kernel printed $((p1 - p0))" \
		"bpf=$((m1 - m0)) module=$((k1 - k0))" "$(cat $IOMMU)"
fi
setpci -s "$bdf" COMMAND=0x0000

# 2b. Fifty faults in one second from five edus: burst.sh, in an emulated
# host whose clock counts instructions (see host.sh).

# 3. A rogue doorbell: the device buffer holds an MSI data word (vector
# $VECTOR, fixed delivery, primed by the test driver, which then goes), and
# with no driver bound edu DMA-writes it to 0xFEE00000. QEMU 7.2 passes
# compatibility-format messages through its interrupt remapping, so CPU 0
# takes a vector nobody requested. The daemon learns it from the kernel's
# (rate-limited) message: by default through a BPF program where the
# kernel formats it, without opening /dev/kmsg (the unit as shipped may
# not).
rogue_msi() {
	insmod selftests/kmod/edu_irq/edu_irq.ko
	echo $((VECTOR)) >/sys/kernel/debug/edu_irq/prime
	rmmod edu_irq
	setpci -s "$bdf" COMMAND=0x0006
	$EDU_DMA "$bdf" write 0xfee00000 1
}
rogue_msi_alerted() {
	bmcw_wait_alert doorbell.unexpected_irq 10 \
		"(.bmcwatch.locus | test(\"vector $VECTOR\")) and .bmcwatch.extra.source == \"kernel log\" and (.message | test(\"rate-limited\")) and (.bmcwatch.extra.sender | startswith(\"unknown\"))"
}
kmsg_open() { ls -l "/proc/$BMCW_DAEMON_PID/fd" | grep -q /dev/kmsg; }
rogue_msi
ktap_check "an MSI written into the interrupt window raises doorbell.unexpected_irq (the kernel's message read by BPF, /dev/kmsg not open)" \
	eval 'rogue_msi_alerted && ! kmsg_open &&
		grep -Eq "vector messages read at the (printk_sprint|printk:console)" /tmp/bmcwatchd.log'
setpci -s "$bdf" COMMAND=0x0000

# 3b. The opt-in probe: [dma] irq_probe counts unclaimed interrupts in
# BPF, per CPU. This daemon reads the vector messages from /dev/kmsg (3c).
bmcw_stop
printf '[dma]\nirq_probe = yes\nvector_log = kmsg\n' >/tmp/dma-probe.conf
bmcw_start -c /tmp/dma-probe.conf --bmc-device 1234:11e8
setpci -s "$bdf" COMMAND=0x0000
insmod selftests/kmod/edu_irq/edu_irq.ko
irq=$(cat /sys/kernel/debug/edu_irq/irq)
ikey=$(printf '%02x %02x 00 00' $((irq & 255)) $((irq >> 8)))
for ((i = 0; i < 50; i++)); do
	bpftool map lookup pinned $BMCW_PIN/dma_irq_fns key hex $ikey >/dev/null 2>&1 && break
	sleep 0.1
done
# The daemon reports what it read each interval: a burst read across two
# intervals comes as two alerts, whose counts add up.
unclaimed_alerted_sum() {
	bmcw_alerts "(.rule.name == \"doorbell.unexpected_irq\") and (.bmcwatch.locus == \"irq $irq\")" |
		jq -r '.message | capture("claimed by no handler: (?<n>[0-9]+) interrupts").n' |
		awk '{ s += $1 } END { print s + 0 }'
}
unclaimed_alerted() { (($(unclaimed_alerted_sum) >= $1)); }
u0=$(pcpu_sum dma_irq_counts .unclaimed $ikey)
echo 5 >/sys/kernel/debug/edu_irq/unclaim
u1=$(pcpu_sum dma_irq_counts .unclaimed $ikey)
if [ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ]; then
	# forced irq threads: the tracepoint sees the primary handler only
	ktap_skip "opt-in irq_probe: 5 unclaimed interrupts counted exactly in BPF" \
		"PREEMPT_RT threads every handler; irq_handler_exit sees IRQ_WAKE_THREAD (bpf=$((u1 - u0)))"
elif [ $((u1 - u0)) -eq 5 ] && bmcw_wait_for 10 unclaimed_alerted 5 &&
   [ "$(unclaimed_alerted_sum)" = 5 ]; then
	ktap_ok "opt-in irq_probe: 5 unclaimed interrupts counted exactly in BPF"
else
	ktap_fail "opt-in irq_probe: 5 unclaimed interrupts counted exactly in BPF" \
		"bpf=$((u1 - u0))" "$(bmcw_alerts "(.bmcwatch.locus == \"irq $irq\")" | jq -r .message)"
fi
rmmod edu_irq
# 3c. [dma] vector_log = kmsg: the rogue MSI again, seen in /dev/kmsg.
rogue_msi
ktap_check "[dma] vector_log = kmsg: the same MSI raises it from /dev/kmsg" \
	eval 'rogue_msi_alerted && kmsg_open'
setpci -s "$bdf" COMMAND=0x0000
bmcw_stop
rm -f /tmp/dma.prom
bmcw_start -c /tmp/dma.conf --bmc-device 1234:11e8 --metrics textfile:/tmp/dma.prom

# 4. Interrupts of a bound driver (default configuration: the kernel's
# per-CPU counts, read by the daemon): exact counts while the rate is
# learned, then a burst above it.
insmod selftests/kmod/edu_irq/edu_irq.ko
irq=$(cat /sys/kernel/debug/edu_irq/irq)
prom_wait bmcwatch_bmc_interrupts_total "$irq" ||
	ktap_diag "the daemon did not pick up irq $irq"
# The BAR is the driver's now (strict devmem): raise through its debugfs.
c0=$(prom bmcwatch_bmc_interrupts_total "$irq")
d0=$(cat /sys/kernel/debug/edu_irq/count)
for ((i = 0; i < 40; i++)); do
	echo 1 >/sys/kernel/debug/edu_irq/raise
	sleep 0.05
done
prom_wait bmcwatch_bmc_interrupts_total "$irq" $((c0 + 40))
c1=$(prom bmcwatch_bmc_interrupts_total "$irq")
d1=$(cat /sys/kernel/debug/edu_irq/count)
if [ $((c1 - c0)) -eq 40 ] && [ $((d1 - d0)) -eq 40 ]; then
	ktap_ok "40 interrupts of irq $irq: counted exactly 40 (driver 40)"
else
	ktap_fail "40 interrupts of irq $irq: counted exactly 40 (driver 40)" \
		"daemon=$((c1 - c0)) driver=$((d1 - d0))"
fi
for ((i = 0; i < 150; i++)); do
	grep -q "irq $irq learned peak" /tmp/bmcwatchd.log && break
	sleep 0.1
done
ktap_check "no doorbell.unexpected_irq at the learned rate" \
	bmcw_no_alerts "(.bmcwatch.locus == \"irq $irq\")"
t0=$(date +%s%N)
echo 3000 >/sys/kernel/debug/edu_irq/raise
rate=$((3000 * 1000 / ($(since "$t0") + 1)))
ktap_check "a burst ($rate/s) above the learned rate raises doorbell.unexpected_irq" \
	bmcw_wait_alert doorbell.unexpected_irq 10 \
	"(.bmcwatch.locus == \"irq $irq\") and (.message | test(\"learned rate\"))"
ktap_diag "$(grep "irq $irq learned peak" /tmp/bmcwatchd.log)"
# Unclaimed: the handler acknowledges but returns IRQ_NONE; the kernel's
# spurious detector counts them (exactly here: one burst, no restart).
# Then one handled: with threaded handlers (PREEMPT_RT) the kernel counts
# a thread's IRQ_NONE when the next interrupt comes.
raise_one() { echo 1 >/sys/kernel/debug/edu_irq/raise; }
counted_alerted "7 unclaimed interrupts: counted 7, doorbell.unexpected_irq" \
	bmcwatch_bmc_interrupts_unclaimed_total "$irq" 7 /sys/kernel/debug/edu_irq/unclaim \
	"claimed by no handler" raise_one

# 4b. A baseline's traffic profile instead: learnt in its own run (2 s
# windows), then enforced per window from the start, nothing learnt then.
bmcw_stop
printf '[baseline]\nwindow_seconds = 2\n' >/tmp/dma-base.conf
raise_slowly() {	# raise_slowly SECONDS: 5 interrupts every 0.25 s
	local i
	for ((i = 0; i < $1 * 4; i++)); do
		echo 5 >/sys/kernel/debug/edu_irq/raise
		sleep 0.25
	done
}
timeout 120 "$TOP/userspace/bmcwatchd" --foreground --interval 200 -c /tmp/dma-base.conf \
	--bmc-device 1234:11e8 --baseline /tmp/dma-baseline.json --learn --learn-seconds 4 \
	--output json:/tmp/dma-learn.json 2>>/tmp/bmcwatchd.log &
learner=$!
while kill -0 $learner 2>/dev/null; do
	raise_slowly 1
done
wait $learner
rc=$?
learnt=$(jq -r --arg b "$bdf" '.traffic.interrupts[] | select(.bdf == $b and .vector == 0) |
	.max_per_window' /tmp/dma-baseline.json 2>/dev/null)
ktap_check "learning mode: edu's interrupts per 2 s window in the baseline (at most ${learnt:-none})" \
	test "$rc" = 0 -a "${learnt:-0}" -gt 0
rm -f /tmp/dma.prom	# a previous daemon's counts are not this one's
bmcw_start -c /tmp/dma-base.conf --bmc-device 1234:11e8 --baseline /tmp/dma-baseline.json \
	--metrics textfile:/tmp/dma.prom
raise_slowly 3
ktap_check "baseline: no doorbell.unexpected_irq at the learnt rate" \
	bmcw_no_alerts "(.bmcwatch.locus == \"irq $irq\")"
echo 3000 >/sys/kernel/debug/edu_irq/raise
ktap_check "baseline: a burst above the learnt largest window x 4 raises doorbell.unexpected_irq" \
	bmcw_wait_alert doorbell.unexpected_irq 5 \
	"(.bmcwatch.locus == \"irq $irq\") and (.message | test(\"baseline: at most $learnt per window\"))"
ktap_diag "$(bmcw_alerts "(.bmcwatch.locus == \"irq $irq\")" | jq -r .message)"
rmmod edu_irq

# 4c. No driver bound: edu asserts INTx on a line another handler shares
# (edu_irq orphan=1 binds to nothing); every such interrupt is counted.
insmod selftests/kmod/edu_irq/edu_irq.ko orphan=1
oirq=$(cat /sys/kernel/debug/edu_irq/irq)
prom_wait bmcwatch_bmc_interrupts_total "$oirq" ||
	ktap_diag "the daemon did not pick up irq $oirq"
counted_alerted "5 interrupts of edu with no driver bound (INTx $oirq): counted 5, doorbell.unexpected_irq" \
	bmcwatch_bmc_interrupts_no_driver_total "$oirq" 5 /sys/kernel/debug/edu_irq/raise \
	"no driver is bound"
rmmod edu_irq

# 5. edu's group in an identity domain: dma.unconfined at load. A group's
# type can be set from 5.11 on; before, the kernel makes the file read-only
# (0444, no store method): that kernel cannot run this, which is a skip,
# while a write to a writable file that fails is a failure. The type is put
# back as it was read (not a fixed name: DMA-FQ is 5.15 on).
grp=$(basename "$(readlink /sys/bus/pci/devices/$bdf/iommu_group)")
gtype=/sys/kernel/iommu_groups/$grp/type
mode=$(stat -c %A "$gtype" 2>/dev/null)
bmcw_stop
late="edu declared a BMC function while bmcwatchd runs: dma.unconfined at the next intervals (the module's inventory read again when it changed)"
unconfined=".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.domain == \"identity\""
if [[ -n $mode && $mode != *w* ]]; then
	ktap_skip "identity domain raises dma.unconfined at load" \
		"this kernel cannot change an IOMMU group's domain type ($gtype is read-only: writable from 5.11)"
	ktap_skip "$late" "as above"
elif was=$(cat "$gtype") && echo identity >"$gtype"; then
	bmcw_start -c /tmp/dma.conf --bmc-device 1234:11e8
	ktap_check "identity domain raises dma.unconfined at load" \
		bmcw_wait_alert dma.unconfined 5 "$unconfined"
	bmcw_stop
	# 5b. The same edu, no BMC's at start (the daemon checks BMC
	# functions only), then declared one through the module's knob.
	bmcw_start -c /tmp/dma.conf
	sleep 1
	if ! bmcw_no_alerts '.rule.name == "dma.unconfined"'; then
		ktap_fail "$late" "dma.unconfined before edu was declared a BMC function"
	else
		echo 1234:11e8 >/sys/kernel/bmcwatch/bmc_devices
		ktap_check "$late" bmcw_wait_alert dma.unconfined 5 "$unconfined"
	fi
	bmcw_stop
	echo "$was" >"$gtype"
else
	ktap_fail "identity domain raises dma.unconfined at load" "cannot set group type"
	ktap_fail "$late" "cannot set group type"
fi

# 6. AER: a corrected error injected on the root port above the second edu.
bmcw_start --bmc-device 1234:11e8
# the edu behind a root port (the others sit on the root bus)
for edu2 in $(lspci -Dn -d 1234:11e8 | awk '{ print $1 }'); do
	rp=$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$edu2")")")
	[ "${rp#pci}" = "$rp" ] && break
done
if bmcw_aer_inject "$rp"; then
	ktap_check "an AER error on a BMC function's root port raises pcie.aer_error" \
		bmcw_wait_alert pcie.aer_error 5 ".bmcwatch.device.bdf == \"$rp\""
else
	ktap_fail "an AER error on a BMC function's root port raises pcie.aer_error" \
		"no aer_inject"
fi
ktap_check "no hook of the dma monitor failed" \
	bmcw_no_alerts '.rule.name == "health.hook_failed" and (.message | test("dma monitor"))'
bmcw_stop
rmmod aer_inject 2>/dev/null
ktap_finish
