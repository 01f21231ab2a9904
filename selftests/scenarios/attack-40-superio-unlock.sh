# SPDX-License-Identifier: GPL-2.0
# The ASPEED SuperIO is unlocked through /dev/port and the iLPC2AHB logical
# device selected: the door into the BMC's own memory (culvert's path).
SCEN_TITLE="SuperIO unlock, iLPC2AHB selected"
SCEN_RULE="lpc.superio_unlock"
scen_run() {
	selftests/lpc/devport w 0x2e 0xa5 0xa5 &&
		selftests/lpc/devport w 0x2e 0x07 &&
		selftests/lpc/devport w 0x2f 0x0d
}
scen_undo() { selftests/lpc/devport w 0x2e 0xaa; }
