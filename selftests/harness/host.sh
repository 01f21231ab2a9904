#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test machinery's own guards, each shown failing where it must (on the
# build machine, no emulated host): an absence check on a dead daemon or a
# broken alert log, a fuzz harness that executes nothing, an IPMI boot whose
# guest stops early, a boot whose output is lost. Each was a way for a
# broken run to read as a pass.
# Prints KTAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/ktap.sh
work=$(mktemp -d)
sleeper=
trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; rm -rf "$work"' EXIT

ktap_header
ktap_plan 7

# failed_saying FILE PATTERN...: the step just run failed (rc) and FILE
# says why (every PATTERN, grep -E).
rc=0
failed_saying() {
	local f=$1 p
	shift
	[ "$rc" -ne 0 ] || return 1
	for p in "$@"; do
		grep -Eq -- "$p" "$f" || return 1
	done
}

# --- absence checks (selftests/lib/bmcwatch.sh) must not pass on a log
# that proves nothing. Each runs in a subshell with its own log and pid.
absence() {	# absence LOG-CONTENT DAEMON-PID: bmcw_no_alerts' status and words
	(
		. selftests/lib/bmcwatch.sh
		BMCW_ALERTS=$work/alerts.json
		printf '%b' "$1" >"$BMCW_ALERTS"
		BMCW_DAEMON_PID=$2
		bmcw_no_alerts '.rule.name == "never.raised"'
	) >"$work/absence.out" 2>&1
}
good='{"rule":{"name":"health.monitor_started"},"bmcwatch":{"seq":1}}\n'
sh -c 'exit 0' &
dead=$!
wait $dead
sleep 600 &
sleeper=$!

absence "$good" $dead
rc=$?
ktap_check "no alert, but the daemon is dead: the absence check fails, saying so" \
	failed_saying "$work/absence.out" "is not running"
absence "$good"'{"rule":{"name":"x"},"bmcwatch":{"seq":2}} garbage\n' $sleeper
rc=$?
ktap_check "a log line that does not parse: the absence check fails, saying so" \
	failed_saying "$work/absence.out" "does not parse|are alerts"
absence "$good"'{"rule":{"name":"x"},"bmcwatch":{"seq":2}}' $sleeper
rc=$?
ktap_check "a last line cut short (no newline): the absence check fails, saying so" \
	failed_saying "$work/absence.out" "no newline"
absence "$good"'{"rule":{"name":"x"}}\n' $sleeper
rc=$?
ktap_check "a line that is JSON but no alert: the absence check fails, saying so" \
	failed_saying "$work/absence.out" "are alerts"

# --- fuzz/run.sh: a harness that ran (almost) nothing tested nothing.
fake=harness_does_nothing
mkdir -p fuzz/.output
printf '#!/bin/sh\necho "stat::number_of_executed_units: 3"\n' >"fuzz/.output/$fake"
chmod +x "fuzz/.output/$fake"
fuzz/run.sh 1 "$fake" >"$work/fuzz.out" 2>&1
rc=$?
rm -f "fuzz/.output/$fake" "fuzz/.output/$fake.log"
rm -rf "fuzz/.output/work/$fake"
ktap_check "fuzz/run.sh: a harness with 3 executions in 1 s is not ok" \
	failed_saying "$work/fuzz.out" "^not ok 1 $fake: only 3 executions"

# --- selftests/ipmi/host.sh: a guest that stops after its first result
# (and exits 1 without reporting a failure) must fail the phase.
cat >"$work/vm-run" <<'EOS'
#!/bin/bash
echo "KTAP version 1"
echo "1..$(KTAP_PLAN_ONLY=1 selftests/ipmi/guest.sh sim)"
echo "ok 1 the only result before the guest died"
exit 1
EOS
chmod +x "$work/vm-run"
BMCW_IPMI_PHASES=sim BMCW_VM_RUN=$work/vm-run selftests/ipmi/host.sh >"$work/ipmi.out" 2>&1
rc=$?
ktap_check "ipmi: a guest that stops early fails its missing results and its run" \
	failed_saying "$work/ipmi.out" "^not ok 2 sim: result 2 of .* never reported" \
		"^not ok .* sim: emulated host run \(exit 1, 0 failure"

# --- a boot whose output never arrives, as QEMU 10's AMD IOMMU machine lost
# the guest's serial line (exit 0, nothing printed): the dma suite, whose
# other boots pass here, must fail it rather than plan without it.
cat >"$work/vm-run-mute" <<'EOS'
#!/bin/bash
while [[ $1 != -- ]]; do shift; done
shift
[[ $* == *amd.sh* ]] && exit 0
n=$(KTAP_PLAN_ONLY=1 "$@")
echo "KTAP version 1"
echo "1..$n"
for ((i = 1; i <= n; i++)); do echo "ok $i result $i"; done
EOS
chmod +x "$work/vm-run-mute"
BMCW_VM_RUN=$work/vm-run-mute selftests/dma/host.sh >"$work/dma.out" 2>&1
rc=$?
ktap_check "dma: a boot that printed nothing fails, each of its results named" \
	failed_saying "$work/dma.out" "^not ok [0-9]+ amd: result 1 of 4 never reported" \
		"^not ok [0-9]+ amd: result 4 of 4 never reported" "^ok [0-9]+ burst: emulated host run"
ktap_finish
