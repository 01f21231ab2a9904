#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile BMC behind SSIF, inside the emulated host: the test-only
# selftests/kmod/ssif_bmc (an SMBus adapter of its own with a scriptable
# SSIF BMC at 0x10; QEMU's smbus-ipmi cannot carry an external BMC's
# answers to ipmi_ssif) driven by the real ipmi_ssif driver. The BMC
# raises attention for nothing, pushes a message nobody asked for and
# answers with the wrong command; each must raise its rule naming the SSIF
# interface, after a benign run that raises nothing loud. Prints KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

ktap_header
ktap_plan 6
S=/sys/kernel/debug/ssif_bmc
D=/sys/kernel/debug/bmcwatch

bmcw_load || { ktap_fail "module loads"; exit 1; }
modprobe ipmi_devintf
insmod selftests/kmod/ssif_bmc/ssif_bmc.ko || { ktap_fail "ssif_bmc loads"; exit 1; }
modprobe ipmi_ssif
if bmcw_wait_for 20 test -c /dev/ipmi0 && ipmitool mc info >/dev/null 2>&1 &&
   bmcw_wait_for 10 grep -q 'hook=ssif/msg_done_handler .*state=placed' $D/hooks; then
	ktap_ok "ipmi_ssif bound to the test BMC on its SMBus adapter, bmcwatch's SSIF hooks placed"
else
	ktap_fail "ipmi_ssif bound to the test BMC on its SMBus adapter, bmcwatch's SSIF hooks placed" \
		"$(ls /dev/ipmi* 2>&1)" "$(cat $S/stats 2>&1)" "$(grep ssif/ $D/hooks 2>&1)"
	exit 1
fi
bmcw_start || ktap_diag "daemon did not report start"
# A host agent taking commands from the BMC: what makes ipmi_ssif poll
# the BMC's message flags (SSIF has no attention line here).
bmcw_ipmi_listen 600 &
listener=$!
bmcw_wait_for 60 bmcw_ipmi_held /dev/ipmi0 || ktap_diag "the listener did not open /dev/ipmi0"

for ((i = 0; i < 5; i++)); do
	timeout 60 ipmitool mc info >/dev/null 2>&1
done
ktap_check "a benign run over SSIF raises nothing at warning (log complete)" \
	bmcw_no_alerts "$BMCW_LOUD and (.rule.name | startswith(\"ipmi.\"))"

echo 1 >$S/attn
ktap_check "attention raised for nothing: ipmi.unsolicited_attention on ipmi ssif" \
	bmcw_wait_alert ipmi.unsolicited_attention 20 '.bmcwatch.locus | startswith("ipmi ssif")'

echo 1 >$S/push
ktap_check "a message pushed to the host: ipmi.bmc_initiated_message, decoded, on ipmi ssif" \
	bmcw_wait_alert ipmi.bmc_initiated_message 20 \
	'(.bmcwatch.locus | startswith("ipmi ssif")) and (.message | test("netfn 0x06 cmd 0x01 from 0x81")) and (.bmcwatch.extra.payload | test("de ad be ef"))'

echo 1 >$S/mismatch
timeout 60 ipmitool raw 0x06 0x01 >/dev/null 2>&1
ktap_check "an answer with another command: ipmi.protocol_violation on ipmi ssif" \
	bmcw_wait_alert ipmi.protocol_violation 20 '.bmcwatch.locus | startswith("ipmi ssif")'
ktap_diag "test BMC: $(cat $S/stats)"

# (the listener is python3 under a subshell: it holds /dev/ipmi0)
pkill -f "python3 - 600" 2>/dev/null
kill $listener 2>/dev/null
wait $listener 2>/dev/null
bmcw_stop
if rmmod ipmi_devintf ipmi_ssif && rmmod ssif_bmc && rmmod bmcwatch; then
	ktap_ok "ipmi_ssif, the test BMC and bmcwatch unload"
else
	ktap_fail "ipmi_ssif, the test BMC and bmcwatch unload" \
		"$(lsmod | grep -E 'ipmi|ssif|bmcw')" "$(ps -eo pid,args | grep -E 'python|ipmi' | grep -v grep)"
fi
ktap_finish
