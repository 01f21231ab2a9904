# SPDX-License-Identifier: GPL-2.0
# The BMC injects an NMI into the host (IPMI "diagnostic interrupt", or the
# external BMC's NMI line): nobody on the host claims it.
SCEN_TITLE="the BMC injects an NMI"
SCEN_RULE="doorbell.unknown_nmi"
scen_run() { bmcw_ipmi_up && bmcw_host_do bmc-nmi; }
scen_match() { echo '(.bmcwatch.locus | startswith("nmi cpu "))'; }
