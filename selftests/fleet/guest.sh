#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host: a second host, "siem", in a network namespace
# joined by a veth pair (10.77.0.1 here, 10.77.0.2 and .3 there). In it a
# real rsyslogd collects over TCP (RFC 6587) and TLS (RFC 5425, GnuTLS,
# client certificates required), and a real Prometheus scrapes the
# daemon's metrics endpoint, bound to 10.77.0.1. Certificates are made
# here, now. Faults come from iproute2 as in a fleet:
#  - netem loss 10% and delay 50 ms both ways during a burst of alerts;
#  - the SIEM's link down for 30 s (ip link set ... down) and back;
#  - the collector killed (SIGKILL) and started again.
# For each, over TCP and over TLS: every alert arrives exactly once and in
# order (by the daemon's per-alert seq), with the worst delay measured; the
# spool and its replay show in `bmcwatch status` (text and --json) and in
# the metrics. Prometheus's API, queried inside the namespace, must show
# the loss counters and per-rule alert counts the daemon has, and the
# outages it lived through. Prometheus also loads the fleet's alerting
# rules (packaging/prometheus/bmcwatch.rules.yml): all evaluate without
# error on the live daemon's metrics, BmcwatchDown went pending while the
# link was cut, BmcwatchAlertRate fires for the poked rule, the rules for
# a daemon down, stale or not watching stay quiet. Then the TLS checks
# that must fail: a wrong CA and a wrong name are refused with a reason
# and the alerts kept in the spool, delivered once the right CA is
# configured.
# Everything measured goes to $BMCW_VM_OUT/fleet/.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

W=/tmp/bmcw-fleet
OUT=${BMCW_VM_OUT:-/tmp}/fleet
NS=siem
HOST_IF=veth-bmc SIEM_IF=veth-siem
BMC_IP=10.77.0.1 SIEM_IP=10.77.0.2 ALIAS_IP=10.77.0.3
TCP_PORT=10514 TLS_PORT=6514 METRICS_PORT=9477 PROM_PORT=9090
# The outage must outlast ack_timeout_ms (15 s) and a reconnect attempt.
DOWN_S=${BMCW_FLEET_DOWN_S:-30}
SCALE=${BMCW_TIMEOUT_SCALE:-1}
CLI=userspace/bmcwatch
HERE=selftests/fleet
RSYSLOG_PID= PROM_PID= PROM_WATCH=
RULES=$(pwd)/packaging/prometheus/bmcwatch.rules.yml
TCP_SPEC=syslog+tcp://$SIEM_IP:$TCP_PORT
TLS_SPEC=syslog+tls://$SIEM_IP:$TLS_PORT
ALIAS_SPEC=syslog+tls://$ALIAS_IP:$TLS_PORT
rm -rf "$W" "$OUT"
mkdir -p $W/pki $W/rsyslog $W/spool $W/prom "$OUT"

