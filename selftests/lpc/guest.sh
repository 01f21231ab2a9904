#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# LPC / host port I/O monitor, end to end inside the emulated host:
# bmcwatch.ko kretprobes -> lpc tracepoints -> BPF filter -> ring buffer ->
# bmcwatchd lpc rules (SuperIO decoder) -> JSON alert. Prints KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

T=selftests/lpc
D=/sys/kernel/debug/bmcwatch

# run PROG ARGS...: run a test program, echo its pid (its first line).
run() {
	"$T/$1" "${@:2}" 2>/tmp/lpc-prog.err | head -n 1
}

# as NAME PROG ARGS...: the same under another process name. The pipeline
# aggregates alerts of one rule, process name and locus within a window
# (only the first is sent at once), so each check runs under its own name.
as() {
	mkdir -p /tmp/lpcbin
	ln -sf "$PWD/$T/$2" "/tmp/lpcbin/$1"
	"/tmp/lpcbin/$1" "${@:3}" 2>/tmp/lpc-prog.err | head -n 1
}

# iobar NAME r|w FILE: one byte of an I/O BAR's sysfs resource file read,
# or a zero written, by dd under process name NAME; echoes its pid.
iobar() {
	local pid
	mkdir -p /tmp/lpcbin
	ln -sf "$(command -v dd)" "/tmp/lpcbin/$1"
	if [ "$2" = r ]; then
		"/tmp/lpcbin/$1" if="$3" of=/dev/null bs=1 count=1 status=none &
	else
		printf '\0' | "/tmp/lpcbin/$1" of="$3" bs=1 count=1 conv=notrunc status=none &
	fi
	pid=$!
	wait $pid || echo "# $1: dd on $3 failed" >&2
	echo $pid
}

# Every alert of these rules, for "nothing raised" checks, but the markers
# that prove the log complete (bmcw_log_complete reads port 0x80 too).
LPC_RULES='((.rule.name | startswith("lpc.")) or .rule.name == "pcie.bmc_mmio_map")'
NOT_MARK='((.process.name // "" | startswith("bmcw-mark-")) | not)'
lpc_alerts() {
	bmcw_alerts "$LPC_RULES and $NOT_MARK"
}

# Read the watched POST port under a fresh name and wait for its alert:
# the daemon has then read the ring buffer up to there, so whatever the
# steps before it raised is in the log.
MARKS=0
sync_mark() {
	local pid
	MARKS=$((MARKS + 1))
	pid=$(as "mark$MARKS" devport r 0x80)
	bmcw_wait_alert lpc.port_access 10 ".process.pid == $pid" ||
		ktap_diag "no alert for marker $MARKS"
	echo "$pid"
}

ktap_header
ktap_plan 19

bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)

# 1. Hooks and decode map from the module; the lockdown state from the
# LSM's own file (the module's sysfs copy is retired: asking the LSM made
# it log a refusal on a locked-down host at every read).
lpc_hooks=$(grep '^hook=lpc/' $D/hooks)
if [ -n "$lpc_hooks" ] && ! grep -qv 'state=placed' <<<"$lpc_hooks" &&
   grep -q 'hook=lpc/write_port state=placed' <<<"$lpc_hooks"; then
	ktap_ok "every lpc hook is placed"
else
	ktap_fail "every lpc hook is placed" "$lpc_hooks"
fi
ktap_check "lpc_decode shows the ICH9 LPC bridge read at load" \
	grep -qE '^at_load iod=0x[0-9a-f]{4} ioe=0x[0-9a-f]{4} gen1=0x[0-9a-f]{8}' $D/lpc_decode
mountpoint -q /sys/kernel/security || mount -t securityfs none /sys/kernel/security
ktap_check "securityfs lockdown reports none, and the module has no copy" \
	eval 'grep -q "^\[none\]" /sys/kernel/security/lockdown && test ! -e /sys/kernel/bmcwatch/lockdown'

