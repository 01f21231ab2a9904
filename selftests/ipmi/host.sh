#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPMI suite: boots the emulated host three times, each printing KTAP
# from guest.sh, merged into one plan here:
#   1. QEMU's BMC simulator (benign run, counts, watchdog, sensitive command),
#      behind the KCS interface, then again behind the BT interface and
#      behind SSIF (IPMI over SMBus); then a hostile BMC behind SSIF
#      (ssif_bmc.sh: the test-only ssif_bmc module's SMBus adapter)
#   2. OpenIPMI's ipmi_sim as an external BMC on 127.0.0.1 (benign run)
#   3. selftests/ipmi/hostile_bmc as an external BMC (each attack)
# The plan is declared first (boots.sh): each guest.sh says how many
# results it prints; each boot adds one result for its exit status.
# A BMC "send NMI" makes the guest kernel print "Uhhuh. NMI received for
# unknown reason" at emergency level; the runner does not treat that as a
# kernel problem, so nothing has to be excused here.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/bmchost.sh
. selftests/lib/boots.sh
work=$(mktemp -d)
bmc_pid=
trap '[ -n "$bmc_pid" ] && kill "$bmc_pid" 2>/dev/null; rm -rf "$work"' EXIT

# BMCW_IPMI_PHASES="sim bt ssif ssifbmc extern hostile" (default all) picks the boots;
# BMCW_VM_RUN another runner than selftests/vm/run (selftests/harness
# gives it one whose guest dies early).
phases=" ${BMCW_IPMI_PHASES:-sim bt ssif ssifbmc extern hostile} "
have_sim=0
command -v ipmi_sim >/dev/null && have_sim=1

# Locked: the eval builds the same programs, maybe side by side.
if ! flock selftests/ipmi make -s -C selftests/ipmi >"$work/build.log" 2>&1; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 build hostile_bmc"
	sed 's/^/# /' "$work/build.log"
	exit 1
fi

total=0
for p in sim bt ssif ssifbmc extern hostile; do
	[[ $phases == *" $p "* ]] || continue
	if [[ $p == extern && $have_sim == 0 ]]; then
		total=$((total + 1))	# its skip
		continue
	fi
	if [[ $p == ssifbmc ]]; then
		total=$((total + $(boot_plan selftests/ipmi/ssif_bmc.sh)))
		continue
	fi
	m=$p
	[[ $p == bt || $p == ssif ]] && m=sim
	total=$((total + $(boot_plan selftests/ipmi/guest.sh "$m")))
done
boots_begin $total

# run_phase NAME VM-ARGS...: one boot, guest.sh in mode $guest_mode or NAME.
run_phase() {
	local name=$1
	shift
	boot_run "$name" --timeout "${phase_timeout:-240}" --out "$work/out-$name" "$@" \
		-- selftests/ipmi/guest.sh "${guest_mode:-$name}"
}

[[ $phases == *" sim "* ]] && run_phase sim --bmc sim
# The same run over the BT interface: its state machine has the same hooks.
[[ $phases == *" bt "* ]] && BMCW_IPMI_IF=bt guest_mode=sim run_phase bt --bmc sim --ipmi-if bt
# And over SSIF, whose driver (ipmi_ssif) has hooks of its own.
[[ $phases == *" ssif "* ]] && BMCW_IPMI_IF=ssif guest_mode=sim run_phase ssif --bmc sim --ipmi-if ssif
# A hostile BMC behind SSIF: QEMU's KCS simulator is there, unused.
[[ $phases == *" ssifbmc "* ]] && boot_run ssifbmc --timeout 240 --out "$work/out-ssifbmc" \
	-- selftests/ipmi/ssif_bmc.sh

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
	boot_skip "extern: ipmi_sim benign run" "ipmi_sim not installed"
fi

if [[ $phases == *" hostile "* ]]; then
	port=$(free_port)
	selftests/ipmi/hostile_bmc "$port" 2>"$work/hostile.log" &
	bmc_pid=$!
	# its last test waits out the KCS driver's 10 error recoveries (~75 s)
	phase_timeout=420 run_phase hostile --bmc "extern:127.0.0.1:$port"
	grep -h '^hostile_bmc: scenario' "$work/hostile.log" | sed 's/^/# /'
	kill "$bmc_pid" 2>/dev/null
	wait "$bmc_pid" 2>/dev/null
	bmc_pid=
fi
boots_end