in_ns() { ip netns exec $NS "$@"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds, by the clock
# (under TCG one try of a command can take a second).
wait_for() {
	local end=$(($(bmcw_now_ms) + $1 * SCALE * 1000))
	shift
	while :; do
		"$@" && return 0
		(($(bmcw_now_ms) < end)) || return 1
		sleep 0.2
	done
}

cleanup() {
	bmcw_stop
	[ -n "$PROM_WATCH" ] && kill "$PROM_WATCH" 2>/dev/null
	[ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null
	[ -n "$RSYSLOG_PID" ] && kill "$RSYSLOG_PID" 2>/dev/null
	wait 2>/dev/null
	ip netns del $NS 2>/dev/null
	rmmod bmcwatch 2>/dev/null
}
trap cleanup EXIT

# --- the SIEM host ----------------------------------------------------------

setup_netns() {
	# The guest has no module autoloading helper: load what iproute2 needs.
	modprobe veth && modprobe sch_netem &&
	ip netns add $NS &&
	ip link add $HOST_IF type veth peer name $SIEM_IF &&
	ip link set $SIEM_IF netns $NS &&
	ip addr add $BMC_IP/24 dev $HOST_IF &&
	ip link set $HOST_IF up &&
	in_ns ip addr add $SIEM_IP/24 dev $SIEM_IF &&
	in_ns ip addr add $ALIAS_IP/24 dev $SIEM_IF &&
	in_ns ip link set $SIEM_IF up &&
	in_ns ip link set lo up &&
	wait_for 10 link_up
}

# Both ends up, carrier included.
link_up() {
	ip -br link show $HOST_IF | grep -q "LOWER_UP" &&
		in_ns ip -br link show $SIEM_IF | grep -q "LOWER_UP"
}

# A throwaway CA, the collector's certificate (its two addresses and a
# name), a client certificate for the daemon, and a CA nobody uses.
make_pki() {
	local p=$W/pki
	cat >$p/ca.tmpl <<-EOF
		cn = "fleet test CA"
		ca
		cert_signing_key
		expiration_days = 2
	EOF
	cp $p/ca.tmpl $p/other-ca.tmpl
	cat >$p/server.tmpl <<-EOF
		cn = "siem"
		ip_address = "$SIEM_IP"
		dns_name = "siem.test"
		tls_www_server
		signing_key
		expiration_days = 2
	EOF
	cat >$p/client.tmpl <<-EOF
		cn = "bmcwatchd"
		tls_www_client
		signing_key
		expiration_days = 2
	EOF
	for k in ca other-ca server client; do
		certtool --generate-privkey --key-type ecdsa --outfile $p/$k.key 2>/dev/null || return 1
	done
	certtool --generate-self-signed --load-privkey $p/ca.key --template $p/ca.tmpl \
		--outfile $p/ca.pem >/dev/null 2>&1 &&
	certtool --generate-self-signed --load-privkey $p/other-ca.key \
		--template $p/other-ca.tmpl --outfile $p/other-ca.pem >/dev/null 2>&1 &&
	for k in server client; do
		certtool --generate-certificate --load-privkey $p/$k.key \
			--load-ca-certificate $p/ca.pem --load-ca-privkey $p/ca.key \
			--template $p/$k.tmpl --outfile $p/$k.pem >/dev/null 2>&1 || return 1
	done
}

# Tab-separated: time received (us), time reported, procid, msgid, SD.
write_rsyslog_conf() {
	cat >$W/rsyslog.conf <<-CONF
		global(workDirectory="$W/rsyslog"
		       defaultNetstreamDriverCAFile="$W/pki/ca.pem"
		       defaultNetstreamDriverCertFile="$W/pki/server.pem"
		       defaultNetstreamDriverKeyFile="$W/pki/server.key")
		module(load="imtcp" maxSessions="64")
		template(name="fields" type="list") {
			property(name="timegenerated" dateFormat="rfc3339") constant(value="\t")
			property(name="timereported" dateFormat="rfc3339") constant(value="\t")
			property(name="procid") constant(value="\t")
			property(name="msgid") constant(value="\t")
			property(name="structured-data") constant(value="\n")
		}
		ruleset(name="tcp") { action(type="omfile" file="$W/tcp.tsv" template="fields") }
		ruleset(name="tls") { action(type="omfile" file="$W/tls.tsv" template="fields") }
		ruleset(name="alias") { action(type="omfile" file="$W/alias.tsv" template="fields") }
		input(type="imtcp" address="$SIEM_IP" port="$TCP_PORT" ruleset="tcp")
		input(type="imtcp" address="$SIEM_IP" port="$TLS_PORT" ruleset="tls"
		      streamDriver.name="gtls" streamDriver.mode="1"
		      streamDriver.authMode="x509/certvalid")
		input(type="imtcp" address="$ALIAS_IP" port="$TLS_PORT" ruleset="alias"
		      streamDriver.name="gtls" streamDriver.mode="1"
		      streamDriver.authMode="x509/certvalid")
	CONF
}

rsyslog_listening() {
	in_ns ss -Hltn "sport = :$TLS_PORT" | grep -q "$ALIAS_IP" &&
		in_ns ss -Hltn "sport = :$TCP_PORT" | grep -q .
}

rsyslog_launch() {
	rm -f $W/rsyslogd.pid
	# Not through in_ns: $! must be rsyslogd (ip netns exec execs it).
	ip netns exec $NS rsyslogd -n -f $W/rsyslog.conf -i $W/rsyslogd.pid \
		>>$W/rsyslogd.log 2>&1 &
	RSYSLOG_PID=$!
}

rsyslog_start() {
	rsyslog_launch
	wait_for 60 rsyslog_listening
}

prom_start() {
	cat >$W/prometheus.yml <<-EOF
		global:
		  scrape_interval: 1s
		  scrape_timeout: 900ms
		  evaluation_interval: 1s
		rule_files:
		  - $RULES
		scrape_configs:
		  - job_name: bmcwatch
		    static_configs:
		      - targets: ['$BMC_IP:$METRICS_PORT']
	EOF
	PROM_T0=$(bmcw_now_ms)
	ip netns exec $NS prometheus --config.file=$W/prometheus.yml \
		--storage.tsdb.path=$W/prom --web.listen-address=127.0.0.1:$PROM_PORT \
		--log.level=warn >>$W/prometheus.log 2>&1 &
	PROM_PID=$!
	# When it is ready, measured while the rest goes on.
	(
		for ((i = 0; i < 1200; i++)); do
			prom_ready && { bmcw_now_ms >$W/prom-ready-ms; exit 0; }
			sleep 0.5
		done
	) &
	PROM_WATCH=$!
}

prom_ready() {
	in_ns curl -sf -o /dev/null http://127.0.0.1:$PROM_PORT/-/ready
}

# promq NAME QUERY: Prometheus's answer, kept as $OUT/prom-NAME.json.
promq() {
	in_ns curl -sf --get --data-urlencode "query=$2" \
		http://127.0.0.1:$PROM_PORT/api/v1/query >"$OUT/prom-$1.json" &&
		cat "$OUT/prom-$1.json"
}

# promapi WHAT: /api/v1/WHAT (rules, alerts), kept as $OUT/prom-WHAT.json.
promapi() {
	in_ns curl -sf http://127.0.0.1:$PROM_PORT/api/v1/$1 >"$OUT/prom-$1.json"
}

# rule_state ALERT: inactive, pending or firing, from the last promapi rules.
rule_state() {
	jq -r --arg n "$1" '.data.groups[] | select(.name == "bmcwatch") | .rules[] |
		select(.name == $n) | .state' "$OUT/prom-rules.json"
}

# --- the daemon's side -------------------------------------------------------

last_seq() {
	jq -s 'map(.bmcwatch.seq) | max // 0' "$BMCW_ALERTS"
}

# received FILE PID SEQ: the collector wrote alert SEQ of daemon PID.
received() {
	awk -F'\t' -v pid="$2" -v s=" seq=\"$3\"" '$3 == pid && index($5, s) { f = 1 }
		END { exit !f }' "$1" 2>/dev/null
}

# delivered PID SEQ FILE...: every FILE has it.
delivered() {
	local pid=$1 seq=$2 f
	shift 2
	for f in "$@"; do
		received "$f" "$pid" "$seq" || return 1
	done
}

# check_delivery PHASE FIRST LAST PID ALERTS COLLECTOR...: one KTAP line
# per collector (tcp, tls): every alert FIRST..LAST of daemon PID (its
# json: log ALERTS) arrived exactly once, in order. The numbers are kept
# in $OUT/delivery.jsonl.
check_delivery() {
	local phase=$1 first=$2 last=$3 pid=$4 alerts=$5 name r args=()
	shift 5
	for name in "$@"; do
		args+=("$name=$W/$name.tsv")
	done
	/usr/bin/python3 $HERE/delivery.py "$alerts" "$pid" "$first" "$last" "${args[@]}" |
		jq -c --arg p "$phase" '{phase: $p} + .' >$W/delivery.out
	cat $W/delivery.out >>"$OUT/delivery.jsonl"
	for name in "$@"; do
		r=$(jq -r --arg c "$name" 'select(.collector == $c) | if .ok then "ok" else "fail" end,
			"\(.collector): sent \(.sent), received \(.received), duplicates \(.duplicates), missing \(.missing), out of order \(.out_of_order), worst delay \(.worst_delay_ms) ms, median \(.median_delay_ms) ms"' \
			$W/delivery.out)
		if [ "$(head -1 <<<"$r")" = ok ]; then
			ktap_ok "$phase: alerts $first..$last over ${name^^} arrive exactly once, in order"
			ktap_diag "$(tail -1 <<<"$r")"
		else
			ktap_fail "$phase: alerts $first..$last over ${name^^} arrive exactly once, in order" \
				"$(tail -1 <<<"$r")"
		fi
	done
}

status_json() {
	$CLI -c $W/bmcwatch.conf status --json 2>/dev/null
}

# out_field SPEC FIELD: a field of one output in `bmcwatch status --json`.
out_field() {
	status_json | jq -r --arg s "$1" ".outputs[] | select(.spec == \$s) | .$2"
}

# outs JQ-CONDITION: `bmcwatch status --json` satisfies it; $o maps each
# output's spec to its object, $tcp and $tls are the two collectors' specs.
outs() {
	status_json | jq -e --arg tcp "$TCP_SPEC" --arg tls "$TLS_SPEC" \
		"(.outputs | map({(.spec): .}) | add) as \$o | $1" >/dev/null
}

metrics() {
	curl -sf http://$BMC_IP:$METRICS_PORT/metrics
}

# metric NAME SPEC: the value of NAME{output="SPEC"} in the last
# snapshot of the endpoint (snap_metrics).
metric() {
	awk -v k="$1{output=\"$2\"}" '$1 == k { print $2 }' $W/metrics.snap
}

snap_metrics() {
	metrics >$W/metrics.snap
}

# field SPEC FIELD: an output's field in the last snapshot of
# `bmcwatch status --json` (snap_status).
field() {
	jq -r --arg s "$1" ".outputs[] | select(.spec == \$s) | .$2" $W/status.snap
}

snap_status() {
	status_json >$W/status.snap
}

poke() {
	/usr/bin/python3 $HERE/poke.py "$BDF" "$@"
}

seq_reached() {
	[ "$(last_seq)" -ge "$1" ]
}

# wait_seq N [SECONDS]: until the daemon has logged alert seq N.
wait_seq() {
	wait_for "${2:-10}" seq_reached "$1"
}

spooled_and_down() {
	outs "[\$o[\$tcp], \$o[\$tls]] | all(.connected == false and .spool_records >= $1)"
}

both_connected() {
	outs '[$o[$tcp], $o[$tls]] | all(.connected)'
}

both_drained() {
	outs '[$o[$tcp], $o[$tls]] | all(.connected and .spool_records == 0)'
}

# Where the wall time goes, for the record (TCG is slow and noisy).
phase_mark() {
	printf '%s\t%s\n' "$SECONDS" "$1" >>"$OUT/timeline.tsv"
}

ktap_header
ktap_plan 38

# --- 1-3. the SIEM host and the daemon ---------------------------------------
phase_mark "the SIEM host and the daemon"
if setup_netns; then
	ktap_ok "namespace $NS joined by $HOST_IF ($BMC_IP) <-> $SIEM_IF ($SIEM_IP, $ALIAS_IP)"
else
	ktap_fail "namespace $NS joined by $HOST_IF <-> $SIEM_IF" "$(ip -br addr 2>&1)"
	exit 1
fi
if ! make_pki; then
	ktap_fail "test CA and certificates made with certtool" "$(ls -l $W/pki)"
	exit 1
fi
write_rsyslog_conf
# All three start at once (each takes seconds under TCG); the daemon
# retries until the collector listens.
rsyslog_launch
prom_start

bmcw_load || { ktap_fail "module loads"; exit 1; }
BDF=$(bmcw_edu_bdf)
cat >$W/bmcwatch.conf <<CONF
[daemon]
interval_ms = 200
aggregation_window_s = 0
rate_limit = 0
heartbeat_minutes = 0
spool_dir = $W/spool
spool_fsync = false
status_file = $W/status.json
baseline = $W/baseline.json
metrics = http:$BMC_IP:$METRICS_PORT

[output]
connect_timeout_ms = 6000
retry_max_ms = 2000
ack_timeout_ms = 15000
CONF
t0=$(bmcw_now_ms)
bmcw_start -c $W/bmcwatch.conf --bmc-device 1234:11e8 \
	--output "$TCP_SPEC" --output "$TLS_SPEC" \
	--tls-ca $W/pki/ca.pem --tls-cert $W/pki/client.pem --tls-key $W/pki/client.key ||
	ktap_diag "daemon did not report start" "$(tail -5 /tmp/bmcwatchd.log)"
if wait_for 60 rsyslog_listening; then
	ktap_ok "rsyslogd in $NS: TCP $SIEM_IP:$TCP_PORT, TLS $SIEM_IP:$TLS_PORT and $ALIAS_IP:$TLS_PORT (client certificates required)"
else
	ktap_fail "rsyslogd in $NS listens" "$(tail -5 $W/rsyslogd.log)"
	exit 1
fi
if wait_for 30 both_connected; then
	ktap_ok "daemon connected over TCP and TLS (server verified, client certificate accepted) in $(($(bmcw_now_ms) - t0)) ms"
else
	ktap_fail "daemon connected over TCP and TLS" "$(status_json | jq -c .outputs)" \
		"$(tail -5 /tmp/bmcwatchd.log)" "$(tail -5 $W/rsyslogd.log)"
fi

# --- 4-5. a quiet network ----------------------------------------------------
phase_mark "a quiet network"
# From seq 2: seq 1, health.monitor_started, went out before the collector
# listened (the whole-run check below counts it).
first=$(($(last_seq) + 1))
poke 10 0.05
wait_seq $((first + 9))
last=$(last_seq)
wait_for 20 delivered "$BMCW_DAEMON_PID" "$last" $W/tcp.tsv $W/tls.tsv
check_delivery "quiet link" $first "$last" "$BMCW_DAEMON_PID" "$BMCW_ALERTS" tcp tls

# --- 6-7. netem: 10% loss, 50 ms delay, both ways ------------------------------
phase_mark "netem: 10% loss, 50 ms delay, both ways"
first=$((last + 1))
tc qdisc add dev $HOST_IF root netem loss 10% delay 50ms &&
	in_ns tc qdisc add dev $SIEM_IF root netem loss 10% delay 50ms ||
	ktap_diag "netem: $(tc qdisc show dev $HOST_IF)"
ktap_diag "netem: $(tc qdisc show dev $HOST_IF | head -1)"
poke 60 0.05
wait_seq $((first + 59))
last=$(last_seq)
wait_for 60 delivered "$BMCW_DAEMON_PID" "$last" $W/tcp.tsv $W/tls.tsv
tc qdisc del dev $HOST_IF root
in_ns tc qdisc del dev $SIEM_IF root
check_delivery "netem loss 10% delay 50ms" $first "$last" "$BMCW_DAEMON_PID" "$BMCW_ALERTS" tcp tls

# --- 8-12. the SIEM's link down for $DOWN_S s -------------------------------------
phase_mark "the SIEM's link down for DOWN_S s"
first=$((last + 1))
replayed0=$(out_field "$TCP_SPEC" replayed)
in_ns ip link set $SIEM_IF down
t_down=$SECONDS
poke 10 0.05			# into connections that no longer reach anyone
wait_seq $((first + 9))
# The unacknowledged data trips ack_timeout_ms (15 s; shorter would also
# fire under the 10% loss above, duplicating what the collector had): the
# outputs drop the connections, fail to reconnect, and spool.
while ((SECONDS - t_down < DOWN_S / 3)); do sleep 1; done
poke 10 0.05
wait_seq $((first + 19))
if wait_for 25 spooled_and_down 20; then
	st=$($CLI -c $W/bmcwatch.conf status)
	if grep -q "$TCP_SPEC: NOT CONNECTED" <<<"$st" &&
	   grep -Eq "spool: (2[0-9]|[3-9][0-9]) alerts pending" <<<"$st"; then
		ktap_ok "link down: both outputs disconnected, 20 alerts spooled, shown by bmcwatch status (text and --json)"
	else
		ktap_fail "link down: bmcwatch status (text) shows the spool" "$st"
	fi
	printf '%s\n' "$st" >"$OUT/status-link-down.txt"
	status_json >"$OUT/status-link-down.json"
	printf '%s\n' "$st" | sed -n '/^outputs/,/^last seq/p' | sed 's/^/# /'
else
	ktap_fail "link down: both outputs disconnected, 20 alerts spooled, shown by bmcwatch status (text and --json)" \
		"$(status_json | jq -c .outputs)"
fi
snap_metrics
m_rec=$(metric bmcwatch_spool_records "$TCP_SPEC")
m_con=$(metric bmcwatch_output_connected "$TLS_SPEC")
m_bytes=$(metric bmcwatch_spool_bytes "$TLS_SPEC")
cp $W/metrics.snap "$OUT/metrics-link-down.prom"
if [ "${m_rec:-0}" -ge 20 ] && [ "$m_con" = 0 ] && [ "${m_bytes:-0}" -gt 0 ]; then
	ktap_ok "link down: metrics show it (spool_records $m_rec, spool_bytes $m_bytes, connected $m_con)"
else
	ktap_fail "link down: metrics show it" "spool_records=$m_rec connected=$m_con bytes=$m_bytes"
fi
while ((SECONDS - t_down < DOWN_S)); do sleep 1; done
in_ns ip link set $SIEM_IF up
ktap_diag "link was down for $((SECONDS - t_down)) s"
last=$(last_seq)
t_up=$(bmcw_now_ms)
wait_for 60 delivered "$BMCW_DAEMON_PID" "$last" $W/tcp.tsv $W/tls.tsv
ktap_diag "the last alert of the outage arrived $(($(bmcw_now_ms) - t_up)) ms after the link came back"
check_delivery "link down ${DOWN_S} s" $first "$last" "$BMCW_DAEMON_PID" "$BMCW_ALERTS" tcp tls
wait_for 10 both_drained
snap_status
snap_metrics
$CLI -c $W/bmcwatch.conf status >"$OUT/status-link-back.txt"
rep=$(field "$TCP_SPEC" replayed)
res=$(field "$TCP_SPEC" resent)
m_rep=$(metric bmcwatch_output_replayed_total "$TCP_SPEC")
m_res=$(metric bmcwatch_output_resent_total "$TLS_SPEC")
if both_drained &&
   grep -A3 "^ *$TCP_SPEC: connected" "$OUT/status-link-back.txt" |
	grep -q " $rep replayed from the spool, $res resent" &&
   [ $((rep - replayed0)) -ge 20 ] && [ "$res" -ge 10 ] && [ "$m_rep" = "$rep" ] &&
   [ "${m_res:-0}" -ge 10 ]; then
	ktap_ok "link back: replay shown by bmcwatch status (text and --json) and the metrics ($((rep - replayed0)) replayed, $res resent, spool empty)"
else
	ktap_fail "link back: replay shown by bmcwatch status (text and --json) and the metrics" \
		"replayed $replayed0 -> $rep (metric $m_rep), resent $res (tls metric $m_res)" \
		"$(status_json | jq -c .outputs)"
fi
status_json >"$OUT/status-link-back.json"

# --- 13-15. the collector killed and started again --------------------------------
phase_mark "the collector killed and started again"
first=$((last + 1))
if [ "${BMCW_FLEET_KILL:-quiet}" = stream ]; then
	# Measurement only: killed in the middle of a stream, the collector
	# loses what its kernel acknowledged and it never read (syslog over
	# TCP has no application acknowledgement); the checks below say so.
	poke 100 0.05 &
	poker=$!
	wait_seq $((first + 10)) 30
	kill -KILL "$RSYSLOG_PID"
	wait "$RSYSLOG_PID" 2>/dev/null
	t_kill=$SECONDS
	wait $poker
	wait_seq $((first + 99))
else
	# Killed between two alerts, like a crash while the SIEM is idle.
	kill -KILL "$RSYSLOG_PID"
	wait "$RSYSLOG_PID" 2>/dev/null
	t_kill=$SECONDS
	poke 10 0.1
	wait_seq $((first + 9))
fi
wait_for 10 spooled_and_down 10
status_json >"$OUT/status-collector-down.json"
t_rs=$(bmcw_now_ms)
rsyslog_start || ktap_diag "rsyslogd did not restart" "$(tail -3 $W/rsyslogd.log)"
ktap_diag "collector down for $((SECONDS - t_kill)) s, of which $(($(bmcw_now_ms) - t_rs)) ms rsyslogd's start"
if jq -e --arg tcp "$TCP_SPEC" --arg tls "$TLS_SPEC" '.outputs | map(select(.spec == $tcp or
	.spec == $tls)) | length == 2 and all(.connected == false and .spool_records >= 10)' \
	"$OUT/status-collector-down.json" >/dev/null; then
	ktap_ok "collector killed: outputs disconnected, $(jq -r --arg s "$TCP_SPEC" '.outputs[] | select(.spec == $s) | .spool_records' "$OUT/status-collector-down.json") alerts spooled on each, shown by bmcwatch status --json"
else
	ktap_fail "collector killed: outputs disconnected, alerts spooled" \
		"$(jq -c .outputs "$OUT/status-collector-down.json")"
fi
last=$(last_seq)
wait_for 30 delivered "$BMCW_DAEMON_PID" "$last" $W/tcp.tsv $W/tls.tsv
check_delivery "collector restart" $first "$last" "$BMCW_DAEMON_PID" "$BMCW_ALERTS" tcp tls

# --- 16-21. Prometheus in the SIEM namespace -------------------------------------
phase_mark "Prometheus in the SIEM namespace"
if wait_for 120 test -s $W/prom-ready-ms; then
	ktap_ok "Prometheus ready in $NS, $(($(cat $W/prom-ready-ms) - PROM_T0)) ms after it started (TCG)"
	echo "$(($(cat $W/prom-ready-ms) - PROM_T0))" >"$OUT/prometheus-startup-ms"
else
	ktap_fail "Prometheus ready in $NS" "$(tail -5 $W/prometheus.log)"
fi
up_now() {
	promq up 'up{job="bmcwatch"}' | jq -e '.data.result[0].value[1] == "1"' >/dev/null
}
if wait_for 30 up_now; then
	ktap_ok "Prometheus scrapes $BMC_IP:$METRICS_PORT from $NS (up == 1)"
else
	ktap_fail "Prometheus scrapes $BMC_IP:$METRICS_PORT from $NS" "$(cat "$OUT/prom-up.json")"
fi

# The daemon is quiet now: Prometheus's latest scrape must equal what the
# endpoint serves and what the daemon says in its status and its log.
metrics >"$OUT/metrics-final.prom"
lost_match() {
	promq events_lost 'bmcwatch_events_lost_total' >/dev/null &&
	jq -e --rawfile m "$OUT/metrics-final.prom" '
		($m | split("\n") | map(select(startswith("bmcwatch_events_lost_total{")) |
			capture("hop=\"(?<hop>[^\"]+)\"} (?<v>[0-9.e+]+)")) |
			map({(.hop): (.v | tonumber)}) | add) as $daemon |
		(.data.result | map({(.metric.hop): (.value[1] | tonumber)}) | add) as $prom |
		($daemon | length) >= 4 and $prom == $daemon' "$OUT/prom-events_lost.json" >/dev/null
}
if wait_for 20 lost_match; then
	ktap_ok "Prometheus: every loss counter present and equal to the daemon's ($(jq -c '.data.result | map({(.metric.hop): .value[1]}) | add' "$OUT/prom-events_lost.json"))"
else
	ktap_fail "Prometheus: every loss counter present and equal to the daemon's" \
		"$(jq -c .data.result "$OUT/prom-events_lost.json" 2>&1)" \
		"$(grep '^bmcwatch_events_lost_total' "$OUT/metrics-final.prom")"
fi
cp $W/status.json "$OUT/status-daemon.json"
rules_match() {
	promq alerts_by_rule 'sum by (rule) (bmcwatch_alerts_total)' >/dev/null &&
	jq -s . "$BMCW_ALERTS" >$W/alerts.slurp &&
	jq -e --slurpfile st $W/status.json --slurpfile log $W/alerts.slurp '
		(.data.result | map({(.metric.rule): (.value[1] | tonumber)}) | add) as $prom |
		($st[0].rules | to_entries | map(select(.value.alerts > 0)) |
			map({(.key): .value.alerts}) | add) as $status |
		($log[0] | group_by(.rule.name) | map({(.[0].rule.name): length}) | add) as $jlog |
		$prom == $status and $prom == $jlog' "$OUT/prom-alerts_by_rule.json" >/dev/null
}
if wait_for 20 rules_match; then
	ktap_ok "Prometheus: per-rule alert counts equal bmcwatch status and the JSON log ($(jq -c '.data.result | map({(.metric.rule): .value[1]}) | add' "$OUT/prom-alerts_by_rule.json"))"
else
	ktap_fail "Prometheus: per-rule alert counts equal bmcwatch status and the JSON log" \
		"prometheus: $(jq -c .data.result "$OUT/prom-alerts_by_rule.json" 2>&1)" \
		"status: $(jq -c '.rules | to_entries | map(select(.value.alerts > 0)) | map({(.key): .value.alerts})' $W/status.json)"
fi
# What Prometheus lived through: the cut link (scrapes failed), the
# collector restart (the spool grew), the replay.
promq up_min 'min_over_time(up{job="bmcwatch"}[10m])' >/dev/null
promq spool_max "max by (output) (max_over_time(bmcwatch_spool_records{output=\"$TCP_SPEC\"}[10m]))" >/dev/null
promq replayed "bmcwatch_output_replayed_total" >/dev/null
promq connects "bmcwatch_output_connects_total" >/dev/null
now=$(date +%s)
in_ns curl -sf --get --data-urlencode 'query=bmcwatch_spool_records' \
	--data-urlencode "start=$((now - 600))" --data-urlencode "end=$now" \
	--data-urlencode 'step=1' http://127.0.0.1:$PROM_PORT/api/v1/query_range \
	>"$OUT/prom-spool_records-range.json"
if jq -e '.data.result[0].value[1] == "0"' "$OUT/prom-up_min.json" >/dev/null &&
   jq -e '.data.result[0].value[1] | tonumber > 0' "$OUT/prom-spool_max.json" >/dev/null &&
   jq -e --arg s "$TCP_SPEC" '.data.result | map(select(.metric.output == $s)) |
	.[0].value[1] | tonumber >= 30' "$OUT/prom-replayed.json" >/dev/null; then
	ktap_ok "Prometheus recorded the outages: scrapes failed while the link was cut, spool_records rose to $(jq -r '.data.result[0].value[1]' "$OUT/prom-spool_max.json") during the restart, replays counted"
else
	ktap_fail "Prometheus recorded the outages" "up_min: $(jq -c .data.result "$OUT/prom-up_min.json")" \
		"spool_max: $(jq -c .data.result "$OUT/prom-spool_max.json")" \
		"replayed: $(jq -c .data.result "$OUT/prom-replayed.json")"
fi
if ! curl -s -o /dev/null --max-time 3 http://127.0.0.1:$METRICS_PORT/metrics &&
   curl -sf -o /dev/null http://$BMC_IP:$METRICS_PORT/metrics; then
	ktap_ok "metrics listen on $BMC_IP only (127.0.0.1:$METRICS_PORT refused)"
else
	ktap_fail "metrics listen on $BMC_IP only" "$(ss -Hltn "sport = :$METRICS_PORT")"
fi

# --- 22-26. the fleet's alerting rules on the live daemon ----------------------------
phase_mark "the fleet's alerting rules on the live daemon"
# What the rules read is what the daemon serves, and bmcwatch_info carries
# the hardware model (QEMU's DMI) and the module's inventory fingerprint.
rule_metrics=$(/usr/bin/python3 selftests/promrules/check.py rule-metrics "$RULES")
missing=$(for m in $rule_metrics; do
	grep -q "^$m[{ ]" "$OUT/metrics-final.prom" || echo "$m"
done)
dmi_model=$(sed 's/[[:space:]]*$//' /sys/class/dmi/id/product_name 2>/dev/null)
inv_fp=$(head -1 /sys/kernel/debug/bmcwatch/inventory | sed -n 's/.* host_fp=\([0-9a-f]*\).*/\1/p')
info=$(grep '^bmcwatch_info{' "$OUT/metrics-final.prom")
if [ -n "$rule_metrics" ] && [ -z "$missing" ] && [ -n "$dmi_model" ] && [ -n "$inv_fp" ] &&
   grep -qF "model=\"$dmi_model\"" <<<"$info" &&
   grep -qF "inventory_fingerprint=\"$inv_fp\"" <<<"$info"; then
	ktap_ok "every metric the rules read is served; bmcwatch_info has the DMI model and the module's fingerprint"
	ktap_diag "$info"
else
	ktap_fail "every metric the rules read is served; bmcwatch_info has the DMI model and the module's fingerprint" \
		"the rules read: $(echo $rule_metrics)" "not served: ${missing:-none}" "DMI model '$dmi_model', inventory host_fp '$inv_fp'" "$info"
fi
n_rules=$(grep -c '^ *- alert: ' "$RULES")
rules_loaded() {
	promapi rules &&
	jq -e --argjson n "$n_rules" '[.data.groups[] | select(.name == "bmcwatch")] |
		length == 1 and (.[0].rules | length == $n and
		all(.type == "alerting" and .health == "ok"))' "$OUT/prom-rules.json" >/dev/null
}
if wait_for 30 rules_loaded; then
	ktap_ok "Prometheus loaded bmcwatch.rules.yml: group bmcwatch, $n_rules alerting rules, each evaluated on the live metrics with health ok"
	ktap_diag "$(jq -r '.data.groups[] | select(.name == "bmcwatch") | .rules |
		map("\(.name) \(.state)") | join(", ")' "$OUT/prom-rules.json")"
else
	ktap_fail "Prometheus loaded bmcwatch.rules.yml, every rule evaluated with health ok" \
		"$(jq -c '.data.groups | map({name, rules: (.rules | map({name, health, lastError}))})' \
			"$OUT/prom-rules.json" 2>&1)" "$(tail -5 $W/prometheus.log)"
fi
# The cut link: scrapes failed for DOWN_S s, shorter than its for: 2m.
promq down_pending "max_over_time(ALERTS{alertname=\"BmcwatchDown\", alertstate=\"pending\", instance=\"$BMC_IP:$METRICS_PORT\"}[15m])" >/dev/null
promq down_firing 'count_over_time(ALERTS{alertname="BmcwatchDown", alertstate="firing"}[15m])' >/dev/null
if jq -e '.data.result[0].value[1] == "1"' "$OUT/prom-down_pending.json" >/dev/null &&
   { ((DOWN_S >= 100)) || jq -e '.data.result | length == 0' "$OUT/prom-down_firing.json" >/dev/null; } &&
   [ "$(rule_state BmcwatchDown)" = inactive ]; then
	ktap_ok "BmcwatchDown went pending while the link was cut, never fired ($DOWN_S s < for: 2m), inactive since"
else
	ktap_fail "BmcwatchDown went pending while the link was cut, never fired, inactive since" \
		"pending: $(jq -c .data.result "$OUT/prom-down_pending.json")" \
		"firing: $(jq -c .data.result "$OUT/prom-down_firing.json")" "now: $(rule_state BmcwatchDown)"
fi
# The poked pcie.config_write alerts (warning): far more than 10 in 10 minutes.
guest_host=$(cat /proc/sys/kernel/hostname)
rate_firing() {
	promapi alerts &&
	jq -e --arg h "$guest_host" '.data.alerts | any(.labels.alertname == "BmcwatchAlertRate" and
		.state == "firing" and .labels.rule == "pcie.config_write" and
		.labels.severity == "warning" and .labels.host == $h)' "$OUT/prom-alerts.json" >/dev/null
}
if wait_for 90 rate_firing; then
	ktap_ok "BmcwatchAlertRate fires on the live counters for pcie.config_write on $guest_host"
	ktap_diag "$(jq -r '.data.alerts[] | select(.labels.alertname == "BmcwatchAlertRate") |
		.annotations.summary + " (about \(.value | tonumber | floor) alerts in 10 min)"' \
		"$OUT/prom-alerts.json")"
