#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs guest.sh in the emulated host and serves its hotplug requests over
# QMP (selftests/lib/vmhost.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/vmhost.sh
work=$(mktemp -d)
trap 'kill "$vm" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/out"

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 500 \
	-- selftests/pcie/guest.sh &
vm=$!
vmhost_serve "$work/qmp.sock" "$work/out" "$vm" &
wait "$vm"
