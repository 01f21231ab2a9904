#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host: rsyslogd (private config, imtcp on 127.0.0.1)
# receives bmcwatchd's syslog+tcp output. Checks:
#  - each received record parses back field by field (PRI, timestamp, host,
#    app, procid, msgid, every SD param, message) and equals the alert the
#    daemon wrote to its JSON log with the same seq;
#  - rsyslogd stopped for 30 s during a burst of alerts: after it returns,
#    every alert arrives exactly once (by seq), in order;
#  - SIGTERM makes the daemon send health.monitor_stopped, which arrives too;
#  - the CLI on a live system: status healthy, inventory, top, events,
#    baseline save/diff, and status unhealthy once the daemon is gone.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

W=/tmp/bmcw-syslog
PORT=10514
DOWN_S=${BMCW_SYSLOG_DOWN_S:-30}
CLI=userspace/bmcwatch
RSYSLOG_PID=
mkdir -p $W/work $W/spool
RECV=$W/received.tsv

# Tab-separated: PRI, reported time, host, app, procid, msgid, SD, message.
cat >$W/rsyslog.conf <<CONF
global(workDirectory="$W/work")
module(load="imtcp")
template(name="fields" type="list") {
	property(name="pri") constant(value="\t")
	property(name="timereported" dateFormat="rfc3339") constant(value="\t")
	property(name="hostname") constant(value="\t")
	property(name="app-name") constant(value="\t")
	property(name="procid") constant(value="\t")
	property(name="msgid") constant(value="\t")
	property(name="structured-data") constant(value="\t")
	property(name="msg" droplastlf="on") constant(value="\n")
}
ruleset(name="bmcw") {
	action(type="omfile" file="$RECV" template="fields")
}
input(type="imtcp" address="127.0.0.1" port="$PORT" ruleset="bmcw")
CONF

