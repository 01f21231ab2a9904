#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hypervisor's normal traffic, inside the emulated host. selftests/vfio/vmm
# drives edu through vfio-pci the way QEMU drives a passed-through device
# (container, group, type1 IOMMU, DMA map, config region, BAR0 mmap, MSI or
# INTx on an eventfd, DMA into the mapped buffer):
#  - edu an ordinary function: the traffic is counted under origin vfio,
#    recorded at info level with the vmm process, and nothing is raised at
#    warning or above; a process reading the same function through sysfs
#    is still a user access;
#  - edu declared a BMC function: the same program raises bus mastering
#    and the config write, naming the process;
#  - SR-IOV VFs of an NVMe controller created and destroyed a few times:
#    info-level inventory events only, and the module's and the daemon's
#    state for departed functions reclaimed.
# Prints KTAP. host.sh boots the emulated host with --nvme-sriov.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

VMM=selftests/vfio/vmm
T=/sys/kernel/tracing/events/bmcwatch/bmcwatch_cfg_access
DBG=/sys/kernel/debug/bmcwatch
NVFS=${BMCW_VFIO_NVFS:-4}
CYCLES=${BMCW_VFIO_CYCLES:-3}

# snap FILE: the daemon's per-CPU counter map as "KEY SUM" lines, the key
# the packed __u64 of BMCW_CFG_KEY_PACK() (values summed over CPUs).
snap() {
	bpftool -j map dump pinned "$BMCW_PIN/cfg_counts" 2>/dev/null | jq -r '
		def hex: ascii_downcase | ltrimstr("0x") | explode |
			reduce .[] as $c (0; . * 16 + $c - (if $c > 96 then 87 else 48 end));
		def num: if type == "array" then
			reverse | reduce (.[] | hex) as $b (0; . * 256 + $b)
		  else tonumber end;
		.[] | (.formatted // .) | "\(.key | num) \([.values[].value | num] | add)"' \
		>"$1"
}

# origin_total FILE BUS DEVFN ORIGIN: accesses of one function by one origin,
# over every class and direction.
origin_total() {
	awk -v fn=$(( $2 << 8 | $3 )) -v o="$4" '
		int($1 / 16777216) % 65536 == fn && $1 % 256 == o { s += $2 }
		END { print s + 0 }' "$1"
}

# keys_of FILE BUS DEVFN-REGEX: counter keys held for matching functions.
keys_of() {
	awk -v bus="$2" -v re="^($3)\$" '
		int($1 / 4294967296) % 256 == bus && (int($1 / 16777216) % 256 "") ~ re { n++ }
		END { print n + 0 }' "$1"
}

nkeys() {
	wc -l <"$1"
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds (a deadline,
# not a number of tries: a command can take seconds under emulation).
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.1
	done
}

count_alerts() {
	bmcw_alerts "$1" | wc -l
}

# wait_alert RULE SECONDS JQ-FILTER: like bmcw_wait_alert, with a deadline.
has_alert() {
	[ -n "$(bmcw_alerts ".rule.name == \"$1\" and ($2)")" ]
}
wait_alert() {
	wait_for "$2" has_alert "$1" "$3"
}

# The loud alerts so far, one short line each, for diagnostics; first the
# proof that the log is complete (else what it says instead, and 1).
loud_brief() {
	local proof
	proof=$(bmcw_log_complete) || { printf '%s\n' "$proof"; return 1; }
	bmcw_loud_alerts | jq -r '"\(.log.level) \(.rule.name): \(.message)"' | head -5
}

# Functions of the NVMe PF's device (the PF and its VFs), and whether the
# daemon still holds counter keys of any VF.
nvme_fns() {
	lspci -s "${pf:5:5}" -d 1b36:0010 | wc -l
}
nvme_fns_are() {
	[ "$(nvme_fns)" -eq "$1" ]
}
vf_keys_gone() {
	snap /tmp/keys.now
	[ "$(keys_of /tmp/keys.now $pfbus "$vf_devfns")" -eq 0 ]
}

ktap_header
ktap_plan 18

modprobe -q vfio-pci && modprobe -q nvme ||
	{ ktap_fail "vfio-pci and nvme load"; exit 1; }
bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
bus=$(( 0x${bdf:5:2} ))
devfn=$(( 0x${bdf:8:2} << 3 | ${bdf:11:1} ))
bmcw_start || ktap_diag "daemon did not report start"

t_a=$SECONDS
# --- Case A: edu is an ordinary function passed through to a VMM.
echo vfio-pci >"/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" >/sys/bus/pci/drivers_probe
group=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
flags=$(grep "^$bdf " $DBG/inventory | grep -o ' flags=0x[0-9a-f]*' | cut -d= -f2)
if [ "$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")" = vfio-pci ] &&
	[ -c "/dev/vfio/$group" ] && (( ${flags:-0} & 0x40 )); then	# BMCW_FN_VFIO
	ktap_ok "edu bound to vfio-pci (group $group), flagged in the inventory"
else
	ktap_fail "edu bound to vfio-pci (group $group), flagged in the inventory" \
		"$(grep "^$bdf " $DBG/inventory)"
fi

# The module's transcript of edu's config accesses, for the numbers below.
echo "bus == $bus && devfn == $devfn" >$T/filter
echo 1 >$T/enable
: >/sys/kernel/tracing/trace
snap /tmp/counts.0
$VMM --rounds 3 "$bdf" >/tmp/vmm.out 2>&1 &
vmm_pid=$!
wait $vmm_pid
rc=$?
echo 0 >$T/enable
cat /sys/kernel/tracing/trace >/tmp/vmm.trace
ktap_diag "vmm (pid $vmm_pid): $(cat /tmp/vmm.out)"
if [ $rc -eq 0 ] && grep -q "irq=msi irqs=9 dma=6" /tmp/vmm.out; then
	ktap_ok "the VMM drives edu through VFIO: MSI on an eventfd, DMA round trips"
else
	ktap_fail "the VMM drives edu through VFIO: MSI on an eventfd, DMA round trips" \
		"rc=$rc"
fi
$VMM --intx --rounds 2 "$bdf" >/tmp/vmm-intx.out 2>&1
rc=$?
ktap_diag "vmm --intx: $(cat /tmp/vmm-intx.out)"
ktap_check "the VMM drives edu through VFIO: INTx, unmasked after each" \
	test $rc -eq 0

snap /tmp/counts.1
delta() {	# ORIGIN: accesses to edu by ORIGIN during the VMM runs
	echo $(( $(origin_total /tmp/counts.1 $bus $devfn "$1") -
		 $(origin_total /tmp/counts.0 $bus $devfn "$1") ))
}
vfio=$(delta $BMCW_ORIGIN_VFIO)
user=$(delta $BMCW_ORIGIN_USER)
kern=$(delta $BMCW_ORIGIN_KERNEL)
cmdkey=$(( bus << 32 | devfn << 24 | BMCW_CFG_COMMAND << 16 | BMCW_DIR_WRITE << 8 | BMCW_ORIGIN_VFIO ))
cmdw=$(( $(awk -v k=$cmdkey '$1 == k { print $2 }' /tmp/counts.1) - \
	 $(awk -v k=$cmdkey '$1 == k { s = $2 } END { print s + 0 }' /tmp/counts.0) ))
ktap_diag "edu config accesses during both VMM runs: vfio=$vfio kernel=$kern user=$user"
# The first run's transcript: who made each access (pid/comm), by origin.
# Besides the VMM only kernel threads may appear: runtime PM suspends the
# function (saving its config) once the VMM closes it.
grep "bmcwatch_cfg_access:" /tmp/vmm.trace >/tmp/vmm.acc
t_vfio=$(grep -c "origin=2 .*pid=$vmm_pid comm=vmm\$" /tmp/vmm.acc)
t_kern=$(grep -c "origin=0 .*pid=$vmm_pid comm=vmm\$" /tmp/vmm.acc)
t_kthread=$(grep -c "origin=0 .*comm=kworker/" /tmp/vmm.acc)
t_other=$(( $(wc -l </tmp/vmm.acc) - t_vfio - t_kern - t_kthread ))
ktap_diag "first run's transcript: origin vfio by vmm=$t_vfio, origin kernel in vmm (vfio-pci's own)=$t_kern, kernel threads=$t_kthread, other=$t_other"
if [ "$cmdw" -ge 3 ] && [ "$vfio" -ge 10 ] && [ "$user" -eq 0 ]; then
	ktap_ok "the VMM's config accesses are counted under origin vfio, none as user"
else
	ktap_fail "the VMM's config accesses are counted under origin vfio, none as user" \
		"command writes by vfio=$cmdw vfio=$vfio user=$user"
fi
if [ "$t_vfio" -ge 10 ] && [ "$t_other" -eq 0 ]; then
	ktap_ok "every edu access during the run names the vmm process (vfio and vfio-pci's own)"
else
	ktap_fail "every edu access during the run names the vmm process (vfio and vfio-pci's own)" \
		"$(grep -v -e "comm=vmm\$" -e "origin=0 .*comm=kworker/" /tmp/vmm.acc | head -3)"
fi
ktap_check "the VMM's writes are recorded as pcie.vfio_config_write (info, vmm, origin vfio)" \
	wait_alert pcie.vfio_config_write 5 \
	".process.name == \"vmm\" and .process.pid == $vmm_pid and .log.level == \"info\" and .bmcwatch.extra.origin == \"vfio\" and .bmcwatch.device.bdf == \"$bdf\""
loud=$(loud_brief) || loud=${loud:-the alert log is not proven complete}
if [ -z "$loud" ]; then
	ktap_ok "the VMM raises nothing at warning or above"
else
	ktap_fail "the VMM raises nothing at warning or above" "$loud"
fi

# A root process reading the same function through sysfs is not the VMM.
u0=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_COMMAND $BMCW_DIR_READ $BMCW_ORIGIN_USER)
v0=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_COMMAND $BMCW_DIR_READ $BMCW_ORIGIN_VFIO)
dd if="/sys/bus/pci/devices/$bdf/config" of=/dev/null bs=2 skip=2 count=1 2>/dev/null
u1=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_COMMAND $BMCW_DIR_READ $BMCW_ORIGIN_USER)
v1=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_COMMAND $BMCW_DIR_READ $BMCW_ORIGIN_VFIO)
if [ $((u1 - u0)) -eq 1 ] && [ $((v1 - v0)) -eq 0 ]; then
	ktap_ok "a sysfs read of the vfio-bound function counts as user, not vfio"
