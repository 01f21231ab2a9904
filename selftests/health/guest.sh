#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host (host.sh boots it). Prints KTAP.
# Every way root can blind bmcwatch without unloading it reaches the alert
# log naming who did it, and what the daemon did not hear is not lost:
#  - knob writes (enabled, bmc_devices) by a named process, before the
#    daemon attached (replayed once, not again after a restart) and live;
#  - an IPMI driver unloaded and loaded again (hooks removed and placed,
#    at the severity maintenance deserves; IPMI watched again after);
#  - the module's hook table and loss counters in bmcwatch status --json
#    and in the metrics, equal to debugfs;
#  - an NMI storm counted exactly as the kernel counted it;
#  - the lockdown state read every interval without a kernel log line.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

SYS=/sys/kernel/bmcwatch
D=/sys/kernel/debug/bmcwatch
STATUS=/run/bmcwatch/status.json
METRICS=/tmp/bmcw-metrics.prom
CLI=userspace/bmcwatch
# Kinds and origins, as in include/uapi/linux/bmcwatch.h.
XACT=0 ORIG_USER=2

ktap_header
ktap_plan 20

# named PROCESS-NAME COMMAND: run a bash command as a process of that
# name (the kernel names a process after the file it runs); its pid is
# in NAMED_PID.
NAMED_PID=
named() {
	ln -sf "$(command -v bash)" "/tmp/$1"
	"/tmp/$1" -c "$2" &
	NAMED_PID=$!
	wait $NAMED_PID
}

