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

# bmcw_start [bmcwatchd args...]: start the daemon, wait until it runs;
# under $BMCW_DAEMON_PREFIX if set (e.g. "setpriv --bounding-set=-... --").
bmcw_start() {
	: >"$BMCW_ALERTS"
	# shellcheck disable=SC2086 # a command line: "setpriv --bounding-set ... --"
	${BMCW_DAEMON_PREFIX:-} "$BMCW_TOP/userspace/bmcwatchd" --foreground --interval 200 \
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

# bmcw_alerts [jq-filter]: the alerts so far, one JSON object per line. A
# filter that errors on some alert (a field it lacks) does not match that
# one; a log that does not parse is said on stderr and returns 1, with the
# alerts before the bad line on stdout. Absence checks must not rely on an
# empty answer alone: see bmcw_log_complete.
bmcw_alerts() {
	local rc=0
	jq -c "select(try (${1:-true}) catch false)" "$BMCW_ALERTS" || rc=$?
	case $rc in
	0) return 0 ;;
	3) echo "bmcw_alerts: bad jq filter: ${1:-true}" >&2 ;;
	*) echo "bmcw_alerts: the alert log $BMCW_ALERTS does not parse (jq exit $rc)" >&2 ;;
	esac
	return 1
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
# SECONDS x 10 tries (stretched like bmcw_wait_alert's), until it succeeds.
bmcw_wait_for() {
	local t=$(($1 * ${BMCW_TIMEOUT_SCALE:-1})) i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Alerts at warning or above (log.level warning/critical), excluding health.
BMCW_LOUD='(.log.level == "warning" or .log.level == "critical") and .rule.category != "health"'
bmcw_loud_alerts() {
	bmcw_alerts "$BMCW_LOUD"
}

# bmcw_daemon_alive: the daemon bmcw_start started still runs.
bmcw_daemon_alive() {
	local st
	[ -n "$BMCW_DAEMON_PID" ] || return 1
	st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$BMCW_DAEMON_PID/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# bmcw_log_parses: every line of the alert log is one whole JSON alert (an
# object with a rule name and a sequence number), the last one ended by its
# newline; says what is wrong on stdout ("# ..." lines) otherwise.
bmcw_log_parses() {
	local lines objs snap=/tmp/bmcw-log-parses.$$
	if [ ! -f "$BMCW_ALERTS" ]; then
		echo "# no alert log at $BMCW_ALERTS"
		return 1
	fi
	# One copy, read for every count: the daemon may append meanwhile.
	cp "$BMCW_ALERTS" "$snap" || return 1
	if [ -n "$(tail -c 1 "$snap")" ]; then
		echo "# the alert log's last line has no newline: $(tail -n 1 "$snap" | head -c 200)"
		rm -f "$snap"
		return 1
	fi
	lines=$(wc -l <"$snap")
	if ! objs=$(jq -nR '[inputs | fromjson |
			select(type == "object" and (.rule.name | type) == "string" and
			       (.bmcwatch.seq | type) == "number")] | length' \
			"$snap" 2>&1); then
		echo "# the alert log does not parse: $(printf '%s' "$objs" | head -c 300)"
		rm -f "$snap"
		return 1
	fi
	rm -f "$snap"
	if [ "$objs" != "$lines" ]; then
		echo "# only $objs of the alert log's $lines lines are alerts"
		return 1
	fi
}

# bmcw_mark [TIMEOUT-S]: a benign event that must reach the alert log now:
# a process with a name of its own (bmcw-mark-N, a link to dd) reads one
# byte of a watched I/O port (BMCW_MARK_PORT, the POST port 0x80 that the
# default [lpc] watch covers; a suite that watches other ports sets it)
# through /dev/port, which the daemon reports as lpc.port_access at notice:
# never at warning, so absence checks of loud alerts stay valid. 0 once
# that alert is in the log, with its sequence number in BMCW_MARK_SEQ.
# Every marker has its own process name, so the pipeline never folds one
# into an earlier one.
BMCW_MARK_PORT=${BMCW_MARK_PORT:-0x80}
BMCW_MARK_SEQ=
bmcw_mark() {
	local t=${1:-10} n name pid
	BMCW_MARK_SEQ=
	n=$(($(cat /tmp/bmcw-mark.n 2>/dev/null || echo 0) + 1))
	echo "$n" >/tmp/bmcw-mark.n
	name=bmcw-mark-$n
	ln -sf "$(command -v dd)" "/tmp/$name"
	"/tmp/$name" if=/dev/port of=/dev/null bs=1 skip=$((BMCW_MARK_PORT)) count=1 \
		status=none &
	pid=$!
	wait $pid || {
		echo "# marker: $name could not read port $BMCW_MARK_PORT through /dev/port"
		return 1
	}
	if ! bmcw_wait_alert lpc.port_access "$t" \
			".process.pid == $pid and .process.name == \"$name\""; then
		echo "# marker: $name's read of port $BMCW_MARK_PORT (pid $pid) did not reach the alert log in $t s"
		return 1
	fi
	BMCW_MARK_SEQ=$(bmcw_alerts ".rule.name == \"lpc.port_access\" and .process.pid == $pid" |
		jq -s '.[0].bmcwatch.seq')
}

# bmcw_log_complete [TIMEOUT-S]: what an absence check ("no such alert")
# must prove first, else a dead daemon or a broken log reads as "nothing
# happened": the daemon is alive, every line of the log parses, and a
# marker event made just now (bmcw_mark) reached it. Says what failed on
# stdout ("# ..." lines).
bmcw_log_complete() {
	if ! bmcw_daemon_alive; then
		echo "# bmcwatchd (pid ${BMCW_DAEMON_PID:-none}) is not running"
		return 1
	fi
	# parsed before the marker too: a broken log fails at once
	bmcw_log_parses && bmcw_mark "${1:-10}" && bmcw_log_parses || return 1
	if ! bmcw_daemon_alive; then
		echo "# bmcwatchd (pid $BMCW_DAEMON_PID) died during the check"
		return 1
	fi
}

# bmcw_no_alerts JQ-FILTER: 0 when the log is proven complete (above) and no
# alert matches; else 1, naming up to 5 matches.
bmcw_no_alerts() {
	local found
	bmcw_log_complete || return 1
	found=$(bmcw_alerts "$1") || return 1
	[ -z "$found" ] && return 0
	printf '%s\n' "$found" | head -n 5 |
		jq -r '"# found: \(.log.level) \(.rule.name) #\(.bmcwatch.seq): \(.message)"'
	return 1
}

# bmcw_no_loud_alerts: the same for alerts at warning or above.
bmcw_no_loud_alerts() {
	bmcw_no_alerts "$BMCW_LOUD"
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
# such as add-2 lets a test repeat one). 1 when the host's request failed
# (its error on stdout as "# ..."), or when no host answered in 30 s.
bmcw_host_do() {
	local req=$1 out=${BMCW_VM_OUT:-/tmp} i
	echo "$req" >"$out/request"
	for ((i = 0; i < 300; i++)); do
		[ -e "$out/done-$req" ] && return 0
		if [ -e "$out/failed-$req" ]; then
			sed "s/^/# host: $req: /" "$out/failed-$req"
			return 1
		fi
		sleep 0.1
	done
	echo "# host: no answer to '$req' in 30 s"
	return 1
}

# Milliseconds since the epoch.
bmcw_now_ms() {
	date +%s%3N
}

# bmcw_exact_unsupported: the daemon's words (from /tmp/bmcwatchd.log) when
# this kernel cannot count unowned vectors exactly (5.10's BTF has no
# __common_interrupt); status 1 and nothing when it did not say so.
bmcw_exact_unsupported() {
	grep -o -m 1 "this kernel[' a-zA-Z-]* no [_a-zA-Z-]*" /tmp/bmcwatchd.log 2>/dev/null
}

# bmcw_ipmi_drivers: load the driver of the system interface this boot
# has (BMCW_IPMI_IF: kcs and bt are ipmi_si's, ssif is ipmi_ssif's, on the
# chipset's SMBus adapter) and /dev/ipmiN; its status.
bmcw_ipmi_drivers() {
	case ${BMCW_IPMI_IF:-kcs} in
	ssif) modprobe i2c_i801 && modprobe ipmi_ssif ;;
	*) modprobe ipmi_si ;;
	esac && modprobe ipmi_devintf
}

# bmcw_ipmi_listen [SECONDS [DEVICE]]: hold DEVICE (/dev/ipmi0) open as a
# user that takes a command from the BMC (IPMICTL_REGISTER_FOR_CMD, OEM
# netfn 0x30 cmd 0x7f),
# as a host agent serving the BMC does, for SECONDS (default 600) or until
# killed. Over SSIF, which has no attention bit, a user like that is what
# makes the driver poll the BMC's flags (every 250 ms): without one a
# pretimeout or a message the BMC holds is never fetched.
bmcw_ipmi_listen() {
	python3 - "${1:-600}" "${2:-/dev/ipmi0}" <<'PY'
import fcntl, os, struct, sys, time
IPMICTL_REGISTER_FOR_CMD = 0x8002690e	# _IOR('i', 14, struct ipmi_cmdspec)
fd = os.open(sys.argv[2], os.O_RDWR)
fcntl.ioctl(fd, IPMICTL_REGISTER_FOR_CMD, struct.pack("BB", 0x30, 0x7f))
time.sleep(float(sys.argv[1]))
PY
}

# bmcw_ipmi_dev DRIVER: the /dev/ipmiN of the interface DRIVER (ipmi_si,
# ipmi_ssif) bound, on stdout; 1 when there is none.
bmcw_ipmi_dev() {
	local d drv
	for d in /sys/class/ipmi/ipmi*; do
		drv=$(readlink -f "$d/device/driver" 2>/dev/null)
		[ "${drv##*/}" = "$1" ] && [ -c "/dev/${d##*/}" ] &&
			{ echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}

# bmcw_ipmi_held DEVICE: some process holds DEVICE (/dev/ipmiN) open.
bmcw_ipmi_held() {
	local f
	for f in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}

# bmcw_ipmi_up: the host's IPMI driver bound and /dev/ipmi0 present
# (at most 10 s); 1 when the interface never comes up.
bmcw_ipmi_up() {
	local i
	bmcw_ipmi_drivers 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		[ -c /dev/ipmi0 ] && return 0
		sleep 0.1
	done
	return 1
}

# bmcw_aer_inject BDF: a corrected AER error on that function through
# aer_inject (loaded if needed), which wraps the buses of the function and
# of its root port with its own pci_ops. struct aer_error_inj (see
# drivers/pci/pcie/aer_inject.c): bus dev fn, uncor_status cor_status,
# header_log0-3, domain.
bmcw_aer_inject() {
	modprobe -q aer_inject 2>/dev/null && [ -c /dev/aer_inject ] || return 1
	python3 - "$1" <<'PY'
import struct, sys
dom, b, df = sys.argv[1].split(":")
d, f = df.split(".")
rec = struct.pack("=BBBxIIIIIII", int(b, 16), int(d, 16), int(f),
                  0, 0x1, 0, 0, 0, 0, int(dom, 16))
with open("/dev/aer_inject", "wb", buffering=0) as fh:
    fh.write(rec)
PY
}

# bmcw_usb_bmc_entry: the usb_bmc_devices entry of the BMC's USB port in
# the emulated host: port 1 of its qemu-xhci (eval/host.sh and usb/host.sh
# add one), as an operator declares the internal port a BMC sits behind.
bmcw_usb_bmc_entry() {
	local xhci
	xhci=$(lspci -D -d 1b36:000d | awk 'NR == 1 { print $1 }')
	[ -n "$xhci" ] || { echo "no qemu-xhci controller" >&2; return 1; }
	echo "port:$xhci-1"
}

# bmcw_usb_bmc_port: the USB drivers loaded, and the BMC's port declared
# (written only when the module does not have it already: each write is
# a health.knob_changed warning).
bmcw_usb_bmc_port() {
	local entry
	entry=$(bmcw_usb_bmc_entry) || return 1
	modprobe -a -q xhci_pci usbhid hid_generic usb_storage || return 1
	[ "$(cat /sys/kernel/bmcwatch/usb_bmc_devices)" = "$entry" ] ||
		echo "$entry" >/sys/kernel/bmcwatch/usb_bmc_devices
}

# bmcw_usb_nic PORT ADDR: the network interface of the USB NIC on xHCI
# port PORT (waiting for it, 20 s), given ADDR/24 and up; its name on
# stdout. Loads what udev would: the USB NIC drivers, and tc's clsact
# qdisc and BPF classifier that bmcwatchd's tc programs need.
bmcw_usb_nic() {
	local i p
	modprobe -a -q xhci_pci cdc_ether rndis_host sch_ingress cls_bpf || return 1
	for ((i = 0; i < 100; i++)); do
		for p in /sys/bus/usb/devices/*-"$1"/*:*/net/*; do
			[ -e "$p" ] || continue
			p=${p##*/}
			ip addr replace "$2/24" dev "$p" && ip link set "$p" up &&
				echo "$p"
			return
		done
		sleep 0.2
	done
	echo "# no network interface on USB port $1" >&2
	return 1
}

# bmcw_usbnet_filters DEV: the names of the BPF programs on DEV's ingress
# and egress ("usbnet_egress usbnet_ingress " when bmcwatchd watches it).
bmcw_usbnet_filters() {
	{ tc filter show dev "$1" ingress; tc filter show dev "$1" egress; } 2>/dev/null |
		grep -o 'name usbnet_[a-z]*' | cut -d' ' -f2 | sort | tr '\n' ' '
}

# bmcw_usbnet_watched DEV: bmcwatchd's tc programs are on DEV.
bmcw_usbnet_watched() {
	[ "$(bmcw_usbnet_filters "$1")" = "usbnet_egress usbnet_ingress " ]
}
