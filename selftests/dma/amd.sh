#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IOMMU faults on an AMD-Vi host (host.sh boots QEMU's amd-iommu). Prints
# KTAP. On Debian's 6.1 amd_iommu_report_page_fault() is inlined, so
# bmcwatch.ko takes the AMD driver's DMA faults from the tracepoint
# iommu:io_page_fault, which report_iommu_fault() fires for each of them.
#
# QEMU 7.2's AMD IOMMU never delivers an IO_PAGE_FAULT for a DMA to an
# unmapped IOVA: its page walk stops without logging when it reads a zero
# page table entry (the translation just fails), and an event it does log
# never reaches Linux (it leaves the event log tail register as it was and
# sets the completion-wait status bit, not the event log one). So the
# fault is reported here the way the AMD driver reports it, through
# report_iommu_fault() for edu in its own DMA domain (bmcw_test.ko).
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/dma/lib.sh

IOMMU=/sys/kernel/debug/bmcwatch/iommu
FAULT=/sys/kernel/debug/bmcw_test/iommu_fault
kstat() { grep -o "\b$1=[0-9]*" "$IOMMU" | cut -d= -f2; }

ktap_header
ktap_plan 4

bmcw_load || { ktap_fail "module loads"; exit 1; }
insmod selftests/kmod/bmcw_test/bmcw_test.ko || { ktap_fail "bmcw_test loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
ktap_diag "$(dmesg | grep -m1 "AMD-Vi: Interrupt remapping\|AMD-Vi: AMD IOMMUv2")"
HOOKS=/sys/kernel/debug/bmcwatch/hooks
if grep -q "^hook=dma/io_page_fault state=placed" $HOOKS &&
   ! grep -q "^hook=dma/.* state=failed" $HOOKS && [ -d /sys/class/iommu/ivhd0 ]; then
	ktap_ok "AMD-Vi translates; bmcwatch.ko hooked iommu:io_page_fault"
else
	ktap_fail "AMD-Vi translates; bmcwatch.ko hooked iommu:io_page_fault" \
		"$(grep '^hook=dma/' $HOOKS)" "$(ls /sys/class/iommu)"
fi
bmcw_start --bmc-device 1234:11e8 || ktap_diag "daemon did not report start"

# What the emulated AMD IOMMU does with a DMA nobody mapped: nothing the
# kernel sees (see above); said, not tested.
k0=$(kstat records)
setpci -s "$bdf" COMMAND=0x0006
cc -O2 -o /tmp/edu_dma selftests/dma/edu_dma.c && /tmp/edu_dma "$bdf" read 0x1000 1
setpci -s "$bdf" COMMAND=0x0000
sleep 0.5
ktap_diag "edu DMA to unmapped 0x1000: $(dmesg | grep -c IO_PAGE_FAULT) IO_PAGE_FAULT lines, $(($(kstat records) - k0)) records"

f=".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.address == \"0x5000\" and .bmcwatch.extra.direction == \"read\" and .bmcwatch.extra.iommu == \"amdvi0\""
fault_within "AMD-Vi: dma.iommu_fault names $bdf, address 0x5000, read, amdvi0," "$f" \
	sh -c "echo '$bdf 0x5000 read' >$FAULT"
echo "$bdf 0x6000 write" >$FAULT
ktap_check "AMD-Vi: a DMA write fault says write" bmcw_wait_alert dma.iommu_fault 5 \
	".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.extra.address == \"0x6000\" and .bmcwatch.extra.direction == \"write\""
ktap_check "AMD-Vi: no hook of the dma monitor failed" \
	bmcw_no_alerts '.rule.name == "health.hook_failed" and (.message | test("dma monitor|iommu|amd"))'
bmcw_stop
rmmod bmcw_test
ktap_finish