rsyslog_start() {
	rsyslogd -n -f $W/rsyslog.conf -i $W/rsyslogd.pid >>$W/rsyslogd.log 2>&1 &
	RSYSLOG_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

rsyslog_stop() {
	kill "$RSYSLOG_PID" 2>/dev/null
	wait "$RSYSLOG_PID" 2>/dev/null
	RSYSLOG_PID=
}

# received_seqs: the seq SD param of every record received, one per line.
received_seqs() {
	grep -o ' seq="[0-9]*"' "$RECV" 2>/dev/null | tr -dc '0-9\n'
}

# wait_received N TIMEOUT: until N records with seq >= FIRST are there.
wait_seq() {
	local seq=$1 timeout=$2 i
	for ((i = 0; i < timeout * 10; i++)); do
		received_seqs | grep -qx "$seq" && return 0
		sleep 0.1
	done
	return 1
}

# Distinct register values: every write is its own alert (no aggregation).
n_writes=0
poke() {
	local i
	for ((i = 0; i < $1; i++)); do
		n_writes=$((n_writes + 1))
		# Keep bus mastering off; vary the memory/IO enable bits
		setpci -s "$bdf" COMMAND=$(printf '0x%04x' $((n_writes % 2 ? 0x0002 : 0x0000)))
	done
}

last_seq() {
	jq -s 'map(.bmcwatch.seq) | max' "$BMCW_ALERTS"
}

ktap_header
ktap_plan 16

bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
cat >$W/bmcwatch.conf <<CONF
[daemon]
interval_ms = 200
aggregation_window_s = 0
rate_limit = 0
heartbeat_minutes = 0
spool_dir = $W/spool
status_file = $W/status.json
baseline = $W/baseline.json
metrics = off
CONF

if ! rsyslog_start; then
	ktap_fail "rsyslogd listens on 127.0.0.1:$PORT" "$(cat $W/rsyslogd.log)"
	exit 1
fi
ktap_ok "rsyslogd listens on 127.0.0.1:$PORT"

bmcw_start -c $W/bmcwatch.conf --bmc-device 1234:11e8 \
	--output "syslog+tcp://127.0.0.1:$PORT" || ktap_diag "daemon did not report start"

# --- 1. field by field -------------------------------------------------------
setpci -s "$bdf" COMMAND=0x0006		# bus master on: two alerts
setpci -s "$bdf" COMMAND=0x0000
# The one the config write raised, naming setpci: on a slow kernel the
# daemon's posture check may see the bit first and raise one naming no one.
bm='.rule.name == "dma.bus_master_enabled" and .process.name == "setpci"'
bmcw_wait_alert dma.bus_master_enabled 10 "$bm" ||
	ktap_diag "no dma.bus_master_enabled naming setpci: $(bmcw_alerts '.rule.name == "dma.bus_master_enabled"' | head -c 600)"
seq_bm=$(bmcw_alerts "$bm" | jq -s '.[0].bmcwatch.seq')
if wait_seq "$seq_bm" 20; then
	ktap_ok "dma.bus_master_enabled arrives in rsyslog (seq $seq_bm)"
else
	ktap_fail "dma.bus_master_enabled arrives in rsyslog (seq $seq_bm)" "$(tail -3 $RECV)"
fi

# Compare every received record with the JSON log's record of the same seq.
cat >$W/compare.py <<'PY'
import json, re, sys
recv, alerts, host, pid = sys.argv[1:5]
sev = {"info": 6, "notice": 5, "warning": 4, "critical": 2}
js = {}
for line in open(alerts):
    a = json.loads(line)
    js[a["bmcwatch"]["seq"]] = a
bad = []
n = 0
for line in open(recv):
    f = line.rstrip("\n").split("\t")
    if len(f) != 8:
        bad.append("not 8 fields: %r" % line); continue
    pri, ts, hn, app, procid, msgid, sd, msg = f
    m = re.fullmatch(r'\[bmcwatch@32473((?: [^= \]"]+="(?:[^"\\\]]|\\.)*")*)\]', sd)
    if not m:
        bad.append("SD does not parse: %r" % sd); continue
    p = {k: re.sub(r'\\(.)', r'\1', v) for k, v in
         re.findall(r' ([^= \]"]+)="((?:[^"\\\]]|\\.)*)"', m.group(1))}
    seq = int(p["seq"])
    a = js.get(seq)
    if a is None:
        bad.append("seq %d not in the JSON log" % seq); continue
    want = {
        "pri": str(3 * 8 + sev[a["log"]["level"]]),
        "ts": a["@timestamp"][:23], "host": host, "app": "bmcwatchd",
        "procid": pid, "msgid": a["rule"]["name"], "msg": a["message"],
        "rule": a["rule"]["name"], "id": a["rule"]["id"],
        "class": a["bmcwatch"]["class"], "severity": a["log"]["level"],
        "count": str(a["bmcwatch"]["count"]), "first": a["bmcwatch"]["first"],
        "last": a["bmcwatch"]["last"],
    }
    got = {"pri": pri, "ts": ts[:23], "host": hn, "app": app, "procid": procid,
           "msgid": msgid, "msg": msg}
    got.update({k: p.get(k) for k in ("rule", "id", "class", "severity", "count",
                                       "first", "last")})
    d = a["bmcwatch"].get("device")
    if d:
        want.update(bdf=d["bdf"], vendor=d["vendor"], device=d["device"],
                    flags=hex(d["flags"]))
        got.update({k: p.get(k) for k in ("bdf", "vendor", "device", "flags")})
    pr = a.get("process")
    if pr:
        want.update(pid=str(pr["pid"]), comm=pr.get("name"))
        got.update(pid=p.get("pid"), comm=p.get("comm"))
    for k in ("why", "locus"):
        if k in a["bmcwatch"]:
            want[k] = a["bmcwatch"][k]; got[k] = p.get(k)
    for k, v in a["bmcwatch"].get("extra", {}).items():
        want["extra." + k] = v; got["extra." + k] = p.get(k)
    if "threat" in a:
        want["technique"] = a["threat"]["technique"]["id"]; got["technique"] = p.get("technique")
    for k in want:
        if want[k] != got.get(k):
            bad.append("seq %d field %s: got %r, want %r" % (seq, k, got.get(k), want[k]))
    n += 1
for b in bad[:10]:
    print("# " + b)
print("# %d records compared, %d mismatches" % (n, len(bad)))
sys.exit(1 if bad or n == 0 else 0)
PY
ts_bm=$(awk -F'\t' -v s=" seq=\"$seq_bm\"" 'index($7, s)' "$RECV" | head -1)
rule_bm=$(printf '%s' "$ts_bm" | cut -f6)
ktap_check "MSGID is the rule name (dma.bus_master_enabled)" \
	test "$rule_bm" = dma.bus_master_enabled
if grep -q "bdf=\"$bdf\" vendor=\"1234\" device=\"11e8\".* comm=\"setpci\"" <<<"$ts_bm"; then
	ktap_ok "SD carries the device 1234:11e8 at $bdf and comm setpci"
else
	ktap_fail "SD carries the device 1234:11e8 at $bdf and comm setpci" "$(cut -f7 <<<"$ts_bm" | cut -c1-600)"
fi
if out=$(python3 $W/compare.py "$RECV" "$BMCW_ALERTS" "$(hostname)" "$BMCW_DAEMON_PID"); then
	ktap_ok "every received record equals its JSON-log alert, field by field"
	printf '%s\n' "$out"
else
	ktap_fail "every received record equals its JSON-log alert, field by field" "$out"
fi

# --- 2. receiver down for ${DOWN_S} s during a burst ----------------------------
before=$(last_seq)
rsyslog_stop
t0=$SECONDS
poke 10
sleep 2
spooled=$(jq '[.outputs[] | select(.spec | startswith("syslog+tcp")) | .spool_records] | add' \
	$W/status.json 2>/dev/null)
if [ "${spooled:-0}" -gt 0 ]; then
	ktap_ok "alerts are spooled while rsyslogd is down ($spooled waiting)"
else
	ktap_fail "alerts are spooled while rsyslogd is down" "spool_records=$spooled"
fi
while ((SECONDS - t0 < DOWN_S / 2)); do sleep 1; done
poke 10
while ((SECONDS - t0 < DOWN_S)); do sleep 1; done
bmcw_wait_alert pcie.config_write 5 ".bmcwatch.seq > $before"
after=$(last_seq)
ktap_diag "burst: seq $((before + 1))..$after while down for $((SECONDS - t0)) s"
rsyslog_start || ktap_diag "rsyslogd did not restart"
t1=$SECONDS
if wait_seq "$after" 90; then
	ktap_ok "after rsyslogd returns the last alert of the burst arrives ($((SECONDS - t1)) s)"
else
	ktap_fail "after rsyslogd returns the last alert of the burst arrives" \
		"$(tail -2 $RECV)" "$(cat $W/status.json)"
fi
# Temporary files, not <(...): the guest's /dev has no /dev/fd.
received_seqs | awk -v max="$after" '$1 <= max' >$W/got
seq 1 "$after" >$W/expected
sort -n $W/got >$W/got.sorted
dups=$(uniq -d $W/got.sorted | tr '\n' ' ')
missing=$(awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen) { printf "%s ", $1 }' \
	$W/got $W/expected)
if [ -s $W/got ] && [ -z "$dups" ] && [ -z "$missing" ]; then
	ktap_ok "every alert 1..$after arrived exactly once"
else
	ktap_fail "every alert 1..$after arrived exactly once" "missing: $missing" "duplicated: $dups"
fi
ktap_check "alerts arrived in seq order" cmp -s $W/got $W/got.sorted
ktap_check "20 pcie.config_write alerts in the burst" test "$(bmcw_alerts \
	".rule.name == \"pcie.config_write\" and .bmcwatch.seq > $before" | wc -l)" -eq 20