else
	ktap_fail "a sysfs read of the vfio-bound function counts as user, not vfio" \
		"user +$((u1 - u0)) vfio +$((v1 - v0))"
fi

t_b=$SECONDS
# --- Case B: the same program aimed at a declared BMC function.
bmcw_stop
bmcw_start --bmc-device 1234:11e8
$VMM --rounds 1 "$bdf" >/tmp/vmm-bmc.out 2>&1 &
vmm_pid=$!
wait $vmm_pid
ktap_diag "vmm on the BMC function (pid $vmm_pid): $(cat /tmp/vmm-bmc.out)"
ktap_check "bus mastering of the BMC function raises dma.bus_master_enabled naming vmm" \
	wait_alert dma.bus_master_enabled 5 \
	".process.name == \"vmm\" and .process.pid == $vmm_pid and .log.level == \"critical\" and .bmcwatch.device.bdf == \"$bdf\" and (.message | test(\"through vfio-pci\"))"
ktap_check "its config writes raise pcie.config_write (warning, vmm, origin vfio)" \
	wait_alert pcie.config_write 5 \
	".process.name == \"vmm\" and .log.level == \"warning\" and .bmcwatch.extra.origin == \"vfio\" and .bmcwatch.device.bdf == \"$bdf\""
if other=$(bmcw_no_alerts '.rule.name == "pcie.msi_hijack" or .rule.name == "pcie.vfio_config_write"'); then
	ktap_ok "no pcie.msi_hijack from vfio-pci's MSI setup, no info-only record for a BMC function"
