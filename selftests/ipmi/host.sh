#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPMI suite: boots the emulated host three times, each printing KTAP
# from guest.sh, merged into one plan here:
#   1. QEMU's BMC simulator (benign run, counts, watchdog, sensitive command),
#      behind the KCS interface, then again behind the BT interface
#   2. OpenIPMI's ipmi_sim as an external BMC on 127.0.0.1 (benign run)
#   3. selftests/ipmi/hostile_bmc as an external BMC (each attack)
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

make -s -C selftests/ipmi >/dev/null || { echo "not ok 1 build hostile_bmc"; exit 1; }

n=0 failed=0
# run_phase NAME VM-ARGS...: boot, renumber the guest's KTAP into ours.
run_phase() {
	local name=$1 line
	shift
	echo "# phase $name"
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			n=$((n + 1))
			[[ $line == "not ok "* ]] && failed=$((failed + 1))
			line=$(sed -E "s/^(not )?ok [0-9]+ /\1ok $n $name: /" <<<"$line")
			;;
		"KTAP version"* | 1..*) continue ;;
		# 1: the guest's own failures, already reported above
		"# vm exit 0" | "# vm exit 1") continue ;;
		"# vm exit "*)
			n=$((n + 1)) failed=$((failed + 1))
			line="not ok $n $name: emulated host run (${line#\# vm })"
			;;
		esac
		echo "$line"
	done < <(selftests/vm/run --timeout "${phase_timeout:-240}" --out "$work/out-$name" "$@" \
		-- selftests/ipmi/guest.sh "${guest_mode:-$name}"; echo "# vm exit $?")
}

# BMCW_IPMI_PHASES="sim bt extern hostile" (default all) picks the boots.
phases=" ${BMCW_IPMI_PHASES:-sim bt extern hostile} "

echo "KTAP version 1"
[[ $phases == *" sim "* ]] && run_phase sim --bmc sim
# The same run over the BT interface: its state machine has the same hooks.
[[ $phases == *" bt "* ]] && BMCW_IPMI_IF=bt guest_mode=sim run_phase bt --bmc sim --ipmi-if bt

# OpenIPMI's simulator speaking the "VM" codec on a serial line.
if [[ $phases != *" extern "* ]]; then
	:
elif command -v ipmi_sim >/dev/null; then
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
echo "1..$n"
((failed == 0))
