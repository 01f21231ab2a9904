# SPDX-License-Identifier: GPL-2.0
# A PCI function appears at run time (an implant, or a BMC exposing a new
# function to the host).
SCEN_TITLE="a PCI device hot-added at run time"
SCEN_RULE="pcie.device_added"
SCEN_FILTER='.bmcwatch.device.vendor == "1234" and .bmcwatch.device.bdf != env.EDU'
scen_run() { bmcw_host_do "add-$$"; }
scen_undo() {
	bmcw_host_do "del-$$"
	# wait until it is gone so later scenarios see one edu only
	for _ in $(seq 1 100); do
		[ "$(lspci -d 1234:11e8 | wc -l)" -le 1 ] && return 0
		sleep 0.1
	done
}
