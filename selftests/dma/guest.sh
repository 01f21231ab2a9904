#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DMA and doorbell monitor, end to end inside the emulated host: IOMMU
# faults read from the VT-d fault recording registers by bmcwatch.ko,
# interrupt accounting and vectors without a handler in BPF, posture and
# rules in bmcwatchd, JSON alerts. Prints KTAP. edu (1234:11e8) is declared
# a BMC function and driven from user space through resource0.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

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
printed_any() { dmesg | grep -c "DMAR: \[DMA $1 NO_PASID\] Request device"; }
since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

ktap_header
ktap_plan 16

cc -O2 -o $EDU_DMA selftests/dma/edu_dma.c || { ktap_fail "edu_dma builds"; exit 1; }
bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
devfn=$(( 0x${bdf:8:2} << 3 | ${bdf:11:1} ))
bus=$(( 0x${bdf:5:2} ))
ktap_check "bmcwatch.ko found the DMAR unit and hooked dmar_fault" \
	grep -q "hook=dmar_fault state=armed" $IOMMU
# The vector probe (interrupts on vectors nobody requested) is opt-in.
printf '[dma]\nvector_probe = yes\n' >/tmp/dma.conf
bmcw_start -c /tmp/dma.conf --bmc-device 1234:11e8 ||
	ktap_diag "daemon did not report start"
if [ -e $BMCW_PIN/dma_fault_counts ] && [ -z "$(bmcw_alerts '.rule.name == "dma.unconfined"')" ]; then
	ktap_ok "dma monitor attached; translated posture raises no dma.unconfined"
else
	ktap_fail "dma monitor attached; translated posture raises no dma.unconfined" \
		"$(tail -5 /tmp/bmcwatchd.log)"
fi

