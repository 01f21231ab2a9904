#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Plays selftests/scenarios inside the emulated host against a running
# bmcwatchd: first the benign corpus, then each attack, measuring the time
# from the attack to its alert.
#   guest.sh ktap   KTAP: one result per attack, one for the benign corpus
#   guest.sh demo   a readable timeline and "detected X/Y attacks, Z false alarms"
# The full JSON alert log is left in $BMCW_VM_OUT/alerts.json.
# BMCW_EVAL_DAEMON=unit plays them against the bmcwatchd that systemd runs
# (selftests/deployed), the module it loaded and its alert log
# (BMCW_EVAL_ALERTS, default /var/log/bmcwatch/alerts.json), instead of a
# module and daemon of its own.
#
# An attack counts as detected only by its own alert: the scenario's rule,
# its subject (scen_match: the device, process, payload or locus that only
# this attack produces), and raised after the attack started: a sequence
# number above the marker event made right before it (bmcw_mark) and a
# last occurrence no earlier than the attack's start (to the millisecond).
# An attack that did not run (scen_prepare or scen_run failed) fails, and
# so does a benign workload that could not run.
set -u
mode=${1:-ktap}
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/eval/hooks.sh

unit=0
[ "${BMCW_EVAL_DAEMON:-}" = unit ] && unit=1
if [ $unit = 1 ]; then
	BMCW_ALERTS=${BMCW_EVAL_ALERTS:-/var/log/bmcwatch/alerts.json}
else
	BMCW_ALERTS=${BMCW_VM_OUT:-/tmp}/alerts.json
fi
export BMCW_ALERTS
attacks=(selftests/scenarios/attack-*.sh)
benign=(selftests/scenarios/benign-*.sh)

say() { [ "$mode" = demo ] && printf '%s\n' "$*"; }
# result OK|FAIL NAME [DIAGNOSTIC...]: a KTAP line (ktap mode only)
result() {
	[ "$mode" = ktap ] || return 0
	if [ "$1" = OK ]; then ktap_ok "$2"; else shift; ktap_fail "$@"; fi
}

# scen_bg COMMAND...: run COMMAND as a child whose pid scen_match can name
# (SCEN_PID); its status.
scen_bg() {
	"$@" &
	SCEN_PID=$!
	wait $SCEN_PID
}

