#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs guest.sh in the emulated host and serves its hotplug requests over
# QMP: "add" hot-adds an edu device on root port rp1, "del" removes it.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d)
trap 'kill "$vm" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/out"

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 500 \
	-- selftests/pcicfg/guest.sh &
vm=$!

serve() {
	local seen=
	while kill -0 "$vm" 2>/dev/null; do
		req=$(cat "$work/out/request" 2>/dev/null || true)
		if [[ -n $req && $req != "$seen" ]]; then
			case $req in
			add) selftests/vm/qmp "$work/qmp.sock" device_add \
				driver=edu bus=rp1 id=hp1 >/dev/null ;;
			del) selftests/vm/qmp "$work/qmp.sock" device_del \
				id=hp1 >/dev/null ;;
			esac
			touch "$work/out/done-$req"
			seen=$req
		fi
		sleep 0.2
	done
}
serve &
wait "$vm"
