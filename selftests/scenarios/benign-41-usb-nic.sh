# SPDX-License-Identifier: GPL-2.0
# A USB NIC on an ordinary port, used both ways
# A USB network interface that is not the BMC's (port 2): a host process
# talks to the service behind it and a connection comes in from its side.
# Not the BMC's: not watched, nothing raised.
benign_run() {
	local nic reply
	# shellcheck disable=SC1091 # written by selftests/eval/host.sh
	. "$BMCW_VM_OUT/ports" || return 1
	bmcw_host_do usbadd-net-othnic-2 || return 1
	nic=$(bmcw_usb_nic 2 169.254.96.15) || return 1
	reply=$(python3 -c '
import socket
s = socket.create_connection(("169.254.96.2", 443), timeout=10)
print(s.recv(64).decode().strip())') || return 1
	[ "$reply" = redfish ] || return 1
	bmcw_host_do "tcp-$OTHER_SSH" || return 1
	bmcw_host_do usbdel-othnic
}
