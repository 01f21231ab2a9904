#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a Debian kernel of the matrix (scripts/kernel/matrix) and extract it
# into a small root of its own, installing nothing into this machine:
#   ROOT/boot/vmlinuz-VER, System.map-VER, config-VER
#   ROOT/lib/modules/VER/...        build -> ../../../usr/src/linux-headers-VER
#   ROOT/usr/src/linux-headers-VER*, ROOT/usr/lib/linux-kbuild-*
# so that `make KDIR=ROOT/lib/modules/VER/build` builds for it and
# BMCW_KERNEL_DIR=ROOT BMCW_KVER=VER names it to the emulated host.
#   scripts/kernel/fetch.sh [--refresh] NAME...  fetch (if needed); print roots
#   scripts/kernel/fetch.sh --root NAME          print the root, fetch nothing
#   scripts/kernel/fetch.sh --list [FLAVOUR]     the matrix's names (of FLAVOUR)
#   scripts/kernel/fetch.sh --print-uri          the archive apt would use
# NAME is a matrix name (5.10, 6.12, 7.2) or a Debian suite.  One root per
# line on stdout, progress on stderr.  A kernel once extracted is not fetched
# again; --refresh looks for a newer ABI in its suite.
#
# apt runs with a configuration of its own (apt.sh, shared with
# fetch-qemu.sh): its own sources list, lists, cache and state under the
# cache dir; the archive URI is read from this machine's apt sources at each
# run (never written into the tree), and the keyring is the system's.  Host
# tools of the kbuild package that cannot run here (built against a newer
# glibc, as forky's) are rebuilt from the suite's linux-source into ROOT,
# niced.
#   BMCW_KCACHE      cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/bmcwatch/kernels)
#   BMCW_DEBIAN_URI  the archive, instead of the one the system's apt uses
#   BMCW_APT_ETC     where the system's apt sources are (default /etc/apt)
#   BMCW_KBUILD_JOBS make -j for the host tools (default 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
matrix=$here/matrix
cache=${BMCW_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bmcwatch/kernels}
jobs=${BMCW_KBUILD_JOBS:-2}
# The layout of an extracted root: a root made by an older one of this
# script is made again (from the downloaded packages; no download).
format=6

# system_uri, apt_get, apt_cache, apt_setup, download, log, die; $keyring
log_tag=kfetch
# shellcheck source-path=SCRIPTDIR source=apt.sh
. "$here/apt.sh"
usage() {
	echo "usage: scripts/kernel/fetch.sh [--refresh] NAME... | --root NAME | --list [FLAVOUR]" >&2
	exit 2
}

names() { sed 's/#.*//; /^[[:space:]]*$/d' "$matrix" | awk '{ print $1 }'; }

# Column N of a matrix name's line, or DEFAULT: matrix_col NAME N DEFAULT.
# The suite (2) of a name not in the matrix is the name itself; the
# flavour (3) is amd64 unless given.
matrix_col() {
	local v
	v=$(sed 's/#.*//' "$matrix" | awk -v n="$1" -v c="$2" '$1 == n { print $c }')
	echo "${v:-$3}"
}
suite_of() { matrix_col "$1" 2 "$1"; }
flavour_of() { matrix_col "$1" 3 amd64; }

# The package a meta package depends on, by prefix: depends_on linux-image-amd64 linux-image-
depends_on() {
	apt_cache depends "$1" 2>/dev/null |
		sed -n "s/^ *|\{0,1\}Depends: \($2[^ <>]*\)\$/\1/p" | head -n 1
}

