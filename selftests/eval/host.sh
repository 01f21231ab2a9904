#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The detection evaluation (make eval; part of make check): every scenario
# in selftests/scenarios, as KTAP. With "demo" as argument it prints the
# readable timeline instead (make demo) and keeps the alert log.
#
# The host's KCS interface talks to a real BMC, OpenIPMI's ipmi_sim when it
# is installed (else our own hostile_bmc, which answers sanely until told
# otherwise), through selftests/ipmi/bmc_implant, which relays everything
# and injects the BMC-side attacks the scenarios ask for.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/vmhost.sh
. selftests/lib/bmchost.sh
mode=${1:-ktap}
keep=${2:-}
work=$(mktemp -d)
vm= bmc= implant=
trap 'kill $vm $bmc $implant 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/out"

# Locked: the ipmi suite builds the same programs, maybe side by side.
flock selftests/ipmi make -s -C selftests/ipmi >/dev/null

# wait_file PATH: until it exists, at most 10 s
wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

bmc_port=$(free_port)
if command -v ipmi_sim >/dev/null; then
	bmchost_ipmi_sim "$bmc_port" "$work"
	bmc=$bmchost_pid
	bmc_name="OpenIPMI ipmi_sim"
else
	selftests/ipmi/hostile_bmc "$bmc_port" "$work/bmc.ready" 2>"$work/hostile.log" &
	bmc=$!
	wait_file "$work/bmc.ready"
	bmc_name="selftests/ipmi/hostile_bmc"
fi
implant_port=$(free_port)
export VMHOST_BMC_FIFO=$work/implant.fifo
selftests/ipmi/bmc_implant -c "$VMHOST_BMC_FIFO" -r "$work/implant.ready" \
	"$implant_port" "127.0.0.1:$bmc_port" 2>"$work/implant.log" &
implant=$!
wait_file "$work/implant.ready"
[[ $mode == demo ]] && echo "The BMC: $bmc_name, behind an implant that relays it"

# The firmware's own code, which attack-11 runs: an SSDT (ACPI AML) the
# emulated host's firmware carries.
iasl -p "$work/bmc-poke" selftests/scenarios/firmware/bmc-poke.asl \
	>"$work/iasl.log" 2>&1 || { cat "$work/iasl.log" >&2; exit 1; }

# The BMC's USB devices (attack-8x): an xHCI controller whose port 1 the
# scenarios declare the BMC's, and a read-only image as virtual media.
truncate -s 4M "$work/media.img"
export VMHOST_USB_MEDIA=$work/media.img
# USB NICs (attack-82, benign-41), plugged when a scenario asks: each on a
# user-mode network of its own that reaches nothing but what is forwarded
# (QEMU ids bmcnic, othnic). The BMC's: its Redfish service at
# 169.254.95.2:443 (a fixed reply), and a host port forwarded here into
# the guest's port 22, whose connections come from the BMC's side
# (169.254.95.1). Another, on 169.254.96.0/24, alike.
bmc_ssh=$(free_port)
other_ssh=$(free_port)
printf 'BMC_SSH=%s\nOTHER_SSH=%s\n' "$bmc_ssh" "$other_ssh" >"$work/out/ports"
bmcnet="user,id=bmcnic,restrict=on,net=169.254.95.0/24,host=169.254.95.1"
bmcnet+=",hostfwd=tcp:127.0.0.1:$bmc_ssh-169.254.95.15:22"
bmcnet+=",guestfwd=tcp:169.254.95.2:443-cmd:echo redfish"
othnet="user,id=othnic,restrict=on,net=169.254.96.0/24,host=169.254.96.1"
othnet+=",hostfwd=tcp:127.0.0.1:$other_ssh-169.254.96.15:22"
othnet+=",guestfwd=tcp:169.254.96.2:443-cmd:echo redfish"

# edu's DMA engine masks addresses to 28 bits unless told otherwise: the
# rogue-MSI scenario must reach 0xFEE00000, as a real function's 64-bit
# DMA does.
# BMCW_EVAL_GUEST and BMCW_EVAL_VM_ARGS: another guest script and run
# options on this same host (the BMC behind its implant, QMP), as
# selftests/deployed uses it.
# shellcheck disable=SC2086  # VM_ARGS is a list of options
BMCW_EDU_PROPS=dma_mask=0xffffffff \
	selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 600 \
		--bmc "extern:127.0.0.1:$implant_port" \
		--qemu-arg -acpitable --qemu-arg "file=$work/bmc-poke.aml" \
		--qemu-arg -device --qemu-arg qemu-xhci,id=xhci \
		--qemu-arg -netdev --qemu-arg "$bmcnet" \
		--qemu-arg -netdev --qemu-arg "$othnet" \
		${BMCW_EVAL_VM_ARGS:-} \
		-- "${BMCW_EVAL_GUEST:-selftests/eval/guest.sh}" "$mode" &
vm=$!
vmhost_serve "$work/qmp.sock" "$work/out" "$vm" &
rc=0
wait "$vm" || rc=$?
vm=
if [[ -n $keep ]]; then
	mkdir -p "$(dirname "$keep")"
	cp "$work/out/alerts.json" "$keep" 2>/dev/null || true
fi
# BMCW_EVAL_KEEP=DIR keeps the emulated host's output (alert log, kernel
# log, console) there, to look into a failure.
if [[ -n ${BMCW_EVAL_KEEP:-} ]]; then
	mkdir -p "$BMCW_EVAL_KEEP" && cp -r "$work/out/." "$BMCW_EVAL_KEEP/" || true
fi
[[ $mode == demo ]] || grep -h '^bmc_implant: attack' "$work/implant.log" | sed 's/^/# /' >&2 || true
exit $rc
