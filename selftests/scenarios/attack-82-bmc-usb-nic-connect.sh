# SPDX-License-Identifier: GPL-2.0
# The BMC connects to a host service over its USB network interface (the
# Redfish Host Interface), which exists for the host to reach the BMC:
# its NIC on the BMC's internal USB port (1), the connection opened from
# the BMC's side of the link to the host's port 22.
SCEN_TITLE="the BMC connects to the host's ssh over its USB NIC"
SCEN_RULE="usb.bmc_initiated_connection"
scen_prepare() {
	# shellcheck disable=SC1091 # written by selftests/eval/host.sh
	. "$BMCW_VM_OUT/ports" && bmcw_usb_bmc_port &&
		bmcw_host_do usbadd-net-bmcnic-1 &&
		SCEN_NIC=$(bmcw_usb_nic 1 169.254.95.15) &&
		bmcw_wait_for 20 bmcw_usbnet_watched "$SCEN_NIC"
}
scen_run() { bmcw_host_do "tcp-$BMC_SSH"; }
scen_match() {
	echo ".bmcwatch.extra.interface == \"$SCEN_NIC\" and .bmcwatch.extra.host_port == \"22\" and (.bmcwatch.extra.bmc_endpoint | startswith(\"169.254.95.1:\"))"
}
scen_undo() { bmcw_host_do usbdel-bmcnic; }
