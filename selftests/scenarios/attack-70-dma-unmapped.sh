# SPDX-License-Identifier: GPL-2.0
# A BMC function, no driver bound, reads host memory at an address nobody
# mapped for it: the IOMMU blocks the DMA and records a fault.
SCEN_TITLE="a BMC function DMAs to memory nobody mapped"
SCEN_RULE="dma.iommu_fault"
scen_prepare() { cc -O2 -o /tmp/edu_dma selftests/dma/edu_dma.c; }
scen_run() {
	setpci -s "$EDU" COMMAND=0x0006 && /tmp/edu_dma "$EDU" read 0x1000 1
}
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .bmcwatch.extra.address == \"0x1000\" and
	      .bmcwatch.extra.direction == \"read\""
}
scen_undo() { setpci -s "$EDU" COMMAND=0x0000; }
