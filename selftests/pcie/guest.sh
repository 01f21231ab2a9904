#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PCIe config-space monitor, end to end inside the emulated host:
# bmcwatch.ko hook -> tracepoint -> BPF per-CPU map / ring buffer ->
# bmcwatchd rule -> JSON alert. Prints KTAP. Run by host.sh, which answers
# the hotplug requests this script writes to $BMCW_VM_OUT over QMP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

ktap_header
ktap_plan 17

modprobe -q ahci 2>/dev/null
bmcw_load || { ktap_fail "module loads"; exit 1; }
bdf=$(bmcw_edu_bdf)
devfn=$(( 0x${bdf:8:2} << 3 | ${bdf:11:1} ))
bus=$(( 0x${bdf:5:2} ))
bmcw_start || ktap_diag "daemon did not report start"
ktap_check "daemon attaches to the module's tracepoints" \
	test -e /sys/fs/bpf/bmcwatch/cfg_counts

# 1. N reads of one register through sysfs raise exactly that counter by N.
# Reads are counted per CPU without loss; dd reads 4 aligned bytes at 0, one
# dword access of class "id", by a user process.
before=$(bmcw_cfg_count 0 "$bus" "$devfn" $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
for ((i = 0; i < 100; i++)); do
	dd if="/sys/bus/pci/devices/$bdf/config" of=/dev/null bs=4 count=1 2>/dev/null
done
after=$(bmcw_cfg_count 0 "$bus" "$devfn" $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
if [ $((after - before)) -eq 100 ]; then
	ktap_ok "100 sysfs reads count exactly 100 (id, read, user)"
else
	ktap_fail "100 sysfs reads count exactly 100 (id, read, user)" \
		"before=$before after=$after"
fi

# 1b. Reads are counted on bmcwatch_cfg_count, where the module builds no
# event for them; with a listener on bmcwatch_cfg_access as well (reads
# then come whole, through the other path of the module) the same reads
# count exactly as many again: neither lost nor counted twice.
ktap_check "the daemon counts on bmcwatch_cfg_count" \
	sh -c 'bpftool link list | grep -q "bmcwatch_cfg_count"'
ev=/sys/kernel/tracing/events/bmcwatch/bmcwatch_cfg_access/enable
echo 1 >$ev
before=$(bmcw_cfg_count 0 "$bus" "$devfn" $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
for ((i = 0; i < 100; i++)); do
	dd if="/sys/bus/pci/devices/$bdf/config" of=/dev/null bs=4 count=1 2>/dev/null
done
after=$(bmcw_cfg_count 0 "$bus" "$devfn" $BMCW_CFG_ID $BMCW_DIR_READ $BMCW_ORIGIN_USER)
echo 0 >$ev
if [ $((after - before)) -eq 100 ]; then
	ktap_ok "with a tracefs listener on bmcwatch_cfg_access, 100 reads still count 100"
else
	ktap_fail "with a tracefs listener on bmcwatch_cfg_access, 100 reads still count 100" \
		"before=$before after=$after"
fi

# 2. A setpci write is attributed to setpci with its register class.
setpci -s "$bdf" COMMAND=0x0002
ktap_check "setpci write attributed to setpci, class command" \
	bmcw_wait_alert pcie.config_write 5 \
	".process.name == \"setpci\" and (.bmcwatch.locus | test(\"command\")) and .bmcwatch.device.bdf == \"$bdf\""
w=$(bmcw_cfg_count 0 "$bus" "$devfn" $BMCW_CFG_COMMAND $BMCW_DIR_WRITE $BMCW_ORIGIN_USER)
ktap_check "the write is counted (command, write, user)" test "$w" -ge 1

# Bus mastering really turned on (0 -> 1) on edu, which is no BMC function
# here: the daemon sees the write (a process name of its own, so that the
# pipeline does not fold it into setpci's write above), edu's inventory
# flags say "not a BMC", and no dma.bus_master_enabled comes of it.
ln -sf "$(command -v setpci)" /tmp/bm-setpci
/tmp/bm-setpci -s "$bdf" COMMAND=0x0006 &
bm_pid=$!
wait $bm_pid
bme=$(( 0x$(setpci -s "$bdf" COMMAND) & 4 ))
if bmcw_wait_alert pcie.config_write 5 \
	".process.pid == $bm_pid and .bmcwatch.extra.value == \"0x00000006\" and
	 .bmcwatch.device.bdf == \"$bdf\" and (.bmcwatch.device.flags % 2) == 0" &&
   [ "$bme" -ne 0 ]; then
	ktap_ok "edu not declared: the daemon saw bus mastering turned on for a non-BMC function"
else
	ktap_fail "edu not declared: the daemon saw bus mastering turned on for a non-BMC function" \
		"bus master bit now: $bme" \
		"$(bmcw_alerts ".rule.name == \"pcie.config_write\" and .bmcwatch.device.bdf == \"$bdf\"" | head -c 600)"
fi
ktap_check "edu not declared: bus mastering on raises no dma.bus_master_enabled" \
	bmcw_no_alerts '.rule.name == "dma.bus_master_enabled"'
setpci -s "$bdf" COMMAND=0x0002

# 2b. An alert carries the kernel's time of its event. A config write by a
# process of a name of its own (python3 under another name: not folded
# into an earlier write), the guest's wall clock read right before and
# after it: the BPF program stamps the write as it sends it, the daemon
# converts the stamp to wall-clock time, and the alert's @timestamp (ms)
# lies between the two reads (1 ms either side for the conversion's
# measurement). Then again with the daemon stopped for 2 s around the
# write: the alert is made 2 s later (event.created), its @timestamp is
# still the write's.
# (the interpreter itself: python3 may be a shim that goes by its name)
evt_py=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
evt_write() {	# evt_write NAME: prints "PID BEFORE_NS AFTER_NS"
	ln -sf "$evt_py" "/tmp/$1"
	"/tmp/$1" -c '
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
t0 = time.time_ns()
os.pwrite(fd, (2).to_bytes(2, "little"), 4)
t1 = time.time_ns()
print(os.getpid(), t0, t1)' "/sys/bus/pci/devices/$bdf/config"
}
evt_ms() {	# evt_ms PID FIELD: the alert's time FIELD (jq path) in ms
	date -d "$(bmcw_alerts ".rule.name == \"pcie.config_write\" and .process.pid == $1" |
		head -n 1 | jq -r "$2")" +%s%3N 2>/dev/null
}
evt_check() {	# evt_check NAME PID BEFORE_NS AFTER_NS STOPPED_MS
	local name=$1 pid=$2 lo hi ts made
	if [ -z "$4" ]; then
		ktap_fail "$name" "the config write did not run ($evt_py)"
		return
	fi
	lo=$(($3 / 1000000 - 1)) hi=$(($4 / 1000000 + 1))
	if ! bmcw_wait_alert pcie.config_write 10 ".process.pid == $pid"; then
		ktap_fail "$name" "no pcie.config_write of pid $pid"
		return
	fi
	ts=$(evt_ms "$pid" '."@timestamp"')
	made=$(evt_ms "$pid" '.event.created')
	if [ -n "$ts" ] && [ -n "$made" ] && [ "$ts" -ge "$lo" ] && [ "$ts" -le "$hi" ] &&
	   [ $((made - ts)) -ge $(($5 - 100)) ] &&
	   [ "$(bmcw_alerts ".process.pid == $pid" | jq -r .bmcwatch.time_source)" = event ]; then
		ktap_ok "$name (write within [$lo, $hi] ms, @timestamp $ts, created $((made - ts)) ms later)"
	else
		ktap_fail "$name" "write within [$lo, $hi] ms; @timestamp $ts, event.created $made" \
			"$(bmcw_alerts ".process.pid == $pid" | head -c 800)"
	fi
}
# (no <(...): the guest's /dev has no /dev/fd)
out=$(evt_write bmcw-evt-1)
read -r pid t0 t1 <<<"$out"
evt_check "a config write's alert has its kernel time as @timestamp" "$pid" "$t0" "$t1" 0
kill -STOP "$BMCW_DAEMON_PID"
out=$(evt_write bmcw-evt-2)
read -r pid t0 t1 <<<"$out"
sleep 2
kill -CONT "$BMCW_DAEMON_PID"
evt_check "submitted 2 s late: @timestamp is still the write's, event.created 2 s later" \
	"$pid" "$t0" "$t1" 2000

# 3. edu declared a BMC function: bus mastering and MSI hijack.
bmcw_stop
bmcw_start --bmc-device 1234:11e8
setpci -s "$bdf" COMMAND=0x0006
ktap_check "bus mastering on a BMC function raises dma.bus_master_enabled" \
	bmcw_wait_alert dma.bus_master_enabled 5 \
	".bmcwatch.device.bdf == \"$bdf\" and .process.name == \"setpci\""
setpci -s "$bdf" CAP_MSI+4.L=0x12345678
ktap_check "MSI address outside 0xFEExxxxx raises pcie.msi_hijack" \
	bmcw_wait_alert pcie.msi_hijack 5 ".bmcwatch.device.bdf == \"$bdf\""
setpci -s "$bdf" COMMAND=0x0000 CAP_MSI+4.L=0x00000000

# 4. Benign activity raises nothing at warning or above.
bmcw_stop
bmcw_start
lspci -vvv >/dev/null 2>&1
lspci -xxxx >/dev/null 2>&1
cat /proc/bus/pci/devices >/dev/null
if [ -e /sys/bus/pci/drivers/ahci/0000:00:1f.2 ]; then
	echo 0000:00:1f.2 >/sys/bus/pci/drivers/ahci/unbind
	echo 0000:00:1f.2 >/sys/bus/pci/drivers/ahci/bind
fi
ktap_check "lspci -vvv/-xxxx and ahci unbind/bind raise nothing at warning+" \
	bmcw_no_loud_alerts

# 5. Hotplug through QMP. host.sh always serves these requests: one that
# fails (or is never answered) fails its check, it is no skip.
hp_check() {	# hp_check NAME REQUEST RULE TIMEOUT FILTER
	local name=$1 req=$2 rule=$3 t=$4 filter=$5 why
	if ! why=$(bmcw_host_do "$req"); then
		ktap_fail "$name" "the host's QMP request '$req' failed" "$why"
	elif ! bmcw_wait_alert "$rule" "$t" "$filter"; then
		ktap_fail "$name" "no $rule in $t s after '$req'"
	else
		ktap_ok "$name"
	fi
}
hp_check "hot-added device raises pcie.device_added" add \
	pcie.device_added 20 '.bmcwatch.device.vendor == "1234"'
hp_check "hot-removed device raises pcie.device_removed" del \
	pcie.device_removed 30 '.bmcwatch.device.vendor == "1234"'
# another device at the same address: a change of identity
for ((i = 0; i < 100; i++)); do
	lspci -s 01:00.0 | grep -q . || break
	sleep 0.1
done
hp_check "another device at the same address raises pcie.device_changed" swap \
	pcie.device_changed 20 '.bmcwatch.device.vendor == "1b36"'
bmcw_host_do del-2 >/dev/null || ktap_diag "removing the swapped device failed"

# 6. Unload while other CPUs hammer config space: every bus gets its
# original ops back (bmcw_test.ko reports each bus's read op).
bmcw_stop
insmod selftests/kmod/bmcw_test/bmcw_test.ko
T=/sys/kernel/debug/bmcw_test
bmcw_unload
cat $T/busops >/tmp/busops.orig
bmcw_load
grep -q bmcw_read $T/busops
hooked=$?
echo 1 >/sys/kernel/tracing/events/bmcwatch/enable
# they sleep every 4096-8192 rounds (tracing to the trace buffer makes a
# round slow; selftests/livehost/churn.sh is the hostile unload test)
echo "2 8192" >$T/hammer
(for ((i = 0; i < 200; i++)); do cat /sys/bus/pci/devices/*/config >/dev/null; done) &
sleep 1
bmcw_unload
rc=$?
wait
echo 0 >$T/hammer
cat $T/busops >/tmp/busops.after
if [ $hooked -eq 0 ] && [ $rc -eq 0 ] && cmp -s /tmp/busops.orig /tmp/busops.after; then
	ktap_ok "unload under config-space load restores every bus's ops"
else
	ktap_fail "unload under config-space load restores every bus's ops" \
		"hooked=$hooked rmmod=$rc" "$(diff /tmp/busops.orig /tmp/busops.after)"
fi
rmmod bmcw_test
ktap_finish
