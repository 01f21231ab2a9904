#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The detection evaluation (make eval; part of make check): every scenario
# in selftests/scenarios, as KTAP. With "demo" as argument it prints the
# readable timeline instead (make demo) and keeps the alert log.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. selftests/lib/vmhost.sh
mode=${1:-ktap}
keep=${2:-}
work=$(mktemp -d)
trap 'kill "$vm" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/out"

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 600 \
	-- selftests/eval/guest.sh "$mode" &
vm=$!
vmhost_serve "$work/qmp.sock" "$work/out" "$vm" &
rc=0
wait "$vm" || rc=$?
if [[ -n $keep ]]; then
	mkdir -p "$(dirname "$keep")"
	cp "$work/out/alerts.json" "$keep" 2>/dev/null || true
fi
exit $rc