# 2. Benign run with edu declared a BMC function (and ICH9's SMBus
# controller, for its I/O BAR in 5): nothing raised.
bmcw_start --bmc-device 1234:11e8 --bmc-device 8086:2930 ||
	ktap_diag "daemon did not report start"
modprobe ipmi_si 2>/dev/null
modprobe ipmi_devintf 2>/dev/null
for ((i = 0; i < 50; i++)); do [ -e /dev/ipmi0 ] && break; sleep 0.1; done
ipmitool mc info >/dev/null 2>&1 || ktap_diag "ipmitool mc info failed"
lspci -vvv >/dev/null 2>&1
cat /proc/ioports >/dev/null
noise=$(bmcw_no_alerts "$LPC_RULES and $NOT_MARK")
if [ $? -eq 0 ]; then
	ktap_ok "lspci, ipmitool over /dev/ipmi0 and /proc/ioports raise nothing"
else
	ktap_fail "lspci, ipmitool over /dev/ipmi0 and /proc/ioports raise nothing" "$noise"
fi
ktap_check "daemon status reports the lockdown state" \
	bash -c 'for i in $(seq 50); do [ "$(jq -r .lockdown /run/bmcwatch/status.json 2>/dev/null)" = none ] && exit 0; sleep 0.1; done; exit 1'

# 3. Grants: the grant is what is flagged, with pid and name.
pid=$(run ioperm 0x2e 2)
ktap_check "ioperm(0x2e) raises lpc.port_access with pid and name" \
	bmcw_wait_alert lpc.port_access 10 \
	".process.pid == $pid and .process.name == \"ioperm\" and (.message | test(\"superio\"))"
pid=$(run ioperm iopl 3)
ktap_check "iopl(3) raises lpc.port_access with pid and name" \
	bmcw_wait_alert lpc.port_access 10 \
	".process.pid == $pid and .process.name == \"ioperm\" and (.message | test(\"iopl\"))"
pid=$(run ioperm 0x3f8 8)
ktap_check "ioperm on COM1 (not watched) raises nothing" \
	bmcw_no_alerts "$LPC_RULES and .process.pid == $pid"

# 4. SuperIO: ASPEED unlock, then LDN 0x0D (iLPC2AHB), through /dev/port.
p1=$(as sio_unlock devport w 0x2e 0xa5 0xa5)
p2=$(as sio_select devport w 0x2e 0x07)
p3=$(as sio_ldn devport w 0x2f 0x0d)
ktap_check "0xA5 0xA5 to 0x2E raises lpc.superio_unlock (unlock)" \
	bmcw_wait_alert lpc.superio_unlock 10 \
	".process.pid == $p1 and .process.name == \"sio_unlock\" and (.bmcwatch.locus | test(\"unlock\"))"
ktap_check "then LDN 0x0D raises lpc.superio_unlock naming iLPC2AHB" \
	bmcw_wait_alert lpc.superio_unlock 10 \
	".process.pid == $p3 and (.bmcwatch.locus | test(\"ldn 0x0d\")) and (.message | test(\"iLPC2AHB\"))"
ktap_check "each /dev/port write is an lpc.port_access with the value" \
	bmcw_wait_alert lpc.port_access 10 \
	".process.pid == $p2 and (.message | test(\"port 0x2e.*: 07\"))"
run devport w 0x2e 0xaa >/dev/null	# lock again

# 5. BMC MMIO windows: sysfs resource0 and /dev/mem over edu's BAR0.
pid=$(run barmap "/sys/bus/pci/devices/$bdf/resource0")
ktap_check "mmap of a BMC function's resource0 raises pcie.bmc_mmio_map" \
	bmcw_wait_alert pcie.bmc_mmio_map 10 \
	".process.pid == $pid and .bmcwatch.device.bdf == \"$bdf\" and (.bmcwatch.locus | test(\"bar0 sysfs\"))"
bar0=$(awk 'NR == 1 { print $1 }' "/sys/bus/pci/devices/$bdf/resource")
pid=$(run barmap /dev/mem "$bar0")
ktap_check "mmap of /dev/mem over that BAR raises pcie.bmc_mmio_map" \
	bmcw_wait_alert pcie.bmc_mmio_map 10 \
	".process.pid == $pid and (.bmcwatch.locus | test(\"/dev/mem\"))"

