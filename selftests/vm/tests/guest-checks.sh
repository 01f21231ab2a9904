#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for runner.sh, so that one boot covers many checks.
# Writes NAME=ok|fail lines to $BMCW_VM_OUT/results (details in NAME.log);
# prints stream marks on stdout and stderr, the second one seconds later.
set -euo pipefail

out=$BMCW_VM_OUT

check() {
	local name=$1

	shift
	if "$@" >"$out/$name.log" 2>&1; then
		echo "$name=ok"
	else
		echo "$name=fail"
	fi >>"$out/results"
}

root_readonly() {
	! touch /.bmcw-probe && ! touch "$PWD/.bmcw-probe"
}

writable_tmpfs() {
	local d

	for d in /tmp /run /var/tmp /var/log /var/lib /dev/shm; do
		touch "$d/.bmcw-probe" || return
	done
	[[ /var/run -ef /run ]]
}

virtual_fs_mounted() {
	local m

	for m in "/sys/fs/bpf bpf" "/sys/kernel/debug debugfs" \
		"/sys/kernel/tracing tracefs" "/dev/pts devpts"; do
		grep -q " $m " /proc/mounts || { echo "missing $m"; return 1; }
	done
	ip -o link show lo | grep -q '[<,]UP[,>]'
	[[ $(hostname) != "(none)" && $(hostname) != localhost ]]
}

env_passed() {
	[[ $(id -u) == 0 && ${BMCW_SELFTEST_TOKEN:-} == "a b'c\$d" &&
		-z ${SELFTEST_NOT_PASSED:-} && -n $PATH ]]
}

ipmi_default_sim() {
	modprobe ipmi_si
	modprobe ipmi_devintf
	ipmitool mc info
}

# runner.sh hot-adds an edu device on root port rp1 once "ready" exists.
edu_count() {
	lspci -n -d 1234:11e8 | wc -l
}

qmp_hotplug() {
	local i n0

	n0=$(edu_count)
	touch "$out/ready"
	for ((i = 0; i < 150 * ${BMCW_TIMEOUT_SCALE:-1}; i++)); do
		if (($(edu_count) > n0)); then
			lspci -nn -d 1234:11e8
			return 0
		fi
		sleep 0.2
	done
	echo "no new edu device (had $n0)"
	return 1
}

echo stream-out-1
echo stream-err-1 >&2

check root_readonly root_readonly
check writable_tmpfs writable_tmpfs
check virtual_fs_mounted virtual_fs_mounted
check env_passed env_passed
check ipmi_default_sim ipmi_default_sim
check qmp_hotplug qmp_hotplug

sleep 2
echo stream-out-2