else
	ktap_fail "BmcwatchAlertRate fires on the live counters for pcie.config_write on $guest_host" \
		"$(jq -c '.data.alerts | map({labels, state, value})' "$OUT/prom-alerts.json" 2>&1)"
fi
# While the daemon watches, the rules for a daemon gone, stale or blind stay
# quiet, and BmcwatchDegraded follows the state bmcwatch status gives.
st=$(status_json | jq -r .state)
promq health 'bmcwatch_health == 1' >/dev/null
promapi rules
deg=$(rule_state BmcwatchDegraded)
if [ "$(jq -r '.data.result[0].metric.state' "$OUT/prom-health.json")" = "$st" ] &&
   [ "$(rule_state BmcwatchDown)" = inactive ] &&
   [ "$(rule_state BmcwatchNotWatching)" = inactive ] &&
   [ "$(rule_state BmcwatchStale)" = inactive ] &&
   { { [ "$st" = healthy ] && [ "$deg" = inactive ]; } ||
     { [ "$st" = degraded ] && [ "$deg" != inactive ]; }; }; then
	ktap_ok "bmcwatch status and bmcwatch_health agree ($st); BmcwatchDown, BmcwatchNotWatching, BmcwatchStale inactive, BmcwatchDegraded $deg"
else
	ktap_fail "bmcwatch status and bmcwatch_health agree; BmcwatchDown, BmcwatchNotWatching, BmcwatchStale inactive, BmcwatchDegraded follows" \
		"status: $st, bmcwatch_health: $(jq -c .data.result "$OUT/prom-health.json")" \
		"rules: $(jq -c '.data.groups[] | select(.name == "bmcwatch") | .rules | map({(.name): .state}) | add' "$OUT/prom-rules.json")" \
		"$(status_json | jq -c .blind_spots)"
