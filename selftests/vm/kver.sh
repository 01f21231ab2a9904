#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel version the VM tests boot: $BMCW_KVER if set, else the
# newest /boot/vmlinuz-VER whose modules are installed in /lib/modules/VER,
# preferring the plain flavour: a PREEMPT_RT (-rt-) or debug kernel installed
# for a test lane is only picked by name, or when it is the only one.
# With BMCW_KERNEL_DIR=ROOT both paths are under ROOT (a kernel built out of
# tree, as by `make check-debug`).
set -euo pipefail

if [[ -n ${BMCW_KVER:-} ]]; then
	echo "$BMCW_KVER"
	exit 0
fi
root=${BMCW_KERNEL_DIR:-}
best=
for img in "$root"/boot/vmlinuz-*; do
	[[ -e $img ]] || continue
	ver=${img#"$root"/boot/vmlinuz-}
	[[ -d $root/lib/modules/$ver/kernel ]] && best+="$ver"$'\n'
done
ver=$(printf '%s' "$best" | sort -V | awk '
	/(^|-)(rt|debug|dbg)(-|$)/ { special = $0; next }
	{ plain = $0 }
	END { print (plain != "" ? plain : special) }')
if [[ -z $ver ]]; then
	echo "vm/kver: no $root/boot/vmlinuz-* with modules in $root/lib/modules" >&2
	exit 1
fi
echo "$ver"
