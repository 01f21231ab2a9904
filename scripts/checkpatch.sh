#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl --strict on our kernel sources. It ships in
# Debian's linux-source-6.1 tarball; extract just it (and its data files)
# once into .build/.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.build/checkpatch
if [[ ! -x $dir/scripts/checkpatch.pl ]]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
cp=(perl "$dir/scripts/checkpatch.pl" --strict --no-tree --quiet -f)
trace=() names=() compat=() usb=() other=()
for f in "$@"; do
	case $f in
	*_trace.h) trace+=("$f") ;;
	*_names.h) names+=("$f") ;;
	*/compat.h) compat+=("$f") ;;
	*/usb_*.c) usb+=("$f") ;;
	*) other+=("$f") ;;
	esac
done
rc=0
((${#other[@]} == 0)) || "${cp[@]}" "${other[@]}" || rc=1
# X-macro tables (bmcwatch_names.h) are lists of invocations of their
# argument by design: not one value to parenthesize, and X is meant to be
# used once per row.
((${#names[@]} == 0)) ||
	"${cp[@]}" --ignore COMPLEX_MACRO,MACRO_ARG_REUSE "${names[@]}" || rc=1
# compat.h is the one place that tests kernel versions (it is what the
# rule asks for: no version tests in the code itself).
((${#compat[@]} == 0)) ||
	"${cp[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON "${compat[@]}" || rc=1
# USB descriptor fields keep the USB specification's names (idVendor,
# bInterfaceClass), as the kernel's own struct usb_device_descriptor does.
((${#usb[@]} == 0)) ||
	"${cp[@]}" --ignore CAMELCASE "${usb[@]}" || rc=1
# Trace headers follow the TRACE_EVENT() layout, which checkpatch misreads
# as open-ended lines and misaligned arguments.
((${#trace[@]} == 0)) ||
	"${cp[@]}" --ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT "${trace[@]}" || rc=1
exit $rc
