# SPDX-License-Identifier: GPL-2.0
# Host side of the test BMCs (sourced, bash): QEMU's ipmi-bmc-extern
# connects to a BMC listening on 127.0.0.1.

# free_port: a free TCP port on 127.0.0.1 (others run VMs at the same time)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bmchost_ipmi_sim PORT DIR: start OpenIPMI's simulator, speaking the "VM"
# codec on 127.0.0.1:PORT, state and log in DIR; its pid in $bmchost_pid.
bmchost_ipmi_sim() {
	local port=$1 dir=$2
	mkdir -p "$dir/sim-state"
	cat >"$dir/lan.conf" <<EOF2
name "bmcwatch-test"
serial 15 127.0.0.1 $port codec VM
EOF2
	cat >"$dir/sim.emu" <<'EOF2'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EOF2
	ipmi_sim -c "$dir/lan.conf" -f "$dir/sim.emu" -s "$dir/sim-state" -n \
		>"$dir/ipmi_sim.log" 2>&1 &
	bmchost_pid=$!
}