# PKG and every package it depends on whose name matches RE, recursively:
# linux-headers-* and linux-kbuild-* for the headers; for the image, from
# forky on, a linux-image-VER that is a split of linux-base-VER,
# linux-binary-VER (the vmlinuz) and linux-modules-VER.
closure() { # PKG RE
	local todo=("$1") seen=() p d
	while ((${#todo[@]})); do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		[[ " ${seen[*]} " == *" $p "* ]] && continue
		seen+=("$p")
		while read -r d; do
			todo+=("$d")
		done < <(apt_cache depends "$p" 2>/dev/null |
			sed -n "s/^ *|\\{0,1\\}Depends: \\($2[^ <>]*\\)\$/\\1/p")
	done
	printf '%s\n' "${seen[@]}"
}

# ELF programs of the kbuild tree that cannot run on this machine (newer
# glibc, a libssl it does not have).  Only those a module build runs count:
# bullseye's sign-file and extract-cert want libssl1.1, and nothing here
# signs modules.
broken_tools() { # ROOT
	local f out
	while IFS= read -r -d '' f; do
		[[ $(head -c 4 "$f" | od -An -c | tr -d ' ') == 177ELF ]] || continue
		out=$(ldd "$f" 2>&1 || true)
		[[ $out == *"not found"* ]] || continue
		case $f in
		*/scripts/basic/fixdep | */scripts/mod/modpost | \
		*/scripts/mod/modpost.real-lsb-64 | \
		*/scripts/genksyms/genksyms | */scripts/gendwarfksyms/gendwarfksyms | \
		*/scripts/recordmcount | */tools/objtool/objtool | \
		*/tools/objtool/objtool.real-x86 | \
		*/tools/bpf/resolve_btfids/resolve_btfids)
			echo "$f" ;;
		*)
			log "${f##*/} does not run here; module builds do not use it" ;;
		esac
	done < <(find "$1"/usr/lib/linux-kbuild-* "$1"/usr/src/linux-headers-* \
		-type f -perm -u+x -print0)
}

# The suite's linux-source, configured with the kernel's own .config for
# this machine's gcc and prepared for modules (host tools, the compiler's
# config answers), in KD/tools-obj; make is incremental.  Prints the dir.
source_obj() { # ROOT KD
	local root=$1 kd=$2 src srcpkg tarball obj t0=$SECONDS
	srcpkg=$(depends_on linux-source linux-source-)
	[[ -n $srcpkg ]] || die "no linux-source in $suite"
	download "$kd/debs" "$srcpkg"
	src=$kd/src
	if [[ ! -f $src/.bmcw-src || $(<"$src/.bmcw-src") != "$srcpkg" ]]; then
		log "extracting $srcpkg"
		rm -rf "$src" "$kd/srcdeb"
		dpkg-deb -x "$(compgen -G "$kd/debs/${srcpkg}_*.deb" | head -n 1)" "$kd/srcdeb"
		tarball=$(compgen -G "$kd/srcdeb/usr/src/linux-source-*.tar.*" | head -n 1)
		mkdir -p "$src"
		nice -n 19 tar -C "$src" --strip-components=1 -xf "$tarball"
		rm -rf "$kd/srcdeb"
		echo "$srcpkg" >"$src/.bmcw-src"
	fi
	obj=$kd/tools-obj
	mkdir -p "$obj"
	cp "$root/usr/src/linux-headers-$ver/.config" "$obj/.config"
	log "preparing $srcpkg for this machine's gcc (-j$jobs, nice 19)"
	nice -n 19 make -s -C "$src" O="$obj" CC=gcc HOSTCC=gcc olddefconfig >&2
	nice -n 19 make -s -C "$src" O="$obj" CC=gcc HOSTCC=gcc -j"$jobs" \
		modules_prepare >&2
	log "prepared in $((SECONDS - t0))s"
	echo "$obj"
}

# Put the host tools built in OBJ over the broken ones in ROOT.
rebuild_tools() { # OBJ BROKEN...
	local obj=$1 f rel kb built
	shift
	for f; do
		kb=${f%%/scripts/*}
		[[ $kb != "$f" ]] || kb=${f%%/tools/*}
		rel=${f#"$kb"/}
		# forky's objtool and modpost are wrappers that run
		# objtool.real-$SRCARCH, modpost.real-{lsb,msb}-{32,64}
		built=$obj/${rel%.real-*}
		if [[ -x $built ]]; then
			cp "$built" "$f"
			log "rebuilt $rel"
		else
			# forky ships genksyms with MODVERSIONS off
			log "$rel: not built for this kernel's config (it does not use it); left as is"
		fi
	done
}

# The kernel's config answers about its toolchain: what its gcc, as, ld and
# pahole can do.  A module built with an older gcc than the kernel's must
# not be given flags or attributes only the newer one knows (forky's gcc-16:
# -fmin-function-alignment, counted_by, asm goto with outputs): these
# symbols, and only these, take the values Kconfig gives them with this
# machine's tools (from OBJ).  The kernel's own answers stay beside them
# (*.debian); the symbols changed are listed in ROOT/.bmcw-toolchain.
toolchain_re='CONFIG_(CC_HAS_|CC_OPT_|CC_IS_|CC_VERSION_TEXT|GCC_VERSION|GCC_ASM_|AS_IS_|AS_HAS_|AS_VERSION|LD_IS_|LD_VERSION|LD_CAN_|PAHOLE_VERSION|PAHOLE_HAS_|TOOLCHAIN_HAS_)[A-Z0-9_]*'
adapt_toolchain() { # ROOT OBJ
	local hdr=$1/usr/src/linux-headers-$ver obj=$2 f
	for f in include/config/auto.conf include/generated/autoconf.h; do
		[[ -f $hdr/$f.debian ]] || cp "$hdr/$f" "$hdr/$f.debian"
		{ grep -Ev "^(#define |# )?${toolchain_re}[= ]" "$hdr/$f.debian"
		  grep -E "^(#define )?${toolchain_re}[= ]" "$obj/$f"; } >"$hdr/$f"
	done
	diff <(grep -Eo "^$toolchain_re=.*" "$hdr/include/config/auto.conf.debian" | sort) \
	     <(grep -Eo "^$toolchain_re=.*" "$hdr/include/config/auto.conf" | sort) |
		sed -n 's/^[<>] //p' >"$1/.bmcw-toolchain" || true
	log "toolchain answers for this machine's gcc: $(cut -d= -f1 "$1/.bmcw-toolchain" | sort -u | tr '\n' ' ')"
}

gcc_version() { # the number CONFIG_GCC_VERSION gives: 12.2.0 -> 120200
	gcc -dumpfullversion | awk -F. '{ printf "%d%02d%02d\n", $1, $2, $3 }'
}

fetch() { # NAME
	local name=$1 kd root img hdr pkgs debs d l t ver_img broken kgcc obj flavour
	suite=$(suite_of "$name")
	flavour=$(flavour_of "$name")
	kd=$cache/$name
	root=$kd/root
	if [[ -f $root/.bmcw-fetched && $(sed -n 3p "$root/.bmcw-fetched") != "$format" ]]; then
		log "$name: extracted by an older fetch.sh; extracting again"
		rm -f "$root/.bmcw-fetched"
	fi
	if [[ -f $root/.bmcw-fetched && $refresh == 0 ]]; then
		log "$name: cached $(sed -n 1p "$root/.bmcw-fetched")"
		echo "$root"
		return
	fi
	apt_setup "$cache/apt/$suite" "$suite"
	img=$(depends_on "linux-image-$flavour" linux-image-)
	[[ -n $img ]] || die "$suite: no linux-image-$flavour"
	ver=${img#linux-image-}
	ver_img=${ver%-unsigned}
	if [[ -f $root/.bmcw-fetched && $(sed -n 1p "$root/.bmcw-fetched") == "$ver_img" ]]; then
		log "$name: $ver_img is still the newest in $suite"
		echo "$root"
		return
	fi
	ver=$ver_img
	hdr=$(depends_on "linux-headers-$flavour" linux-headers-)
	[[ -n $hdr ]] || die "$suite: no linux-headers-$flavour"
	mapfile -t pkgs < <(closure "$img" 'linux-\(image\|base\|binary\|modules\)-'
		closure "$hdr" 'linux-\(headers\|kbuild\)-')
	log "$name ($suite): ${pkgs[*]}"
	download "$kd/debs" "${pkgs[@]}"

	rm -rf "$root.new"
	mkdir -p "$root.new"
	for d in "${pkgs[@]}"; do
		debs=$(compgen -G "$kd/debs/${d}_*.deb" | sort -V | tail -n 1)
		[[ -n $debs ]] || die "no .deb for $d"
		dpkg-deb -x "$debs" "$root.new"
	done
	# From forky on the image is installed under usr/lib/modules/VER/
	# (vmlinuz, config, System.map) and copied to /boot by the kernel's
	# postinst: the root gets both views, by relative links.
	if [[ -d $root.new/usr/lib/modules/$ver && ! -e $root.new/lib ]]; then
		ln -s usr/lib "$root.new/lib"
	fi
	mkdir -p "$root.new/boot"
	for d in vmlinuz config System.map; do
		[[ -e $root.new/boot/$d-$ver || ! -f $root.new/lib/modules/$ver/$d ]] ||
			ln -s "../lib/modules/$ver/$d" "$root.new/boot/$d-$ver"
	done
	[[ -f $root.new/boot/vmlinuz-$ver ]] || die "no boot/vmlinuz-$ver in $img"
	# modules.dep is made by the package's postinst, which never runs
	# here: the emulated host's initramfs and modprobe need it.
	depmod -b "$root.new" "$ver" || die "depmod failed for $ver"
	# Absolute links (lib/modules/VER/build and source) lead into this
	# root, relatively: the root works wherever it is seen from.
	while IFS= read -r -d '' l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root.new$t")" "$l"
	done < <(find "$root.new" -type l -lname '/*' -print0)
	# Debian's per-flavour headers include the common ones by path (and
	# name themselves as KBUILD_OUTPUT from 7.x on).
	for d in "$root.new"/usr/src/linux-headers-*/Makefile; do
		sed -i "s|\([ =]\)/usr/src/|\1$root/usr/src/|g" "$d"
	done
	[[ -d $root.new/lib/modules/$ver/build/include ]] ||
		die "lib/modules/$ver/build does not lead to the headers"

	# Host tools that do not run here, or a kernel built with a newer gcc
	# than this machine's: both are mended from the suite's linux-source.
	mapfile -t broken < <(broken_tools "$root.new")
	kgcc=$(sed -n 's/^CONFIG_GCC_VERSION=//p' \
		"$root.new/usr/src/linux-headers-$ver/include/config/auto.conf")
	if ((${#broken[@]})) || ((${kgcc:-0} > $(gcc_version))); then
		obj=$(source_obj "$root.new" "$kd")
		if ((${#broken[@]})); then
			log "$name: ${#broken[@]} host tools do not run here (${broken[*]##*/})"
			rebuild_tools "$obj" "${broken[@]}"
		fi
		if ((${kgcc:-0} > $(gcc_version))); then
			log "$name: built with gcc $kgcc, newer than this machine's"
			adapt_toolchain "$root.new" "$obj"
		fi
	fi
	printf '%s\n%s\n%s\n' "$ver" "$suite" "$format" >"$root.new/.bmcw-fetched"
	rm -rf "$root"
	mv "$root.new" "$root"
	# The source tree is 1.8 GB (forky's); its package stays in debs/.
	rm -rf "$kd/src" "$kd/tools-obj"
	log "$name: $ver in $root ($(du -sh "$kd/debs" | cut -f1) of packages)"
	echo "$root"
}

# Read whole before it runs (main, called on the last line): a run that
# builds host tools takes minutes, and this file may be edited meanwhile.
main() {
refresh=0
case ${1:-} in
--list)
	if (($# == 2)); then
		for n in $(names); do
			[[ $(flavour_of "$n") == "$2" ]] && echo "$n"
		done
	else
		names
	fi
	exit 0 ;;
--print-uri) system_uri; exit ;;
--root)
	(($# == 2)) || usage
	root=$cache/$2/root
	[[ -f $root/.bmcw-fetched ]] || die "$2 not fetched (scripts/kernel/fetch.sh $2)"
	echo "$root"
	exit 0 ;;
--refresh) refresh=1; shift ;;
-*) usage ;;
esac
(($#)) || usage
[[ -r $keyring ]] || die "no $keyring (apt-get install debian-archive-keyring)"
for n; do
	fetch "$n"
done
}

main "$@"; exit
