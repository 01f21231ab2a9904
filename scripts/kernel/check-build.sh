#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-build-kernels`: fetch each kernel of the matrix
# (scripts/kernel/fetch.sh) and build the module, the BPF programs, the
# userspace and the test modules against it, each in a copy of this tree
# (.build/kbuild-NAME/tree: what one kernel's build leaves never replaces
# what this tree or another kernel's has).  One line per kernel: build ok or
# failed, warnings, and the time each step took.
#   scripts/kernel/check-build.sh [NAME...]
# NAME: 6.1 (Debian 12's own, installed here: the emulated host's kernel)
# or a name of scripts/kernel/matrix; default all of them.  Every step is
# niced; BMCW_KBUILD_JOBS (default 2) is make's -j.  Logs:
# .build/kbuild-NAME/build.log.  Exits 1 if a kernel failed.
set -euo pipefail
# All in one compound command, read whole before it runs (as lane.sh): the
# builds take minutes, and this file may be edited meanwhile.
{
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
jobs=${BMCW_KBUILD_JOBS:-2}

if (($#)); then
	names=("$@")
else
	mapfile -t names < <(echo 6.1; scripts/kernel/fetch.sh --list)
fi

# The copy, as scripts/lane.sh makes it
. scripts/copy-tree.sh

lines=() failed=0
for name in "${names[@]}"; do
	dir=$top/.build/kbuild-$name
	mkdir -p "$dir"
	log=$dir/build.log
	: >"$log"
	t0=$SECONDS
	if [[ $name == 6.1 ]]; then
		kver=$(selftests/vm/kver.sh)
		kdir=/lib/modules/$kver/build
		what="$kver (Debian 12)"
	elif root=$(scripts/kernel/fetch.sh "$name" 2>>"$log" | tail -n 1) &&
	     [[ -n $root ]]; then
		kver=$(sed -n 1p "$root/.bmcw-fetched")
		kdir=$root/lib/modules/$kver/build
		what="$kver ($(sed -n 2p "$root/.bmcw-fetched"))"
	else
		lines+=("$(printf '%-6s %-40s fetch FAILED (%s)' "$name" '' "${log#"$top"/}")")
		failed=$((failed + 1))
		continue
	fi
	tf=$((SECONDS - t0))
	copy_tree "$dir/tree"
	t1=$SECONDS
	rc=0
	nice -n 19 make -C "$dir/tree" -s -j"$jobs" all selftest-kmods \
		KDIR="$kdir" >>"$log" 2>&1 || rc=$?
	tb=$((SECONDS - t1))
	warn=$(grep -ciE '(^|[^a-z])warning:' "$log" || true)
	if ((rc == 0)); then
		res="build ok"
	else
		res="build FAILED"
		failed=$((failed + 1))
	fi
	lines+=("$(printf '%-6s %-40s %-12s %3d warnings  fetch %3ds  build %4ds' \
		"$name" "$what" "$res" "$warn" "$tf" "$tb")")
	echo "${lines[-1]}"
	((rc == 0)) || tail -n 20 "$log" | sed 's/^/    /'
done
echo "# kernel build matrix (logs: .build/kbuild-NAME/build.log)"
printf '%s\n' "${lines[@]}"
((failed == 0))
exit
}
