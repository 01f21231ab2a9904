#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt path cost, inside the emulated host: edu interrupts raised back
# to back by edu_irq.ko's "bench" loop (raise, poll until the handler ran,
# repeat; timed in the kernel), without bmcwatch ("bare": no module, no
# daemon), with the module alone ("module"), with all of it in its default
# configuration ("with": bmcwatch.ko + bmcwatchd, edu declared a BMC
# function; the daemon reads the kernel's per-CPU counts of its interrupts
# once per interval, nothing in the interrupt path) and with the opt-in
# BPF program on irq_handler_exit ("probe": [dma] irq_probe = yes, exact
# per-CPU counts of unclaimed interrupts) and with the opt-in trampoline
# on __common_interrupt ("exact": [dma] vector_count = exact, exact counts
# of interrupts on vectors no handler owns), alternating for
# BMCW_BENCH_ROUNDS rounds of
# BMCW_BENCH_BATCHES batches of BMCW_BENCH_IRQS interrupts.
#
# The interrupt is routed to the CPU the loop runs on, so each one is taken
# right after the raise; delivery to another vCPU would time that vCPU's
# wake-up. Batches are short (a few ms) and many: the host's other load
# spares some of them. Checked: the driver's count and /proc/interrupts
# grew by exactly the interrupts raised (ok=1 on each batch of the setup
# and round), and with bmcwatch its own count too, from its metrics
# ("ROUND with count bmcwatch=N want=M"). Samples: "round setup batch
# ns_per_irq polls=P ok=0|1".
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 10 3)}
BATCHES=${BMCW_BENCH_BATCHES:-15}
N=${BMCW_BENCH_IRQS:-1000}
D=/sys/kernel/debug/edu_irq
OUT=$(bench_data irq)
DAEMON_ARGS="--bmc-device 1234:11e8 --interval 1000 --metrics textfile:/tmp/irq.prom"
printf '[dma]\nirq_probe = yes\n' >/tmp/irq-probe.conf
printf '[dma]\nvector_count = exact\n' >/tmp/irq-exact.conf
: >"$OUT"

insmod selftests/kmod/edu_irq/edu_irq.ko || exit 1
irq=$(cat $D/irq)
bdf=$(bmcw_edu_bdf)
cpu=$(( $(nproc) - 1 ))
bench_affinity "$irq" "$cpu" || exit 1

# bmcwatch's count of edu's interrupt (its metric; empty until it saw it).
bmcwatch_count() {
	awk -v k="bmcwatch_bmc_interrupts_total{bdf=\"$bdf\",irq=\"$irq\"}" \
		'$1 == k { v = $2 } END { print v }' /tmp/irq.prom 2>/dev/null
}

# bmcwatch_wait [MIN]: until the daemon counted at least MIN (at most 10 s;
# it reads the kernel's counts once per interval).
bmcwatch_wait() {
	local i v
	for ((i = 0; i < 100; i++)); do
		v=$(bmcwatch_count)
		[ -n "$v" ] && [ "$v" -ge "${1:-0}" ] && return 0
		sleep 0.1
	done
	bench_log "the daemon did not count edu's interrupt (${v:-no series}, want ${1:-0})"
	return 1
}

# The daemon maps the irq to edu at its first interval (and, with the
# probe, puts it in the map the BPF side filters with).
wait_mapped() {
	local i
	bmcwatch_wait || return 1
	[ "$1" = probe ] || return 0
	for ((i = 0; i < 100; i++)); do
		bpftool map dump pinned "$BMCW_PIN/dma_irq_fns" 2>/dev/null |
			grep -q key && return 0
		sleep 0.1
	done
	bench_log "the daemon did not map edu's interrupt"
	return 1
}

# enter SETUP: bench_enter, plus "probe" (bmcwatchd with [dma] irq_probe)
# and "exact" ([dma] vector_count = exact); a daemon with other arguments
# is started afresh from "module".
enter() {
	case $1 in
	with | probe | exact)
		[ "$BENCH_SETUP" = "$1" ] && return 0
		bench_enter module || return 1
		rm -f /tmp/irq.prom	# the last daemon's counts are not this one's
		BENCH_DAEMON_ARGS=$DAEMON_ARGS
		[ "$1" = with ] || BENCH_DAEMON_ARGS+=" -c /tmp/irq-$1.conf"
		: >/tmp/bmcwatchd.log	# what this daemon says, below
		bench_enter with || return 1
		BENCH_SETUP=$1
		if [ "$1" = exact ] &&
		   ! grep -q "unowned vectors counted exactly" /tmp/bmcwatchd.log 2>/dev/null; then
			bench_log "vector_count = exact: the trampoline did not attach"
			return 1
		fi
		;;
	*)
		bench_enter "$1"
		;;
	esac
}

# All batches of one setup in one process (starting processes is slow
# under emulation), pinned to the interrupt's CPU; the driver's count and
# /proc/interrupts checked around them.
batches() {
	local r=$1 setup=$2 c0 c1 p0 p1 ok=1 want=$((N * BATCHES))
	c0=$(<$D/count) p0=$(bench_irq_total "$irq")
	# shellcheck disable=SC2016 # expanded by the inner shell
	taskset -c "$cpu" bash -c '
		for ((b = 0; b < $2; b++)); do
			echo "$1" >"$3/bench" || exit 1
			echo "$b $(<"$3/bench")"
		done' - "$N" "$BATCHES" "$D" >/tmp/irq.out || exit 1
	c1=$(<$D/count) p1=$(bench_irq_total "$irq")
	[ $((c1 - c0)) -eq "$want" ] && [ $((p1 - p0)) -eq "$want" ] || ok=0
	[ $ok = 1 ] || bench_log "irq $r/$setup: driver $((c1 - c0)), /proc/interrupts $((p1 - p0)), want $want"
	awk -v r="$r" -v s="$setup" -v ok="$ok" '{
		split($3, t, "="); split($4, p, "=");
		printf "%d %s %d %.1f polls=%.3f ok=%d\n", r, s, $1, t[2] / '"$N"', p[2] / '"$N"', ok
	}' /tmp/irq.out >>"$OUT"
}

taskset -c "$cpu" sh -c "echo 2000 >$D/bench" || exit 1	# warm up
for ((r = 0; r < ROUNDS; r++)); do
	for setup in $(bench_order "$r" bare module with probe exact); do
		enter "$setup" || exit 1
		case $setup in
		with | probe | exact)
			wait_mapped "$setup" || exit 1
			m0=$(bmcwatch_count)
			;;
		esac
		batches "$r" "$setup"
		# bmcwatch counted every one of them (by its next interval)
		case $setup in
		with | probe | exact)
			bmcwatch_wait $((m0 + N * BATCHES))
			m1=$(bmcwatch_count)
			echo "$r $setup count bmcwatch=$((m1 - m0)) want=$((N * BATCHES))" >>"$OUT"
			;;
		esac
	done
	bench_log "irq round $r done"
done
bench_enter bare
rmmod edu_irq
