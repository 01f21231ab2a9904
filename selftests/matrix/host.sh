#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The eval on every other amd64 kernel of the matrix (scripts/kernel/matrix:
# 5.10, 6.12, 7.2): each kernel fetched (cached in ~/.cache/bmcwatch/kernels),
# the module, BPF and userspace built for it in a copy of this tree, and
# selftests/eval run on it in the emulated host.  The eval ends with the
# portability check (selftests/eval/hooks.sh): every hook placed or declared
# absent with what it leaves unseen.  Each kernel's results come out as
# they are, their names prefixed with the kernel; a kernel that cannot be
# fetched or built is one failure.  `make check-kernels` runs every suite
# on each kernel instead.
#   selftests/matrix/host.sh [NAME...]   (default: the whole matrix)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
names=("$@")
((${#names[@]})) || mapfile -t names < <(scripts/kernel/fetch.sh --list amd64)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "KTAP version 1"
rc=0
for k in "${names[@]}"; do
	start=$SECONDS
	scripts/lane.sh "$k" eval >"$log" 2>&1
	lrc=$?
	# The lane's run-all prefixes each eval line with "[eval] ", its own
	# verdicts too ("not ok - suite exited with status 125"): they count.
	if grep -qE '^\[eval\] 1\.\.[0-9]+' "$log"; then
		sed -n 's/^\[eval\] //p' "$log" | grep -vE '^KTAP version' |
			sed -E "s/^(not ok|ok) ([0-9]+) /\\1 \\2 [$k] /"
	else
		echo "1..1"
		echo "not ok 1 [$k] fetch, build and eval"
		tail -n 15 "$log" | sed 's/^/# /'
	fi
	echo "# $k: lane exit $lrc in $((SECONDS - start)) s"
	((lrc == 0)) || rc=1
done
exit $rc
