# SPDX-License-Identifier: GPL-2.0
# The BMC types on the host's console through its virtual keyboard, with
# no remote-console session declared: the keyboard sits on the BMC's
# internal USB port (port 1 of the emulated host's xHCI controller).
SCEN_TITLE="the BMC types on the host's console"
SCEN_RULE="usb.bmc_input"
scen_prepare() {
	bmcw_usb_bmc_port && echo 0 >/sys/kernel/bmcwatch/console_session &&
		bmcw_host_do usbadd-kbd-evkbd-1 &&
		bmcw_wait_alert usb.bmc_device_added 20 \
			'.bmcwatch.extra.usb_role == "virtual keyboard/mouse"'
}
scen_run() { bmcw_host_do keys-3; }
scen_match() {
	echo '.bmcwatch.extra.usb_id == "0627:0001" and .bmcwatch.extra.session == "none" and (.bmcwatch.extra.keys | tonumber) >= 1'
}
scen_undo() { bmcw_host_do usbdel-evkbd; }