# I/O BARs through sysfs (resourceN read/write, not mmap): ICH9's SMBus
# controller's BAR4. Its status register only: a zero written there
# clears nothing (its bits are write-1-to-clear).
smb=$(lspci -D -d 8086:2930 | awk 'NR == 1 { print $1 }')
iores=/sys/bus/pci/devices/$smb/resource4
pid=$(iobar iobar_rd r "$iores")
ktap_check "a read of a BMC function's I/O BAR through sysfs raises pcie.bmc_mmio_map" \
	bmcw_wait_alert pcie.bmc_mmio_map 10 \
	".process.pid == $pid and .bmcwatch.device.bdf == \"$smb\" and
	 (.bmcwatch.locus | test(\"bar4 sysfs\")) and (.message | test(\" read 0x1 bytes\"))"
pid=$(iobar iobar_wr w "$iores")
ktap_check "a write to it raises pcie.bmc_mmio_map at critical" \
	bmcw_wait_alert pcie.bmc_mmio_map 10 \
	".process.pid == $pid and .bmcwatch.device.bdf == \"$smb\" and .log.level == \"critical\" and
	 (.message | test(\" wrote 0x1 bytes\"))"

# 6. edu not declared (the kernel's list emptied, as a daemon without
# [bmc] devices pushes it): the same mapping raises nothing.
echo >/sys/kernel/bmcwatch/bmc_devices
: >"$BMCW_ALERTS"
pid=$(run barmap "/sys/bus/pci/devices/$bdf/resource0")
sync_mark >/dev/null
ktap_check "edu not declared: mapping resource0 raises nothing" \
	bmcw_no_alerts '.rule.name == "pcie.bmc_mmio_map"'

# 7. A generic decode range written at run time: lpc.decode_change.
old=$(setpci -s 00:1f.0 0x84.L)
setpci -s 00:1f.0 0x84.L=0x000c0ca1
ktap_check "setpci on LPC generic decode range 1 raises lpc.decode_change" \
	bmcw_wait_alert lpc.decode_change 10 \
	'.process.name == "setpci" and .bmcwatch.device.bdf == "0000:00:1f.0"'
setpci -s 00:1f.0 0x84.L="$old"

# 8. [lpc] watch from a config file replaces the default ranges.
bmcw_stop
printf '[lpc]\nwatch = 0x3f8-0x3ff\n' >/tmp/lpc.conf
bmcw_start -c /tmp/lpc.conf
p1=$(run ioperm 0x2e 2)
p2=$(run ioperm 0x3f8 8)
bmcw_wait_alert lpc.port_access 10 ".process.pid == $p2"
rc=$?
# (the marker proving the log complete reads a port this watch covers)
if [ $rc -eq 0 ] && BMCW_MARK_PORT=0x3ff bmcw_no_alerts "((.rule.name | startswith(\"lpc.\")) or .rule.name == \"pcie.bmc_mmio_map\") and .process.pid == $p1"; then
	ktap_ok "[lpc] watch = 0x3f8-0x3ff: COM1 flagged, SuperIO no longer"
else
	ktap_fail "[lpc] watch = 0x3f8-0x3ff: COM1 flagged, SuperIO no longer" "rc=$rc"
fi

# 9. Unload while /dev/port and mmap traffic runs on another CPU.
bmcw_stop
(for ((i = 0; i < 100; i++)); do
	"$T/devport" r 0x2e >/dev/null 2>&1
	"$T/barmap" "/sys/bus/pci/devices/$bdf/resource0" >/dev/null 2>&1
done) &
load=$!
sleep 0.5
echo 1 >/sys/kernel/tracing/events/bmcwatch/enable
bmcw_unload
rc=$?
wait $load
ktap_check "unload under /dev/port and mmap traffic" test $rc -eq 0
ktap_finish
