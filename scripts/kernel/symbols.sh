#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which of the kernel functions and tracepoints bmcwatch hooks a kernel
# has, without booting it: one line per hook point and kernel; a hook
# with names on several kernels ("pci_read_resource_io|pci_read_resource")
# is found if any is, and says which (vmlinux:pci_read_resource).
#   scripts/kernel/symbols.sh [NAME...]   6.1 (this machine's) and/or names
#                                         of scripts/kernel/matrix (fetched)
# Debian ships no System.map (the image's is a stub pointing at the -dbg
# package), so the built-in functions are looked up in the image's BTF
# (every function with an out-of-line body and one prototype: an inlined
# one, which no kprobe can take either, is absent) and the modules'
# functions in the modules' symbol tables.  The hook points are read from
# kmod/ (BMCW_KPROBE, BMCW_KRETPROBE, LPC_KRP, .syms; not pci_bus_ops, a
# pointer swap, nor nmi_unknown, an NMI handler type) and bpf/ (SEC).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
if ((! $#)); then
	mapfile -t names < <(echo 6.1; scripts/kernel/fetch.sh --list)
	set -- "${names[@]}"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# kprobes and the tracepoints of the module's own hook tables, one hook a
# line: its names on the kernels it knows ("old|new", from .syms), any of
# which will do
mapfile -t ksyms < <(grep -hoE '(BMCW_KRETPROBE|BMCW_KPROBE|LPC_KRP)\(([A-Z]+, *)?"[a-zA-Z_0-9]+"|\.syms = \{[^}]*\}' kmod/*.c |
	while IFS= read -r m; do
		grep -oE '"[a-zA-Z_0-9]+"' <<<"$m" | tr -d '"' | paste -sd '|'
	done | grep -vxE "pci_bus_ops|nmi_unknown" | sort -u |
	# a table row kept for builds that cannot name the new one (#else)
	awk -F'|' '{ row[NR] = $0; if (NF > 1) multi[$1] = 1 }
		END { for (i = 1; i <= NR; i++) if (row[i] ~ /\|/ || !(row[i] in multi)) print row[i] }')
# the BPF programs' attach points: raw_tp/NAME, kprobe/NAME, ksyscall/NAME
mapfile -t bsyms < <(grep -hoE 'SEC\("(raw_tp|tp_btf|kprobe|kretprobe|ksyscall)/[a-z_0-9]+' bpf/*.bpf.c |
	sed 's/SEC("//' | grep -v '/bmcwatch_' | sort -u)
mods=(ipmi_msghandler ipmi_si vfio_pci vfio_pci_core)

modfile() { # MODDIR NAME (- and _ alike, as modprobe takes them)
	local n=${2//[-_]/[-_]}
	find "$1" -name "$n.ko" -o -name "$n.ko.xz" -o -name "$n.ko.zst" -o -name "$n.ko.gz" |
		head -n 1
}
unpack() { # FILE -> stdout
	case $1 in
	*.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

for name; do
	if [[ $name == 6.1 ]]; then
		ver=$(selftests/vm/kver.sh) root=
	else
		root=$(scripts/kernel/fetch.sh --root "$name")
		ver=$(sed -n 1p "$root/.bmcw-fetched")
	fi
	d=$tmp/$name
	mkdir -p "$d"
	bpf/gen-vmlinux-h.sh --elf "$root/boot/vmlinuz-$ver" >"$d/vmlinux"
	bpftool btf dump file "$d/vmlinux" | sed -n "s/^\[[0-9]*\] FUNC '\([^']*\)'.*/\1/p" |
		sort -u >"$d/funcs"
	bpftool btf dump file "$d/vmlinux" | sed -n "s/^\[[0-9]*\] TYPEDEF 'btf_trace_\([^']*\)'.*/\1/p" |
		sort -u >"$d/tps"
	: >"$d/modsyms"
	for m in "${mods[@]}"; do
		f=$(modfile "$root/lib/modules/$ver/kernel" "$m")
		[[ -n $f ]] || { echo "$name $ver module $m ABSENT"; continue; }
		echo "$name $ver module $m present"
		unpack "$f" >"$d/m.ko"
		nm "$d/m.ko" | awk -v m="$m" '$2 ~ /^[tTwW]$/ { print $3, m }' >>"$d/modsyms"
	done
	for group in "${ksyms[@]}"; do
		IFS='|' read -ra alts <<<"$group"
		where=ABSENT
		for s in "${alts[@]}"; do
			if grep -qx "$s" "$d/funcs"; then where=vmlinux
			elif grep -qx "$s" "$d/tps"; then where=tracepoint
			elif m=$(awk -v s="$s" '$1 == s { print $2; exit }' "$d/modsyms") && [[ -n $m ]]; then
				where=$m
			else continue
			fi
			# which name this kernel has, where there is a choice
			((${#alts[@]} == 1)) || where+=":$s"
			break
		done
		echo "$name $ver kmod $group $where"
	done
	for b in "${bsyms[@]}"; do
		s=${b#*/}
		case $b in
		raw_tp/* | tp_btf/*) grep -qx "$s" "$d/tps" && where=tracepoint || where=ABSENT ;;
		ksyscall/*) grep -qx "__x64_sys_$s" "$d/funcs" && where=vmlinux || where=ABSENT ;;
		*) grep -qx "$s" "$d/funcs" && where=vmlinux || where=ABSENT ;;
		esac
		echo "$name $ver bpf $b $where"
	done
	rm -f "$d/vmlinux" "$d/m.ko"
done
