#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Another pci_ops wrapper on the same bus as bmcwatch's: aer_inject, which
# wraps the buses of a device it injects an error on. Below ours (loaded
# first) and above ours (loaded after), each unloaded first in turn with
# the other still there. First, ops put back behind bmcwatch's back (what
# a rootkit does to take its wrapper off). KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh
. selftests/livehost/lib.sh

ktap_header
ktap_plan 13

edu=$(bmcw_edu_bdf)
bus=$((0x${edu:5:2}))
devfn=$((0x${edu:8:2} << 3 | ${edu:11:1}))
# rp1, an empty root port on the root bus, as edu is: aer_inject wraps the
# root bus when it injects there
rp=$(lspci -D -d 1b36:000c | awk 'NR == 1 { print $1 }')

# unloads_cleanly MODULE NAME: rmmod MODULE, after which config space still
# reads (edu's, and every function's through lspci): the check NAME.
unloads_cleanly() {
	if rmmod "$1" && lh_read_config "$edu" 10 && lspci -xxx >/dev/null; then
		ktap_ok "$2"
	else
		ktap_fail "$2"
	fi
}

# lh_wait_health KIND N: up to 15 s for N health events of KIND (the module
# checks every bus's ops every 5 s).
lh_wait_health() {
	bmcw_wait_for 15 eval "[ \"\$(lh_health_kind $1 2>/dev/null)\" -ge $2 ] 2>/dev/null"
}

# 1-2. The ops taken back behind our back.
lh_test_module || { ktap_fail "bmcw_test loads"; exit 1; }
echo snapshot >$T/busops
lh_load || { ktap_fail "bmcwatch loads"; exit 1; }
echo restore >$T/busops
if lh_wait_health $BMCW_HEALTH_OPS_LOST 1 && ! lh_busops_clean >/dev/null; then
	ktap_ok "ops put back behind bmcwatch's back: hooked again and reported"
else
	ktap_fail "ops put back behind bmcwatch's back: hooked again and reported" \
		"$(cat $D/health 2>&1)" "$(cat $T/busops)"
fi
r0=$(lh_cfg_reads)
lh_read_config "$edu" 100
r1=$(lh_cfg_reads)
ktap_check "after that, root bus reads are seen again" test $((r1 - r0)) -ge 100
rmmod bmcwatch || { ktap_fail "bmcwatch unloads"; exit 1; }
rmmod bmcw_test

if ! bmcw_aer_inject "$rp"; then
	ktap_fail "aer_inject wraps the root bus" "rp=$rp"
	exit 1
fi

# 3-5. aer_inject's wrapper below ours: bmcwatch wraps it; when aer_inject
# goes it hands the bus back the ops it had found, which took ours off.
lh_load || { ktap_fail "bmcwatch loads"; exit 1; }
r0=$(lh_cfg_reads)
lh_read_config "$edu" 100
r1=$(lh_cfg_reads)
ktap_check "with aer_inject's wrapper below ours, root bus reads are seen" \
	test $((r1 - r0)) -ge 100
rmmod aer_inject
r0=$(lh_cfg_reads)
lh_read_config "$edu" 100
r1=$(lh_cfg_reads)
if [ $((r1 - r0)) -ge 100 ]; then
	ktap_ok "aer_inject unloaded: the root bus is watched again"
else
	ktap_fail "aer_inject unloaded: the root bus is watched again" \
		"reads seen: $((r1 - r0)) of 100" "$(cat $D/pci_ops 2>&1)"
fi
if lh_wait_health $BMCW_HEALTH_OPS_LOST 1 &&
   grep -q "lost bmcwatch's config hook when aer_inject was unloaded" $D/health; then
	ktap_ok "the lost hook is a health event naming the module"
else
	ktap_fail "the lost hook is a health event naming the module" "$(cat $D/health 2>&1)"
fi
rmmod bmcwatch || { ktap_fail "bmcwatch unloads"; exit 1; }

# 6-9. aer_inject's wrapper above ours: found by itself, then a device
# added under both.
lh_load || { ktap_fail "bmcwatch loads again"; exit 1; }
bmcw_start || ktap_diag "daemon did not report start"
bmcw_aer_inject "$rp" || ktap_diag "aer_inject failed"
if lh_wait_health $BMCW_HEALTH_OPS_FOREIGN 1; then
	ktap_ok "a wrapper put on ours is found and reported"
else
	ktap_fail "a wrapper put on ours is found and reported" "$(cat $D/health 2>&1)"
fi
echo 1 >"/sys/bus/pci/devices/$edu/remove"
echo 1 >/sys/bus/pci/rescan
bmcw_wait_for 10 test -e "/sys/bus/pci/devices/$edu" || ktap_diag "$edu did not come back"
u0=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
k0=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_KERNEL)
lh_read_config "$edu" 100
u1=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
k1=$(bmcw_cfg_count 0 $bus $devfn $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_KERNEL)
if [ $((u1 - u0)) -eq 100 ] && [ $((k1 - k0)) -eq 0 ]; then
	ktap_ok "with aer_inject's wrapper on ours, 100 reads count once each"
else
	ktap_fail "with aer_inject's wrapper on ours, 100 reads count once each" \
		"user +$((u1 - u0)), kernel +$((k1 - k0))"
fi
bmcw_stop
# bmcwatch first, with the other wrapper still calling ours
unloads_cleanly bmcwatch "bmcwatch unloads under aer_inject's wrapper; config space works"
unloads_cleanly aer_inject "then aer_inject unloads; config space works"

# 10-11. Below ours again, bmcwatch unloaded first: the bus goes back to
# aer_inject's ops, which still work, and then to the originals.
bmcw_aer_inject "$rp" || ktap_diag "aer_inject failed"
lh_load || { ktap_fail "bmcwatch loads over aer_inject"; exit 1; }
r0=$(lh_cfg_reads)
lh_read_config "$edu" 100
r1=$(lh_cfg_reads)
[ $((r1 - r0)) -ge 100 ] || ktap_diag "over aer_inject: $((r1 - r0)) of 100 reads seen"
unloads_cleanly bmcwatch "bmcwatch over aer_inject unloads first; config space works"
unloads_cleanly aer_inject "then aer_inject unloads, bmcwatch gone; config space works"

# 12-13. Above ours, aer_inject unloaded first: it puts back the ops it
# found, ours, and the bus is watched as before.
lh_load || { ktap_fail "bmcwatch loads again"; exit 1; }
bmcw_aer_inject "$rp" || ktap_diag "aer_inject failed"
rmmod aer_inject || ktap_diag "aer_inject did not unload"
r0=$(lh_cfg_reads)
lh_read_config "$edu" 100
r1=$(lh_cfg_reads)
if [ $((r1 - r0)) -ge 100 ]; then
	ktap_ok "aer_inject over bmcwatch unloads first: the root bus is still watched"
else
	ktap_fail "aer_inject over bmcwatch unloads first: the root bus is still watched" \
		"reads seen: $((r1 - r0)) of 100" "$(cat $D/pci_ops 2>&1)"
fi
unloads_cleanly bmcwatch "then bmcwatch unloads; config space works"
ktap_finish
