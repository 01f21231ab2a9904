# SPDX-License-Identifier: GPL-2.0
# A BMC function's BAR is mapped from userspace through sysfs: the way the
# P2A window of an ASPEED VGA function is reached (CVE-2019-6260).
SCEN_TITLE="a BMC function's BAR mapped from userspace"
SCEN_RULE="pcie.bmc_mmio_map"
# barmap prints its pid first
scen_run() {
	selftests/lpc/barmap "/sys/bus/pci/devices/$EDU/resource0" >/tmp/barmap.out &&
		MAP_PID=$(head -n 1 /tmp/barmap.out) && [ -n "$MAP_PID" ]
}
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .process.pid == $MAP_PID and
	      (.bmcwatch.locus | startswith(\"bar0 \"))"
}