# 1. A DMA nobody mapped: edu reads IOVA 0x1000 through its empty domain.
setpci -s "$bdf" COMMAND=0x0006
# Latency: from starting the DMA to the alert's own timestamp (the test's
# polling with jq is slow under TCG and is not part of it).
f=".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.address == \"0x1000\" and .bmcwatch.extra.direction == \"read\""
t0=$(date +%s%3N)
$EDU_DMA "$bdf" read 0x1000 1
if bmcw_wait_alert dma.iommu_fault 5 "$f" &&
   ms=$(( $(date -d "$(bmcw_alerts ".rule.name == \"dma.iommu_fault\" and $f" |
		head -1 | jq -r '."@timestamp"')" +%s%3N) - t0 )) &&
   [ "$ms" -lt 2000 ]; then
	ktap_ok "dma.iommu_fault names $bdf, address 0x1000, read, within 2 s ($ms ms)"
else
	ktap_fail "dma.iommu_fault names $bdf, address 0x1000, read, within 2 s" \
		"$(bmcw_alerts '.rule.name == "dma.iommu_fault"')" "$(cat $IOMMU)"
fi
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

# 2b. Fifty faults in one second: each edu runs one DMA per 100 ms (its
# DMA engine is paced by a timer), so five edus take turns, 20 ms apart.
# With a single recording register, QEMU's VT-d drops a fault that comes
# while the kernel has not yet drained the previous one (when the guest's
# CPU is starved, or a slow console prints the kernel's fault message) and
# sets the overflow bit, as real VT-d does when all its registers are full.
# Every recorded fault must be counted by the module and by BPF, and
# faults the hardware dropped must show in the module's overflow count,
# never silently missing.
burst=$(lspci -Dn -d 1234:11e8 | awk '{ print $1 }' | grep -v "^$bdf$" | head -n 4)
burst="$bdf $(echo $burst)"
for d in $burst; do setpci -s "$d" COMMAND=0x0006; done
m0=$(pcpu_sum_all dma_fault_counts)
k0=$(kstat records)
o0=$(kstat overflow)
p0=$(printed_any Read)
secs=$($EDU_DMA burst 50 0x3000 $burst)
sleep 0.5
for ((i = 0; i < 40 && $(kstat records) < k0 + 50; i++)); do
	sleep 0.05
done
m1=$(pcpu_sum_all dma_fault_counts)
k1=$(kstat records)
o1=$(kstat overflow)
p1=$(printed_any Read)
rec=$((k1 - k0))
name="50 faults in ${secs:-?} s from $(wc -w <<<"$burst") edus: $rec recorded, all counted by module and BPF, kernel printed $((p1 - p0))"
if [ $((m1 - m0)) -eq $rec ] && [ $((p1 - p0)) -lt $rec ] &&
   { [ $rec -eq 50 ] || [ $o1 -gt $o0 ]; }; then
	ktap_ok "$name"
	[ $rec -eq 50 ] || ktap_diag "the emulated IOMMU dropped $((50 - rec)) faults (overflow flagged $((o1 - o0)) times): a starved guest CPU"
else
	ktap_fail "$name" "bpf=$((m1 - m0)) module=$rec overflow=$((o1 - o0))" "$(cat $IOMMU)"
fi
for d in $burst; do setpci -s "$d" COMMAND=0x0000; done

# 3. A rogue doorbell: the device buffer holds an MSI data word (vector
# $VECTOR, fixed delivery, primed by the test driver, which then goes), and
# with no driver bound edu DMA-writes it to 0xFEE00000. QEMU 7.2 passes
# compatibility-format messages through its interrupt remapping, so CPU 0
# takes a vector nobody requested.
insmod selftests/kmod/edu_irq/edu_irq.ko
echo $((VECTOR)) >/sys/kernel/debug/edu_irq/prime
rmmod edu_irq
setpci -s "$bdf" COMMAND=0x0006
$EDU_DMA "$bdf" write 0xfee00000 1
ktap_check "an MSI written into the interrupt window raises doorbell.unexpected_irq" \
	bmcw_wait_alert doorbell.unexpected_irq 3 \
	"(.bmcwatch.locus | test(\"vector $VECTOR\"))"
setpci -s "$bdf" COMMAND=0x0000

# 4. Interrupts of a bound driver: exact counts while the rate is learned,
# then a burst above it.
insmod selftests/kmod/edu_irq/edu_irq.ko
irq=$(cat /sys/kernel/debug/edu_irq/irq)
ikey=$(printf '%02x %02x 00 00' $((irq & 255)) $((irq >> 8)))
for ((i = 0; i < 50; i++)); do
	bpftool map lookup pinned $BMCW_PIN/dma_irq_fns key hex $ikey >/dev/null 2>&1 && break
	sleep 0.1
done
# The BAR is the driver's now (strict devmem): raise through its debugfs.
c0=$(pcpu_sum dma_irq_counts .total $ikey)
d0=$(cat /sys/kernel/debug/edu_irq/count)
for ((i = 0; i < 40; i++)); do
	echo 1 >/sys/kernel/debug/edu_irq/raise
	sleep 0.05
done
c1=$(pcpu_sum dma_irq_counts .total $ikey)
d1=$(cat /sys/kernel/debug/edu_irq/count)
if [ $((c1 - c0)) -eq 40 ] && [ $((d1 - d0)) -eq 40 ]; then
	ktap_ok "40 interrupts of irq $irq: counted exactly 40 (driver 40)"
else
	ktap_fail "40 interrupts of irq $irq: counted exactly 40 (driver 40)" \
		"bpf=$((c1 - c0)) driver=$((d1 - d0))"
fi
for ((i = 0; i < 150; i++)); do
	grep -q "irq $irq learned peak" /tmp/bmcwatchd.log && break
	sleep 0.1
done
ktap_check "no doorbell.unexpected_irq at the learned rate" \
	test -z "$(bmcw_alerts "(.bmcwatch.locus == \"irq $irq\")")"
t0=$(date +%s%N)
echo 3000 >/sys/kernel/debug/edu_irq/raise
rate=$((3000 * 1000 / ($(since "$t0") + 1)))
ktap_check "a burst ($rate/s) above the learned rate raises doorbell.unexpected_irq" \
	bmcw_wait_alert doorbell.unexpected_irq 3 \
	"(.bmcwatch.locus == \"irq $irq\") and (.message | test(\"learned rate\"))"
ktap_diag "$(grep "irq $irq learned peak" /tmp/bmcwatchd.log)"

# 4b. A baseline's traffic profile instead: learnt in its own run (2 s
# windows), then enforced per window from the start, nothing learnt then.
bmcw_stop
printf '[dma]\nvector_probe = yes\n[baseline]\nwindow_seconds = 2\n' >/tmp/dma-base.conf
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
bmcw_start -c /tmp/dma-base.conf --bmc-device 1234:11e8 --baseline /tmp/dma-baseline.json
raise_slowly 3
ktap_check "baseline: no doorbell.unexpected_irq at the learnt rate" \
	test -z "$(bmcw_alerts "(.bmcwatch.locus == \"irq $irq\")")"
echo 3000 >/sys/kernel/debug/edu_irq/raise
ktap_check "baseline: a burst above the learnt largest window x 4 raises doorbell.unexpected_irq" \
	bmcw_wait_alert doorbell.unexpected_irq 5 \
	"(.bmcwatch.locus == \"irq $irq\") and (.message | test(\"baseline: at most $learnt per window\"))"
ktap_diag "$(bmcw_alerts "(.bmcwatch.locus == \"irq $irq\")" | jq -r .message)"
rmmod edu_irq

# 5. edu's group in an identity domain: dma.unconfined at load.
grp=$(basename "$(readlink /sys/bus/pci/devices/$bdf/iommu_group)")
bmcw_stop
if echo identity >/sys/kernel/iommu_groups/$grp/type; then
	bmcw_start -c /tmp/dma.conf --bmc-device 1234:11e8
	ktap_check "identity domain raises dma.unconfined at load" \
		bmcw_wait_alert dma.unconfined 5 \
		".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.domain == \"identity\""
	bmcw_stop
	echo DMA-FQ >/sys/kernel/iommu_groups/$grp/type
else
	ktap_fail "identity domain raises dma.unconfined at load" "cannot set group type"
fi

# 6. AER: a corrected error injected on the root port above the second edu.
bmcw_start --bmc-device 1234:11e8
# the edu behind a root port (the others sit on the root bus)
for edu2 in $(lspci -Dn -d 1234:11e8 | awk '{ print $1 }'); do
	rp=$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$edu2")")")
	[ "${rp#pci}" = "$rp" ] && break
done
if modprobe aer_inject 2>/dev/null && [ -c /dev/aer_inject ]; then
	python3 - "$rp" <<'PY'
import struct, sys
dom, b, df = sys.argv[1].split(":")
d, f = df.split(".")
# struct aer_error_inj: bus dev fn, uncor_status cor_status, header_log0-3,
# domain (drivers/pci/pcie/aer_inject.c)
rec = struct.pack("=BBBxIIIIIII", int(b, 16), int(d, 16), int(f),
                  0, 0x1, 0, 0, 0, 0, int(dom, 16))
with open("/dev/aer_inject", "wb", buffering=0) as fh:
    fh.write(rec)
PY
	ktap_check "an AER error on a BMC function's root port raises pcie.aer_error" \
		bmcw_wait_alert pcie.aer_error 5 ".bmcwatch.device.bdf == \"$rp\""
else
	ktap_fail "an AER error on a BMC function's root port raises pcie.aer_error" \
		"no aer_inject"
fi
bmcw_stop
rmmod aer_inject 2>/dev/null
ktap_check "no hook of the dma monitor failed" \
	test -z "$(bmcw_alerts '.rule.name == "health.hook_failed" and (.message | test("dma monitor"))')"
ktap_finish
