#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-tests of selftests/vm/run, printed as KTAP.  Each group below is one
# VM boot (about 5-10 s each on 2 cores; the timeout test takes 20 s).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../../.."	# the checkout's top
RUN=selftests/vm/run
QMP=selftests/vm/qmp
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bmcw-vmtest.XXXXXX")
sim_pid=

cleanup() {
	[[ -z $sim_pid ]] || kill "$sim_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0 failed=0

# result NAME CONDITION-STATUS [DIAGNOSTIC-FILE...]
result() {
	local name=$1 st=$2 f

	shift 2
	n=$((n + 1))
	if ((st == 0)); then
		echo "ok $n $name"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $name"
	for f in "$@"; do
		[[ -s $f ]] && tail -n 15 "$f" | sed "s|^|# ${f##*/}: |"
	done
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# vm NAME [RUN-ARGS...] -- COMMAND...: boot; rc in $rc, output in $tmp/NAME.*
vm() {
	local name=$1

	shift
	rc=0
	"$RUN" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
}

# Prefix each line with the time it arrived, in microseconds.
stamp() {
	local l

	while IFS= read -r l; do
		printf '%s %s\n' "${EPOCHREALTIME//[!0-9]/}" "$l"
	done
}

echo "KTAP version 1"
echo "1..20"

vm true -- true
result run_true_exits_0 $((rc != 0)) "$tmp/true.err"

vm false -- false
result run_false_fails $((rc != 1)) "$tmp/false.err"

vm exit7 -- sh -c 'exit 7'
result exit_status_passed $((rc != 7)) "$tmp/exit7.err"

vm pwd -- pwd
st=0
[[ $rc == 0 && $(<"$tmp/pwd.out") == "$PWD" ]] || st=1
result same_path_inside $st "$tmp/pwd.out" "$tmp/pwd.err"

# --- one boot for the rest of the basics, with a QMP hot-add of edu on rp1.
out=$tmp/big-out
sock=$tmp/qmp.sock
(
	export BMCW_SELFTEST_TOKEN="a b'c\$d" SELFTEST_NOT_PASSED=1 BMCW_VM_TIMING=1
	st=0
	"$RUN" --out "$out" --qmp "$sock" -- selftests/vm/tests/guest-checks.sh \
		2>"$tmp/big.err" </dev/null || st=$?
	echo "$st" >"$tmp/big.rc"
) | stamp >"$tmp/big.out" &
big=$!
# Hot-add once the guest has counted its edu devices, or give up when the
# run has ended.
while [[ ! -e $out/ready && ! -e $tmp/big.rc ]]; do
	sleep 0.2
done
qst=1
if [[ -e $out/ready ]]; then
	qst=0
	"$QMP" "$sock" device_add driver=edu bus=rp1 id=hp1 >"$tmp/qmp.log" 2>&1 || qst=$?
fi
wait "$big" || true
rc=$(<"$tmp/big.rc")

guest() {	# guest NAME: status of a check in guest-checks.sh
	grep -qx "$1=ok" "$out/results" 2>/dev/null
}
for t in root_readonly writable_tmpfs virtual_fs_mounted env_passed; do
	st=0
	guest $t || st=1
	result $t $st "$out/$t.log" "$tmp/big.err"
done

t1=$(awk '$2 == "stream-out-1" { print $1 }' "$tmp/big.out")
t2=$(awk '$2 == "stream-out-2" { print $1 }' "$tmp/big.out")
st=0
# Streaming: the first mark arrived while the guest still slept.
[[ -n $t1 && -n $t2 ]] && ((t2 - t1 >= 1500000)) || st=1
grep -qx stream-err-1 "$tmp/big.err" || st=1
grep -q stream-err "$tmp/big.out" && st=1
result output_streams $st "$tmp/big.out" "$tmp/big.err"

st=0
[[ $rc == 0 && -s $out/results ]] || st=1
grep -q 'Linux version' "$out/dmesg" || st=1
result out_dir_kept $st "$tmp/big.err"

st=0
guest ipmi_default_sim && grep -q '^IPMI Version' "$out/ipmi_default_sim.log" || st=1
result ipmi_default_sim $st "$out/ipmi_default_sim.log"

st=0
((qst == 0)) && guest qmp_hotplug || st=1
result qmp_hotplug $st "$tmp/qmp.log" "$out/qmp_hotplug.log"

st=0
grep -Eq '^vm/run: command started after [0-9]+\.[0-9]{2} s$' "$tmp/big.err" || st=1
result timing_printed $st "$tmp/big.err"

# --- failures the runner must report.
vm timeout --timeout 20 -- sleep 1000
st=0
[[ $rc == 124 ]] && grep -q '^vm/run: timeout' "$tmp/timeout.err" || st=1
result timeout_exits_124 $st "$tmp/timeout.err"

# The first kernel report stops the run, however long its --timeout: an
# Oops (on the console) and a WARNING (below the console's level: from the
# kernel log the guest streams), each followed by a command that would
# run for 1000 s. The run must end within 2 minutes, exit 125 and name the
# report.
# stops_early VM-NAME RESULT-NAME REPORT-PATTERN: after vm VM-NAME started
# at $start_s.
stops_early() {
	local vm=$1 name=$2 pat=$3 st=0 took=$((SECONDS - start_s))
	[[ $rc == 125 ]] || { echo "# exit $rc, want 125"; st=1; }
	((took < 120 * ${BMCW_TIMEOUT_SCALE:-1})) || { echo "# took $took s"; st=1; }
	grep -Eq "^vm/run: guest kernel report after [0-9]+ s \(the run was stopped there\):.*($pat)" \
		"$tmp/$vm.err" || { echo "# the report is not named"; st=1; }
	result "$name (exit $rc after $took s)" $st "$tmp/$vm.err"
}
# Built with the other test modules for the kernel under test (make
# selftest-kmods, with the compiler that kernel needs); built here only
# when missing.
if [[ -f selftests/vm/warn/bmcwatch_warn.ko ]] ||
   make -C selftests/vm/warn >"$tmp/warn-build.log" 2>&1; then
	vm warn -- insmod selftests/vm/warn/bmcwatch_warn.ko
	st=0
	[[ $rc == 125 ]] && grep -q 'deliberate warning' "$tmp/warn.err" || st=1
	result kernel_warning_exits_125 $st "$tmp/warn.err"
	start_s=$SECONDS
	vm oops_stops --timeout 600 -- sh -c \
		'insmod selftests/vm/warn/bmcwatch_warn.ko oops=1; sleep 1000'
	# (KASAN's shadow check turns the NULL access into a general protection
	# fault at the shadow of address 0)
	stops_early oops_stops kernel_oops_stops_the_run_at_once \
		'BUG: kernel NULL pointer dereference|Oops|general protection fault'
	start_s=$SECONDS
	vm warn_stops --timeout 600 -- sh -c \
		'insmod selftests/vm/warn/bmcwatch_warn.ko; sleep 1000'
	stops_early warn_stops kernel_warning_stops_the_run_at_once 'WARNING:'
else
	skip kernel_warning_exits_125 "cannot build selftests/vm/warn (kernel headers?)"
	skip kernel_oops_stops_the_run_at_once "cannot build selftests/vm/warn (kernel headers?)"
	skip kernel_warning_stops_the_run_at_once "cannot build selftests/vm/warn (kernel headers?)"
fi

vm crash -- sh -c 'echo c >/proc/sysrq-trigger'
st=0
# (the panic is a kernel report: named if the runner saw it before QEMU
# was gone, else the guest died without a status)
[[ $rc == 125 ]] && grep -Eq '^vm/run: (guest died|guest kernel report after [0-9]+ s .*(panic|Call Trace|BUG))' \
	"$tmp/crash.err" || st=1
result guest_crash_fails $st "$tmp/crash.err"

# --- a debug kernel's checkers (make check-debug): real bugs committed by
# bmcw_test.ko are each reported, and the report fails the run.  Lockdep goes
# first: any report that taints the kernel (KASAN's) turns lockdep off.
debug_checkers() {
	local kver kcfg ko=selftests/kmod/bmcw_test/bmcw_test.ko bug pat cmd
	local -a bugs=() pats=()

	kver=$(selftests/vm/kver.sh)
	kcfg=${BMCW_KERNEL_DIR:-}/boot/config-$kver
	grep -q '^CONFIG_PROVE_LOCKING=y' "$kcfg" 2>/dev/null &&
		bugs+=(lock-inversion) pats+=('WARNING: possible circular locking dependency')
	grep -q '^CONFIG_DEBUG_ATOMIC_SLEEP=y' "$kcfg" 2>/dev/null &&
		bugs+=(sleep-in-atomic) pats+=('BUG: sleeping function called from invalid context')
	grep -q '^CONFIG_KASAN=y' "$kcfg" 2>/dev/null &&
		bugs+=(use-after-free) pats+=('BUG: KASAN: use-after-free in bug_use_after_free')
	grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$kcfg" 2>/dev/null && bugs+=(leak)
	if ((${#bugs[@]} == 0)); then
		skip debug_checkers_report "kernel $kver has no KASAN, lockdep or kmemleak"
		return
	fi
	if [[ $(modinfo -F vermagic "$ko" 2>/dev/null) != "$kver "* ]]; then
		skip debug_checkers_report "$ko not built for $kver (make selftest-kmods)"
		return
	fi
	cmd="insmod $ko"
	for bug in "${bugs[@]}"; do
		cmd+=" && echo $bug >/sys/kernel/debug/bmcw_test/bug"
	done
	# every bug in one run: the runner must not stop at the first report
	BMCW_VM_KEEP_GOING=1 vm checkers --out "$tmp/checkers" -- sh -c "$cmd"
	st=0
	[[ $rc == 125 ]] || st=1
	for pat in "${pats[@]}"; do
		grep -qF "$pat" "$tmp/checkers/dmesg" || { echo "# not reported: $pat"; st=1; }
	done
	if [[ " ${bugs[*]} " == *" leak "* ]] &&
		! grep -q 'bug_leak' "$tmp/checkers/kmemleak" 2>/dev/null; then
		echo "# not reported: kmemleak of bug_leak"
		st=1
	fi
	result "debug_checkers_report (${bugs[*]})" $st "$tmp/checkers.err"
}
debug_checkers

# --- an external BMC: OpenIPMI's simulator on a loopback port.
extern_bmc() {
	local port='' i try dir=$tmp/ipmi_sim

	mkdir -p "$dir/state"
	# An MC that QEMU's own simulator cannot be mistaken for (manufacturer 4753).
	printf '%s\n' 'mc_setbmc 0x20' \
		'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr' \
		'sel_enable 0x20 1000 0x0a' 'mc_enable 0x20' >"$dir/sim.emu"
	# A random loopback port; retry if ipmi_sim cannot listen on it.
	for ((try = 0; try < 5; try++)); do
		[[ -z $port ]] || break
		port=$((20000 + RANDOM % 40000))
		[[ -z $(ss -Htln "sport = :$port") ]] || { port=; continue; }
		printf '%s\n' 'name "bmcw"' 'set_working_mc 0x20' \
			"serial 15 127.0.0.1 $port codec VM" >"$dir/lan.conf"
		ipmi_sim -c "$dir/lan.conf" -f "$dir/sim.emu" -s "$dir/state" -n \
			>"$dir/log" 2>&1 &
		sim_pid=$!
		for ((i = 0; i < 50; i++)); do
			[[ -n $(ss -Htln "sport = :$port") ]] && break
			kill -0 "$sim_pid" 2>/dev/null || break
			sleep 0.1
		done
		if [[ -z $(ss -Htln "sport = :$port") ]]; then
			kill "$sim_pid" 2>/dev/null || true
			sim_pid='' port=''
		fi
	done
	[[ -n $port ]] || return 1
	vm extern --bmc "extern:127.0.0.1:$port" -- \
		sh -c 'modprobe ipmi_si && modprobe ipmi_devintf && ipmitool mc info'
	kill "$sim_pid" 2>/dev/null || true
	wait "$sim_pid" 2>/dev/null || true
	sim_pid=
	[[ $rc == 0 ]] && grep -Eq '^Manufacturer ID +: 4753$' "$tmp/extern.out"
}

if command -v ipmi_sim >/dev/null && command -v ss >/dev/null; then
	st=0
	extern_bmc || st=1
	result extern_bmc $st "$tmp/ipmi_sim/log" "$tmp/extern.out" "$tmp/extern.err"
else
	skip extern_bmc "ipmi_sim (openipmi) or ss not installed"
fi

echo "# $failed of $n failed"
((failed == 0))