# within SECONDS COMMAND...: COMMAND succeeds within SECONDS of wall time
# (bmcw_wait_for counts tries: a slow command would stretch its wait).
within() {
	local end=$((SECONDS + $1 * ${BMCW_TIMEOUT_SCALE:-1}))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# knob_alerts FILTER: the health.knob_changed alerts matching FILTER.
knob_alerts() {
	bmcw_alerts ".rule.name == \"health.knob_changed\" and ($1)"
}

ipmi_count() {
	bmcw_map_sum ipmi_counts "$(printf '%02x %02x %02x %02x %02x %02x 00 00' "$@")"
}

# The hook table as "MONITOR STATE COUNT" lines, from debugfs and from
# bmcwatch status --json; losses and misses as "NAME COUNT".
hooks_debugfs() {
	sed -nE 's|^hook=([^/ ]+)/[^ ]+ state=([a-z]+) .*|\1 \2|p' $D/hooks |
		sort | uniq -c | awk '{ print $2, $3, $1 }'
}
hooks_status() {
	$CLI status --json 2>/dev/null | jq -r '.kernel.monitors | to_entries[] |
		.key as $m | .value | to_entries[] | select(.value | length > 0) |
		"\($m) \(.key) \(.value | length)"' | sort
}
losses_debugfs() {
	sed -nE 's/^loss=([^ ]+) count=([0-9]+).*/\1 \2/p' $D/losses | sort
}
losses_status() {
	$CLI status --json 2>/dev/null | jq -r '.kernel.losses[] | "\(.cause) \(.count)"' | sort
}
missed_debugfs() {
	sed -nE 's/^hook=([^ ]+) .* missed=([0-9]+) .*/\1 \2/p' $D/hooks | sort
}
missed_status() {
	$CLI status --json 2>/dev/null | jq -r '.kernel.hooks[] | "\(.hook) \(.missed)"' | sort
}
# metric NAME LABELS: its value in the textfile, "" if absent.
metric() {
	local k=$1
	[ -z "$2" ] || k+="{$2}"
	awk -v k="$k" '$1 == k { print $2 }' $METRICS 2>/dev/null
}

# --- 1-4. Written before the daemon attached: replayed once --------------
bmcw_load || { ktap_fail "module loads"; exit 1; }
modprobe ipmi_si && modprobe ipmi_devintf
bmcw_wait_for $((20 * ${BMCW_TIMEOUT_SCALE:-1})) test -c /dev/ipmi0 ||
	ktap_diag "no /dev/ipmi0"
named bmcw-early "echo 0 >$SYS/enabled"
early_off=$NAMED_PID
named bmcw-early "echo 1 >$SYS/enabled"
early_on=$NAMED_PID
ktap_diag "before the daemon: $(grep -c ' delivered=0 ' $D/health) undelivered health events"
bmcw_start --metrics textfile:$METRICS || ktap_diag "daemon did not report start"
daemon=$BMCW_DAEMON_PID
replayed='.bmcwatch.extra.replayed == "true"'
if bmcw_wait_alert health.knob_changed 10 "$replayed and .process.pid == $early_off" &&
   [ -n "$(knob_alerts "$replayed and .process.pid == $early_off and
	.process.name == \"bmcw-early\" and .log.level == \"warning\" and
	.bmcwatch.extra.change == \"1 -> 0\" and (.bmcwatch.extra.event_time | length > 0) and
	(.message | test(\"replayed\"))")" ]; then
	ktap_ok "enabled 1 -> 0 before bmcwatchd attached: replayed at warning, naming bmcw-early (pid $early_off), with its own time"
else
	ktap_fail "enabled 1 -> 0 before bmcwatchd attached: replayed at warning, naming bmcw-early, with its own time" \
		"$(knob_alerts true | head -3)" "$(cat $D/health)"
fi
if [ -n "$(knob_alerts "$replayed and .process.pid == $early_on and .log.level == \"info\"")" ] &&
   [ "$(knob_alerts "$replayed" | wc -l)" -eq 2 ]; then
	ktap_ok "enabled 0 -> 1 before bmcwatchd attached: replayed at info; each write replayed once"
else
	ktap_fail "enabled 0 -> 1 before bmcwatchd attached: replayed at info; each write replayed once" \
		"$(knob_alerts "$replayed")"
fi
# its own [bmc] list, written at start: info
if bmcw_wait_alert health.knob_changed 5 \
	".process.pid == $daemon and .log.level == \"info\" and (.message | test(\"bmc_devices\"))"; then
	ktap_ok "bmcwatchd's own bmc_devices write at start: health.knob_changed at info"
else
	ktap_fail "bmcwatchd's own bmc_devices write at start: health.knob_changed at info" \
		"$(knob_alerts '.message | test("bmc_devices")')"
fi
bmcw_stop
bmcw_start --metrics textfile:$METRICS || ktap_diag "daemon did not restart"
daemon=$BMCW_DAEMON_PID
ktap_check "after a daemon restart the events before the first attach are not replayed again" \
	bmcw_no_alerts "$replayed"

# --- 5-7. Live: the writer is named, turning watching down is a warning ----
named bmcw-blind "echo 0 >$SYS/enabled"
blind=$NAMED_PID
if bmcw_wait_alert health.knob_changed 10 \
	".process.pid == $blind and .process.name == \"bmcw-blind\" and .log.level == \"warning\" and
	 .bmcwatch.extra.change == \"1 -> 0\" and (.message | test(\"no longer traced\"))"; then
	ktap_ok "echo 0 > enabled by bmcw-blind: health.knob_changed at warning naming it (pid $blind)"
else
	ktap_fail "echo 0 > enabled by bmcw-blind: health.knob_changed at warning naming it" \
		"$(knob_alerts true | tail -3)"
fi
named bmcw-blind "echo 1 >$SYS/enabled"
ktap_check "echo 1 > enabled: health.knob_changed at info" \
	bmcw_wait_alert health.knob_changed 10 ".process.pid == $NAMED_PID and .log.level == \"info\""
before=$(cat $SYS/bmc_devices)
named bmcw-list "echo 1234:11e8 >$SYS/bmc_devices"
list=$NAMED_PID
if bmcw_wait_alert health.knob_changed 10 \
	".process.pid == $list and .process.name == \"bmcw-list\" and .log.level == \"warning\" and
	 (.message | test(\"bmc_devices\"))"; then
	ktap_ok "bmc_devices written by bmcw-list: health.knob_changed at warning naming it (pid $list)"
else
	ktap_fail "bmc_devices written by bmcw-list: health.knob_changed at warning naming it" \
		"$(knob_alerts true | tail -3)"
fi
echo "$before" >$SYS/bmc_devices

# --- 8-12. The IPMI driver unloaded and loaded again ------------------------
rmmod ipmi_devintf 2>/dev/null
rmmod ipmi_si &
rm_pid=$!
wait $rm_pid || ktap_diag "rmmod ipmi_si failed"
if bmcw_wait_alert health.hook_removed 10 \
	".process.name == \"rmmod\" and .process.pid == $rm_pid and .log.level == \"notice\" and
	 (.message | test(\"ipmi_si\")) and (.bmcwatch.why | test(\"maintenance\"))"; then
	ktap_ok "rmmod ipmi_si: health.hook_removed at notice naming rmmod (pid $rm_pid)"
else
	ktap_fail "rmmod ipmi_si: health.hook_removed at notice naming rmmod" \
		"$(bmcw_alerts '.rule.name | test("hook")')"
fi
ktap_check "rmmod ipmi_si raises no health.hook_failed" \
	bmcw_no_alerts '.rule.name == "health.hook_failed"'
st=$($CLI status 2>&1)
rc=$?
if ((rc == 4)) && [[ $st == *DEGRADED* && $st == *"hook ipmi/sender removed with ipmi_si"* ]] &&
   $CLI status --json 2>/dev/null | jq -e '.state == "degraded" and (.blind_spots | length > 0) and
	(.kernel.monitors.ipmi.removed | index("sender"))' >/dev/null; then
	ktap_ok "bmcwatch status: degraded (exit 4), the removed ipmi hooks listed with what is unseen"
else
	ktap_fail "bmcwatch status: degraded (exit 4), the removed ipmi hooks listed with what is unseen" \
		"rc=$rc" "$st"
fi
modprobe ipmi_si &
mp_pid=$!
wait $mp_pid || ktap_diag "modprobe ipmi_si failed"
modprobe ipmi_devintf
ktap_check "modprobe ipmi_si: health.hook_placed naming modprobe (pid $mp_pid)" \
	bmcw_wait_alert health.hook_placed 10 \
	".process.name == \"modprobe\" and .process.pid == $mp_pid and .log.level == \"info\""
bmcw_wait_for $((20 * ${BMCW_TIMEOUT_SCALE:-1})) test -c /dev/ipmi0 ||
	ktap_diag "no /dev/ipmi0 after modprobe"
within 30 ipmitool mc info >/dev/null 2>&1 ||
	ktap_diag "the BMC does not answer after modprobe"
# Get Self Test Results: sent by nothing else
b=$(ipmi_count 6 4 0 0 $ORIG_USER $XACT)
for ((i = 0; i < 5; i++)); do
	ipmitool raw 0x06 0x04 >/dev/null 2>&1
done
a=$(ipmi_count 6 4 0 0 $ORIG_USER $XACT)
ktap_check "IPMI seen again after the reload: 5 requests counted exactly ($b -> $a)" \
	test $((a - b)) -eq 5

# --- A hook that misses calls: counted and reported, naming it ----------
# bmcw_test makes bmcwatch's probe of ACPI config reads miss exactly 25
# calls (a kprobe of its own makes them from its handler). The tables
# compared below then have a miss count that is not zero.
miss_hook=pcie/acpi_os_read_pci_configuration
missed_of() { sed -nE "s|^hook=$miss_hook .* missed=([0-9]+) .*|\1|p" $D/hooks; }
m0=$(missed_of)
if insmod "$BMCW_TOP/selftests/kmod/bmcw_test/bmcw_test.ko" &&
   echo 25 >/sys/kernel/debug/bmcw_test/kprobe_miss; then
	m1=$(missed_of)
	if [ $((m1 - m0)) -eq 25 ] && bmcw_wait_alert health.events_lost 10 \
		".bmcwatch.locus == \"hook:$miss_hook\" and .bmcwatch.extra.cause == \"hook_missed\" and
		 .bmcwatch.extra.lost == \"25\""; then
		ktap_ok "a probe that missed 25 calls: debugfs counts 25, health.events_lost names it with 25"
	else
		ktap_fail "a probe that missed 25 calls: debugfs counts 25, health.events_lost names it with 25" \
			"debugfs missed $m0 -> $m1" \
			"$(bmcw_alerts '.rule.name == "health.events_lost"' | jq -c '{locus: .bmcwatch.locus, extra: .bmcwatch.extra}')"
	fi
else
	ktap_fail "a probe that missed 25 calls: debugfs counts 25, health.events_lost names it with 25" \
		"bmcw_test could not make the probe miss"
fi
rmmod bmcw_test 2>/dev/null

# --- 13-14. The module's tables in bmcwatch status and the metrics ---------
same_tables() {
	[ "$(hooks_status)" = "$(hooks_debugfs)" ] &&
		[ "$(losses_status)" = "$(losses_debugfs)" ] &&
		[ "$(missed_status)" = "$(missed_debugfs)" ]
}
undelivered=$(sed -nE 's/^loss=health_undelivered count=([0-9]+).*/\1/p' $D/losses)
if within 10 same_tables && [ "${undelivered:-0}" -ge 2 ]; then
	ktap_ok "bmcwatch status --json: hooks by monitor and state, losses ($(losses_status | tr '\n' ' ')) and misses equal debugfs"
else
	ktap_fail "bmcwatch status --json: hooks by monitor and state, losses and misses equal debugfs" \
		"status: $(hooks_status | tr '\n' ';') | $(losses_status | tr '\n' ';')" \
		"debugfs: $(hooks_debugfs | tr '\n' ';') | $(losses_debugfs | tr '\n' ';')"
fi
same_metrics() {
	local name n v
	# (no process substitution: the emulated host has no /dev/fd)
	while read -r name n; do
		v=$(metric bmcwatch_kernel_losses_total "cause=\"$name\"")
		[ "$v" = "$n" ] || return 1
	done <<<"$(losses_debugfs)"
	while read -r name n; do
		v=$(metric bmcwatch_hook_missed_total "hook=\"$name\"")
		[ "$v" = "$n" ] || return 1
	done <<<"$(missed_debugfs)"
	[ "$(metric bmcwatch_kernel_hooks 'monitor="ipmi",state="placed"')" = \
	  "$(grep -c '^hook=ipmi/.* state=placed ' $D/hooks)" ] &&
		[ -n "$(metric bmcwatch_bpf_recursion_misses_total 'program="on_cfg_access"')" ] &&
		interval_timed pcie && interval_timed ipmi
}
# interval_timed MONITOR: its last interval's work took some time, not
# more than the longest, and seconds, not some other unit (under 5)
interval_timed() {
	local l m
	l=$(metric bmcwatch_interval_seconds "monitor=\"$1\"")
	m=$(metric bmcwatch_interval_seconds_max "monitor=\"$1\"")
	[ -n "$l" ] && [ -n "$m" ] &&
		awk -v l="$l" -v m="$m" 'BEGIN { exit !(l > 0 && l <= m && m < 5) }'
}
if within 10 same_metrics; then
	ktap_ok "metrics: bmcwatch_kernel_losses_total, bmcwatch_hook_missed_total, bmcwatch_kernel_hooks equal debugfs; recursion misses per program; each monitor's interval work timed"
else
	ktap_fail "metrics: bmcwatch_kernel_losses_total, bmcwatch_hook_missed_total, bmcwatch_kernel_hooks equal debugfs; each monitor's interval work timed" \
		"$(grep -E '^bmcwatch_(kernel|hook|bpf|interval)' $METRICS | head -16 | tr '\n' ';')"
fi

# --- 15-16. An NMI storm, counted exactly ------------------------------------
# The kernel counts every NMI it takes (/proc/interrupts NMI:): that is
# the truth to match. QEMU delivers inject-nmi through LINT1, which Linux
# unmasks on the boot CPU only, and NMIs that come while one is pending
# merge in the CPU, so the kernel takes at most one per injection. The
# module publishes what a CPU took since its last report as one event
# with a count (an NMI that comes during the handler of the one before is
# taken before the report runs): events <= NMIs, and the counts add up.
nmis() {
	awk '$1 == "NMI:" { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' \
		/proc/interrupts
}
nmi_metric() {
	m=$(metric bmcwatch_unknown_nmis_total "")
	echo "${m:-0}"
}
# the BPF side's counter of UNKNOWN_NMI events (origin BMC 7, kind 7)
nmi_events() {
	ipmi_count 0 0 0 0 7 7
}
storm=150
k0=$(nmis) m0=$(nmi_metric) e0=$(nmi_events)
if bmcw_host_do "nmi-$storm-1"; then
	sleep 1
	k1=$(nmis)
	seen() { [ "$(nmi_metric)" -eq $((m0 + k1 - k0)) ]; }
	within 20 seen
	e1=$(nmi_events)
	ktap_diag "$storm inject-nmi: the kernel took $((k1 - k0)) NMIs, reported in $((e1 - e0)) events"
	if ((k1 > k0)) && seen; then
		ktap_ok "NMI storm: bmcwatch counted exactly the $((k1 - k0)) NMIs the kernel took (bmcwatch_unknown_nmis_total)"
	else
		ktap_fail "NMI storm: bmcwatch counted exactly the NMIs the kernel took" \
			"kernel $k0 -> $k1, metric $m0 -> $(nmi_metric)"
	fi
	# every alert is out once the daemon stops (its aggregates are flushed)
	bmcw_stop
	sum=$(bmcw_alerts '.rule.name == "doorbell.unknown_nmi"' | jq -s 'map(.bmcwatch.count) | add // 0')
	ktap_check "NMI storm: the doorbell.unknown_nmi alerts stand for the same $((k1 - k0)) NMIs (got $sum)" \
		test "$sum" -eq $((k1 - k0))
	bmcw_start --metrics textfile:$METRICS || ktap_diag "daemon did not restart"
else
	ktap_fail "NMI storm: bmcwatch counted exactly the NMIs the kernel took" "the host could not inject NMIs"
	ktap_fail "NMI storm: the doorbell.unknown_nmi alerts stand for the same NMIs" "no storm"
fi

# --- 17-18. Lockdown read without asking the LSM to refuse ------------------
# Last: integrity lockdown closes /dev/port, which bmcw_log_complete's
# marker uses, and module loading.
mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
if [ -w /sys/kernel/security/lockdown ]; then
	echo integrity >/sys/kernel/security/lockdown
	locked() { [ "$(jq -r .lockdown $STATUS 2>/dev/null)" = integrity ]; }
	ktap_check "the status file says lockdown integrity (from securityfs)" within 10 locked
	sleep 1
	l0=$(dmesg | grep -c 'Lockdown:')
	sleep 3		# 15 intervals of 200 ms, a status write each
	l1=$(dmesg | grep -c 'Lockdown:')
	if [ "$l1" -eq "$l0" ] && bmcw_daemon_alive; then
		ktap_ok "under lockdown no 'Lockdown:' kernel log line per interval ($l0 before, $l1 after 15 intervals)"
	else
		ktap_fail "under lockdown no 'Lockdown:' kernel log line per interval" \
			"$l0 -> $l1 lines" "$(dmesg | grep 'Lockdown:' | tail -3)"
	fi
else
	ktap_skip "the status file says lockdown integrity (from securityfs)" "no lockdown LSM on this kernel"
	ktap_skip "under lockdown no 'Lockdown:' kernel log line per interval" "no lockdown LSM on this kernel"
fi

# --- 19. Stopped, the module goes ------------------------------------------
bmcw_stop
ktap_check "rmmod succeeds once the daemon has stopped" rmmod bmcwatch
ktap_finish
