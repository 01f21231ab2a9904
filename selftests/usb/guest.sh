#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# USB monitor, end to end inside the emulated host: bmcwatch.ko USB
# notifier and input handler -> usb tracepoints -> BPF ring buffer and
# per-CPU input counters -> bmcwatchd usb rules -> JSON alert. Port 1 of
# the xHCI controller is declared the BMC's (as an operator declares the
# internal port a server's BMC sits behind); port 2 is an ordinary one.
# Run by host.sh, which hot-plugs the devices and types the keys this
# script asks for over QMP. Prints KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

ktap_header
ktap_plan 30

D=/sys/kernel/debug/bmcwatch
K=/sys/kernel/bmcwatch
REQ=0

# do REQUEST: a host action, each request made unique by a counter.
do_host() {
	REQ=$((REQ + 1))
	bmcw_host_do "$1-$REQ"
}

# usb_name ID: the kernel's name of the device QEMU knows as ID, waiting
# for it to enumerate ("1-1"); found by port under the xHCI's root hubs.
usb_name() {
	local port=$1 i d
	for ((i = 0; i < 100; i++)); do
		for d in /sys/bus/usb/devices/*-"$port"; do
			[ -e "$d/idVendor" ] && [ -e "$d/busnum" ] &&
				{ basename "$d"; return 0; }
		done
		sleep 0.2
	done
	return 1
}

# usb_gone NAME: the kernel no longer has device NAME.
usb_gone() {
	[ ! -e "/sys/bus/usb/devices/$1" ]
}

# usb_blockdev NAME: the disk of USB storage device NAME ("sda"), waiting
# for it (10 s).
usb_blockdev() {
	local i b
	for ((i = 0; i < 50; i++)); do
		for b in /sys/bus/usb/devices/"$1"/*/host*/target*/*/block/*; do
			[ -e "$b" ] && { basename "$b"; return 0; }
		done
		sleep 0.2
	done
	return 1
}

# usb_count NAME KIND SESSION: the BPF input counter of device NAME
# (KIND 0 reports, 1 key presses, 2 moves; SESSION 0/1), summed over CPUs.
# The key is struct usb_input_key of bpf/usb.h, little-endian.
usb_count() {
	local d=/sys/bus/usb/devices/$1 key= v
	for v in "$(cat "$d/busnum")" "$(cat "$d/devnum")" \
		 "$((0x$(cat "$d/idVendor")))" "$((0x$(cat "$d/idProduct")))"; do
		key+=$(printf '%02x %02x ' $((v & 255)) $((v >> 8)))
	done
	key+=$(printf '%02x %02x 00 00' "$2" "$3")
	bmcw_map_sum usb_input "$key"
}

# usb_total: every input counter of every device, summed (the BMC
# keyboards' typing so far: never 0 once one has typed).
usb_total() {
	bpftool -j map dump pinned "$BMCW_PIN/usb_input" 2>/dev/null |
		jq '[.[] | .formatted.values[].value] | add // 0' 2>/dev/null || echo 0
}

# handlers NAME: the input handlers bound to NAME's input devices.
handlers() {
	awk -v n="/$1/" 'BEGIN { RS = "" } index($0, n) {
		for (i = 1; i <= NF; i++) if ($i ~ /^Handlers=/) { h = 1 }
		print }' /proc/bus/input/devices | sed -n 's/^H: Handlers=//p' | tr '\n' ' '
}

# first FILTER: the first alert that matches (read whole: a reader that
# stops early would cut jq short).
first() {
	local all
	all=$(bmcw_alerts "$1")
	printf '%s\n' "$all" | head -n 1
}

# extra RULE NAME FIELD: a field of the first RULE alert about device NAME.
extra() {
	first ".rule.name == \"$1\" and .bmcwatch.extra.usb_device == \"$2\"" |
		jq -r ".bmcwatch.extra.$3 // empty"
}

# qemu-xhci, not yet bound: the module comes first, then usbcore with the
# controller's driver, as when a host loads bmcwatch before USB.
xhci=$(lspci -D -d 1b36:000d | awk 'NR == 1 { print $1 }')
ktap_diag "xHCI controller at $xhci; its port 1 is the BMC's"

# 1. Loaded before usbcore: the USB hooks wait as unused; once usbcore
# and the controller's driver load, they are placed and say so.
if lsmod | grep -q '^usbcore '; then
	ktap_fail "loaded before usbcore: USB hooks unused, then placed when it loads" \
		"usbcore was loaded before the test began"
	exit 1
fi
if ! bmcw_load usb_bmc_devices="port:$xhci-1"; then
	ktap_fail "module loads"
	exit 1
fi
unused=$(grep -c 'hook=usb/.* state=unused' $D/hooks)
bmcw_start || ktap_diag "daemon did not report start"
modprobe -q xhci_pci
modprobe -q usbhid
modprobe -q hid_generic
modprobe -q usb_storage
modprobe -q ext4
modprobe -q sd_mod	# the disk of a USB storage device (udev would load it)
modprobe -q evdev
for ((i = 0; i < 50; i++)); do
	[ "$(grep -c 'hook=usb/.* state=placed' $D/hooks)" -eq 2 ] && break
	sleep 0.2
done
if [ "$unused" -eq 2 ] &&
   grep -q 'hook=usb/usb_register_notify state=placed' $D/hooks &&
   grep -q 'hook=usb/input_register_handler state=placed' $D/hooks &&
   bmcw_wait_alert health.hook_placed 10 '.message | contains("usbcore loaded")' &&
   [ "$(cat $K/usb_bmc_devices)" = "port:$xhci-1" ]; then
	ktap_ok "loaded before usbcore: USB hooks unused, then placed when it loads"
else
	ktap_fail "loaded before usbcore: USB hooks unused, then placed when it loads" \
		"unused at load: $unused" "$(grep usb/ $D/hooks 2>&1)" \
		"$(cat $K/usb_bmc_devices 2>&1)"
	exit 1
fi
ktap_check "malformed usb_bmc_devices entries are refused" \
	bash -c "! echo 'port:nodash' 2>/dev/null >$K/usb_bmc_devices &&
		 ! echo '046b:ff1' 2>/dev/null >$K/usb_bmc_devices &&
		 ! echo 'port:1-1x' 2>/dev/null >$K/usb_bmc_devices &&
		 [ \"\$(cat $K/usb_bmc_devices)\" = port:$xhci-1 ]"

# 2. A keyboard on the BMC's port: its arrival, with its interfaces.
do_host usbadd-kbd-bkbd-1
bname=$(usb_name 1) || ktap_diag "no device enumerated on port 1"
if bmcw_wait_alert usb.bmc_device_added 20 ".bmcwatch.extra.usb_device == \"$bname\"" &&
   [ "$(extra usb.bmc_device_added "$bname" usb_port)" = "$xhci-1" ] &&
   [ "$(extra usb.bmc_device_added "$bname" usb_role)" = "virtual keyboard/mouse" ] &&
   extra usb.bmc_device_added "$bname" usb_interfaces | grep -q 'keyboard 03/01/01'; then
	ktap_ok "BMC keyboard plugged: usb.bmc_device_added names port and interfaces"
else
	ktap_fail "BMC keyboard plugged: usb.bmc_device_added names port and interfaces" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | head -c 800)"
fi
ktap_check "... at warning" test "$(first ".rule.name == \"usb.bmc_device_added\" and .bmcwatch.extra.usb_device == \"$bname\"" |
	head -n 1 | jq -r .log.level)" = warning
ktap_check "debugfs usb lists it as the BMC's, by port (flags 0x9)" \
	grep -q "^usb=$bname .* flags=0x9 ifs=03/01/01" $D/usb
ktap_check "bmcwatch inventory lists it as the BMC's, by port, with its role (text and JSON)" \
	bash -c "'$BMCW_TOP/userspace/bmcwatch' inventory | grep -q '^$bname .* virtual keyboard/mouse  yes (port) ' &&
		 '$BMCW_TOP/userspace/bmcwatch' --json inventory |
		 jq -e '.usb_devices[] | select(.name == \"$bname\") | .bmc and .port == \"$xhci-1\"' >/dev/null"
ktap_check "the input handler is bound to the BMC keyboard" \
	bash -c "[[ '$(handlers "$bname")' == *bmcwatch* ]]"

# 3. Typing on it without a declared session: counted exactly, alerted.
before=$(usb_count "$bname" 1 0)
do_host keys-5
for ((i = 0; i < 50; i++)); do
	[ "$(usb_count "$bname" 1 0)" -ge $((before + 5)) ] && break
	sleep 0.2
done
after=$(usb_count "$bname" 1 0)
if [ $((after - before)) -eq 5 ]; then
	ktap_ok "5 key presses count exactly 5 (no session)"
else
	ktap_fail "5 key presses count exactly 5 (no session)" "before=$before after=$after"
fi
if bmcw_wait_alert usb.bmc_input 10 ".bmcwatch.extra.usb_device == \"$bname\" and .log.level == \"warning\"" &&
   [ "$(extra usb.bmc_input "$bname" session)" = none ] &&
   [ "$(extra usb.bmc_input "$bname" keys)" -ge 1 ]; then
	ktap_ok "typing without a session raises usb.bmc_input at warning"
else
	ktap_fail "typing without a session raises usb.bmc_input at warning" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | tail -n 3 | head -c 800)"
fi
keys=$(first ".rule.name == \"usb.bmc_input\" and .bmcwatch.extra.usb_device == \"$bname\"" |
	jq -c '.bmcwatch.extra | keys')
ktap_check "... with counts and the device only, never which keys ($keys)" \
	test "$keys" = '["keys","moves","reports","session","usb_device","usb_id"]'

# 4. A declared console session: the same typing is recorded at info and
# counted as in session; nothing new at warning.
bmcw_mark || ktap_diag "marker failed"
mark=${BMCW_MARK_SEQ:-0}
echo 300 >$K/console_session
sb=$(usb_count "$bname" 1 1)
nb=$(usb_count "$bname" 1 0)
do_host keys-3
for ((i = 0; i < 50; i++)); do
	[ "$(usb_count "$bname" 1 1)" -ge $((sb + 3)) ] && break
	sleep 0.2
done
if [ $(($(usb_count "$bname" 1 1) - sb)) -eq 3 ] &&
   [ "$(usb_count "$bname" 1 0)" -eq "$nb" ]; then
	ktap_ok "in a declared session 3 presses count 3 as session input, 0 outside"
else
	ktap_fail "in a declared session 3 presses count 3 as session input, 0 outside" \
		"session $sb -> $(usb_count "$bname" 1 1), none $nb -> $(usb_count "$bname" 1 0)"
fi
ktap_check "... recorded as usb.bmc_input_session at info" \
	bmcw_wait_alert usb.bmc_input_session 10 \
	".bmcwatch.extra.usb_device == \"$bname\" and .log.level == \"info\""
ktap_check "... the session's declaration is a knob change at notice naming its writer" \
	bmcw_wait_alert health.knob_changed 10 \
	"(.message | contains(\"console_session\") and contains(\"pid $$,\")) and .log.level == \"notice\""
ktap_check "... and nothing new at warning" \
	bmcw_no_alerts "$BMCW_LOUD and .bmcwatch.seq > $mark"
echo 0 >$K/console_session

# 5. The keyboard unplugged, virtual media inserted and ejected.
do_host usbdel-bkbd
ktap_check "BMC keyboard unplugged: usb.bmc_device_removed" \
	bmcw_wait_alert usb.bmc_device_removed 20 \
	".bmcwatch.extra.usb_device == \"$bname\" and .bmcwatch.extra.usb_role == \"virtual keyboard/mouse\""
bmcw_wait_for 10 usb_gone "$bname" || true
do_host usbadd-storage-bmedia-1
mname=$(usb_name 1) || ktap_diag "no device enumerated on port 1"
if bmcw_wait_alert usb.bmc_device_added 20 \
	".bmcwatch.extra.usb_device == \"$mname\" and .bmcwatch.extra.usb_role == \"virtual media\" and .log.level == \"warning\"" &&
   extra usb.bmc_device_added "$mname" usb_interfaces | grep -q '^mass storage 08/06/50'; then
	ktap_ok "virtual media on the BMC's port: usb.bmc_device_added, virtual media"
else
	ktap_fail "virtual media on the BMC's port: usb.bmc_device_added, virtual media" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | tail -n 2 | head -c 800)"
fi
# ... its filesystem mounted (read-only, as the image is)
blk=$(usb_blockdev "$mname")
if [ -n "$blk" ] && mount -o ro "/dev/$blk" /mnt &&
   bmcw_wait_alert usb.bmc_media_mounted 20 \
	".bmcwatch.extra.usb_device == \"$mname\" and .bmcwatch.extra.mountpoint == \"/mnt\" and .bmcwatch.extra.source == \"/dev/$blk\" and .log.level == \"warning\""; then
	ktap_ok "... mounted: usb.bmc_media_mounted (/dev/$blk on /mnt)"
else
	ktap_fail "... mounted: usb.bmc_media_mounted (/dev/${blk:-none} on /mnt)" \
		"$(grep " /mnt " /proc/self/mountinfo)" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | tail -n 2 | head -c 800)"
fi
umount /mnt 2>/dev/null
do_host usbdel-bmedia
ktap_check "... ejected: usb.bmc_device_removed" \
	bmcw_wait_alert usb.bmc_device_removed 20 \
	".bmcwatch.extra.usb_role == \"virtual media\""
bmcw_wait_for 10 usb_gone "$mname" || true

# 5b. Opening a declared remote console: the BMC's keyboard attaching in a
# declared session is recorded at info, nothing loud.
bmcw_mark || ktap_diag "marker failed"
mark=${BMCW_MARK_SEQ:-0}
echo 120 >$K/console_session
do_host usbadd-kbd-skbd-1
sname=$(usb_name 1) || ktap_diag "no device enumerated on port 1"
if bmcw_wait_alert usb.bmc_console_attached 20 \
	".bmcwatch.extra.usb_device == \"$sname\" and .log.level == \"info\"" &&
   bmcw_no_alerts "$BMCW_LOUD and .bmcwatch.seq > $mark"; then
	ktap_ok "a BMC keyboard attached in a declared session: usb.bmc_console_attached at info, nothing loud"
else
	ktap_fail "a BMC keyboard attached in a declared session: usb.bmc_console_attached at info, nothing loud" \
		"$(bmcw_alerts ".bmcwatch.seq > $mark" | head -c 800)"
fi
do_host usbdel-skbd
echo 0 >$K/console_session
bmcw_wait_for 10 usb_gone "$sname" || true

# 6. Benign: a keyboard on an ordinary port raises nothing, is not bound,
# and its typing is not counted.
do_host usbadd-kbd-okbd-2
oname=$(usb_name 2) || ktap_diag "no device enumerated on port 2"
for ((i = 0; i < 50; i++)); do
	grep -q "^usb=$oname " $D/usb && break
	sleep 0.2
done
ktap_check "a keyboard on another port is listed, not as the BMC's (flags 0x0)" \
	grep -q "^usb=$oname .* flags=0x0 " $D/usb
ktap_check "... the input handler is not bound to it" \
	bash -c "h='$(handlers "$oname")'; [ -n \"\$h\" ] && [[ \$h != *bmcwatch* ]]"
total_before=$(usb_total)
do_host keys-4
sleep 1
total_after=$(usb_total)
ktap_check "... its typing is not counted ($total_before -> $total_after input counts in all), and no usb alert names it" \
	bash -c "[ '$total_before' -gt 0 ] && [ '$total_after' -eq '$total_before' ] &&
		 [ '$(usb_count "$oname" 0 0)' -eq 0 ] &&
		 ! grep -q '\"usb_device\":\"$oname\"' $BMCW_ALERTS"
ktap_check "the benign run raised nothing at warning about it" \
	bmcw_no_alerts "$BMCW_LOUD and ((.bmcwatch.locus // \"\") | startswith(\"usb $oname \"))"

# ... nor does a disk on another ordinary port (3), mounted.
do_host usbadd-storage-omedia-3
odisk=$(usb_name 3) || ktap_diag "no device enumerated on port 3"
oblk=$(usb_blockdev "$odisk")
if [ -n "$oblk" ] && mount -o ro "/dev/$oblk" /mnt; then
	ktap_check "a disk on another port mounted: no usb.bmc_media_mounted (log complete)" \
		bmcw_no_alerts ".rule.name == \"usb.bmc_media_mounted\" and .bmcwatch.extra.usb_device == \"$odisk\""
	umount /mnt
else
	ktap_fail "a disk on another port mounted: no usb.bmc_media_mounted (log complete)" \
		"no block device or mount failed (device ${odisk:-none}, ${oblk:-no disk})"
fi
do_host usbdel-omedia

# 7. The operator names the keyboard's id in the daemon's [usb] list: the
# daemon started again writes it to the module (on the record, at info);
# the keyboard becomes the BMC's and the handler binds to it.
bmcw_stop
printf '[usb]\ndevice = port:%s-1\ndevice = 0627:0001\n' "$xhci" >/tmp/usb.conf
bmcw_start -c /tmp/usb.conf || ktap_diag "daemon did not report start"
ktap_check "an id in the daemon's [usb] list: the keyboard becomes the BMC's (flags 0x5), bound" \
	bash -c "[ \"\$(cat $K/usb_bmc_devices)\" = 'port:$xhci-1 0627:0001' ] &&
		 grep -q '^usb=$oname .* flags=0x5 ' $D/usb &&
		 [[ '$(handlers "$oname")' == *bmcwatch* ]]"
ktap_check "... its own write at start is health.knob_changed at info" \
	bmcw_wait_alert health.knob_changed 10 \
	'.bmcwatch.locus == "knob usb_bmc_devices" and .log.level == "info" and (.bmcwatch.why | contains("[usb] list at start"))'

# 7b. The baseline: learnt with that keyboard (port 2) the BMC's; virtual
# media inserted on the BMC's port 1 while no daemon runs is news at the
# next start, the learnt keyboard is not; unplugged and plugged again (a
# BMC reboot), it is recorded as known.
bmcw_stop
BASE=/tmp/usb-base.json
"$BMCW_TOP/userspace/bmcwatchd" -c /tmp/usb.conf --learn --learn-seconds 0 \
	--baseline $BASE 2>>/tmp/bmcwatchd.log
ktap_check "the baseline lists the BMC's USB devices present: the keyboard by port 2 and id" \
	jq -e ".usb_devices == [{\"port\": \"$xhci-2\", \"vendor\": \"0627\", \"product\": \"0001\", \"role\": \"virtual keyboard/mouse\"}]" $BASE
do_host usbadd-storage-lmedia-1
lname=$(usb_name 1) || ktap_diag "no device enumerated on port 1"
bmcw_start -c /tmp/usb.conf --baseline $BASE || ktap_diag "daemon did not report start"
if bmcw_wait_alert usb.bmc_device_added 20 \
	".bmcwatch.extra.usb_device == \"$lname\" and .bmcwatch.extra.found == \"at start, not in the baseline\" and .log.level == \"warning\"" &&
   bmcw_no_alerts "(.rule.name | startswith(\"usb.bmc_device\")) and .bmcwatch.extra.usb_device == \"$oname\""; then
	ktap_ok "at start: media inserted while no daemon ran is usb.bmc_device_added, the learnt keyboard nothing"
else
	ktap_fail "at start: media inserted while no daemon ran is usb.bmc_device_added, the learnt keyboard nothing" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | head -c 800)"
fi
do_host usbdel-okbd
bmcw_wait_for 20 usb_gone "$oname" || ktap_diag "$oname still there"
do_host usbadd-kbd-okbd2-2
oname=$(usb_name 2) || ktap_diag "no device enumerated on port 2"
if bmcw_wait_alert usb.bmc_device_known 20 \
	".bmcwatch.extra.usb_device == \"$oname\" and .log.level == \"notice\" and .bmcwatch.extra.baseline == \"known\"" &&
   bmcw_no_alerts ".rule.name == \"usb.bmc_device_added\" and .bmcwatch.extra.usb_device == \"$oname\""; then
	ktap_ok "the learnt keyboard plugged again: usb.bmc_device_known at notice, not usb.bmc_device_added"
else
	ktap_fail "the learnt keyboard plugged again: usb.bmc_device_known at notice, not usb.bmc_device_added" \
		"$(bmcw_alerts '.rule.name | startswith("usb.")' | head -c 800)"
fi
do_host usbdel-lmedia

# 8. Unloading leaves the keyboard working: its events still reach evdev.
bmcw_stop
ev=$(basename "$(ls -d /sys/bus/usb/devices/"$oname"/*/*/input/input*/event* 2>/dev/null | head -n 1)")
if bmcw_unload && [ -n "$ev" ] && [ -c "/dev/input/$ev" ]; then
	timeout 30 dd if="/dev/input/$ev" of=/tmp/usb-ev bs=24 count=1 status=none &
	reader=$!
	sleep 1
	do_host keys-1
	if wait $reader && [ "$(stat -c %s /tmp/usb-ev)" -eq 24 ] &&
	   [[ "$(handlers "$oname")" != *bmcwatch* ]]; then
		ktap_ok "unloaded: the keyboard still delivers its keys, no bmcwatch handler left"
	else
		ktap_fail "unloaded: the keyboard still delivers its keys, no bmcwatch handler left" \
			"read $(stat -c %s /tmp/usb-ev 2>&1) bytes; handlers: $(handlers "$oname")"
	fi
else
	ktap_fail "unloaded: the keyboard still delivers its keys, no bmcwatch handler left" \
		"rmmod or event device ($ev) failed"
fi
ktap_finish
