# SPDX-License-Identifier: GPL-2.0
# The BMC raises attention (SMS_ATN) that no host request explains: how a
# compromised BMC pokes the host's IPMI driver into reading from it.
SCEN_TITLE="the BMC raises attention unasked"
SCEN_RULE="ipmi.unsolicited_attention"
scen_run() { bmcw_ipmi_up && bmcw_host_do bmc-attention; }
# the implant's attention carries no message flag at all
scen_match() {
	echo '.bmcwatch.extra.flags == "0x00" and (.message | startswith("BMC raised SMS_ATN unasked"))'
}