if out=$(python3 $W/compare.py "$RECV" "$BMCW_ALERTS" "$(hostname)" "$BMCW_DAEMON_PID"); then
	ktap_ok "spooled records also equal their JSON-log alerts field by field"
	printf '%s\n' "$out"
else
	ktap_fail "spooled records also equal their JSON-log alerts field by field" "$out"
fi

# --- 3. the CLI against the live daemon ------------------------------------------
for ((i = 0; i < 50; i++)); do [ -s $W/status.json ] && break; sleep 0.1; done
st=$($CLI -c $W/bmcwatch.conf status 2>&1)
rc=$?
if [ $rc -eq 0 ] && $CLI -c $W/bmcwatch.conf status --json | jq -e '.healthy' >/dev/null &&
   $CLI inventory | grep -q "^$bdf  1234:11e8" &&
   $CLI -j top | jq -e 'map(select(.class == "command" and .dir == "write")) | length > 0' >/dev/null &&
   $CLI events --file "$BMCW_ALERTS" -n 3 | grep -q pcie.config_write &&
   $CLI -c $W/bmcwatch.conf baseline save >/dev/null &&
   $CLI -c $W/bmcwatch.conf baseline diff >/dev/null; then
	ktap_ok "CLI: status healthy, inventory, top, events, baseline save/diff"
