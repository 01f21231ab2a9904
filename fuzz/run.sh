#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs each harness for SECONDS on a scratch copy of its checked-in seed
# corpus (corpus/NAME), then every regression input (regressions/NAME),
# and prints one TAP line per harness. A crash fails the harness; its input
# is kept in .output/crash-NAME-* to become a regression input once fixed.
# So does a harness that ran no or implausibly few executions (fewer than
# FUZZ_MIN_EXECS, by default 100 a second): it tested nothing.
#   run.sh SECONDS NAME...
set -uo pipefail
cd "$(dirname "$0")"
secs=$1
shift
# Fewest executions a harness must reach: FUZZ_MIN_EXECS, else 100 a second
# (the slowest harness does thousands a second on a loaded 2-core host).
min_execs=${FUZZ_MIN_EXECS:-$((secs * 100))}
echo "1..$#"
n=0 fail=0
for name in "$@"; do
	n=$((n + 1))
	work=.output/work/$name
	log=.output/$name.log
	rm -rf "$work"
	mkdir -p "$work"
	regs=()
	[[ -d regressions/$name ]] && regs=(regressions/"$name"/*)
	[[ -e ${regs[0]:-} ]] || regs=()
	# Regression inputs first: a known crash must not come back.
	if ((${#regs[@]})) &&
	   ! ".output/$name" -runs=1 "${regs[@]}" >"$log" 2>&1; then
		echo "not ok $n $name: a regression input crashes again"
		grep -E 'ERROR|SUMMARY|Running:' "$log" | tail -5 | sed 's/^/# /'
		fail=1
		continue
	fi
	if ! ".output/$name" -max_total_time="$secs" -timeout=10 \
		-max_len=16384 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix=".output/crash-$name-" \
		"$work" "corpus/$name" >"$log" 2>&1; then
		echo "not ok $n $name: crash (input in fuzz/.output/crash-$name-*)"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
			tail -5 | sed 's/^/# /'
		fail=1
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	# A harness that barely ran fuzzed nothing: no crash proves nothing.
	if ! [[ ${execs:-} =~ ^[0-9]+$ ]] || ((execs < min_execs)); then
		echo "not ok $n $name: only ${execs:-no count of} executions in $secs s" \
			"(at least $min_execs expected)"
		tail -5 "$log" | sed 's/^/# /'
		fail=1
		continue
	fi
	echo "ok $n $name: $execs execs, 0 crashes," \
		"${#regs[@]} regression inputs pass (${cov:-cov: ?})"
done
exit $fail
