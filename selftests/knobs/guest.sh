#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the emulated host. Prints KTAP.
# Module input: every file under /sys/kernel/bmcwatch, the module's
# parameters and its debugfs directory is root-only; malformed values fail
# with EINVAL and change nothing; an unprivileged user reads and writes
# nothing. Tamper evidence: unloading under the daemon is reported (JSON
# log and syslog, before the module goes) and then allowed, the daemon stays
# up degraded and takes the module back when it returns; a hook that
# disappears, a daemon stopped and a daemon killed all reach the alert log.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

SYS=/sys/kernel/bmcwatch
PAR=/sys/module/bmcwatch/parameters
DBG=/sys/kernel/debug/bmcwatch
STATUS=/run/bmcwatch/status.json
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# try_write FILE PRINTF-FORMAT: the shell's error text, "" if accepted.
# printf writes its whole output in one write(2), NULs included.
try_write() {
	{ printf -- "$2" >"$1"; } 2>&1
}

ktap_header
ktap_plan 28

# 1-3. A malformed module parameter fails the load with EINVAL.
for bad in garbage 1234:11e8,zz 12345:11e8; do
	out=$(insmod kmod/bmcwatch.ko "bmc_devices=$bad" 2>&1)
	if [[ $? -ne 0 && $out == *"Invalid"* && ! -d /sys/module/bmcwatch ]]; then
		ktap_ok "insmod bmc_devices=$bad fails with EINVAL"
	else
		ktap_fail "insmod bmc_devices=$bad fails with EINVAL" "$out"
		rmmod bmcwatch 2>/dev/null
	fi
done

# 4. A valid one loads and reads back.
bmcw_load bmc_devices=1234:11e8 || { ktap_fail "module loads"; exit 1; }
ktap_check "insmod bmc_devices=1234:11e8 loads and reads back" \
	test "$(cat $PAR/bmc_devices)" = 1234:11e8

