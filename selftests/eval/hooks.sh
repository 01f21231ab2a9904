# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The portability check, sourced by guest.sh and run after the scenarios
# (every module a hook lives in is loaded by then) with bmcwatchd running:
# on this kernel every hook of the module is placed, or is declared absent
# with what that leaves unseen, and the absent ones are exactly those
# selftests/eval/hooks-absent expects here; and every monitor of the daemon
# has its BPF programs attached.  A kernel that renames or drops
# a target without an alternative in the module fails it; so does a hook
# that fails silently (no consequence, no health alert, status not
# degraded).
#   hooks_check: 0 when all of that holds; what does not, on stdout

hooks_expected() { # KERNEL-RELEASE: the monitor/symbol pairs expected absent
	sed 's/#.*//' selftests/eval/hooks-absent |
		while read -r glob hook _; do
			[ -n "$glob" ] || continue
			# shellcheck disable=SC2254  # the glob is the point
			case $1 in $glob) echo "$hook" ;; esac
		done | sort -u
}

hooks_check() {
	local table rows status rc bad="" absent expected row hook state unseen h
	table=$(cat /sys/kernel/debug/bmcwatch/hooks 2>&1) || {
		echo "no hooks table: $table"
		return 1
	}
	# monitor/symbol state unseen, one a line
	rows=$(printf '%s\n' "$table" | sed -n \
		's/^hook=\([^ ]*\) state=\([a-z]*\) .* # \(.*\)$/\1 \2 \3/p')
	[ "$(printf '%s\n' "$rows" | grep -c .)" -eq "$(printf '%s\n' "$table" | grep -c .)" ] ||
		bad+="rows that do not parse or name no consequence:"$'\n'"$table"$'\n'
	absent=
	while read -r hook state unseen; do
		[ -n "$hook" ] || continue
		case $state in
		placed | unused) ;;
		waiting) bad+="$hook waits for its module, which the scenarios load"$'\n' ;;
		failed | removed)
			absent+="$hook"$'\n'
			[ -n "$unseen" ] || bad+="$hook is absent and names no consequence"$'\n'
			bmcw_alerts ".rule.name == \"health.hook_failed\" and
				(.message | contains(\"${hook#*/}\"))" | grep -q . ||
				bad+="$hook is absent without a health.hook_failed alert naming it"$'\n'
			;;
		*) bad+="$hook in an unknown state '$state'"$'\n' ;;
		esac
	done <<<"$rows"
	absent=$(printf '%s' "$absent" | sort -u)
	expected=$(hooks_expected "$(uname -r)")
	if [ "$absent" != "$expected" ]; then
		bad+="absent here: ${absent:-none}; expected absent (hooks-absent): ${expected:-none}"$'\n'
	fi

	# what an operator sees: degraded (exit 4) with each blind spot
	status=$(userspace/bmcwatch --json status 2>&1)
	rc=$?
	if [ -n "$absent" ]; then
		[ $rc -eq 4 ] || bad+="bmcwatch status exits $rc with hooks absent, not 4 (degraded)"$'\n'
		for h in $absent; do
			row=$(printf '%s' "$status" | jq -c --arg h "$h" \
				'.kernel.hooks[]? | select(.hook == $h and
					(.state == "failed" or .state == "removed") and
					(.unseen // "") != "")' 2>/dev/null)
			[ -n "$row" ] || bad+="bmcwatch status does not name $h and what it leaves unseen"$'\n'
		done
	else
		# (it may be degraded for another reason: events lost under load)
		row=$(printf '%s' "$status" | jq -c '.kernel.hooks[]? |
			select(.state == "failed" or .state == "removed")' 2>/dev/null)
		[ -z "$row" ] || bad+="bmcwatch status shows hooks absent the table has placed: $row"$'\n'
		printf '%s' "$status" | jq -e '.kernel.hooks | length > 0' >/dev/null 2>&1 ||
			bad+="bmcwatch status (exit $rc) shows no hooks: $status"$'\n'
	fi
	# the daemon's side: each monitor's BPF programs attached on this kernel
	row=$(printf '%s' "$status" | jq -r '.monitors[]? | select(.attached != true) | .name' 2>/dev/null)
	[ -z "$row" ] || bad+="monitors not attached: ${row//$'\n'/ }"$'\n'
	[ -z "$bad" ] && return 0
	printf '%s' "$bad"
	return 1
}
