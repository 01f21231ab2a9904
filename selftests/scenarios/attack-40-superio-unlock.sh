# SPDX-License-Identifier: GPL-2.0
# The ASPEED SuperIO is unlocked through /dev/port and the iLPC2AHB logical
# device selected: the door into the BMC's own memory (culvert's path).
SCEN_TITLE="SuperIO unlock, iLPC2AHB selected"
SCEN_RULE="lpc.superio_unlock"
# devport prints its pid first: the three writers' pids in SIO_PIDS
scen_run() {
	local p
	SIO_PIDS=()
	for w in "0x2e 0xa5 0xa5" "0x2e 0x07" "0x2f 0x0d"; do
		# shellcheck disable=SC2086 # w is a port and its bytes
		selftests/lpc/devport w $w >/tmp/devport.out || return 1
		p=$(head -n 1 /tmp/devport.out)
		[ -n "$p" ] || return 1
		SIO_PIDS+=("$p")
	done
}
scen_match() {
	local p m=false
	for p in "${SIO_PIDS[@]}"; do
		m+=" or .process.pid == $p"
	done
	echo ".bmcwatch.extra.superio == \"0x2e\" and ($m)"
}
scen_undo() { selftests/lpc/devport w 0x2e 0xaa; }
