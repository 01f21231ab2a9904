#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Plays selftests/scenarios inside the emulated host against a running
# bmcwatchd: first the benign corpus, then each attack, measuring the time
# from the attack to its alert.
#   guest.sh ktap   KTAP: one result per attack, one for the benign corpus
#   guest.sh demo   a readable timeline and "detected X/Y attacks, Z false alarms"
# The full JSON alert log is left in $BMCW_VM_OUT/alerts.json.
set -u
mode=${1:-ktap}
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

BMCW_ALERTS=${BMCW_VM_OUT:-/tmp}/alerts.json
export BMCW_ALERTS
attacks=(selftests/scenarios/attack-*.sh)
benign=(selftests/scenarios/benign-*.sh)

say() { [ "$mode" = demo ] && printf '%s\n' "$*"; }

if ! bmcw_load; then
	echo "not ok 1 bmcwatch.ko loads"
	exit 1
fi
EDU=$(bmcw_edu_bdf)
export EDU
bmcw_start --bmc-device 1234:11e8 || { echo "not ok 1 bmcwatchd starts"; exit 1; }

[ "$mode" = ktap ] && { ktap_header; ktap_plan $((${#attacks[@]} + 1)); }
# the timeline is for people: kernel console messages (the NMI's) go to dmesg only
[ "$mode" = demo ] && dmesg -n 1
say "bmcwatch demo: edu ($EDU) plays a BMC function; bmcwatchd is watching"
say ""
say "== benign workload =="

# The benign corpus: nothing at warning or above may come of it.
for f in "${benign[@]}"; do
	say "  $(sed -n '2s/^# //p' "$f")"
	( . "$f"; benign_run )
done
sleep 1
noise=$(bmcw_loud_alerts)
false_alarms=$(printf '%s' "$noise" | grep -c . || true)
if [ "$mode" = ktap ]; then
	if [ -z "$noise" ]; then
		ktap_ok "benign corpus raises nothing at warning or above"
	else
		ktap_fail "benign corpus raises nothing at warning or above" \
			"$(printf '%s\n' "$noise" | jq -r '.rule.name + ": " + .message')"
	fi
fi
say "  -> $false_alarms alerts at warning or above"
say ""
say "== attacks =="

detected=0
for f in "${attacks[@]}"; do
	(
		SCEN_FILTER=true
		. "$f"
		declare -f scen_prepare >/dev/null && scen_prepare >/dev/null 2>&1
		t0=$(bmcw_now_ms)
		scen_run >/dev/null 2>&1
		if bmcw_wait_alert "$SCEN_RULE" 15 "($SCEN_FILTER) and .bmcwatch.last >= \"$(date -u -d @$((t0 / 1000)) +%Y-%m-%dT%H:%M:%S)\""; then
			t1=$(bmcw_now_ms)
			a=$(bmcw_alerts ".rule.name == \"$SCEN_RULE\" and ($SCEN_FILTER)" | tail -n 1)
			who=$(printf '%s' "$a" | jq -r '[.bmcwatch.device.bdf // .bmcwatch.locus // empty, (.process.name // empty | "by " + .)] | join(" ")')
			if [ "$mode" = ktap ]; then
				ktap_ok "$SCEN_TITLE -> $SCEN_RULE"
			else
				printf '  %-45s -> %-26s %-24s %5d ms\n' "$SCEN_TITLE" \
					"$SCEN_RULE" "$who" $((t1 - t0))
			fi
			declare -f scen_undo >/dev/null && scen_undo >/dev/null 2>&1
			exit 0
		fi
		if [ "$mode" = ktap ]; then
			echo "not ok $((KTAP_N + 1)) $SCEN_TITLE -> $SCEN_RULE"
		else
			printf '  %-45s -> MISSED (%s)\n' "$SCEN_TITLE" "$SCEN_RULE"
		fi
		declare -f scen_undo >/dev/null && scen_undo >/dev/null 2>&1
		exit 1
	) && detected=$((detected + 1))
	KTAP_N=$((KTAP_N + 1))
done
bmcw_stop
say ""
say "detected $detected/${#attacks[@]} attacks, $false_alarms false alarms"
[ "$detected" -eq "${#attacks[@]}" ] && [ "$false_alarms" -eq 0 ]
