# SPDX-License-Identifier: GPL-2.0
# The BMC pushes a message to the host over SSIF (IPMI over SMBus), the
# interface many current servers use instead of KCS. The BMC is the
# test-only ssif_bmc module (an SMBus adapter of its own: QEMU's
# smbus-ipmi cannot carry an external BMC's answers to ipmi_ssif), driven
# by the real ipmi_ssif driver beside the KCS interface.
SCEN_TITLE="the BMC pushes a message to the host over SSIF"
SCEN_RULE="ipmi.bmc_initiated_message"
SSIF_BMC=/sys/kernel/debug/ssif_bmc
scen_prepare() {
	local dev
	[ -d $SSIF_BMC ] || insmod selftests/kmod/ssif_bmc/ssif_bmc.ko || return 1
	modprobe ipmi_devintf && modprobe ipmi_ssif || return 1
	bmcw_wait_for 20 bmcw_ipmi_dev ipmi_ssif >/dev/null || return 1
	dev=$(bmcw_ipmi_dev ipmi_ssif)
	# a host agent taking commands from the BMC: ipmi_ssif then polls
	# the BMC's message flags
	bmcw_ipmi_listen 600 "$dev" &
	SCEN_LISTENER=$!
	# python starts slowly under emulation: registered before the attack
	bmcw_wait_for 60 bmcw_ipmi_held "$dev"
}
scen_run() { echo 1 >$SSIF_BMC/push; }
scen_match() {
	echo '(.bmcwatch.locus | startswith("ipmi ssif")) and (.bmcwatch.extra.payload | test("de ad be ef"))'
}
# (ssif_bmc answers its own Get Device ID: on a host whose BMC answered
# another one over KCS, ipmi.identity_change is raised too)
scen_undo() {
	pkill -f "python3 - 600 /dev/ipmi" 2>/dev/null
	kill "$SCEN_LISTENER" 2>/dev/null
	rmmod ipmi_ssif ssif_bmc
}