fi

# --- 27-29. SIGTERM, then the whole run end to end ---------------------------------
phase_mark "SIGTERM, then the whole run end to end"
pid=$BMCW_DAEMON_PID
bmcw_stop
cp "$BMCW_ALERTS" "$OUT/alerts-run1.json"
cp /tmp/bmcwatchd.log "$OUT/bmcwatchd-run1.log"
stop_seq=$(jq -s 'map(select(.rule.name == "health.monitor_stopped")) | .[0].bmcwatch.seq' \
	"$OUT/alerts-run1.json")
if [ "$stop_seq" != null ] &&
   wait_for 10 delivered "$pid" "$stop_seq" $W/tcp.tsv $W/tls.tsv &&
   ! find $W/spool -name '*.spool' -size +0 | grep -q .; then
	ktap_ok "SIGTERM: health.monitor_stopped (seq $stop_seq) reaches both collectors, the spool is empty"
else
	ktap_fail "SIGTERM: health.monitor_stopped reaches both collectors, the spool is empty" \
		"seq=$stop_seq" "$(ls -l $W/spool)"
fi
check_delivery "whole run" 1 "$stop_seq" "$pid" "$OUT/alerts-run1.json" tcp tls

# --- 30-32. a collector signed by another CA: refused, kept, then delivered --------
phase_mark "a collector signed by another CA: refused, kept, then delivered"
: >/tmp/bmcwatchd.log
bmcw_start -c $W/bmcwatch.conf --bmc-device 1234:11e8 --output "$TLS_SPEC" \
	--tls-ca $W/pki/other-ca.pem --tls-cert $W/pki/client.pem --tls-key $W/pki/client.key ||
	ktap_diag "daemon did not report start" "$(tail -5 /tmp/bmcwatchd.log)"
