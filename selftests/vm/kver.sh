#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel version the VM tests boot: $BMCW_KVER if set, else the
# newest /boot/vmlinuz-VER whose modules are installed in /lib/modules/VER.
set -euo pipefail

if [[ -n ${BMCW_KVER:-} ]]; then
	echo "$BMCW_KVER"
	exit 0
fi
best=
for img in /boot/vmlinuz-*; do
	[[ -e $img ]] || continue
	ver=${img#/boot/vmlinuz-}
	[[ -d /lib/modules/$ver/kernel ]] && best+="$ver"$'\n'
done
ver=$(printf '%s' "$best" | sort -V | tail -n 1)
if [[ -z $ver ]]; then
	echo "vm/kver: no /boot/vmlinuz-* with modules in /lib/modules" >&2
	exit 1
fi
echo "$ver"