else
	ktap_fail "no pcie.msi_hijack from vfio-pci's MSI setup, no info-only record for a BMC function" \
		"$other"
fi
bmcw_stop
echo "$bdf" >"/sys/bus/pci/devices/$bdf/driver/unbind"
echo >"/sys/bus/pci/devices/$bdf/driver_override"

t_c=$SECONDS
# --- SR-IOV: VFs of an NVMe controller created and destroyed. Every
# occurrence its own alert: no aggregation window, no rate limit.
printf '[daemon]\naggregation_window_s = 0\nrate_limit = 0\n' >/tmp/sriov.conf
bmcw_start -c /tmp/sriov.conf
pf=$(lspci -D -d 1b36:0010 | awk 'NR == 1 { print $1 }')
sysd=/sys/bus/pci/devices/$pf
if [ -n "$pf" ] && wait_for 20 test -e "$sysd/driver" &&
	[ "$(cat "$sysd/sriov_totalvfs" 2>/dev/null)" -ge "$NVFS" ]; then
	ktap_ok "NVMe PF $pf bound to nvme, $(cat "$sysd/sriov_totalvfs") VFs possible"
else
	ktap_fail "NVMe PF ${pf:-?} bound to nvme, $NVFS VFs possible"
fi
pfbus=$(( 0x${pf:5:2} ))
vf_devfns="[1-$NVFS]"	# offset 1, stride 1 behind the ARI root port
# VFs stay driverless: the PF has no resources assigned to them (QEMU's
# secondary controllers stay offline without nvme virt-mgmt), and the
# inventory is what this tests.
echo 0 >"$sysd/sriov_drivers_autoprobe"
sleep 1.2	# let the daemon's map see the PF's bind traffic first
inv0=$(wc -l <$DBG/inventory)
hooks0=$(md5sum <$DBG/hooks)
snap /tmp/keys.0
keys0=$(nkeys /tmp/keys.0)
seen=0
for ((c = 1; c <= CYCLES; c++)); do
	echo "$NVFS" >"$sysd/sriov_numvfs"
	nvme_fns_are $((NVFS + 1)) && seen=$((seen + 1))
	[ $c -eq 1 ] && snap /tmp/keys.live &&
		vfkeys_live=$(keys_of /tmp/keys.live $pfbus "$vf_devfns")
	echo 0 >"$sysd/sriov_numvfs"
	wait_for 10 nvme_fns_are 1
	# the daemon deletes departed functions' keys at its next interval
	wait_for 5 vf_keys_gone
	[ $c -eq 1 ] && keys1=$(nkeys /tmp/keys.now)
