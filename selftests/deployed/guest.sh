#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bmcwatch as an operator deploys it, inside an emulated host booted with
# systemd as PID 1 on a writable root (selftests/vm/run --init systemd):
# installed exactly as README's "Installing" says (make install, the module
# through DKMS, the example config, --learn, systemctl enable --now), then
# the unit as shipped is checked: status, alerts in journald with fields,
# reload, a killed daemon restarted and saying so, stop leaving the host
# working. Prints KTAP.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/ktap.sh

# this script's own checks, then the eval's (one per attack, the benign
# corpus, the hooks)
OWN=11
EVAL=$(($(ls selftests/scenarios/attack-*.sh | wc -l) + 2))
PLAN=$((OWN + EVAL))
CONF=/etc/bmcwatch/bmcwatch.conf
ALERTS=/var/log/bmcwatch/alerts.json
scale=${BMCW_TIMEOUT_SCALE:-1}

# wait_for SECONDS CMD...: 0 once CMD succeeds.
wait_for() {
	local t=$(($1 * scale * 10)) i
	shift
	for ((i = 0; i < t; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# alert_in_log RULE [JQ]: the unit's JSON alert log has such an alert.
alert_in_log() {
	[ -n "$(jq -c "select(.rule.name == \"$1\" and (${2:-true}))" $ALERTS 2>/dev/null)" ]
}

ktap_header
ktap_plan $PLAN

state=$(systemctl is-system-running 2>/dev/null)
if [ "$(ps -o comm= -p 1)" = systemd ] &&
   { [ "$state" = running ] || [ "$state" = degraded ]; }; then
	ktap_ok "systemd is PID 1 and the system is up"
else
	ktap_fail "systemd is PID 1 and the system is up" "PID 1 $(ps -o comm= -p 1), state $state"
fi
[ "$state" = degraded ] && ktap_diag "failed units (the host's, not ours): $(systemctl --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"

# --- README "Installing", as written there.
log=/tmp/install.log
if make install PREFIX=/usr >$log 2>&1 && [ -x /usr/sbin/bmcwatchd ] &&
   [ -f /lib/systemd/system/bmcwatchd.service ]; then
	ktap_ok "make install PREFIX=/usr: daemon, CLI, unit, example config"
else
	ktap_fail "make install PREFIX=/usr: daemon, CLI, unit, example config" "$(tail -n 5 $log)"
fi
v=$(cat VERSION)
if make dkms-install >$log 2>&1 &&
   dkms status "bmcwatch/$v" -k "$(uname -r)" | grep installed >/dev/null &&
   modinfo -n bmcwatch | grep -q /updates/dkms/; then
	ktap_ok "DKMS builds and installs bmcwatch/$v for $(uname -r); modprobe finds that one"
else
	ktap_fail "DKMS builds and installs bmcwatch/$v for $(uname -r); modprobe finds that one" \
		"$(tail -n 8 $log; dkms status 2>&1 | head -3; modinfo -n bmcwatch 2>&1)"
fi

# The example config, edited as an operator of this host would: its BMC
# function (edu), alerts to journald and the JSON log (and syslog, as in
# the example) instead of a SIEM this host has not got, a short learning
# time. For the eval to compare with its run by hand (the daemon's
# defaults): the marker the eval proves its log complete with
# (lpc.port_access, which the example turns off as noise) is on, and
# ipmi.protocol_violation alerts at the first occurrence (each attack is
# played once).
cp /etc/bmcwatch/bmcwatch.conf.example $CONF
sed -i -e '/^device = 0000:03:00.0/d' -e 's/^device = .*/device = 1234:11e8/' \
	-e 's/^learn_seconds = .*/learn_seconds = 5/' -e 's/^window_seconds = .*/window_seconds = 1/' \
	-e 's|^output = syslog+tcp.*|output = journal|' \
	-e '/^\[rule.lpc.port_access\]/,/^enabled/s/^enabled = false/enabled = true/' \
	-e '/^\[rule "ipmi.protocol_violation"\]/,/^threshold/{/^threshold/d}' $CONF
if modprobe bmcwatch && timeout $((120 * scale)) bmcwatchd --learn >$log 2>&1 &&
   [ -s /var/lib/bmcwatch/baseline.json ]; then
	ktap_ok "modprobe bmcwatch; bmcwatchd --learn writes the baseline"
else
	ktap_fail "modprobe bmcwatch; bmcwatchd --learn writes the baseline" "$(tail -n 5 $log)" \
		"$(journalctl -t bmcwatchd --no-pager -o cat | tail -n 5)"
fi
rmmod bmcwatch 2>/dev/null	# the unit loads it (ExecStartPre)
# alerts through syslog(3) reach rsyslog too (journald forwards them)
systemctl start rsyslog >/dev/null 2>&1

systemctl enable --now bmcwatchd >$log 2>&1
active() { [ "$(systemctl show -P ActiveState bmcwatchd)" = active ]; }
if wait_for 60 active; then
	ktap_ok "systemctl enable --now bmcwatchd: active (Type=notify: ready)"
else
	ktap_fail "systemctl enable --now bmcwatchd: active (Type=notify: ready)" \
		"$(cat $log; systemctl status --no-pager -n 20 bmcwatchd)"
fi
# Under the unit's privileges: everything the daemon watches by hand.
bmcwatch status >$log 2>&1
rc=$?
ktap_check "bmcwatch status under the unit: healthy, no blind spot (exit 0)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' $log | head -n 30
journalctl -u bmcwatchd --no-pager -o cat | grep -E "module watch: .* placed as" | sed 's/^/# /'

journald_fields() {
	journalctl -u bmcwatchd -o json --no-pager BMCWATCH_RULE=health.monitor_started 2>/dev/null |
		jq -e -s 'length > 0 and (.[0] | .BMCWATCH_SEVERITY and .BMCWATCH_JSON)' >/dev/null
}
ktap_check "journald has the alerts with their fields (journalctl BMCWATCH_RULE=...)" \
	wait_for 20 journald_fields

in_rsyslog() { grep -q 'bmcwatchd.*health.monitor_started' /var/log/syslog 2>/dev/null; }
ktap_check "rsyslog has them too (/var/log/syslog)" wait_for 20 in_rsyslog

# --- the eval's scenarios, against the unit as it runs
BMCW_EVAL_DAEMON=unit BMCW_EVAL_ALERTS=$ALERTS selftests/eval/guest.sh ktap >/tmp/eval.ktap 2>/tmp/eval.err
n=0
while IFS= read -r line; do
	case $line in
	"ok "*)
		n=$((n + 1))
		ktap_ok "under the unit: $(sed -E 's/^ok [0-9]+ //' <<<"$line")" ;;
	"not ok "*)
		n=$((n + 1))
		ktap_fail "under the unit: $(sed -E 's/^not ok [0-9]+ //' <<<"$line")" ;;
	"#"*) echo "$line" ;;
	esac
done </tmp/eval.ktap
for ((; n < EVAL; n++)); do
	ktap_fail "under the unit: eval result $((n + 1)) missing" "$(tail -n 5 /tmp/eval.err)"
done

# --- the unit's life: reload, a kill, a stop
pid=$(systemctl show -P MainPID bmcwatchd)
systemctl reload bmcwatchd
reloaded() { journalctl -u bmcwatchd --no-pager -o cat | grep -q "policy reloaded from $CONF"; }
if wait_for 20 reloaded && [ "$(systemctl show -P MainPID bmcwatchd)" = "$pid" ] && active; then
	ktap_ok "systemctl reload: the same process reloads its configuration"
else
	ktap_fail "systemctl reload: the same process reloads its configuration" \
		"$(systemctl status --no-pager -n 10 bmcwatchd)"
fi

systemctl kill -s KILL bmcwatchd
restarted() { active && [ "$(systemctl show -P MainPID bmcwatchd)" != "$pid" ] &&
	[ "$(systemctl show -P MainPID bmcwatchd)" != 0 ]; }
unclean() {
	alert_in_log health.monitor_stopped \
		"(.message | test(\"pid $pid\\\\) died without stopping cleanly\"))"
}
if wait_for 60 restarted && wait_for 20 unclean; then
	ktap_ok "systemctl kill -s KILL: restarted, and the new daemon reports the unclean stop"
else
	ktap_fail "systemctl kill -s KILL: restarted, and the new daemon reports the unclean stop" \
		"$(systemctl status --no-pager -n 10 bmcwatchd; jq -r .rule.name $ALERTS 2>/dev/null | sort | uniq -c)"
fi

systemctl stop bmcwatchd
if [ "$(systemctl show -P ActiveState bmcwatchd)" = inactive ] &&
   grep -q '^bmcwatch ' /proc/modules && lspci >/dev/null 2>&1 &&
   alert_in_log health.monitor_stopped; then
	ktap_ok "systemctl stop: stopped cleanly (health.monitor_stopped), the module stays, the host works"
else
	ktap_fail "systemctl stop: stopped cleanly (health.monitor_stopped), the module stays, the host works" \
		"$(systemctl status --no-pager -n 10 bmcwatchd; grep bmcwatch /proc/modules)"
fi
ktap_finish
