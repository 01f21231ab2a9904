# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # variables for the scripts that source it
# Helpers for the benchmarks' guest scripts (sourced, bash, inside the
# emulated host). A benchmark moves between setups with bench_enter; data go
# to $BMCW_VM_OUT/NAME.dat (the host reads them after the run), one sample
# a line: "round setup batch value [key=value...]".
#
# Rounds alternate the order of the setups (A B, then B A, ...): drift in
# the emulator's speed (other VMs on the host) then hits each setup as
# often early as late in a round, and each round yields a ratio.

# The tree this script is in (bench/run's snapshot): never one from the
# environment, so that every file comes from the same build.
BMCW_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$BMCW_TOP/selftests/lib/bmcwatch.sh"

BENCH_BIN=$BMCW_TOP/bench/.out
BENCH_SETUP=bare
BENCH_BT_PID=
# Extra bmcwatchd arguments of the "with" setups.
BENCH_DAEMON_ARGS=${BENCH_DAEMON_ARGS:-}
# Extra bmcwatch.ko parameters of the "module" and "with" setups, e.g.
# hooks_off=ipmi/port_outb to see what one hook costs.
BENCH_MODULE_ARGS=${BMCW_BENCH_MODULE_ARGS:-}

bench_log() { echo "bench: $*" >&2; }

# Instruction-count mode (bench/run boots QEMU with -icount shift=0,
# sleep=off): the guest's clock advances one nanosecond per instruction
# executed, so a timed loop counts instructions, whatever else the host
# runs. Deterministic, hence fewer rounds.
bench_icount() { [ "${BMCW_BENCH_TAG:-}" = icount ]; }

# bench_mode_rounds WALL ICOUNT: the default number of rounds.
bench_mode_rounds() { if bench_icount; then echo "$2"; else echo "$1"; fi; }

# bench_data NAME: where a benchmark's samples go (NAME-TAG.dat when
# bench/run sets BMCW_BENCH_TAG, e.g. for the instruction-count mode).
bench_data() { echo "${BMCW_VM_OUT:-/tmp}/$1${BMCW_BENCH_TAG:+-$BMCW_BENCH_TAG}.dat"; }

bench_bpftrace_stop() {
	[ -n "$BENCH_BT_PID" ] || return 0
	kill -INT "$BENCH_BT_PID" 2>/dev/null
	wait "$BENCH_BT_PID" 2>/dev/null
	BENCH_BT_PID=
}

# A bpftrace kprobe counting what bmcwatch counts for config reads.
bench_bpftrace_start() {
	local i
	bpftrace -e 'kprobe:pci_bus_read_config_dword { @[arg0, arg1, arg2] = count(); }' \
		>/dev/null 2>&1 &
	BENCH_BT_PID=$!
	# compiling and attaching takes seconds under emulation
	for ((i = 0; i < 300; i++)); do
		grep -q pci_bus_read_config_dword /sys/kernel/debug/kprobes/list \
			2>/dev/null && return 0
		sleep 0.2
	done
	bench_log "bpftrace did not attach"
	return 1
}

bench_module_loaded() { [ -d /sys/module/bmcwatch ]; }

# bench_enter SETUP: bare | module | with (module + bmcwatchd) | bpftrace
bench_enter() {
	local t0
	t0=$(bench_now)
	bench_switch "$1" || return 1
	bench_log "$1 after $(( ($(bench_now) - t0) / 1000000 )) ms"
}

bench_switch() {
	local want=$1

	[ "$want" = "$BENCH_SETUP" ] && return 0
	if [ "$want" != bpftrace ]; then
		bench_bpftrace_stop
	fi
	if [ "$want" != with ]; then
		bmcw_stop
	fi
	case $want in
	bare | bpftrace)
		if bench_module_loaded; then
			bmcw_unload || return 1
		fi
		;;
	module | with)
		if ! bench_module_loaded; then
			# shellcheck disable=SC2086 # a list of parameters
			bmcw_load $BENCH_MODULE_ARGS || return 1
		fi
		;;
	esac
	case $want in
	with)
		# shellcheck disable=SC2086 # a list of arguments
		bmcw_start $BENCH_DAEMON_ARGS >/dev/null ||
			{ bench_log "bmcwatchd did not start"; return 1; }
		;;
	bpftrace)
		bench_bpftrace_start || return 1
		;;
	esac
	BENCH_SETUP=$want
}

# bench_order ROUND SETUP...: the setups in this round's order.
bench_order() {
	local r=$1
	shift
	if ((r % 2)); then
		local s=("$@") i
		for ((i = ${#s[@]} - 1; i >= 0; i--)); do echo "${s[i]}"; done
	else
		printf '%s\n' "$@"
	fi
}

# The per-CPU u64 stats array of a monitor, index I, summed over CPUs.
bench_stat() {
	local map=$1 i=$2
	bmcw_map_sum "$map" "$(printf '%02x 00 00 00' "$i")"
}

# Nanoseconds of CLOCK_REALTIME.
bench_now() { date +%s%N; }

# bench_affinity IRQ CPU: route an interrupt to one CPU.
bench_affinity() {
	echo "$2" >"/proc/irq/$1/smp_affinity_list"
}

# Interrupts of IRQ summed over CPUs, from /proc/interrupts.
bench_irq_total() {
	awk -v irq="$1:" '$1 == irq { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' \
		/proc/interrupts
}

# One batch of timed config reads, ns per read with one decimal, with
# shell builtins only (starting processes is slow under emulation):
#   bench_cfg_batch OUT ROUND SETUP BATCH   $N reads of $BDF through
#                                           bmcw_test's loop (file $T)
#   bench_sysfs_batch OUT ROUND SETUP BATCH $NSYS 256-byte sysfs config
#                                           reads of $BDF (lspci's)
# append "ROUND SETUP BATCH NS" to OUT.
bench_batch_line() {
	local out=$1 res=$2 v
	shift 2
	[[ $res =~ count=([0-9]+)\ ns=([0-9]+) ]] || return 1
	v=$((BASH_REMATCH[2] * 10 / BASH_REMATCH[1]))
	echo "$1 $2 $3 $((v / 10)).$((v % 10))" >>"$out"
}

bench_cfg_batch() {
	echo "$BDF $N" >"$T" || return 1
	bench_batch_line "$1" "$(<"$T")" "${@:2}"
}

bench_sysfs_batch() {
	local res
	res=$("$BENCH_BIN/cfg_sysfs" "$BDF" "$NSYS") || return 1
	bench_batch_line "$1" "$res" "${@:2}"
}
