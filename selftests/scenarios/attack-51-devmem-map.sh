# SPDX-License-Identifier: GPL-2.0
# The same BAR mapped through /dev/mem at its physical address, the other
# way P2A tools reach it.  Its own hook (mmap_mem, mmap_mem_prepare from
# 7.x on): a kernel that renames it without the module knowing fails here.
SCEN_TITLE="a BMC function's BAR mapped through /dev/mem"
SCEN_RULE="pcie.bmc_mmio_map"
scen_run() {
	local bar0
	bar0=$(awk 'NR == 1 { print $1 }' "/sys/bus/pci/devices/$EDU/resource")
	selftests/lpc/barmap /dev/mem "$bar0" >/tmp/barmap.out &&
		MAP_PID=$(head -n 1 /tmp/barmap.out) && [ -n "$MAP_PID" ]
}
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .process.pid == $MAP_PID and
	      (.bmcwatch.locus | test(\"/dev/mem\"))"
}
