# SPDX-License-Identifier: GPL-2.0
# Bus mastering turned on for a BMC function that has no driver: the first
# step of any DMA attack from (or through) the BMC.
SCEN_TITLE="bus mastering turned on for a BMC function"
SCEN_RULE="dma.bus_master_enabled"
scen_run() { scen_bg setpci -s "$EDU" COMMAND=0x0006; }
# the config write's alert (not the posture scan's): edu, our setpci, the
# command register
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .process.pid == $SCEN_PID and
	      (.bmcwatch.locus | startswith(\"cfg 0x004/\"))"
}
scen_undo() { setpci -s "$EDU" COMMAND=0x0000; }
