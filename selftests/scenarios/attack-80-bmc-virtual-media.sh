# SPDX-License-Identifier: GPL-2.0
# The BMC inserts virtual media: a disk the host may read or boot from,
# presented on the BMC's internal USB port (port 1 of the emulated host's
# xHCI controller, declared the BMC's).
SCEN_TITLE="the BMC inserts virtual media"
SCEN_RULE="usb.bmc_device_added"
scen_prepare() { bmcw_usb_bmc_port; }
scen_run() { bmcw_host_do usbadd-storage-evmedia-1; }
scen_match() {
	echo '.bmcwatch.extra.usb_role == "virtual media" and (.bmcwatch.extra.usb_interfaces | startswith("mass storage"))'
}
scen_undo() { bmcw_host_do usbdel-evmedia; }
