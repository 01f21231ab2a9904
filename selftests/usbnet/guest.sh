#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The BMC's USB network interface (Redfish Host Interface), end to end in
# the emulated host: bmcwatchd finds the network interface under the USB
# device on the BMC's port (1, declared as an operator declares it) ->
# tc programs on its ingress and egress (usbnet.bpf.c) -> per-CPU flow
# counters and connection records -> usbnet rules -> JSON alert. Port 2
# carries an ordinary USB NIC, which is not watched. host.sh gives each
# NIC a user-mode network and opens the connections from the BMC's side
# that this script asks for. Prints KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

ktap_header
ktap_plan 11

REQ=0
do_host() {
	REQ=$((REQ + 1))
	bmcw_host_do "$1-$REQ"
}

# flows INITIATOR DIR [PORT]: the packets counted on the BMC's NIC in
# flows opened by INITIATOR (1 host, 2 BMC), direction DIR (0 from the
# BMC, 1 to it), to host port PORT if given; summed (bpf/usbnet.h).
flows() {
	bpftool -j map dump pinned "$BMCW_PIN/usbnet_flows" 2>/dev/null | jq \
		--argjson i "$1" --argjson d "$2" --argjson p "${3:--1}" \
		'[.[] | .formatted | select(.key.initiator == $i and .key.dir == $d
			and .key.kind == 0 and ($p < 0 or .key.f.host_port == $p)) |
		  .values[].value] | add // 0' 2>/dev/null || echo 0
}

# at_least N COMMAND...: COMMAND prints a number, at least N.
at_least() {
	local n=$1 v
	shift
	v=$("$@")
	[ "${v:-0}" -ge "$n" ]
}

# host_flows: packets counted both ways in flows the host opened.
host_flows() {
	at_least 1 flows 1 1 && at_least 1 flows 1 0
}

# shellcheck disable=SC1091 # written by host.sh
. "$BMCW_VM_OUT/ports"
entry=$(bmcw_usb_bmc_entry) || { ktap_fail "a qemu-xhci controller"; exit 1; }
bmcw_load usb_bmc_devices="$entry" || { ktap_fail "module loads"; exit 1; }
bif=$(bmcw_usb_nic 1 169.254.95.15)
oif=$(bmcw_usb_nic 2 169.254.96.15)
ktap_diag "the BMC's USB NIC: ${bif:-none}; an ordinary one: ${oif:-none}"
bmcw_start || ktap_diag "daemon did not report start"

# 1. The BMC's NIC gets the tc programs, the other none.
if bmcw_wait_for 20 bmcw_usbnet_watched "$bif" &&
   [ -z "$(bmcw_usbnet_filters "$oif")" ]; then
	ktap_ok "the BMC's USB NIC watched: tc programs on its ingress and egress, none on another USB NIC"
else
	ktap_fail "the BMC's USB NIC watched: tc programs on its ingress and egress, none on another USB NIC" \
		"BMC's: '$(bmcw_usbnet_filters "$bif")', other: '$(bmcw_usbnet_filters "$oif")'" \
		"$(tail -n 5 /tmp/bmcwatchd.log)"
fi

# 2. Benign: a host process reaching the BMC's Redfish service.
bmcw_mark || ktap_diag "marker failed"
mark=${BMCW_MARK_SEQ:-0}
reply=$(python3 -c '
import socket
s = socket.create_connection(("169.254.95.2", 443), timeout=10)
print(s.recv(64).decode().strip())' 2>&1)
ktap_check "a host process reaches the BMC's HTTPS port over the NIC (reply '$reply')" \
	test "$reply" = redfish
ktap_check "... usb.host_bmc_connection at info, naming the process" \
	bmcw_wait_alert usb.host_bmc_connection 20 \
	".process.name == \"python3\" and .bmcwatch.extra.bmc_endpoint == \"169.254.95.2:443\" and .log.level == \"info\" and .bmcwatch.extra.interface == \"$bif\""
ktap_check "... counted as host-opened flows, both ways" \
	bmcw_wait_for 10 host_flows
ktap_check "... and nothing at warning or above" \
	bmcw_no_alerts "$BMCW_LOUD and .bmcwatch.seq > $mark"

# 3. The same from an ordinary USB NIC's network: not watched, no alert
# (checked below, once the BMC's connection shows the log is current).
do_host "tcp-$OTHER_SSH" || ktap_diag "connection on the other NIC failed"

# 4. The BMC connecting to host services: ssh, then another port.
do_host "tcp-$BMC_SSH" || ktap_diag "connection from the BMC's side failed"
if bmcw_wait_alert usb.bmc_initiated_connection 20 \
	".bmcwatch.extra.host_port == \"22\" and (.bmcwatch.extra.bmc_endpoint | startswith(\"169.254.95.1:\")) and .log.level == \"warning\" and .bmcwatch.extra.interface == \"$bif\""; then
	ktap_ok "the BMC connecting to host port 22: usb.bmc_initiated_connection"
else
	ktap_fail "the BMC connecting to host port 22: usb.bmc_initiated_connection" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | tail -n 2 | head -c 800)"
fi
ktap_check "... counted: BMC-opened packets from the BMC to port 22" \
	bmcw_wait_for 10 at_least 1 flows 2 0 22
do_host "tcp-$BMC_WEB" || ktap_diag "second connection from the BMC's side failed"
ktap_check "... and to port 8080, counted apart (a scan shows port by port)" \
	bmcw_wait_for 10 at_least 1 flows 2 0 8080
ktap_check "the other USB NIC's connection raised nothing (log complete, daemon alive)" \
	bmcw_no_alerts '.rule.name == "usb.bmc_initiated_connection" and (.bmcwatch.extra.bmc_endpoint | startswith("169.254.96."))'

# 5. The daemon stopped: its filters gone, the qdisc it made too, the
# NIC still working.
bmcw_stop
ktap_check "daemon stopped: no filter and no clsact qdisc left on the BMC's NIC" \
	bash -c "[ -z \"\$(tc filter show dev $bif ingress)\" ] && ! tc qdisc show dev $bif | grep -q clsact"
reply=$(python3 -c '
import socket
s = socket.create_connection(("169.254.95.2", 443), timeout=10)
print(s.recv(64).decode().strip())' 2>&1)
ktap_check "... and the NIC still carries the host's traffic (reply '$reply')" \
	test "$reply" = redfish
bmcw_unload
ktap_finish
