#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPMI suite: boots the emulated host three times, each printing KTAP
# from guest.sh, merged into one plan here:
#   1. QEMU's BMC simulator (benign run, counts, watchdog, sensitive command),
#      behind the KCS interface, then again behind the BT interface
#   2. OpenIPMI's ipmi_sim as an external BMC on 127.0.0.1 (benign run)
#   3. selftests/ipmi/hostile_bmc as an external BMC (each attack)
# The plan is declared first (each guest.sh says how many results it
# prints); each boot adds one result for its exit status.
# A BMC "send NMI" makes the guest kernel print "Uhhuh. NMI received for
# unknown reason" at emergency level; the runner does not treat that as a
# kernel problem, so nothing has to be excused here.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/bmchost.sh
work=$(mktemp -d)
bmc_pid=
trap '[ -n "$bmc_pid" ] && kill "$bmc_pid" 2>/dev/null; rm -rf "$work"' EXIT

# BMCW_IPMI_PHASES="sim bt extern hostile" (default all) picks the boots;
# BMCW_VM_RUN another runner than selftests/vm/run (selftests/harness
# gives it one whose guest dies early).
phases=" ${BMCW_IPMI_PHASES:-sim bt extern hostile} "
have_sim=0
command -v ipmi_sim >/dev/null && have_sim=1

echo "KTAP version 1"
if ! make -s -C selftests/ipmi >"$work/build.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 build hostile_bmc"
	sed 's/^/# /' "$work/build.log"
	exit 1
fi

# The plan comes first, from what each boot's guest.sh declares (plus one
# result per boot for the run itself): a guest that dies early leaves
# results missing, which fails, instead of shrinking the plan.
# guest_plan MODE: its number of results.
guest_plan() {
	selftests/ipmi/guest.sh --plan "$1"
}
total=0
for p in sim bt extern hostile; do
	[[ $phases == *" $p "* ]] || continue
	if [[ $p == extern && $have_sim == 0 ]]; then
		total=$((total + 1))	# its skip
		continue
	fi
	m=$p
	[[ $p == bt ]] && m=sim
	total=$((total + $(guest_plan "$m") + 1))
done
echo "1..$total"

n=0 failed=0
# run_phase NAME VM-ARGS...: boot, renumber the guest's KTAP into ours.
# Exactly as many results as the guest's plan, then one for the run: ok
# when it exited 0 having reported no failure, or 1 having reported some.
run_phase() {
	local name=$1 mode=${guest_mode:-$1} line want got=0 bad=0 rc=none why=
	shift
	want=$(guest_plan "$mode")
	echo "# phase $name"
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			got=$((got + 1))
			if ((got > want)); then
				why+=" result beyond its plan of $want: '$line';"
				continue
			fi
			n=$((n + 1))
			[[ $line == "not ok "* ]] && failed=$((failed + 1)) bad=$((bad + 1))
			line=$(sed -E "s/^(not )?ok [0-9]+ /\1ok $n $name: /" <<<"$line")
			;;
		"KTAP version"* | "") continue ;;
		1..*)
			[[ $line == "1..$want" ]] || why+=" guest's plan '$line' is not 1..$want;"
			continue
			;;
		"# vm exit "*) rc=${line#\# vm exit }; continue ;;
		esac
		echo "$line"
	done < <("${BMCW_VM_RUN:-selftests/vm/run}" --timeout "${phase_timeout:-240}" --out "$work/out-$name" "$@" \
		-- selftests/ipmi/guest.sh "$mode"; printf '\n# vm exit %s\n' $?)
	while ((got < want)); do
		got=$((got + 1)) n=$((n + 1)) failed=$((failed + 1))
		echo "not ok $n $name: result $got of $want never reported (the guest stopped early)"
	done
	n=$((n + 1))
	if [[ -z $why && ($rc == 0 && $bad == 0 || $rc == 1 && $bad -gt 0) ]]; then
		echo "ok $n $name: emulated host run (exit $rc, $bad failure(s) reported)"
	else
		failed=$((failed + 1))
		echo "not ok $n $name: emulated host run (exit $rc, $bad failure(s) reported)"
		[[ -z $why ]] || echo "#$why"
	fi
}

[[ $phases == *" sim "* ]] && run_phase sim --bmc sim
# The same run over the BT interface: its state machine has the same hooks.
[[ $phases == *" bt "* ]] && BMCW_IPMI_IF=bt guest_mode=sim run_phase bt --bmc sim --ipmi-if bt

# OpenIPMI's simulator speaking the "VM" codec on a serial line.
if [[ $phases != *" extern "* ]]; then
	:
elif ((have_sim)); then
	port=$(free_port)
	bmchost_ipmi_sim "$port" "$work"
	bmc_pid=$bmchost_pid
	run_phase extern --bmc "extern:127.0.0.1:$port"
	kill "$bmc_pid" 2>/dev/null
	wait "$bmc_pid" 2>/dev/null
	bmc_pid=
else
	n=$((n + 1))
	echo "ok $n extern: ipmi_sim benign run # SKIP ipmi_sim not installed"
fi

if [[ $phases == *" hostile "* ]]; then
	port=$(free_port)
	selftests/ipmi/hostile_bmc "$port" 2>"$work/hostile.log" &
	bmc_pid=$!
	# its last test waits out the KCS driver's 10 error recoveries (~75 s)
	phase_timeout=420 run_phase hostile --bmc "extern:127.0.0.1:$port"
	grep -h '^hostile_bmc: scenario' "$work/hostile.log" | sed 's/^/# /'
fi
((n == total)) || { echo "# ipmi: $n results for a plan of $total"; failed=$((failed + 1)); }
((failed == 0))
