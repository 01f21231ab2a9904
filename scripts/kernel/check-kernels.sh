#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernels`: the whole suite (selftests/run-all) on each kernel
# of scripts/kernel/matrix, one lane after the other (scripts/lane.sh NAME:
# fetched, built and run in .build/lane-NAME/tree), then a table: kernel,
# tests passed/failed/skipped, hooks the module cannot place there (from
# selftests/eval/hooks-absent, which the eval holds it to), time.
#   scripts/kernel/check-kernels.sh [NAME...]   default: the whole matrix
# Each lane's output: .build/lane-NAME/check.log.  Exits 1 if a lane failed.
set -uo pipefail
# Read whole before it runs: the lanes take hours, and this file may be
# edited meanwhile.
{
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/eval/hooks.sh

if (($#)); then
	names=("$@")
else
	mapfile -t names < <(scripts/kernel/fetch.sh --list)
fi

rows=() failed=0
for name in "${names[@]}"; do
	log=$top/.build/lane-$name/check.log
	mkdir -p "${log%/*}"
	t0=$SECONDS
	scripts/lane.sh "$name" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	t=$((SECONDS - t0))
	kver=$(sed -n 's/^# lane [^:]*: kernel \([^ ,]*\),.*/\1/p' "$log" | head -n 1)
	totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	absent=$(hooks_expected "${kver:-?}" | paste -sd, -)
	rows+=("$(printf '%-8s %-24s %-34s %-28s %3dm%02ds' "$name" "${kver:-?}" \
		"${totals:-no result (lane exit $rc)}" "${absent:-none}" $((t / 60)) $((t % 60)))")
	((rc == 0)) || failed=$((failed + 1))
done

echo
printf '%-8s %-24s %-34s %-28s %s\n' kernel release tests "hooks absent" time
printf '%s\n' "${rows[@]}"
((failed == 0))
exit
}
