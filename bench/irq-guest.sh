#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt path cost, inside the emulated host: edu interrupts raised back
# to back by edu_irq.ko's "bench" loop (raise, poll until the handler ran,
# repeat; timed in the kernel), without bmcwatch ("bare": no module, no
# daemon), with the module alone ("module") and with all of it ("with":
# bmcwatch.ko + bmcwatchd, edu declared a BMC function so its interrupts
# are counted by the irq_handler_entry/exit BPF programs), alternating for
# BMCW_BENCH_ROUNDS rounds of
# BMCW_BENCH_BATCHES batches of BMCW_BENCH_IRQS interrupts.
#
# The interrupt is routed to the CPU the loop runs on, so each one is taken
# right after the raise; delivery to another vCPU would time that vCPU's
# wake-up. Batches are short (a few ms) and many: the host's other load
# spares some of them. Checked: the driver's count and /proc/interrupts
# grew by exactly the interrupts raised (ok=1 on each batch of the setup
# and round), and with bmcwatch its own per-CPU count too ("ROUND with
# count bmcwatch=N want=M"). Samples: "round setup batch ns_per_irq
# polls=P ok=0|1".
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${BMCW_BENCH_ROUNDS:-$(bench_mode_rounds 10 3)}
BATCHES=${BMCW_BENCH_BATCHES:-15}
N=${BMCW_BENCH_IRQS:-1000}
D=/sys/kernel/debug/edu_irq
OUT=$(bench_data irq)
BENCH_DAEMON_ARGS="--bmc-device 1234:11e8 --interval 1000"
: >"$OUT"

insmod selftests/kmod/edu_irq/edu_irq.ko || exit 1
irq=$(cat $D/irq)
cpu=$(( $(nproc) - 1 ))
bench_affinity "$irq" "$cpu" || exit 1

# bmcwatch's count of one interrupt: the per-CPU dma_irq_count's total.
bmcwatch_count() {
	# shellcheck disable=SC2046 # the key is a list of hex bytes
	bpftool -j map lookup pinned "$BMCW_PIN/dma_irq_counts" key hex \
		$(printf '%02x %02x %02x %02x' $((irq & 255)) $((irq >> 8 & 255)) 0 0) \
		2>/dev/null | jq '[.formatted.values[].value.total] | add // 0' 2>/dev/null ||
		echo 0
}

# The daemon maps the irq to edu at its first interval; until then the
# BPF side does not count it.
wait_mapped() {
	local i
	for ((i = 0; i < 100; i++)); do
		bpftool map dump pinned "$BMCW_PIN/dma_irq_fns" 2>/dev/null |
			grep -q key && return 0
		sleep 0.1
	done
	bench_log "the daemon did not map edu's interrupt"
	return 1
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
	for setup in $(bench_order "$r" bare module with); do
		bench_enter "$setup" || exit 1
		[ "$setup" = with ] && { wait_mapped || exit 1; m0=$(bmcwatch_count); }
		batches "$r" "$setup"
		# bmcwatch counted every one of them (read once: bpftool is slow)
		if [ "$setup" = with ]; then
			m1=$(bmcwatch_count)
			echo "$r with count bmcwatch=$((m1 - m0)) want=$((N * BATCHES))" >>"$OUT"
		fi
	done
	bench_log "irq round $r done"
done
bench_enter bare
rmmod edu_irq
