# SPDX-License-Identifier: GPL-2.0
# Helpers of the livehost suite (sourced, bash, in the emulated host).

# The module under test; BMCW_KO (and BMCW_TOP for the daemon) run the
# suite against another build, to see a check fail on the code before a
# fix. The test module is always this tree's.
BMCW_KO=${BMCW_KO:-$BMCW_TOP/kmod/bmcwatch.ko}
LH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=/sys/kernel/debug/bmcw_test
D=/sys/kernel/debug/bmcwatch

lh_load() {
	insmod "$BMCW_KO" "$@"
}

lh_test_module() {
	grep -q '^bmcw_test ' /proc/modules ||
		insmod "$LH_TOP/selftests/kmod/bmcw_test/bmcw_test.ko"
}

# lh_cfg_reads: config reads bmcwatch's wrappers have seen (debugfs stats).
lh_cfg_reads() {
	sed -n 's/^cfg_reads=//p' $D/stats
}

# lh_health_kind KIND: health events of that kind in the module's table
# (enum bmcw_health_kind).
lh_health_kind() {
	grep -c " kind=$1 " $D/health
}

# lh_read_config BDF N: N dword reads of a function's config space by this
# process, through sysfs.
lh_read_config() {
	local i
	for ((i = 0; i < $2; i++)); do
		dd if="/sys/bus/pci/devices/$1/config" of=/dev/null bs=4 count=1 2>/dev/null
	done
}

# lh_busops_clean: every PCI bus's read op is a kernel function again (no
# wrapper of ours, no address that names nothing).
lh_busops_clean() {
	! grep -Ev ' (pci_read|fake_read \[bmcw_test\])$' $T/busops
}

# Health event kinds (include/uapi/linux/bmcwatch.h).
BMCW_HEALTH_OPS_FOREIGN=6
BMCW_HEALTH_OPS_LOST=7