# 5. Every file root-only: no group or other bits.
files=("$SYS"/* "$PAR"/* "$DBG"/*)
loose=
for f in "${files[@]}"; do
	m=$(stat -c %a "$f")
	((8#$m & 8#077)) && loose+=" $f=$m"
done
if [[ -z $loose ]]; then
	ktap_ok "all ${#files[@]} sysfs, parameter and debugfs files are root-only"
else
	ktap_fail "all sysfs, parameter and debugfs files are root-only" "$loose"
fi

# 6-7. Malformed values: EINVAL, value unchanged. Every writable knob gets
# the generic set; the known ones their own traps too.
many=$(for ((i = 0; i < 33; i++)); do printf '1234:%04x ' $i; done)
many_usb=$(for ((i = 0; i < 33; i++)); do printf 'port:1-%d ' $((i + 1)); done)
long=$(printf 'a%.0s' {1..300})
generic=('garbage' '\001\002' "$long" '\0' '-1' '99999999999999999999999')
declare -A extra=(
	[enabled]='2|1x|yes-please|0x1|1\0garbage|-0| 1 1'
	[bmc_devices]="1234:11e8 zz|1234:11e8x|0000:00:20.0|00:03.8|12345:11e8|1234:11e8\\0zz|$many|1234-11e8|g234:11e8|00:03.0.1"
	[usb_bmc_devices]="port:|port:0000:00:14.0|port:0000:00:14.0-|port:a-1x|port:1-1 x|046b:ff1|046b:ff100|046b:*x|046b-ff10|port:$long-1|$many_usb"
	[console_session]='86401|1x| 5|5 5|0x10|1\0garbage|4294967296'
)
nwrit=0
for f in "$SYS"/*; do
	[[ $(stat -c %A "$f") == ?rw* ]] || continue
	nwrit=$((nwrit + 1))
	k=$(basename "$f")
	IFS='|' read -r -a vals <<<"${extra[$k]:-}"
	bad=
	for v in "${generic[@]}" "${vals[@]}"; do
		before=$(cat "$f")
		err=$(try_write "$f" "$v")
		after=$(cat "$f")
		if [[ $err != *"Invalid argument"* || $before != "$after" ]]; then
			bad+=" [$v]: '${err:-accepted}' $before->$after;"
		fi
	done
	if [[ -z $bad ]]; then
		ktap_ok "$k: $((${#generic[@]} + ${#vals[@]})) malformed values fail with EINVAL, value unchanged"
	else
		ktap_fail "$k: malformed values fail with EINVAL, value unchanged" "$bad"
	fi
done
((nwrit == 4)) || ktap_diag "expected 4 writable knobs, found $nwrit: update the plan"

# 8. The parameter is load-time only (its set op cannot see embedded NULs).
err=$(try_write $PAR/bmc_devices '1234:11e9\n')
ktap_check "parameter bmc_devices is not writable at run time" \
	test -n "$err" -a "$(cat $PAR/bmc_devices)" = 1234:11e8

# 9. Valid values are accepted and read back normalised.
ok=1
try_write $SYS/enabled '0\n' >/dev/null; [[ $(cat $SYS/enabled) == 0 ]] || ok=0
try_write $SYS/enabled '1' >/dev/null; [[ $(cat $SYS/enabled) == 1 ]] || ok=0
# a domain above 16 bits, as Intel VMD's
[[ -z $(try_write $SYS/bmc_devices '1234:11e8 00:03.0,0000:00:04.1 10000:00:02.0\n') ]] || ok=0
[[ $(cat $SYS/bmc_devices) == "1234:11e8 0000:00:03.0 0000:00:04.1 10000:00:02.0" ]] || ok=0
try_write $SYS/bmc_devices '\n' >/dev/null; [[ -z $(cat $SYS/bmc_devices) ]] || ok=0
try_write $SYS/bmc_devices '1234:11e8' >/dev/null
[[ -z $(try_write $SYS/usb_bmc_devices 'port:0000:00:14.0-1.2,046b:ff10 1d6b:*\n') ]] || ok=0
[[ $(cat $SYS/usb_bmc_devices) == "port:0000:00:14.0-1.2 046b:ff10 1d6b:*" ]] || ok=0
try_write $SYS/usb_bmc_devices '\n' >/dev/null; [[ -z $(cat $SYS/usb_bmc_devices) ]] || ok=0
try_write $SYS/console_session '60\n' >/dev/null; [[ $(cat $SYS/console_session) == 60 ]] || ok=0
try_write $SYS/console_session '0' >/dev/null; [[ $(cat $SYS/console_session) == 0 ]] || ok=0
ktap_check "valid values accepted: enabled 0/1, device lists (VMD domains too), empty list, USB lists, console sessions" test $ok = 1

# 10-11. An unprivileged user reads and changes nothing.
leak=
for f in "${files[@]}"; do
	nobody cat "$f" >/dev/null 2>&1 && leak+=" $f"
done
ktap_check "nobody cannot read any of the ${#files[@]} files${leak:+ (read:$leak)}" \
	test -z "$leak"
leak=
for f in "$SYS"/* "$PAR"/*; do
	before=$(cat "$f")
	nobody sh -c "printf 0 >'$f'" 2>/dev/null && leak+=" $f"
	[[ $(cat "$f") == "$before" ]] || leak+=" $f(changed)"
done
ktap_check "nobody cannot write any knob${leak:+ (wrote:$leak)}" test -z "$leak"

# Tamper evidence. ipmi_si first, so the IPMI hooks are in place. A local
# syslog receiver (unix datagrams) beside the JSON log.
modprobe ipmi_si 2>/dev/null
# It never reads: the test takes what is queued in its socket when it
# wants to know what syslog had by then (syslog_take FILE).
SYSLOG_SOCK=/tmp/bmcw-syslog.sock
syslog_take() {
	python3 - "$syslogd_pid" "$1" "$SYSLOG_SOCK" <<'PY'
import ctypes, os, socket, sys
pid, out, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ino = next(l.split()[6] for l in open("/proc/net/unix") if l.split()[-1] == path)
fd = next(int(f) for f in os.listdir(f"/proc/{pid}/fd")
          if os.readlink(f"/proc/{pid}/fd/{f}") == f"socket:[{ino}]")
dup = ctypes.CDLL(None, use_errno=True).syscall(438, os.pidfd_open(pid), fd, 0)
s = socket.socket(fileno=dup)	# pidfd_getfd(2): the receiver's socket
with open(out, "ab") as f:
    while True:
        try:
            f.write(s.recv(65536, socket.MSG_DONTWAIT) + b"\n")
        except BlockingIOError:
            break
PY
}
python3 -c 'import signal, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
signal.pause()' $SYSLOG_SOCK &
syslogd_pid=$!
# python3 starts slowly under TCG on a busy host
for ((i = 0; i < 300; i++)); do [ -S $SYSLOG_SOCK ] && break; sleep 0.1; done
[ -S $SYSLOG_SOCK ] || ktap_diag "the syslog receiver did not come up"
bmcw_start --output syslog+unix:$SYSLOG_SOCK || ktap_diag "daemon did not report start"

refcnt() { cat /sys/module/bmcwatch/refcnt 2>/dev/null; }
# The links hold the module, and so, for a moment, does each open file of
# it: the daemon reads the module's debugfs tables every few seconds. The
# links' count is the lowest of a second's reads; a check for a count
# waits for it (a debug kernel reads its files slowly).
links() {
	local i n low=
	for ((i = 0; i < 10; i++)); do
		n=$(refcnt)
		[[ -z $low || $n -lt $low ]] && low=$n
		sleep 0.1
	done
	echo "$low"
}
held_by_links() { [ "$(refcnt)" = "$1" ]; }

# 12. refcnt is world-readable: a process called rmmod that cannot unload
# (a renamed cat run by nobody) must not make the daemon let go.
holds=$(links)
cp /bin/cat /tmp/rmmod
nobody /tmp/rmmod /sys/module/bmcwatch/refcnt >/dev/null
sleep 2
unpriv_rmmod_ignored() {
	bmcw_wait_for 10 held_by_links "$holds" &&
		bmcw_no_alerts '.rule.name == "health.monitor_stopped"'
}
ktap_check "a refcnt read by an unprivileged 'rmmod' changes nothing (module held $(refcnt)/$holds times)" \
	unpriv_rmmod_ignored

# 13-14. rmmod under the daemon: its in-use check still fails, but the
# daemon sees it, says so on every output, and only then lets the module
# go: once the module's count drops, the alert must be in both outputs.
holds=$(links)
syslog_take /tmp/syslog-before.txt	# what came before, out of the way
rmmod bmcwatch >/tmp/rmmod.out 2>&1 &
rmmod_pid=$!
wait $rmmod_pid
rc=$?
# Both outputs as they are the moment the count drops (polled tightly,
# copied at once: reading them with jq takes longer than that).
for ((i = 0; i < 500; i++)); do
	read -r n </sys/module/bmcwatch/refcnt 2>/dev/null
	[ "$n" = 0 ] && break
	sleep 0.02
done
cp "$BMCW_ALERTS" /tmp/at-release.json
syslog_take /tmp/at-release.syslog
released() { [ "$(refcnt)" = 0 ]; }
at_release_json=$(jq -c "select(.rule.name == \"health.monitor_stopped\" and .process.pid == $rmmod_pid)" /tmp/at-release.json)
at_release_syslog=$(grep "health.monitor_stopped" /tmp/at-release.syslog | grep "rmmod (pid $rmmod_pid,")
ktap_diag "rmmod: rc=$rc '$(cat /tmp/rmmod.out)'; module held $holds times, now $(refcnt)"
if ((rc != 0)) && [ -d /sys/module/bmcwatch ] && released && [ -n "$at_release_json" ] &&
   jq -e '.process.name == "rmmod" and (.process.executable | test("kmod$")) and
	  (.message | test("no longer watched"))' <<<"$at_release_json" >/dev/null; then
	ktap_ok "rmmod under the daemon: health.monitor_stopped names rmmod (pid $rmmod_pid, kmod) in the JSON log before the module is let go"
else
	ktap_fail "rmmod under the daemon: health.monitor_stopped names rmmod in the JSON log before the module is let go" \
		"rc=$rc refcnt=$(refcnt) alert=$at_release_json" "$(tail -3 /tmp/bmcwatchd.log)"
fi
ktap_check "rmmod under the daemon: the same alert was in syslog's socket when the module was let go" \
	test -n "$at_release_syslog"
# 15. Degraded, and bmcwatch status says so with a nonzero exit.
st=$(userspace/bmcwatch status 2>&1)
rc=$?
if ((rc != 0)) && [[ $st == *"released bmcwatch.ko"* ]] &&
   kill -0 "$BMCW_DAEMON_PID" 2>/dev/null; then
	ktap_ok "released: the daemon runs on, bmcwatch status exits $rc saying why"
else
	ktap_fail "released: the daemon runs on, bmcwatch status exits nonzero saying why" "rc=$rc $st"
fi
# 16. The operator's retry succeeds.
ktap_check "the retried rmmod succeeds, the daemon keeps running" \
	sh -c "rmmod bmcwatch && [ ! -d /sys/module/bmcwatch ] && kill -0 $BMCW_DAEMON_PID"
# 17. Loaded again: watched again.
bmcw_load
healthy() { userspace/bmcwatch status >/dev/null 2>&1; }
if bmcw_wait_alert health.monitor_started 10 '.message | test("loaded again")' &&
   bmcw_wait_for 10 healthy && bmcw_wait_for 10 held_by_links "$holds"; then
	ktap_ok "insmod again: monitors attached again (health.monitor_started), status exit 0"
else
	ktap_fail "insmod again: monitors attached again (health.monitor_started), status exit 0" \
		"refcnt=$(refcnt) (was $holds)" "$(userspace/bmcwatch status 2>&1 | head -5)"
fi

# 18-19. delete_module(2) straight away, with no refcnt read first, as
# busybox's rmmod (or a script, or rmmod -f) does: the daemon's probe on
# the syscall sees it, it is reported naming the caller, and the module is
# let go (the call itself fails if the links still hold it); loaded again,
# watched again.
busybox rmmod bmcwatch >/tmp/bbrmmod.out 2>&1 &
bb_pid=$!
wait $bb_pid
rc=$?
# Let go: the count is 0, or the module is gone already when the daemon
# let go before the call's own check (seen on PREEMPT_RT).
let_go() { released || [ ! -d /sys/module/bmcwatch ]; }
if bmcw_wait_alert health.monitor_stopped 10 \
	"(.process.pid == $bb_pid) and .bmcwatch.extra.request == \"delete_module(2)\"" &&
   bmcw_wait_for 10 let_go; then
	ktap_ok "busybox rmmod (delete_module(2) alone) under the daemon: health.monitor_stopped names it (pid $bb_pid), module let go"
else
	ktap_fail "busybox rmmod (delete_module(2) alone) under the daemon: health.monitor_stopped names it, module let go" \
		"rc=$rc '$(cat /tmp/bbrmmod.out)' refcnt=$(refcnt)" \
		"$(bmcw_alerts '.rule.name == "health.monitor_stopped"' | tail -2)"
fi
loaded_again() {
	bmcw_alerts '.rule.name == "health.monitor_started" and
		(.message | test("loaded again"))' | wc -l
}
reattached() { (($(loaded_again) > n_again)); }
n_again=$(loaded_again)
rmmod bmcwatch 2>/dev/null
bmcw_load
if bmcw_wait_for 10 reattached && bmcw_wait_for 10 healthy &&
   bmcw_wait_for 10 held_by_links "$holds"; then
	ktap_ok "insmod after that: watched again"
else
	ktap_fail "insmod after that: watched again" "refcnt=$(refcnt) (was $holds)"
fi

# 20. A hook that disappears (its module unloaded) reaches the outputs.
if grep -q 'hook=ipmi/.* state=placed .*module=ipmi_si' $DBG/hooks 2>/dev/null; then
	rmmod ipmi_si 2>/dev/null
	ktap_check "a hook removed under the daemon raises health.hook_removed naming rmmod" \
		bmcw_wait_alert health.hook_removed 10 \
		'.process.name == "rmmod" and (.message | test("ipmi_si"))'
else
	# the emulated host always has ipmi_si: its absence is a failure
	ktap_fail "a hook removed under the daemon raises health.hook_removed naming rmmod" \
		"no ipmi_si hook placed: $(grep '^hook=ipmi/' $DBG/hooks)"
fi

# 21-22. SIGTERM: the daemon says it stops, and so does its status file.
pid=$BMCW_DAEMON_PID
kill "$pid"
wait "$pid" 2>/dev/null
BMCW_DAEMON_PID=
ktap_check "SIGTERM: health.monitor_stopped reaches the alert log" \
	bmcw_wait_alert health.monitor_stopped 1
ktap_check "SIGTERM: status file says stopped" \
	test "$(jq -r .state $STATUS 2>/dev/null)" = stopped

# 23. A restart after a clean stop reports nothing about the previous one.
bmcw_start || ktap_diag "daemon did not restart"
sleep 0.5
ktap_check "restart after a clean stop: no unclean-stop report" \
	bmcw_no_alerts '.rule.name == "health.monitor_stopped"'

# 24-25. SIGKILL: the daemon cannot speak, its successor does.
pid=$BMCW_DAEMON_PID
kill -KILL "$pid"
wait "$pid" 2>/dev/null
BMCW_DAEMON_PID=
ktap_check "SIGKILL: status file still says running with the dead pid" \
	test "$(jq -r '"\(.state) \(.pid)"' $STATUS 2>/dev/null)" = "running $pid"
bmcw_start || ktap_diag "daemon did not restart"
ktap_check "restart after SIGKILL reports the dead daemon (pid $pid)" \
	bmcw_wait_alert health.monitor_stopped 5 \
	"(.message | test(\"pid $pid\\\\) died without stopping cleanly\"))"
bmcw_stop

# 26. With the daemon gone the module unloads.
ktap_check "rmmod succeeds once the daemon has stopped" rmmod bmcwatch
kill $syslogd_pid 2>/dev/null
ktap_finish
