# SPDX-License-Identifier: GPL-2.0
# A driver is unbound and bound again (maintenance, driver update).
# The emulated host always has q35's AHCI controller: without it the
# workload did not run, which fails the corpus.
benign_run() {
	local dev=0000:00:1f.2 drv=/sys/bus/pci/drivers/ahci
	modprobe -q ahci 2>/dev/null
	[ -e "$drv/$dev" ] || { echo "no $dev bound to ahci"; return 1; }
	echo "$dev" >"$drv/unbind" && echo "$dev" >"$drv/bind"
}