pid2=$BMCW_DAEMON_PID
poke 5 0.05
wait_seq 6
want="server certificate refused: The certificate is NOT trusted. The certificate issuer is unknown."
if wait_for 15 grep -qF "$TLS_SPEC: $SIEM_IP:$TLS_PORT: TLS handshake: $want" /tmp/bmcwatchd.log &&
   out_field "$TLS_SPEC" last_error | grep -qF "$want"; then
	ktap_ok "wrong CA: refused; the daemon's log and bmcwatch status say why"
	grep -m1 "TLS handshake" /tmp/bmcwatchd.log | sed 's/^/# /'
else
	ktap_fail "wrong CA: refused; the daemon's log and bmcwatch status say why" \
		"$(tail -3 /tmp/bmcwatchd.log)" "$(status_json | jq -c .outputs)"
fi
n2=$(last_seq)
o2=$(status_json | jq -c --arg s "$TLS_SPEC" '.outputs[] | select(.spec == $s)')
sp2=$(jq -r .spool_records <<<"$o2")
if jq -e '.connected == false and .errors == 0' <<<"$o2" >/dev/null && [ "$sp2" -ge "$n2" ] &&
   ! awk -F'\t' -v p="$pid2" '$3 == p { f = 1 } END { exit !f }' $W/tls.tsv; then
	ktap_ok "wrong CA: all $n2 alerts kept in the spool ($sp2), none dropped, none delivered"
