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
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d)
vm=
trap 'kill $vm 2>/dev/null || true; rm -rf "$work"' EXIT
rc=0

boots=" ${LH_BOOTS:-domains stacked churn} "
for b in domains stacked; do
	[[ $boots == *" $b "* ]] || continue
	selftests/vm/run --timeout 300 -- "selftests/livehost/$b.sh" || rc=$?
done
[[ $boots == *" churn "* ]] || exit $rc

# Hot-plug churn, driven from here while the guest asks for it; what
# succeeded is counted in OUT/hotplugs, which the guest requires.
churn() {
	local sock=$1 out=$2 n=0 plugged=0
	while kill -0 "$vm" 2>/dev/null; do
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
selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 600 \
	--nvme-sriov 4 -- selftests/livehost/churn.sh &
vm=$!
churn "$work/qmp.sock" "$work/out" &
wait "$vm" || rc=$?
exit $rc
