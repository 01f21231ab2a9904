#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bmcwatch as deployed: the emulated host boots systemd as PID 1 on a
# writable root; guest.sh installs bmcwatch as README's "Installing" says
# (DKMS included), runs the unit as shipped and plays the eval's scenarios
# against it. The host side is the eval's (the BMC behind its implant,
# QMP for hotplug).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
if ! command -v dkms >/dev/null; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 dkms is installed here (scripts/deps.sh installs it)"
	exit 1
fi
BMCW_EVAL_GUEST=selftests/deployed/guest.sh \
BMCW_EVAL_VM_ARGS="--init systemd --mem 2048 --timeout 2400" \
	exec selftests/eval/host.sh ktap
