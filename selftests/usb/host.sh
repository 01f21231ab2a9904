#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The USB monitor end to end: boots the emulated host with a qemu-xhci
# controller (no device on it) and a read-only disk image for virtual
# media, runs guest.sh there and serves its requests over QMP: USB
# keyboards and virtual media hot-plugged on the port guest.sh declares
# the BMC's (1) or another (2), and keystrokes (selftests/lib/vmhost.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/vmhost.sh
work=$(mktemp -d)
trap 'kill "$vm" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/out"
truncate -s 4M "$work/media.img"
# a filesystem on it, which the guest mounts
mkfs.ext2 -q -F "$work/media.img"
export VMHOST_USB_MEDIA=$work/media.img

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 700 \
	--qemu-arg -device --qemu-arg qemu-xhci,id=xhci \
	-- selftests/usb/guest.sh &
vm=$!
vmhost_serve "$work/qmp.sock" "$work/out" "$vm" &
wait "$vm"
