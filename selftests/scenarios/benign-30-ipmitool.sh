# SPDX-License-Identifier: GPL-2.0
# Routine in-band IPMI: what monitoring agents run all day.
# The emulated host always has a BMC: without /dev/ipmi0, or when the BMC
# does not answer, the workload did not run, which fails the corpus.
benign_run() {
	bmcw_ipmi_up || { echo "no /dev/ipmi0"; return 1; }
	ipmitool mc info >/dev/null 2>&1 || { echo "ipmitool mc info failed"; return 1; }
	ipmitool sdr >/dev/null 2>&1
	ipmitool sel info >/dev/null 2>&1
	ipmitool chassis status >/dev/null 2>&1
	return 0
}
