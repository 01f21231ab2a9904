#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Write vmlinux.h (BTF types of the target kernel, for CO-RE) to stdout.
# Usage: gen-vmlinux-h.sh KERNEL-IMAGE
#        gen-vmlinux-h.sh --elf KERNEL-IMAGE   the decompressed vmlinux ELF
#                                              instead (scripts/kernel/symbols.sh)
#
# Debian's linux-headers do not ship vmlinux, so the BTF comes from the
# packaged bzImage: find the compressed payload by its magic, decompress it
# and let bpftool dump the .BTF section as C.
set -eu
elf=
if [ "$1" = --elf ]; then
	elf=1
	shift
fi
img=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# offset of the first occurrence of a byte sequence (octal escapes)
find_magic() {
	LC_ALL=C grep -obUaP "$1" "$img" 2>/dev/null | head -n 1 | cut -d: -f1
}

try() { # name magic decompress-command
	off=$(find_magic "$2") || true
	[ -n "$off" ] || return 1
	tail -c +$((off + 1)) "$img" | $3 >"$tmp/vmlinux" 2>/dev/null || true
	# a decompressor stops at trailing garbage; what it wrote is the ELF
	[ -s "$tmp/vmlinux" ] && head -c 4 "$tmp/vmlinux" | grep -q ELF
}

if head -c 4 "$img" | grep -q ELF; then
	cp "$img" "$tmp/vmlinux"
elif try xz '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' ||
     try zstd '\x28\xb5\x2f\xfd' 'zstd -dc' ||
     try gzip '\x1f\x8b\x08' 'gzip -dc'; then
	:
else
	echo "gen-vmlinux-h: cannot find a kernel payload in $img" >&2
	exit 1
fi
if [ -n "$elf" ]; then
	cat "$tmp/vmlinux"
	exit 0
fi
bpftool btf dump file "$tmp/vmlinux" format c
