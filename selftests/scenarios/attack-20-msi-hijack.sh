# SPDX-License-Identifier: GPL-2.0
# The MSI address of a BMC function is pointed outside the interrupt window:
# its "interrupts" become DMA writes wherever the attacker chose.
SCEN_TITLE="MSI address hijack on a BMC function"
SCEN_RULE="pcie.msi_hijack"
scen_run() { scen_bg setpci -s "$EDU" CAP_MSI+4.L=0x7ff00000; }
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .process.pid == $SCEN_PID and
	      .bmcwatch.extra.value == \"0x7ff00000\""
}
scen_undo() { setpci -s "$EDU" CAP_MSI+4.L=0x00000000; }
