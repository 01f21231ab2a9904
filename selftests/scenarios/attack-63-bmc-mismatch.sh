# SPDX-License-Identifier: GPL-2.0
# The BMC answers a request with a response to another command: a BMC that
# no longer follows the protocol (firmware tampered with, or an implant
# rewriting its answers on the wire).
SCEN_TITLE="the BMC answers with the wrong command"
SCEN_RULE="ipmi.protocol_violation"
# ipmitool's Get Device ID (App 0x06/0x01) gets Cold Reset's cmd (0x02)
# back; ipmitool itself may fail on that answer, the attack has run once it
# asked.
scen_run() {
	bmcw_ipmi_up && bmcw_host_do bmc-mismatch || return 1
	ipmitool mc info &
	SCEN_PID=$!
	wait $SCEN_PID
	return 0
}
scen_match() {
	echo "(.message | test(\"netfn 0x06 cmd 0x01. with netfn 0x07 cmd 0x02\")) and
	      (.process.pid // $SCEN_PID) == $SCEN_PID"
}
