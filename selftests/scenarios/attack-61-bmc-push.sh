# SPDX-License-Identifier: GPL-2.0
# The BMC pushes a message into the host's receive queue that no host
# process asked for: a channel from the BMC into host software.
SCEN_TITLE="the BMC pushes a message to the host"
SCEN_RULE="ipmi.bmc_initiated_message"
scen_run() { bmcw_ipmi_up && bmcw_host_do bmc-push; }
# the implant's message (vm_pushed_msg): App netfn 0x18, cmd 0x01, de ad be ef
scen_match() {
	echo '(.bmcwatch.extra.payload | test("de ad be ef"))'
}
