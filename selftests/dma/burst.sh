#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IOMMU faults in bulk, in an emulated host whose clock counts instructions
# (host.sh boots it with QEMU's -icount): fifty faults in one second, all
# counted though the kernel prints a few, and faults the IOMMU itself
# dropped reported as such. Prints KTAP.
#
# Why instruction counting: QEMU's VT-d has one fault recording register
# and drops a fault that arrives while the previous one is still recorded
# (Primary Fault Overflow), as real VT-d does when all its registers are
# full. edu records its fault 100 ms of guest time after the DMA started.
# With the wall clock as guest time, a host that does not run this guest
# for a few tens of ms (other VMs on the machine) lets several edu timers
# expire at once, so their faults collide whatever the guest does. With
# the guest's time made of its own instructions, faults land exactly as
# paced, and the kernel's handler runs between them.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

TOP=$PWD
EDU_DMA=/tmp/edu_dma
IOMMU=/sys/kernel/debug/bmcwatch/iommu
N=50

kstat() { grep -o "\b$1=[0-9]*" "$IOMMU" | cut -d= -f2; }
printed() { dmesg | grep -c "DMAR: \[DMA Read NO_PASID\] Request device"; }
# every value of the pinned per-CPU fault counter map, summed
bpf_faults() {
	bpftool -j map dump pinned "$BMCW_PIN/dma_fault_counts" 2>/dev/null |
		jq '[.[].formatted.values[].value] | add // 0'
}
# wait_records N: the module has read N records in all (at most 5 s)
wait_records() {
	local i
	for ((i = 0; i < 50 * ${BMCW_TIMEOUT_SCALE:-1}; i++)); do
		[ "$(kstat records)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
iommu_lost() {
	"$TOP/userspace/bmcwatch" status --json 2>/dev/null |
		jq -r '[.losses[]? | select(.hop == "iommu") | .lost] | add // 0'
}

ktap_header
ktap_plan 3

cc -O2 -o $EDU_DMA selftests/dma/edu_dma.c || { ktap_fail "edu_dma builds"; exit 1; }
bmcw_load || { ktap_fail "module loads"; exit 1; }
bmcw_start --bmc-device 1234:11e8 || ktap_diag "daemon did not report start"
edus=$(lspci -Dn -d 1234:11e8 | awk '{ print $1 }' | head -n 5)
for d in $edus; do setpci -s "$d" COMMAND=0x0006; done
ktap_diag "edus: $(echo $edus)"

# 1. Fifty faults in one second: each edu runs one DMA per 100 ms, so five
# take turns, started 20 ms apart and each re-armed when its previous DMA
# is done. None may be dropped by the IOMMU (the handler has 20 ms), and
# bmcwatch must count each, though the kernel's ratelimit prints a few.
m0=$(bpf_faults) k0=$(kstat records) o0=$(kstat overflow) p0=$(printed)
out=$($EDU_DMA burst $N 0x3000 $edus)
read -r span gap <<<"$out"
wait_records $((k0 + N))
m1=$(bpf_faults) k1=$(kstat records) o1=$(kstat overflow) p1=$(printed)
rec=$((k1 - k0)) bpf=$((m1 - m0)) ovf=$((o1 - o0)) pr=$((p1 - p0))
name="$N faults in ${span:-?} s (starts at least ${gap:-?} ms apart): $rec recorded, $bpf counted by BPF, kernel printed $pr"
if [ $rec -eq $N ] && [ $bpf -eq $N ] && [ $ovf -eq 0 ] && [ $pr -lt $N ] &&
   awk -v s="${span:-9}" 'BEGIN { exit !(s <= 1.0) }'; then
	ktap_ok "$name"
else
	ktap_fail "$name" "module=$rec bpf=$bpf overflow=$ovf" "$(cat $IOMMU)"
fi

# 2. The five edus started at the same instant: their faults reach the
# IOMMU together, it records the first and drops the others. What it
# recorded is counted; what it dropped shows as an overflow in the module
# and as "faults lost in the IOMMU itself" in the daemon's status.
m0=$(bpf_faults) k0=$(kstat records) o0=$(kstat overflow) l0=$(iommu_lost)
$EDU_DMA flood 1 0x3000 $edus
wait_records $((k0 + 1))
sleep 0.5		# 5 x 100 ms of DMA: every fault there is, is in
m1=$(bpf_faults) k1=$(kstat records) o1=$(kstat overflow)
rec=$((k1 - k0)) bpf=$((m1 - m0)) ovf=$((o1 - o0))
name="5 DMAs at once: the IOMMU recorded $rec, all counted ($bpf by BPF), dropped the rest ($ovf overflow)"
if [ $rec -lt 5 ] && [ $bpf -eq $rec ] && [ $ovf -ge 1 ]; then
	ktap_ok "$name"
else
	ktap_fail "$name" "module=$rec bpf=$bpf overflow=$ovf" "$(cat $IOMMU)"
fi
for ((i = 0; i < 50 * ${BMCW_TIMEOUT_SCALE:-1}; i++)); do
	[ "$(iommu_lost)" -ge $((l0 + ovf)) ] && break
	sleep 0.1
done
lost=$(iommu_lost)
if [ $ovf -ge 1 ] && [ $((lost - l0)) -eq $ovf ] &&
   bmcw_wait_alert health.events_lost 5 \
	'.bmcwatch.extra.hop == "iommu" and (.message | test("lost in the IOMMU itself"))'; then
	ktap_ok "the daemon reports $((lost - l0)) overflow(s) as faults lost in the IOMMU itself (status and alert)"
else
	ktap_fail "the daemon reports the overflow as faults lost in the IOMMU itself" \
		"status: $("$TOP/userspace/bmcwatch" status --json 2>/dev/null | jq -c .losses)" \
		"$(bmcw_alerts '.rule.name == "health.events_lost"')"
fi
for d in $edus; do setpci -s "$d" COMMAND=0x0000; done
bmcw_stop
ktap_finish