else
	ktap_fail "wrong CA: all alerts kept in the spool, none dropped, none delivered" \
		"spool $sp2 of $n2" "$(status_json | jq -c .outputs)"
fi
bmcw_stop
cp "$BMCW_ALERTS" "$OUT/alerts-run2.json"
cp /tmp/bmcwatchd.log "$OUT/bmcwatchd-run2.log"
n2=$(jq -s 'map(.bmcwatch.seq) | max' "$OUT/alerts-run2.json")
# The right CA; and the same collector by its other address, which its
# certificate does not name.
: >/tmp/bmcwatchd.log
bmcw_start -c $W/bmcwatch.conf --bmc-device 1234:11e8 --output "$TLS_SPEC" \
	--output "$ALIAS_SPEC" --tls-ca $W/pki/ca.pem \
	--tls-cert $W/pki/client.pem --tls-key $W/pki/client.key ||
	ktap_diag "daemon did not report start" "$(tail -5 /tmp/bmcwatchd.log)"
wait_for 30 delivered "$pid2" "$n2" $W/tls.tsv
check_delivery "right CA after a restart (spooled under the wrong one)" 1 "$n2" "$pid2" \
	"$OUT/alerts-run2.json" tls

# --- 33-34. the collector by a name its certificate does not carry -----------------
phase_mark "the collector by a name its certificate does not carry"
want="server certificate refused: The certificate is NOT trusted. The name in the certificate does not match the expected."
if wait_for 15 grep -qF "$ALIAS_SPEC: $ALIAS_IP:$TLS_PORT: TLS handshake: $want" /tmp/bmcwatchd.log &&
   out_field "$ALIAS_SPEC" last_error | grep -qF "$want"; then
	ktap_ok "wrong name ($ALIAS_IP, not in the certificate): refused, saying the name does not match"
