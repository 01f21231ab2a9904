# SPDX-License-Identifier: GPL-2.0
# Helpers for selftests that run inside the emulated host (sourced, bash).
# They load the module, run bmcwatchd with a JSON alert log, wait for alerts
# and read the per-CPU counters the daemon pins.

BMCW_TOP=${BMCW_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BMCW_ALERTS=${BMCW_ALERTS:-/tmp/bmcwatch-alerts.json}
BMCW_DAEMON_PID=
BMCW_PIN=/sys/fs/bpf/bmcwatch

bmcw_load() {
	insmod "$BMCW_TOP/kmod/bmcwatch.ko" "$@"
}

bmcw_unload() {
	rmmod bmcwatch
}

# bmcw_start [bmcwatchd args...]: start the daemon, wait until it runs.
bmcw_start() {
	: >"$BMCW_ALERTS"
	"$BMCW_TOP/userspace/bmcwatchd" --foreground --interval 200 \
		--output "json:$BMCW_ALERTS" "$@" 2>>/tmp/bmcwatchd.log &
	BMCW_DAEMON_PID=$!
	bmcw_wait_alert health.monitor_started 20
}

bmcw_stop() {
	[ -n "$BMCW_DAEMON_PID" ] || return 0
	kill "$BMCW_DAEMON_PID" 2>/dev/null
	wait "$BMCW_DAEMON_PID" 2>/dev/null
	BMCW_DAEMON_PID=
}

# bmcw_alerts [jq-filter]: the alerts so far, one JSON object per line.
bmcw_alerts() {
	jq -c "select(${1:-true})" "$BMCW_ALERTS" 2>/dev/null
}

# bmcw_wait_alert RULE [TIMEOUT-S] [jq-filter]: 0 once such an alert exists.
bmcw_wait_alert() {
	local rule=$1 timeout=${2:-10} filter=${3:-true} i
	# slow debug kernels (make check-debug) stretch every wait
	timeout=$((timeout * ${BMCW_TIMEOUT_SCALE:-1}))
	for ((i = 0; i < timeout * 10; i++)); do
		if [ -n "$(bmcw_alerts ".rule.name == \"$rule\" and ($filter)")" ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# bmcw_wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s, up to
# SECONDS x 10 tries, until it succeeds.
bmcw_wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Alerts at warning or above (log.level warning/critical), excluding health.
bmcw_loud_alerts() {
	bmcw_alerts '(.log.level == "warning" or .log.level == "critical") and .rule.category != "health"'
}

# bmcw_cfg_count SEG BUS DEVFN CLASS DIR ORIGIN: the per-CPU counter summed.
# The map key is the little-endian __u64 of BMCW_CFG_KEY_PACK() in
# include/uapi/linux/bmcwatch.h.
bmcw_cfg_count() {
	local seg=$1 bus=$2 devfn=$3 cls=$4 dir=$5 origin=$6 k key= i
	k=$(( seg << 40 | bus << 32 | devfn << 24 | cls << 16 | dir << 8 | origin ))
	for ((i = 0; i < 8; i++)); do
		key+=$(printf '%02x ' $(( k >> (8 * i) & 255 )))
	done
	bmcw_map_sum cfg_counts "$key"
}

# bmcw_map_sum MAP "HEX BYTES": the per-CPU values of one key of a pinned
# map, summed over CPUs (0 when absent). Values come as BTF-formatted
# numbers or as raw little-endian bytes, depending on the map's BTF.
bmcw_map_sum() {
	local map=$1 key=$2 sum=0 v
	# shellcheck disable=SC2086 # key is a list of hex bytes
	for v in $(bpftool -j map lookup pinned "$BMCW_PIN/$map" \
			key hex $key 2>/dev/null | jq -r '
		if .formatted then .formatted.values[].value
		else .values[].value |
			if type == "array" then
				"0x" + (reverse | map(ltrimstr("0x")) | join(""))
			else . end
		end' 2>/dev/null); do
		sum=$((sum + v))
	done
	echo "$sum"
}

# Register classes and origins, as in include/uapi/linux/bmcwatch.h.
BMCW_CFG_ID=0 BMCW_CFG_COMMAND=1 BMCW_CFG_MSI=9
BMCW_DIR_READ=0 BMCW_DIR_WRITE=1
BMCW_ORIGIN_KERNEL=0 BMCW_ORIGIN_USER=1 BMCW_ORIGIN_VFIO=2 BMCW_ORIGIN_ACPI=3

# The edu device's address in the emulated host.
bmcw_edu_bdf() {
	lspci -D -d 1234:11e8 | awk 'NR == 1 { print $1 }'
}

# bmcw_host_do REQUEST: ask the host (selftests/lib/vmhost.sh) for a QMP
# action and wait until it is done. Requests: add, del (a unique suffix
# such as add-2 lets a test repeat one).
bmcw_host_do() {
	local req=$1 out=${BMCW_VM_OUT:-/tmp} i
	echo "$req" >"$out/request"
	for ((i = 0; i < 300; i++)); do
		[ -e "$out/done-$req" ] && return 0
		sleep 0.1
	done
	return 1
}

# Milliseconds since the epoch.
bmcw_now_ms() {
	date +%s%3N
}

# bmcw_ipmi_up: the host's IPMI driver bound and /dev/ipmi0 present
# (at most 10 s); 1 when the interface never comes up.
bmcw_ipmi_up() {
	local i
	modprobe -q ipmi_si 2>/dev/null
	modprobe -q ipmi_devintf 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		[ -c /dev/ipmi0 ] && return 0
		sleep 0.1
	done
	return 1
}
