#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bmcwatchd against the size of the host: its possible CPUs (host side:
# -smp N or -smp 1,maxcpus=N; per-CPU maps have a slot for each possible
# CPU, online or not, and the daemon sums them all) and as many PCI
# functions as it has once every SR-IOV physical function here (QEMU's
# NVMe, host side) has made all the virtual functions it can. Not a
# side-by-side ratio: a table of what grows with CPUs and functions, one
# line per boot (scale-TAG.dat):
#   "mode online possible functions startup_ms idle_s idle_ticks rss_kb
#    hwm_kb map_bytes percpu_bytes cfg_keys sweep_last_us sweep_max_us"
#  mode          icount (the guest clock counts instructions, 1 ns each:
#                times are instruction counts, whatever the host's load)
#                or wall
#  startup_ms    bmcwatchd started until its monitors are attached
#  idle_*        its CPU time (utime+stime, CLK_TCK ticks) over idle_s
#  map_bytes     kernel memory of the daemon's BPF maps (memlock of each
#                map it holds), percpu_bytes of it in per-CPU maps
#  cfg_keys      config-space counter keys (functions x kinds touched)
#  sweep_*_us    the pcie monitor's work of one interval (its per-CPU map
#                sweep), median of the idle phase's samples and longest
# Virtual functions are made with drivers_autoprobe off: only their
# existence matters (the module inventories them; reading every function's
# config space once, as lspci does, gives the daemon's counters their keys).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
SECS=${BMCW_BENCH_SECONDS:-30}
PROM=/tmp/scale.prom
OUT=$(bench_data scale)
: >"$OUT"

# Every physical function able to, at its most virtual functions (the
# kernel makes them through the PF's driver).
modprobe -q nvme
for pf in /sys/bus/pci/devices/*; do
	[ -r "$pf/sriov_totalvfs" ] || continue
	total=$(<"$pf/sriov_totalvfs")
	[ "$total" -gt 0 ] || continue
	echo 0 >"$pf/sriov_drivers_autoprobe"
	echo "$total" >"$pf/sriov_numvfs" ||
		{ bench_log "${pf##*/}: cannot make $total VFs"; exit 1; }
done
functions=$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | wc -l)
possible=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))

bmcw_load || exit 1
t0=$(bench_now)
bmcw_start --interval 1000 --bmc-device 1234:11e8 --metrics "textfile:$PROM" \
	>/dev/null || { bench_log "bmcwatchd did not start"; exit 1; }
startup_ms=$((($(bench_now) - t0) / 1000000))
pid=$BMCW_DAEMON_PID
# what lspci does, now that the counters count: a key per function
cat /sys/bus/pci/devices/*/config >/dev/null 2>&1

metric() { awk -v k="$1" '$1 == k { print $2 }' "$PROM" 2>/dev/null; }
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }

sleep 5		# past start-up: inventory, first sweeps
c0=$(ticks) t0=$(bench_now)
sweeps=()
for ((i = 0; i < SECS; i++)); do
	sleep 1
	sweeps+=("$(metric 'bmcwatch_interval_seconds{monitor="pcie"}')")
done
c1=$(ticks) t1=$(bench_now)
kill -0 "$pid" || { bench_log "bmcwatchd died"; exit 1; }

# the daemon's maps: the BPF map fds it holds, each map once (fdinfo:
# map_type 5, 6 and 10 are the per-CPU hash, array and LRU hash)
map_mem() {
	local fd seen=' ' id type mem all=0 percpu=0
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" = anon_inode:bpf-map ] || continue
		read -r id type mem <<<"$(awk '$1 == "map_id:" { i = $2 } $1 == "map_type:" { t = $2 }
			$1 == "memlock:" { m = $2 } END { print i, t, m }' "/proc/$pid/fdinfo/${fd##*/}")"
		[[ $seen == *" $id "* ]] && continue
		seen+="$id "
		all=$((all + mem))
		case $type in 5 | 6 | 10) percpu=$((percpu + mem)) ;; esac
	done
	echo "$all $percpu"
}
read -r map_bytes percpu_bytes <<<"$(map_mem)"
sweep_last=$(printf '%s\n' "${sweeps[@]}" | awk 'NF' | sort -g |
	awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", v[int((NR + 1) / 2)] * 1e6 }')
sweep_max=$(metric 'bmcwatch_interval_seconds_max{monitor="pcie"}')
echo "${BMCW_BENCH_TAG##*-} $(nproc) $possible $functions $startup_ms" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $((c1 - c0))" \
	"$(kb VmRSS) $(kb VmHWM) $map_bytes $percpu_bytes" \
	"$(metric bmcwatch_pcicfg_keys) ${sweep_last:-0}" \
	"$(awk -v m="${sweep_max:-0}" 'BEGIN { printf "%.0f", m * 1e6 }')" >>"$OUT"
echo "# clk_tck $(getconf CLK_TCK)" >>"$OUT"
bench_log "scale with $(nproc) of $possible CPUs and $functions functions: $(tail -n 2 "$OUT" | head -n 1)"
bmcw_stop
bmcw_unload