else
	ktap_fail "wrong name ($ALIAS_IP): refused, saying the name does not match" \
		"$(tail -3 /tmp/bmcwatchd.log)" "$(status_json | jq -c .outputs)"
fi
if [ ! -s $W/alias.tsv ] && [ "$(out_field "$ALIAS_SPEC" spool_records)" -ge 1 ] &&
   [ "$(out_field "$ALIAS_SPEC" connected)" = false ]; then
	ktap_ok "wrong name: nothing delivered there, $(out_field "$ALIAS_SPEC" spool_records) alerts kept in its spool"
else
	ktap_fail "wrong name: nothing delivered there, alerts kept in its spool" \
		"$(wc -l <$W/alias.tsv 2>/dev/null)" "$(status_json | jq -c .outputs)"
fi
status_json >"$OUT/status-tls-refused.json"
$CLI -c $W/bmcwatch.conf status >"$OUT/status-tls-refused.txt"
bmcw_stop

# --- 35-38. the collector's view, the record ---------------------------------------
phase_mark "the collector's view, the record"
rs_tls=$(grep -c "certificate\|TLS\|gnutls\|GnuTLS" $W/rsyslogd.log)
ktap_check "rsyslogd logged the refused handshakes on its side ($rs_tls lines)" test "$rs_tls" -gt 0
ktap_check "no alert of any run reached the alias address" test ! -s $W/alias.tsv
n_rows=$(jq -s 'map(select(.phase != "whole run")) | length' "$OUT/delivery.jsonl")
ktap_check "delivery numbers recorded ($n_rows phase x collector rows) in $OUT/delivery.jsonl" \
	test "$n_rows" -ge 9
cp $W/rsyslogd.log $W/prometheus.log "$OUT/" 2>/dev/null
cp /tmp/bmcwatchd.log "$OUT/bmcwatchd-run3.log"
cp $W/tcp.tsv $W/tls.tsv "$OUT/"
jq -r '[.phase, .collector, .sent, .received, .duplicates, .missing, .out_of_order,
	.worst_delay_ms, .median_delay_ms] | @tsv' "$OUT/delivery.jsonl" |
	awk 'BEGIN { print "# phase | collector | sent | received | dup | missing | out of order | worst ms | median ms" }
	     { gsub("\t", " | "); print "# " $0 }'
phase_mark end
awk -F'\t' 'NR > 1 { printf "# %4d s  %s\n", $1 - t, name } { t = $1; name = $2 }' \
	"$OUT/timeline.tsv"
rm -rf $W/prom
ktap_check "module unloads" bmcw_unload
trap - EXIT
kill "$PROM_PID" "$RSYSLOG_PID" "$PROM_WATCH" 2>/dev/null
wait 2>/dev/null
ip netns del $NS
ktap_finish
