#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload bmcwatch while the PCI topology changes under it (edu
# removed and the bus rescanned, edu hot-plugged on rp1 by the host,
# SR-IOV virtual functions made and unmade) and while config space is
# read from kernel threads that seldom sleep, from a timer in hard
# interrupt context, and from processes; every other cycle first has a
# load refused at its last step, which undoes all the others. After each unload
# no bus may keep a wrapper of ours, and config space must work. KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/livehost/lib.sh

CYCLES=${LH_CYCLES:-4}
ktap_header
ktap_plan 4

lh_test_module || { ktap_fail "bmcw_test loads"; exit 1; }
edu=$(bmcw_edu_bdf)
modprobe -q nvme 2>/dev/null
pf=$(lspci -D -d 1b36:0010 | awk 'NR == 1 { print $1 }')
go=/tmp/churn.go
touch $go

# seldom: each unload waits (RCU tasks) seconds for them, and the topology
# changes meanwhile
echo "2 ${LH_HAMMER_EVERY:-150000}" >$T/hammer
echo "$edu 1000" >$T/irq_hammer
(while [ -e $go ]; do cat /sys/bus/pci/devices/*/config >/dev/null 2>&1; done) &
root=$(readlink -f "/sys/bus/pci/devices/$edu/..")/pci_bus/${edu%:*}
# Each churn counts what it really did: a churn that never ran would make
# the cycles below prove nothing.
# Before 6.1 the kernel races with itself when any walk that adds a bus's
# devices (a rescan, an ACPI hot-plug) meets virtual functions being made
# (5.10: "proc_dir_entry '03/00.1' already registered" and "cannot create
# duplicate filename" from pci_bus_add_devices, whatever bmcwatch does):
# there the SR-IOV churn is left out, and the topology changes by rescans
# and hot-plugs only.
sriov_churn=1
kv=$(uname -r)
kv=${kv%%-*}
[ "$(printf '%s\n6.1\n' "${kv%.*}" | sort -V | head -n 1)" = 6.1 ] || sriov_churn=0
(n=0; while [ -e $go ]; do
	echo 1 >"/sys/bus/pci/devices/$edu/remove" 2>/dev/null &&
		echo 1 >"$root/rescan" && n=$((n + 1))
done; echo $n >/tmp/churn.rescans) &
(n=0; while [ -e $go ] && [ -n "$pf" ] && [ $sriov_churn = 1 ]; do
	echo 4 >"/sys/bus/pci/devices/$pf/sriov_numvfs" 2>/dev/null &&
		echo 0 >"/sys/bus/pci/devices/$pf/sriov_numvfs" 2>/dev/null && n=$((n + 1))
done; echo $n >/tmp/churn.sriov) &
out=${BMCW_VM_OUT:-/tmp}
rm -f "$out/hotplugs"
touch "$out/churn"	# the host hot-plugs on rp1, counting into hotplugs

ok=0 why=
for ((c = 1; c <= CYCLES; c++)); do
	# Every other cycle, a load that fails at its last step first: it
	# undoes every step before it, the bus notifier and wrappers too,
	# under the same churn, and frees the BMC list its parameter made
	# (kmemleak's to see in make check-debug). An old module given as
	# BMCW_KO has no such parameter and loads: told apart.
	if ((c % 2)) && lh_load bmc_devices=1234:11e8 hooks_off=pcie/no_such_hook 2>/dev/null; then
		modinfo "$BMCW_KO" 2>/dev/null | grep -q '^parm: *hooks_off' &&
			{ why="load $c with a bad hooks_off was not refused"; break; }
		rmmod bmcwatch
	fi
	lh_load || { why="load $c failed"; break; }
	echo 1 >/sys/kernel/tracing/events/bmcwatch/enable
	sleep 1
	rmmod bmcwatch || { why="unload $c failed"; break; }
	ok=$((ok + 1))
done
rm -f "$out/churn" $go
wait
echo 0 >$T/hammer
echo 0 >$T/irq_hammer
irqs=$(sed -n 's/^reads=//p' $T/irq_hammer)
rescans=$(cat /tmp/churn.rescans 2>/dev/null)
vfs=$(cat /tmp/churn.sriov 2>/dev/null)
plugs=$(cat "$out/hotplugs" 2>/dev/null)
ktap_diag "churn: ${rescans:-?} remove+rescan, ${vfs:-?} SR-IOV 4-VF rounds (PF ${pf:-none}), ${plugs:-0} hot-plug add+remove; interrupt-context reads: $irqs"
[ "${rescans:-0}" -ge 1 ] || why+=" no remove+rescan succeeded;"
[ $sriov_churn = 0 ] || [ "${vfs:-0}" -ge 1 ] || why+=" no SR-IOV round succeeded;"
[ "${plugs:-0}" -ge 1 ] || why+=" no hot-plug succeeded;"
what="rescan, hotplug and SR-IOV churn"
[ $sriov_churn = 1 ] || what="rescan and hotplug churn (no SR-IOV churn before 6.1)"
if [ "$ok" -eq "$CYCLES" ] && [ -z "$why" ]; then
	ktap_ok "$CYCLES load/unload cycles under $what"
else
	ktap_fail "$CYCLES load/unload cycles under $what" "$why"
fi
if lh_busops_clean >/tmp/busops.left; then
	ktap_ok "no bus keeps a wrapper of ours"
else
	ktap_fail "no bus keeps a wrapper of ours" "$(cat /tmp/busops.left)"
fi
ktap_check "config space of every function reads after the unloads" \
	eval 'lspci -xxx >/dev/null && cat /sys/bus/pci/devices/*/config >/dev/null'
rmmod bmcw_test
ktap_check "test module unloads" test ! -d /sys/module/bmcw_test
ktap_finish
