#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A PCI domain above 16 bits, as Intel VMD makes (its domains start at
# 0x10000): the test module's host bridge puts an ASPEED function (a BMC
# function by bmcwatch's built-in table) at 10000:00:SS.0, where SS is
# edu's slot, so that 0000:00:SS.0 and 10000:00:SS.0 differ only above
# bit 15 of the domain. Also: its root bus comes and goes; a write to a
# register whose read has side effects is not preceded by a read; the
# BPF counters add atomically. KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/livehost/lib.sh

ktap_header
ktap_plan 9

lh_load || { ktap_fail "bmcwatch loads"; exit 1; }
lh_test_module || { ktap_fail "bmcw_test loads"; exit 1; }
edu=$(bmcw_edu_bdf)
slot=$((0x${edu:8:2}))
fake=$(printf '10000:00:%02x.0' "$slot")
bmcw_start || ktap_diag "daemon did not report start"
echo "add 10000 $slot 1a03:2000" >$T/fakehost || { ktap_fail "fake host bridge"; exit 1; }

# 1. Both functions in the inventory, each with its own identity.
inv_e=$(grep "^$edu " $D/inventory)
inv_f=$(grep "^$fake " $D/inventory)
if [[ $inv_e == *"vendor=1234 device=11e8"* && $inv_f == *"vendor=1a03 device=2000"* ]]; then
	ktap_ok "$edu and $fake are two functions in the inventory"
else
	ktap_fail "$edu and $fake are two functions in the inventory" \
		"edu: ${inv_e:-missing}" "fake: ${inv_f:-missing}"
fi

# 2. The daemon names the new function by its whole address.
ktap_check "the function in domain 10000 raises pcie.device_added as $fake" \
	bmcw_wait_alert pcie.device_added 20 ".bmcwatch.device.bdf == \"$fake\""

# 3. Bus mastering: an alert for the BMC function, none for edu (not a BMC
# function here); with 16-bit keys edu took the other's BMC mark.
setpci -s "$fake" COMMAND=0x0006
ktap_check "bus mastering on $fake raises dma.bus_master_enabled for it" \
	bmcw_wait_alert dma.bus_master_enabled 10 ".bmcwatch.device.bdf == \"$fake\""
setpci -s "$edu" COMMAND=0x0006
if bmcw_wait_alert pcie.config_write 10 \
	".bmcwatch.device.bdf == \"$edu\" and .process.name == \"setpci\"" &&
   [ -z "$(bmcw_alerts ".rule.name == \"dma.bus_master_enabled\" and .bmcwatch.device.bdf == \"$edu\"")" ]; then
	ktap_ok "bus mastering on $edu (not a BMC function) raises no dma.bus_master_enabled"
else
	ktap_fail "bus mastering on $edu (not a BMC function) raises no dma.bus_master_enabled" \
		"$(bmcw_alerts ".bmcwatch.device.bdf == \"$edu\"" | head -5)"
fi
setpci -s "$edu" COMMAND=0x0000
setpci -s "$fake" COMMAND=0x0000

# 4. Config reads of the new function are counted under its domain.
devfn=$((slot << 3))
before=$(bmcw_cfg_count 0x10000 0 $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
lh_read_config "$fake" 50
after=$(bmcw_cfg_count 0x10000 0 $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
if [ $((after - before)) -eq 50 ]; then
	ktap_ok "50 reads of $fake count 50 under domain 10000"
else
	ktap_fail "50 reads of $fake count 50 under domain 10000" "before=$before after=$after"
fi

# 5. A write to the vendor-specific window is not preceded by a read: a
# read there is an action of its own (index/data windows).
reads_at() { awk -v o="off=0x$1" '$1 == o { sub(/reads=/, "", $2); print $2 }' $T/fakehost; }
r0=$(reads_at 64)
setpci -s "$fake" 0x64.L=0x00000001
r1=$(reads_at 64)
if [ "${r0:-0}" = "${r1:-0}" ] && grep -q '^off=0x64 .*writes=1' $T/fakehost; then
	ktap_ok "a traced write to a vendor register reads nothing first"
else
	ktap_fail "a traced write to a vendor register reads nothing first" \
		"reads at 0x64: ${r0:-0} -> ${r1:-0}" "$(grep '^off=0x64' $T/fakehost)"
fi

# 6. The root bus goes and comes three times: nothing of it stays behind.
bmcw_stop
for i in 1 2 3; do
	echo del >$T/fakehost
	echo "add 10000 $slot 1a03:2000" >$T/fakehost
done
echo del >$T/fakehost
# "ops=fake_ops [bmcw_test] buses=N" (older modules: "ops fake_ops ... buses N")
left=$(cat $D/pci_ops $D/hooks 2>/dev/null | sed -n 's/.*fake_ops.* buses[= ]\([0-9]*\).*/\1/p' | head -1)
if [ "${left:-x}" = 0 ]; then
	ktap_ok "a removed root bus leaves no record behind (3 cycles)"
else
	ktap_fail "a removed root bus leaves no record behind (3 cycles)" \
		"buses still recorded: ${left:-none found}" "$(cat $D/pci_ops 2>/dev/null)"
fi

# 7. The per-CPU counters add atomically: before 6.2 a raw tracepoint
# program may interrupt itself on one CPU (a config read from a hard
# interrupt), and a plain load-add-store loses a count. A locked add in
# the program is what prevents it (the JIT makes it one "lock add"; an
# emulated CPU never takes an interrupt inside the three instructions of a
# plain one, so no count can show the difference).
bmcw_start
prog=$(bpftool prog dump xlated name on_cfg_access 2>&1)
if grep -q 'lock \*(u64 \*)' <<<"$prog"; then
	ktap_ok "on_cfg_access counts with an atomic add"
else
	ktap_fail "on_cfg_access counts with an atomic add" "$(grep -m3 '+= 1\|+= r' <<<"$prog")"
fi
bmcw_stop
rmmod bmcw_test
bmcw_unload
ktap_check "unloaded cleanly" test ! -d /sys/module/bmcwatch
ktap_finish