done
ktap_check "$CYCLES cycles of $NVFS VFs: each VF appeared as a PCI function" \
	test $seen -eq "$CYCLES"
all_removed() {
	[ "$(count_alerts '.rule.name == "pcie.vf_removed"')" -ge $((CYCLES * NVFS)) ]
}
wait_for 10 all_removed
added=$(count_alerts '.rule.name == "pcie.vf_added" and .log.level == "info"')
removed=$(count_alerts '.rule.name == "pcie.vf_removed" and .log.level == "info"')
if [ "$added" -eq $((CYCLES * NVFS)) ] && [ "$removed" -eq $((CYCLES * NVFS)) ]; then
	ktap_ok "every VF creation and destruction is an info-level inventory event ($added + $removed)"
else
	ktap_fail "every VF creation and destruction is an info-level inventory event" \
		"info pcie.vf_added=$added pcie.vf_removed=$removed, want $((CYCLES * NVFS)) each"
fi
loud=$(loud_brief) || loud=${loud:-the alert log is not proven complete}
if [ -z "$loud" ]; then
	ktap_ok "SR-IOV cycles raise nothing at warning or above"
else
	ktap_fail "SR-IOV cycles raise nothing at warning or above" "$loud"
fi
inv1=$(wc -l <$DBG/inventory)
hooks1=$(md5sum <$DBG/hooks)
ktap_diag "module inventory: $inv0 functions before, $inv1 after"
if [ "$inv1" -eq "$inv0" ] && [ "$hooks1" = "$hooks0" ] &&
	! grep -q "^${pf%.*}\.[1-9]" $DBG/inventory; then
	ktap_ok "the module forgot every departed VF (inventory and bus hooks as before)"
else
	ktap_fail "the module forgot every departed VF (inventory and bus hooks as before)" \
		"inventory $inv0 -> $inv1" "$(grep "^${pf%.*}\." $DBG/inventory)"
fi
snap /tmp/keys.n
keysn=$(nkeys /tmp/keys.n)
vfkeys=$(keys_of /tmp/keys.n $pfbus "$vf_devfns")
ktap_diag "cfg_counts keys: $keys0 before, $vfkeys_live of live VFs in cycle 1, $keys1 after cycle 1, $keysn after cycle $CYCLES, $vfkeys of VFs left"
if [ "$vfkeys_live" -gt 0 ] && [ "$vfkeys" -eq 0 ] && [ "$keysn" -eq "$keys1" ]; then
	ktap_ok "the daemon's counter keys of departed VFs are reclaimed"
else
	ktap_fail "the daemon's counter keys of departed VFs are reclaimed" \
		"VF keys left=$vfkeys keys $keys0 -> $keys1 -> $keysn"
fi
bmcw_stop
bmcw_unload
ktap_check "the module unloads cleanly after VFIO and SR-IOV" \
	test ! -e /sys/kernel/bmcwatch
ktap_diag "seconds: setup $t_a, VMM $((t_b - t_a)), BMC function $((t_c - t_b)), SR-IOV $((SECONDS - t_c))"
ktap_finish
