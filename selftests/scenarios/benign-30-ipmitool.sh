# SPDX-License-Identifier: GPL-2.0
# Routine in-band IPMI: what monitoring agents run all day.
benign_run() {
	modprobe -q ipmi_si 2>/dev/null
	modprobe -q ipmi_devintf 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -e /dev/ipmi0 ] && break
		sleep 0.5
	done
	[ -e /dev/ipmi0 ] || return 0
	ipmitool mc info >/dev/null 2>&1
	ipmitool sdr >/dev/null 2>&1
	ipmitool sel info >/dev/null 2>&1
	ipmitool chassis status >/dev/null 2>&1
}
