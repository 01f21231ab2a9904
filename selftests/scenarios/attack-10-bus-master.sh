# SPDX-License-Identifier: GPL-2.0
# Bus mastering turned on for a BMC function that has no driver: the first
# step of any DMA attack from (or through) the BMC.
SCEN_TITLE="bus mastering turned on for a BMC function"
SCEN_RULE="dma.bus_master_enabled"
SCEN_FILTER='.bmcwatch.device.bdf == env.EDU'
scen_run() { setpci -s "$EDU" COMMAND=0x0006; }
scen_undo() { setpci -s "$EDU" COMMAND=0x0000; }
