#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Going blind leaves evidence, end to end in one boot of the emulated host
# (guest.sh prints KTAP). The host injects NMIs over QMP when the guest
# asks ("nmi-N[-TAG]": N inject-nmi commands back to back on one
# connection, an NMI storm), through the request files of
# selftests/lib/bmcwatch.sh bmcw_host_do.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d)
vm=
trap '{ [ -z "$vm" ] || kill "$vm" 2>/dev/null; } || true; rm -rf "$work"' EXIT
mkdir "$work/out"

# inject_nmis SOCKET N: N inject-nmi on one QMP connection, each sent as
# soon as the previous one is answered (all at once, QEMU would take them
# before the vCPU runs and they would merge into one); fails unless every
# one succeeded.
inject_nmis() {
	python3 - "$1" "$2" <<'PY'
import json, socket, sys
path, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
f = s.makefile("rw")
f.readline()                                    # greeting
def replies():
    for line in f:
        msg = json.loads(line)
        if "event" not in msg:
            yield msg
    sys.exit("qmp: connection closed")
rx = replies()
for cmd in ["qmp_capabilities"] + ["inject-nmi"] * n:
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    reply = next(rx)
    if "error" in reply:
        sys.exit(f"{cmd}: {reply['error']}")
PY
}

# serve SOCKET OUT VM-PID: answer the guest's requests until the VM exits.
serve() {
	local sock=$1 out=$2 pid=$3 seen= req n
	while kill -0 "$pid" 2>/dev/null; do
		req=$(cat "$out/request" 2>/dev/null || true)
		if [[ -n $req && $req != "$seen" ]]; then
			n=$(cut -d- -f2 <<<"$req")
			if [[ ${req%%-*} == nmi && $n =~ ^[0-9]+$ ]] &&
			   inject_nmis "$sock" "$n" 2>"$out/.err"; then
				touch "$out/done-$req"
			else
				[[ ${req%%-*} == nmi ]] || echo "unknown request" >"$out/.err"
				cp "$out/.err" "$out/failed-$req"
			fi
			seen=$req
		fi
		sleep 0.2
	done
}

selftests/vm/run --qmp "$work/qmp.sock" --out "$work/out" --timeout 500 \
	-- selftests/health/guest.sh &
vm=$!
serve "$work/qmp.sock" "$work/out" "$vm" &
rc=0
wait "$vm" || rc=$?
vm=
exit $rc
