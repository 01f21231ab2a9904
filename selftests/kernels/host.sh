#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What building for other kernels taught, checked on the host in seconds,
# with no download and no build (`make check-build-kernels` does those):
#  - the archive URI comes from the system's apt sources, deb822 or
#    one-line, and never the security archive;
#  - Debian's headers: the image is found by the package's name (6.1's
#    kernel.release, 6.1.192, is not it) beside the headers of an extracted
#    root; BTF never silently from the build machine; a missing gcc-N
#    gives kbuild this machine's gcc, and nothing is passed for Debian
#    12's own headers (the default build stays as it was);
#  - each fetched kernel (if any): build link, host tools that run here,
#    toolchain answers no newer than this machine's gcc;
#  - compat.h is the one place of version tests, and is force-included.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/ktap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Make's view of a KDIR: KNAME KMAKE_ARGS VMLINUX_SRC, one a line.
mkvars() { # KDIR [VAR=VALUE...]
	local k=$1
	shift
	make -s --no-print-directory --eval 'bmcw-kvars: ; @printf "%s\n" \
		"$(KNAME)" "$(KMAKE_ARGS)" "$(VMLINUX_SRC)"' bmcw-kvars \
		KDIR="$k" "$@" 2>/dev/null
}

# A Debian-style extracted root: headers of "9.9.0-1-amd64" whose
# kernel.release says 9.9.99, built with a gcc-99 nobody has.
fake_root() { # ROOT [with-image]
	local r=$1 h=$1/usr/src/linux-headers-9.9.0-1-amd64
	mkdir -p "$h/include/config" "$r/lib/modules/9.9.0-1-amd64" "$r/boot"
	echo 9.9.99 >"$h/include/config/kernel.release"
	cat >"$h/.kernelvariables" <<-'EOF'
	override ARCH = x86
	override KERNELRELEASE = 9.9.0-1-amd64
	CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) $(CROSS_COMPILE)gcc-99
	EOF
	ln -s ../../../usr/src/linux-headers-9.9.0-1-amd64 \
		"$r/lib/modules/9.9.0-1-amd64/build"
	[[ -z ${2:-} ]] || : >"$r/boot/vmlinuz-9.9.0-1-amd64"
}

mapfile -t fetched < <(for n in $(scripts/kernel/fetch.sh --list); do
	scripts/kernel/fetch.sh --root "$n" 2>/dev/null; done)

