#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A test lane: the whole selftest suite (or the SUITEs named) on another
# kernel than Debian's default one.
#   scripts/lane.sh debug [SUITE...]   make check-debug: a kernel built from
#                                      linux-source-6.1 with KASAN, lockdep,
#                                      atomic-sleep checks and kmemleak
#   scripts/lane.sh rt [SUITE...]      make check-rt: Debian's PREEMPT_RT kernel
#   scripts/lane.sh default [SUITE...] the default kernel, as a control: tells
#                                      a lane's failure from one of the tree
#   scripts/lane.sh qemu10 [SUITE...]  the default kernel under QEMU 10 of
#                                      bookworm-backports (fetch-qemu.sh)
#                                      instead of this machine's 7.2;
#                                      make check-qemu10
#   scripts/lane.sh NAME [SUITE...]    a kernel of scripts/kernel/matrix
#                                      (5.10, 6.12, 7.2), fetched (and
#                                      cached) by scripts/kernel/fetch.sh;
#                                      make check-kernels
# The lane runs in a copy of this tree, .build/lane-NAME/tree: the module and
# test modules it builds for its kernel never replace the ones other runs in
# this tree use.  Prints the time each step took.
# BMCW_TIMEOUT_SCALE (debug: 4, rt: 2) multiplies every emulated host's
# timeout and the guest helpers' waits. BMCW_LANE_SLOT=N runs in a copy of
# its own, .build/lane-NAME-N/tree: two halves of a lane's suites can then
# run side by side, one per core.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# All in one compound command, read whole before it runs: the lane takes
# long, and this file may be edited meanwhile.
{

usage() { echo "usage: scripts/lane.sh debug|rt|default|qemu10|KERNEL [SUITE...]" >&2; exit 2; }
(($#)) || usage
lane=$1
shift

T0=$SECONDS
step_t=$SECONDS
step() {
	printf '# lane %s: %s in %dm%02ds\n' "$lane" "$1" \
		$(((SECONDS - step_t) / 60)) $(((SECONDS - step_t) % 60))
	step_t=$SECONDS
}

case $lane in
debug)
	scripts/deps.sh --list scripts/kernel/debug.list --check >/dev/null ||
		scripts/deps.sh --list scripts/kernel/debug.list
	# resolved: the guest sees the host's tree, where a symlink may not lead
	BMCW_KERNEL_DIR=$(readlink -f "$(scripts/kernel/build-debug.sh | tail -n 1)")
	export BMCW_KERNEL_DIR
	export BMCW_TIMEOUT_SCALE=${BMCW_TIMEOUT_SCALE:-4}
	step "kernel (build-debug.sh)"
	;;
rt)
	scripts/deps.sh --list scripts/kernel/rt.list --check >/dev/null ||
		scripts/deps.sh --list scripts/kernel/rt.list
	ver=$(for f in /boot/vmlinuz-*-rt-amd64; do
		[[ -e $f ]] && echo "${f#/boot/vmlinuz-}"; done | sort -V | tail -n 1)
	[[ -n $ver ]] || { echo "lane: no /boot/vmlinuz-*-rt-amd64" >&2; exit 1; }
	[[ -d /lib/modules/$ver/build ]] || { echo "lane: no headers for $ver" >&2; exit 1; }
	export BMCW_KVER=$ver
	export BMCW_TIMEOUT_SCALE=${BMCW_TIMEOUT_SCALE:-2}
	;;
default)
	export BMCW_TIMEOUT_SCALE=${BMCW_TIMEOUT_SCALE:-1}
	;;
qemu10)
	BMCW_QEMU=$(scripts/kernel/fetch-qemu.sh bookworm-backports | tail -n 1)
	export BMCW_QEMU
	export BMCW_TIMEOUT_SCALE=${BMCW_TIMEOUT_SCALE:-1}
	step "QEMU ($("$BMCW_QEMU" --version | head -n 1))"
	;;
*)
	scripts/kernel/fetch.sh --list | grep -qxF -- "$lane" || usage
	BMCW_KERNEL_DIR=$(scripts/kernel/fetch.sh "$lane" | tail -n 1)
	BMCW_KVER=$(sed -n 1p "$BMCW_KERNEL_DIR/.bmcw-fetched")
	export BMCW_KERNEL_DIR BMCW_KVER
	export BMCW_TIMEOUT_SCALE=${BMCW_TIMEOUT_SCALE:-1}
	step "kernel (fetch.sh $lane)"
	;;
esac
kver=$(selftests/vm/kver.sh)
# Exported: a suite that runs make itself (install) builds for it too.
export KDIR=${BMCW_KERNEL_DIR:-}/lib/modules/$kver/build
echo "# lane $lane: kernel $kver, timeouts x$BMCW_TIMEOUT_SCALE"

# The copy (scripts/copy-tree.sh): work in progress is tested too, and
# build outputs stay there between runs.
tree=$top/.build/lane-$lane${BMCW_LANE_SLOT:+-$BMCW_LANE_SLOT}/tree
. scripts/copy-tree.sh
copy_tree "$tree"
step "copy into ${tree#"$top"/}"

cd "$tree"
# The fleet suite's measurements stay the lane's own (lanes run side by
# side; its default place is shared).
export BMCW_FLEET_OUT=${BMCW_FLEET_OUT:-${tree%/tree}/fleet-out}
nice -n 10 make -s all selftest-kmods KDIR="$KDIR"
step "build module, BPF, userspace and test modules for $kver"

# Every suite but matrix by default: that one boots the other kernels of
# the matrix, whatever kernel the lane is for.
suites=("$@")
((${#suites[@]})) || mapfile -t suites < <(selftests/run-all --list | grep -vx matrix)
rc=0
selftests/run-all "${suites[@]}" || rc=$?
step "suites (selftests/run-all $*)"
printf '# lane %s: total %dm%02ds, exit %d\n' "$lane" \
	$(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60)) "$rc"
exit "$rc"
}
