#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs guest.sh in the emulated host with edu able to address the interrupt
# window (dma_mask 32 bits), a second edu behind root port rp2, so that
# an AER error can be injected on a BMC function's root port, and four more
# on the root bus. Then burst.sh (fifty DMA faults in one second from five
# edus) in an emulated host whose clock counts instructions (-icount, one
# vCPU), so that the host's load cannot bunch up the faults, amd.sh
# with an AMD IOMMU instead of VT-d, and unowned.sh (who rang a vector no
# handler owns, and how many) with interrupt remapping and without.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/boots.sh
edus=(--qemu-arg -device --qemu-arg edu,id=edu3
	--qemu-arg -device --qemu-arg edu,id=edu4
	--qemu-arg -device --qemu-arg edu,id=edu5
	--qemu-arg -device --qemu-arg edu,id=edu6)
# QEMU 10.0's amd-iommu hangs the guest at its first virtio request (the
# 9p mount of the root), whether the guest's AMD-Vi driver is on or off and
# with the device's intremap=off or pt=off (10.0.2 of bookworm-backports,
# 2026-12-07): that emulator cannot run the AMD-Vi boot, which QEMU 7.2
# runs. Any other version runs it.
qemu_ver=$("${BMCW_QEMU:-qemu-system-x86_64}" --version |
	sed -nE '1s/^QEMU emulator version ([0-9]+\.[0-9]+).*/\1/p')
amd_plan=$(boot_plan selftests/dma/amd.sh)
[[ $qemu_ver == 10.0 ]] && amd_plan=1
boots_begin $(($(boot_plan selftests/dma/guest.sh) +
	$(boot_plan selftests/dma/burst.sh) + amd_plan +
	2 * $(boot_plan selftests/dma/unowned.sh)))
# One vCPU here: with two in one QEMU thread, an edu interrupt raised on
# one vCPU for the other can wait over a second (edu_irq's raise times
# out), and the checks below count interrupts exactly; with a thread per
# vCPU, QEMU 7.2 can run a stale translation of kernel text another vCPU
# patched (an int3 Oops in __schedule once in the 6.12 lane).
BMCW_EDU_PROPS=dma_mask=0xffffffff boot_run vtd --smp 1 --timeout 400 \
	--qemu-arg -device --qemu-arg edu,bus=rp2,id=edu2 "${edus[@]}" \
	-- selftests/dma/guest.sh
boot_run burst --timeout 200 --smp 1 \
	--qemu-arg -icount --qemu-arg shift=0,sleep=off "${edus[@]}" \
	-- selftests/dma/burst.sh
if [[ $qemu_ver == 10.0 ]]; then
	boot_skip amd "QEMU 10.0's amd-iommu hangs the guest at its first virtio request"
else
	boot_run amd --timeout 200 --iommu amd -- selftests/dma/amd.sh
fi
# Who rang an unowned vector, with interrupt remapping and without it.
boot_run unowned-ir --timeout 300 --qemu-arg -device --qemu-arg edu,id=edu3 \
	-- selftests/dma/unowned.sh
boot_run unowned-noir --timeout 300 --append intremap=off \
	--qemu-arg -device --qemu-arg edu,id=edu3 -- selftests/dma/unowned.sh
boots_end
