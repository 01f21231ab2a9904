#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Safe on a live hypervisor: three boots of the emulated host, each
# printing KTAP.
#   domains.sh  a PCI domain above 16 bits (a VMD-like host bridge of the
#               test module), a root bus that comes and goes, writes that
#               must not be preceded by a read, atomic BPF counters
#   stacked.sh  aer_inject's pci_ops wrapper below and above bmcwatch's,
#               each unloaded first
#   churn.sh    load/unload cycles while the PCI topology changes (rescan,
#               hotplug, SR-IOV) and config space is hammered from
#               threads, interrupts and processes
# During churn.sh the host hot-plugs an edu on root port rp1 and removes
# it again for as long as the guest keeps $BMCW_VM_OUT/churn.
# LH_BOOTS="domains stacked churn" (the default) chooses the boots.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/boots.sh
work=$(mktemp -d)
churner=
trap '[ -z "$churner" ] || kill "$churner" 2>/dev/null; rm -rf "$work"' EXIT

boots=" ${LH_BOOTS:-domains stacked churn} "
total=0
for b in domains stacked churn; do
	[[ $boots == *" $b "* ]] || continue
	total=$((total + $(boot_plan "selftests/livehost/$b.sh")))
done
boots_begin $total
for b in domains stacked; do
	[[ $boots == *" $b "* ]] || continue
	boot_run "$b" --timeout 300 -- "selftests/livehost/$b.sh"
done
[[ $boots == *" churn "* ]] || { boots_end; exit; }

# Hot-plug churn, driven from here while the guest asks for it; what
# succeeded is counted in OUT/hotplugs, which the guest requires.
churn() {
	local sock=$1 out=$2 n=0 plugged=0
	while [[ ! -e $work/done ]]; do
		if [[ -e $out/churn ]]; then
			n=$((n + 1))
			if selftests/vm/qmp --wait 5 "$sock" device_add driver=edu \
				bus=rp1 id="churn$n" >/dev/null 2>&1; then
				sleep 1
				selftests/vm/qmp --wait 5 "$sock" device_del \
					id="churn$n" >/dev/null 2>&1 &&
					echo $((plugged += 1)) >"$out/hotplugs"
			fi
		fi
		sleep 0.5
	done
}
mkdir "$work/out"
churn "$work/qmp.sock" "$work/out" &
churner=$!
# The limit catches a hang: each unload waits for an RCU-tasks grace
# period, which the seldom-sleeping readers stretch; on 6.12 under the
# load of another emulated host a cycle took about two minutes.
boot_run churn --qmp "$work/qmp.sock" --out "$work/out" --timeout 1200 \
	--nvme-sriov 4 -- selftests/livehost/churn.sh
touch "$work/done"
wait "$churner"
churner=
boots_end