[ "$mode" = ktap ] && { ktap_header; ktap_plan $((${#attacks[@]} + 2)); }
# the BMC's USB port, declared at load as an operator would (benign-40,
# attack-8x); the unit's module is declared by the scenarios instead
usb_entry=$(bmcw_usb_bmc_entry 2>/dev/null)
if [ $unit = 1 ]; then
	# the unit's daemon, for bmcw_daemon_alive
	BMCW_DAEMON_PID=$(systemctl show -P MainPID bmcwatchd)
	[ "$BMCW_DAEMON_PID" != 0 ] || BMCW_DAEMON_PID=
elif ! bmcw_load ${usb_entry:+usb_bmc_devices=$usb_entry}; then
	result FAIL "bmcwatch.ko loads"
	say "bmcwatch.ko does not load"
	exit 1
fi
EDU=$(bmcw_edu_bdf)
export EDU
if [ $unit = 1 ]; then
	if ! bmcw_daemon_alive; then
		result FAIL "bmcwatchd runs under systemd"
		exit 1
	fi
elif ! bmcw_start --bmc-device 1234:11e8; then
	result FAIL "bmcwatchd starts"
	say "bmcwatchd does not start"
	exit 1
fi

# the timeline is for people: kernel console messages (the NMI's) go to dmesg only
[ "$mode" = demo ] && dmesg -n 1
say "bmcwatch demo: edu ($EDU) plays a BMC function; bmcwatchd is watching"
say ""
say "== benign workload =="

# The benign corpus: each workload must run, and nothing at warning or
# above may come of it, in a log proven complete.
not_run=()
for f in "${benign[@]}"; do
	say "  $(sed -n '2s/^# //p' "$f")"
	if ! ( . "$f"; benign_run ) >/tmp/benign.out 2>&1; then
		not_run+=("${f##*/}: $(tail -n 3 /tmp/benign.out | tr '\n' ' ')")
		say "    DID NOT RUN: $(tail -n 1 /tmp/benign.out)"
	fi
done
proof=$(bmcw_log_complete)
complete=$?
noise=$(bmcw_loud_alerts)
false_alarms=$(printf '%s' "$noise" | grep -c . || true)
if [ $complete -ne 0 ]; then
	result FAIL "benign corpus raises nothing at warning or above" \
		"the alert log is not proven complete:" "$proof"
elif [ ${#not_run[@]} -ne 0 ]; then
	result FAIL "benign corpus raises nothing at warning or above" \
		"workloads that did not run:" "${not_run[@]}"
elif [ -n "$noise" ]; then
	result FAIL "benign corpus raises nothing at warning or above" \
		"$(printf '%s\n' "$noise" | jq -r '.rule.name + ": " + .message')"
else
	result OK "benign corpus raises nothing at warning or above"
fi
if [ $complete -ne 0 ]; then
	say "  -> the alert log is not proven complete: ${proof//# /}"
else
	say "  -> $false_alarms alerts at warning or above"
fi
say ""
say "== attacks =="

detected=0
for f in "${attacks[@]}"; do
	(
		SCEN_PID=0
		unset -f scen_prepare scen_undo scen_match
		. "$f"
		undo() { declare -f scen_undo >/dev/null && scen_undo >/dev/null 2>&1; }
		# missed WHY...: the attack was not detected, or did not run
		missed() {
			result FAIL "$SCEN_TITLE -> $SCEN_RULE" "$@"
			[ "$mode" = demo ] && printf '  %-45s -> %s (%s)\n' "$SCEN_TITLE" \
				"$(printf '%s' "$1" | head -c 60)" "$SCEN_RULE"
			undo
			exit 1
		}
		declare -f scen_match >/dev/null || missed "NO MATCH" "the scenario has no scen_match"
		if declare -f scen_prepare >/dev/null && ! scen_prepare >/tmp/scen.out 2>&1; then
			missed "DID NOT RUN" "scen_prepare failed: $(tail -n 3 /tmp/scen.out)"
		fi
		# (not in $(...): bmcw_mark sets BMCW_MARK_SEQ)
		bmcw_mark >/tmp/mark.out && [ -n "$BMCW_MARK_SEQ" ] ||
			missed "NOT WATCHED" "the marker before the attack never reached the log:" \
				"$(cat /tmp/mark.out)"
		seq0=$BMCW_MARK_SEQ
		t0=$(bmcw_now_ms)
		iso0=$(date -u -d "@$((t0 / 1000)).$(printf %03d $((t0 % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ)
		scen_run >/tmp/scen.out 2>&1
		rc=$?
		[ $rc -eq 0 ] || missed "DID NOT RUN" "the attack did not run (scen_run exit $rc):" \
			"$(tail -n 3 /tmp/scen.out)"
		filter=".bmcwatch.seq > $seq0 and .bmcwatch.last >= \"$iso0\" and ($(scen_match))"
		if ! bmcw_wait_alert "$SCEN_RULE" 15 "$filter"; then
			missed "MISSED" "no $SCEN_RULE of this attack (after alert #$seq0, at or after $iso0)" \
				"$(bmcw_alerts ".rule.name == \"$SCEN_RULE\"" | tail -n 3 |
					jq -r '"#\(.bmcwatch.seq) \(.bmcwatch.last): \(.message)"')"
		fi
		a=$(bmcw_alerts ".rule.name == \"$SCEN_RULE\" and $filter" | head -n 1)
		# from the attack's start to when the daemon made the alert
		t1=$(date -d "$(printf '%s' "$a" | jq -r '.event.created')" +%s%3N)
		who=$(printf '%s' "$a" | jq -r '[.bmcwatch.device.bdf // .bmcwatch.locus // empty, (.process.name // empty | "by " + .)] | join(" ")')
		result OK "$SCEN_TITLE -> $SCEN_RULE ($((t1 - t0)) ms, alert #$(printf '%s' "$a" | jq .bmcwatch.seq))"
		[ "$mode" = demo ] && printf '  %-45s -> %-26s %-24s %5d ms\n' "$SCEN_TITLE" \
			"$SCEN_RULE" "$who" $((t1 - t0))
		undo
		exit 0
	) && detected=$((detected + 1))
	KTAP_N=$((KTAP_N + 1))
done
# The SSIF driver too (no SSIF interface here: it binds nothing), so that
# its hooks are placed and held to the same check.
modprobe -q ipmi_ssif 2>/dev/null
if why=$(hooks_check); then
	result OK "$(uname -r): every hook placed or declared absent (hooks-absent)"
	hooks_ok=1
else
	mapfile -t whys <<<"$why"
	result FAIL "$(uname -r): every hook placed or declared absent (hooks-absent)" "${whys[@]}"
	say "hooks: $why"
	hooks_ok=0
fi
[ $unit = 1 ] || bmcw_stop
say ""
if [ $complete -eq 0 ]; then
	say "detected $detected/${#attacks[@]} attacks, $false_alarms false alarms"
else
	say "detected $detected/${#attacks[@]} attacks; false alarms unknown (alert log not proven complete)"
fi
[ "$detected" -eq "${#attacks[@]}" ] && [ $complete -eq 0 ] && [ ${#not_run[@]} -eq 0 ] &&
	[ "$false_alarms" -eq 0 ] && [ $hooks_ok -eq 1 ]
