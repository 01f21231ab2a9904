#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of `make check-debug` from Debian's linux-source-6.1:
# x86_64 defconfig + debug.config (KASAN, lockdep, atomic-sleep checks,
# kmemleak, BTF), out of tree, niced, and install it as a small root that
# selftests/vm/run boots with BMCW_KERNEL_DIR=DIR/root:
#   DIR/root/boot/vmlinuz-VER, DIR/root/lib/modules/VER (build -> DIR/obj)
# Nothing goes to /boot or /lib/modules of this machine.
#   scripts/kernel/build-debug.sh [--print-dir]
# BMCW_KDEBUG_DIR (default .build/kdebug), BMCW_KBUILD_JOBS (default 2).
# A build whose inputs (tarball, fragment, this script) have not changed is
# not redone; the last line printed is the root to pass as BMCW_KERNEL_DIR.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/scripts/kernel
dir=${BMCW_KDEBUG_DIR:-$top/.build/kdebug}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
tarball=${BMCW_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${BMCW_KBUILD_JOBS:-2}
src=$dir/linux-source-6.1 obj=$dir/obj root=$dir/root
fragment=$here/debug.config

if [[ ${1:-} == --print-dir ]]; then
	echo "$root"
	exit 0
fi

log() { printf 'kdebug: %s\n' "$*" >&2; }
elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }

[[ -r $tarball ]] || { log "no $tarball (apt-get install linux-source-6.1)"; exit 1; }
# make is incremental: the key only spares a tree walk when nothing changed.
key=$( { stat -c '%s %Y' "$tarball"; cat "$fragment" "$0"; } | sha256sum | cut -c1-16)
if [[ -f $root/.key && $(<"$root/.key") == "$key" ]]; then
	log "up to date ($root)"
	echo "$root"
	exit 0
fi

# Each long step is niced: other engineers' emulated hosts keep their CPUs.
run() { nice -n 19 "$@"; }
# The banner says what built it, not which machine.
export KBUILD_BUILD_USER=bmcwatch KBUILD_BUILD_HOST=kdebug

if [[ ! -f $src/.extracted || $(<"$src/.extracted") != "$(stat -c '%s %Y' "$tarball")" ]]; then
	log "extracting $tarball"
	rm -rf "$src"
	run tar -C "$dir" -xf "$tarball"
	stat -c '%s %Y' "$tarball" >"$src/.extracted"
fi

mkdir -p "$obj"
log "configuring: defconfig + ${fragment#"$top"/}"
run make -s -C "$src" O="$obj" defconfig
run "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
run make -s -C "$src" O="$obj" olddefconfig
# Every line of the fragment must have survived Kconfig's dependencies.
bad=0
while read -r line; do
	case $line in
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$obj/.config" || { log "wanted off, is on: $opt"; bad=1; } ;;
	CONFIG_*)
		grep -qxF -- "$line" "$obj/.config" ||
			{ log "wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config")"; bad=1; } ;;
	esac
done <"$fragment"
((bad == 0)) || { log "fix $fragment"; exit 1; }

log "building with -j$jobs (nice 19)"
t0=$SECONDS
run make -s -C "$src" O="$obj" -j"$jobs" bzImage modules
ver=$(<"$obj/include/config/kernel.release")
log "built $ver in $(( (SECONDS - t0) / 60 ))m$(( (SECONDS - t0) % 60 ))s"

rm -rf "$root.new"
mkdir -p "$root.new/boot"
cp "$obj/arch/x86/boot/bzImage" "$root.new/boot/vmlinuz-$ver"
cp "$obj/System.map" "$root.new/boot/System.map-$ver"
cp "$obj/.config" "$root.new/boot/config-$ver"
run make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$root.new" modules_install
# Point build/ at the object tree whatever modules_install did.
ln -sfn "$obj" "$root.new/lib/modules/$ver/build"
rm -f "$root.new/lib/modules/$ver/source"
echo "$key" >"$root.new/.key"
rm -rf "$root"
mv "$root.new" "$root"
log "installed into $root; total $(elapsed)"
echo "$root"
