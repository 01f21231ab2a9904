#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs guest.sh in the emulated host with edu able to address the interrupt
# window (dma_mask 32 bits), a second edu behind root port rp2, so that
# an AER error can be injected on a BMC function's root port, and four more
# on the root bus, so that fifty DMA faults fit in one second.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
BMCW_EDU_PROPS=dma_mask=0xffffffff selftests/vm/run --timeout 400 \
	--qemu-arg -device --qemu-arg edu,bus=rp2,id=edu2 \
	--qemu-arg -device --qemu-arg edu,id=edu3 \
	--qemu-arg -device --qemu-arg edu,id=edu4 \
	--qemu-arg -device --qemu-arg edu,id=edu5 \
	--qemu-arg -device --qemu-arg edu,id=edu6 \
	-- selftests/dma/guest.sh
