#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The BMC's USB network interface end to end: boots the emulated host
# with two QEMU usb-net devices on its qemu-xhci controller, each backed
# by a user-mode network of its own that reaches nothing but what is
# forwarded (restrict=on): port 1, declared the BMC's by guest.sh, with
# 169.254.95.0/24, the "BMC" answering HTTPS at 169.254.95.2 (a fixed
# reply) and two host ports forwarded from 127.0.0.1 here into the guest,
# whose connections come from 169.254.95.1 (the network's own address);
# port 2, an ordinary USB NIC, with 169.254.96.0/24 and one forwarded
# port. guest.sh asks for connections from the BMC's side ("tcp-PORT":
# this side connects to the forwarded port, the user-mode network opens
# the connection into the guest). No packet leaves this machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/vmhost.sh
. selftests/lib/bmchost.sh
work=$(mktemp -d)
trap 'kill "$vm" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/out"

ssh_fwd=$(free_port)
web_fwd=$(free_port)
other_fwd=$(free_port)
# the guest reads them from the shared output directory
printf 'BMC_SSH=%s\nBMC_WEB=%s\nOTHER_SSH=%s\n' "$ssh_fwd" "$web_fwd" \
	"$other_fwd" >"$work/out/ports"

bmcnet="user,id=bmcnet,restrict=on,net=169.254.95.0/24,host=169.254.95.1"
bmcnet+=",hostfwd=tcp:127.0.0.1:$ssh_fwd-169.254.95.15:22"
bmcnet+=",hostfwd=tcp:127.0.0.1:$web_fwd-169.254.95.15:8080"
bmcnet+=",guestfwd=tcp:169.254.95.2:443-cmd:echo redfish"
othnet="user,id=othnet,restrict=on,net=169.254.96.0/24,host=169.254.96.1"
othnet+=",hostfwd=tcp:127.0.0.1:$other_fwd-169.254.96.15:22"

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 400 \
	--qemu-arg -device --qemu-arg qemu-xhci,id=xhci \
	--qemu-arg -netdev --qemu-arg "$bmcnet" \
	--qemu-arg -device --qemu-arg usb-net,netdev=bmcnet,bus=xhci.0,port=1,id=bmcnic \
	--qemu-arg -netdev --qemu-arg "$othnet" \
	--qemu-arg -device --qemu-arg usb-net,netdev=othnet,bus=xhci.0,port=2,id=othnic \
	-- selftests/usbnet/guest.sh &
vm=$!
vmhost_serve "$work/qmp.sock" "$work/out" "$vm" &
wait "$vm"
