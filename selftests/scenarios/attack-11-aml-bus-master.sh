# SPDX-License-Identifier: GPL-2.0
# Bus mastering turned on for a BMC function by firmware code: ACPI AML
# (the emulated host's SSDT, firmware/bmc-poke.asl) writes the command
# register through a PCI_Config operation region, a path that never goes
# through a bus's pci_ops. The AML runs when /sys/.../BMCW0001:00/sun is
# read, in the reading process: here a shell of our own, whose pid the
# alert must name.
SCEN_TITLE="bus mastering turned on for a BMC function by ACPI firmware code"
SCEN_RULE="dma.bus_master_enabled"
scen_aml_sun=/sys/bus/acpi/devices/BMCW0001:00/sun
scen_prepare() {
	if [ ! -e $scen_aml_sun ]; then
		echo "no BMCW0001 device: the emulated host's firmware lacks" \
			"the SSDT of selftests/scenarios/firmware/bmc-poke.asl"
		return 1
	fi
	setpci -s "$EDU" COMMAND=0x0000
}
# read by the shell itself (a builtin), so the AML runs in $SCEN_PID; _SUN
# says which slot it found edu in, 0 when none (the attack did not run)
scen_aml_run() {
	local slot
	read -r slot <$scen_aml_sun && [ "$slot" != 0 ]
}
scen_run() { scen_bg scen_aml_run; }
scen_match() {
	echo ".bmcwatch.device.bdf == \"$EDU\" and .process.pid == $SCEN_PID and
	      .bmcwatch.extra.origin == \"acpi\" and
	      (.bmcwatch.locus | startswith(\"cfg 0x004/\"))"
}
scen_undo() { setpci -s "$EDU" COMMAND=0x0000; }
