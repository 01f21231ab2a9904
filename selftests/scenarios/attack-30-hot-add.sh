# SPDX-License-Identifier: GPL-2.0
# A PCI function appears at run time (an implant, or a BMC exposing a new
# function to the host).
SCEN_TITLE="a PCI device hot-added at run time"
SCEN_RULE="pcie.device_added"
edus() { lspci -D -d 1234:11e8 | awk '{ print $1 }'; }
# The attack ran when the host added the device and it showed up: its
# address is then in HP_BDF.
scen_run() {
	local before i
	before=$(edus)
	bmcw_host_do "add-$$" || return 1
	for ((i = 0; i < 100; i++)); do
		HP_BDF=$(edus | grep -vxF -e "$before" | head -n 1)
		[ -n "$HP_BDF" ] && return 0
		sleep 0.1
	done
	echo "no new edu device after the hot-add"
	return 1
}
scen_match() {
	echo ".bmcwatch.device.bdf == \"$HP_BDF\" and .bmcwatch.device.vendor == \"1234\" and
	      .bmcwatch.device.device == \"11e8\""
}
scen_undo() {
	bmcw_host_do "del-$$"
	# wait until it is gone so later scenarios see one edu only
	for _ in $(seq 1 100); do
		[ "$(lspci -d 1234:11e8 | wc -l)" -le 1 ] && return 0
		sleep 0.1
	done
}