else
	ktap_fail "CLI: status healthy, inventory, top, events, baseline save/diff" "rc=$rc" "$st"
fi

# --- 4. SIGTERM: health.monitor_stopped goes out too ------------------------------
pid=$BMCW_DAEMON_PID
bmcw_stop
stop_seq=$(bmcw_alerts '.rule.name == "health.monitor_stopped"' | jq -s '.[0].bmcwatch.seq')
if [ "$stop_seq" != null ] && wait_seq "$stop_seq" 10 &&
   grep -q "bmcwatchd	$pid	health.monitor_stopped	" "$RECV"; then
	ktap_ok "SIGTERM: health.monitor_stopped reaches rsyslogd"
else
	ktap_fail "SIGTERM: health.monitor_stopped reaches rsyslogd" "seq=$stop_seq"
fi
$CLI -c $W/bmcwatch.conf status >/dev/null 2>&1
ktap_check "status is unhealthy (exit 1) once the daemon is gone" test $? -eq 1

# --- 5. baseline enforcement at start ---------------------------------------------
# The edu function missing from the baseline: the daemon reports it added.
jq --arg b "$bdf" '.functions |= map(select(.bdf != $b))' $W/baseline.json >$W/bl.tmp &&
	mv $W/bl.tmp $W/baseline.json
bmcw_start -c $W/bmcwatch.conf
ktap_check "baseline without $bdf: pcie.device_added at start" \
	bmcw_wait_alert pcie.device_added 10 ".bmcwatch.device.bdf == \"$bdf\" and .bmcwatch.locus == \"baseline\""
bmcw_stop
# A corrupt baseline: refused with its message, and left as it was.
printf '{"format": "bmcwatch-baseline", "vers' >$W/baseline.json
cp $W/baseline.json $W/baseline.corrupt
msg=$(userspace/bmcwatchd --foreground -c $W/bmcwatch.conf --output json:- 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 1 ] && grep -q "baseline.json: corrupt baseline: not valid JSON at byte 37" <<<"$msg" &&
   grep -q "refusing to start" <<<"$msg" && cmp -s $W/baseline.json $W/baseline.corrupt; then
	ktap_ok "corrupt baseline: daemon refuses to start, says why, file untouched"
else
	ktap_fail "corrupt baseline: daemon refuses to start, says why, file untouched" "rc=$rc" "$msg"
fi

rsyslog_stop
bmcw_unload
ktap_finish
