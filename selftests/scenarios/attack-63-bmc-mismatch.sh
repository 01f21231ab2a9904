# SPDX-License-Identifier: GPL-2.0
# The BMC answers a request with a response to another command: a BMC that
# no longer follows the protocol (firmware tampered with, or an implant
# rewriting its answers on the wire).
SCEN_TITLE="the BMC answers with the wrong command"
SCEN_RULE="ipmi.protocol_violation"
scen_run() {
	bmcw_ipmi_up && bmcw_host_do bmc-mismatch &&
		ipmitool mc info
}