ktap_header
ktap_plan $((8 + ${#fetched[@]}))

# --- the archive URI
mkdir -p "$tmp/apt1/sources.list.d" "$tmp/apt2/sources.list.d"
cat >"$tmp/apt1/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

Types: deb
# a comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
EOF
cat >"$tmp/apt2/sources.list" <<'EOF'
# deb http://commented.example/debian bookworm main
deb http://security.example/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://oneline.example/debian bookworm main
EOF
u1=$(BMCW_APT_ETC=$tmp/apt1 scripts/kernel/fetch.sh --print-uri)
u2=$(BMCW_APT_ETC=$tmp/apt2 scripts/kernel/fetch.sh --print-uri)
if [[ $u1 == http://mirror.example/debian && $u2 == http://oneline.example/debian ]]; then
	ktap_ok "fetch: archive URI from deb822 and one-line sources, not security"
else
	ktap_fail "fetch: archive URI from deb822 and one-line sources, not security" \
		"deb822 gave '$u1', one-line gave '$u2'"
fi

# --- Debian headers as make sees them
fake_root "$tmp/r1" with-image
mapfile -t v < <(mkvars "$tmp/r1/lib/modules/9.9.0-1-amd64/build")
if [[ ${v[0]:-} == 9.9.0-1-amd64 ]]; then
	ktap_ok "make: kernel named by the package (.kernelvariables), not kernel.release"
else
	ktap_fail "make: kernel named by the package (.kernelvariables), not kernel.release" \
		"KNAME='${v[0]:-}'"
fi
if [[ ${v[1]:-} == CC=gcc ]]; then
	ktap_ok "make: headers' gcc-99 absent: kbuild gets CC=gcc"
else
	ktap_fail "make: headers' gcc-99 absent: kbuild gets CC=gcc" "KMAKE_ARGS='${v[1]:-}'"
fi
if [[ ${v[2]:-} -ef $tmp/r1/boot/vmlinuz-9.9.0-1-amd64 ]]; then
	ktap_ok "make: BTF from the image beside the extracted headers"
else
	ktap_fail "make: BTF from the image beside the extracted headers" "VMLINUX_SRC='${v[2]:-}'"
fi

fake_root "$tmp/r2"
mapfile -t v < <(mkvars "$tmp/r2/lib/modules/9.9.0-1-amd64/build")
# (the rule fails before writing anything)
if [[ -z ${v[2]:-} ]] &&
   ! err=$(make -s --no-print-directory bpf/.output/vmlinux.src \
	KDIR="$tmp/r2/lib/modules/9.9.0-1-amd64/build" 2>&1) &&
   [[ $err == *"no BTF for kernel '9.9.0-1-amd64'"* ]]; then
	ktap_ok "make: no image, not the running kernel: no BTF taken, a clear error"
else
	ktap_fail "make: no image, not the running kernel: no BTF taken, a clear error" \
		"VMLINUX_SRC='${v[2]:-}' error: ${err:-}"
fi

# --- the default build: Debian 12's own headers
kver=$(selftests/vm/kver.sh 2>/dev/null || true)
if [[ -n $kver && -d /lib/modules/$kver/build ]]; then
	mapfile -t v < <(mkvars "/lib/modules/$kver/build")
	if [[ ${v[0]:-} == "$kver" && -z ${v[1]:-} && ${v[2]:-} == /boot/vmlinuz-$kver ]]; then
		ktap_ok "make: default $kver: BTF from /boot/vmlinuz-$kver, kbuild as before"
	else
		ktap_fail "make: default $kver: BTF from /boot/vmlinuz-$kver, kbuild as before" \
			"KNAME='${v[0]:-}' KMAKE_ARGS='${v[1]:-}' VMLINUX_SRC='${v[2]:-}'"
	fi
else
	ktap_skip "make: default kernel's BTF and kbuild" "no emulated-host kernel here"
fi

# --- compat.h
if grep -q -- '-include $(src)/compat.h' kmod/Kbuild; then
	ktap_ok "compat: kmod/compat.h force-included into the module"
else
	ktap_fail "compat: kmod/compat.h force-included into the module"
fi
bad=$(grep -lE 'LINUX_VERSION_CODE|KERNEL_VERSION\(' kmod/*.c kmod/*.h \
	selftests/kmod/*/*.c selftests/kmod/*/*.h 2>/dev/null | grep -v '/compat.h$' | grep -v '\.mod\.c$')
if [[ -z $bad ]]; then
	ktap_ok "compat: version tests only in compat.h"
else
	ktap_fail "compat: version tests only in compat.h" "in: $bad"
fi

# --- each kernel fetched into the cache
gccv=$(gcc -dumpfullversion | awk -F. '{ printf "%d%02d%02d\n", $1, $2, $3 }')
for root in "${fetched[@]}"; do
	ver=$(sed -n 1p "$root/.bmcw-fetched")
	b=$root/lib/modules/$ver/build
	why=
	[[ -f $b/include/config/auto.conf && -f $root/boot/vmlinuz-$ver ]] ||
		why+=" build link or image missing;"
	for t in scripts/basic/fixdep scripts/mod/modpost tools/objtool/objtool; do
		[[ -e $b/$t ]] || continue
		for f in "$b/$t" "$b/$t".real-lsb-64 "$b/$t".real-x86; do
			[[ -e $f ]] || continue
			out=$(ldd "$f" 2>&1 || true)
			[[ $out != *"not found"* ]] || why+=" ${f##*/} does not run here;"
		done
	done
	kg=$(sed -n 's/^CONFIG_GCC_VERSION=//p' "$b/include/config/auto.conf" 2>/dev/null)
	((${kg:-0} <= gccv)) || why+=" toolchain answers are gcc $kg's;"
	if [[ -z $why ]]; then
		ktap_ok "fetched $ver: builds here (link, image, host tools, gcc answers)"
	else
		ktap_fail "fetched $ver: builds here (link, image, host tools, gcc answers)" "$why"
	fi
done
ktap_finish
