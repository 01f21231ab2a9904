# SPDX-License-Identifier: GPL-2.0
# A declared session on the BMC's USB keyboard; the same devices on another port
# The operator declares a remote-console session, the BMC attaches its
# keyboard on its port (1) and someone types; a keyboard and a disk on
# another port (2) come, are used and go. Nothing of it is loud: the
# BMC's keyboard in a session is recorded at info, the other port's
# devices are not the BMC's. Where the module was loaded without the
# BMC's port (a deployed unit), port 1 is an ordinary port too.
benign_run() {
	local bmc=0
	modprobe -a -q xhci_pci usbhid hid_generic usb_storage || return 1
	[ "$(cat /sys/kernel/bmcwatch/usb_bmc_devices)" = "$(bmcw_usb_bmc_entry)" ] && bmc=1
	echo 120 >/sys/kernel/bmcwatch/console_session || return 1
	bmcw_host_do usbadd-kbd-benkbd-1 || return 1
	if [ $bmc = 1 ]; then
		bmcw_wait_alert usb.bmc_console_attached 20 || return 1
	fi
	bmcw_host_do keys-3-benign || return 1
	if [ $bmc = 1 ]; then
		bmcw_wait_alert usb.bmc_input_session 10 || return 1
	fi
	bmcw_host_do usbdel-benkbd || return 1
	echo 0 >/sys/kernel/bmcwatch/console_session
	bmcw_host_do usbadd-kbd-benokbd-2 || return 1
	bmcw_host_do keys-2-benign || return 1
	bmcw_host_do usbdel-benokbd || return 1
	bmcw_host_do usbadd-storage-benmedia-2 || return 1
	sleep 2
	bmcw_host_do usbdel-benmedia
}
