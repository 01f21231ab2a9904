#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the tiny initramfs that selftests/vm/run builds (busybox ash, PID 1).
#
# Mounts the host root read-only over 9p at /host, adds the writable and
# virtual filesystems, runs the command script the runner left in the output
# share inside a chroot, then writes the kernel log and the exit status into
# the share and powers off.  Serial lines: ttyS0 is the console and COMMAND's
# stderr, ttyS1 COMMAND's stdout, ttyS2 a control line (the start marker).
#
# PID 1 must never exit (that panics), so errors power off without writing a
# status; the runner reports that as a dead guest.

export PATH=/bin
/bin/busybox --install -s /bin

H=/host
SHARE=/vmout

die() {
	echo "vm/init: $*" >/dev/console
	echo 0 >/proc/sys/kernel/printk
	poweroff -f
	sleep 1000
}

mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

# virtio and 9p are modules in distribution kernels; /modules lists them in
# load order (the runner decompressed them at build time).
while read -r m; do
	insmod "/lib/modules/$m.ko" || die "insmod $m failed"
done </modules

# Host files may change between runs but not during one: cache=loose is
# safe for the read-only root and much faster than re-validating every lookup.
opts=trans=virtio,version=9p2000.L,msize=512000
mkdir -p $H $SHARE
mount -t 9p -o "$opts,ro,cache=loose" hostroot $H || die "cannot mount hostroot"
mount -t 9p -o "$opts" vmout $SHARE || die "cannot mount vmout"

# Written by the runner: OUT (the share's path on the host, reused inside),
# VM_HOSTNAME.
# shellcheck source=/dev/null
. $SHARE/.vm/boot || die "no boot config in the output share"

# --init systemd: systemd as PID 1 on an overlay (upper layer in guest
# memory) over the host root. Its own target starts the command's unit once
# basic.target is reached; that unit (bmcw-vm-run) writes the status as the
# script below does and powers off. The host's fstab and machine id are not
# the guest's.
boot_systemd() {
	R=/newroot
	mkdir -p /ovl $R
	mount -t tmpfs -o mode=755 tmpfs /ovl || die "cannot mount the overlay's tmpfs"
	mkdir -p /ovl/upper /ovl/work
	mount -t overlay overlay -o lowerdir=$H,upperdir=/ovl/upper,workdir=/ovl/work $R ||
		die "cannot mount the overlay root"
	if [ -n "${MODDIR:-}" ]; then
		kv=$(uname -r)
		{ mkdir -p "$R/lib/modules/$kv" && mount --bind "$H$MODDIR" "$R/lib/modules/$kv"; } ||
			die "cannot bind $MODDIR"
	fi
	# an empty /tmp, as in the script's guest (the host's is not ours)
	mount -t tmpfs -o mode=1777 tmpfs $R/tmp || die "cannot mount /tmp"
	case $CWD in
	/tmp/*)
		{ mkdir -p "$R$CWD" && mount --bind "$H$CWD" "$R$CWD"; } ||
			die "cannot bind $CWD"
		;;
	esac
	{ mkdir -p "$R$OUT" && mount --move $SHARE "$R$OUT"; } || die "cannot move $OUT"
	# the build machine may be a container: the guest is not one (systemd
	# would take it for one, and ignore the kernel command line)
	rm -f $R/.dockerenv $R/run/.containerenv
	: >$R/etc/fstab
	echo "$VM_HOSTNAME" >$R/etc/hostname
	tr -d '-' </proc/sys/kernel/random/uuid >$R/etc/machine-id
	for t in 0 1 2; do
		stty -F /dev/ttyS$t 115200 raw -echo
	done
	mkdir -p $R/etc/systemd/system $R/usr/local/libexec
	# Units of the build machine that only slow the boot (AppArmor's
	# profiles: 16 s) or would want a network the guest has not got.
	for u in apparmor.service systemd-timesyncd.service \
		prometheus-node-exporter-apt.service prometheus-node-exporter-apt.timer; do
		ln -sf /dev/null "$R/etc/systemd/system/$u"
	done
	cat >$R/etc/systemd/system/bmcw-vm.target <<EOF
[Unit]
Description=bmcwatch emulated host: the test command
Requires=basic.target
Wants=bmcw-vm-run.service
After=basic.target
AllowIsolate=yes
EOF
	cat >$R/etc/systemd/system/bmcw-vm-run.service <<EOF
[Unit]
Description=bmcwatch emulated host: run the test command, then power off
After=basic.target

[Service]
Type=exec
ExecStart=/usr/local/libexec/bmcw-vm-run
EOF
	# systemd set the serial lines up for people again: raw, as above
	cat >$R/usr/local/libexec/bmcw-vm-run <<EOF
#!/bin/bash
for t in 0 1 2; do
	stty -F /dev/ttyS\$t 115200 raw -echo
done
env -i /bin/bash --noprofile --norc '$OUT/.vm/cmd' </dev/null >/dev/ttyS1 2>/dev/ttyS0
rc=\$?
dmesg >'$OUT/dmesg'
echo "\$rc" >'$OUT/.vm/status.tmp' && mv '$OUT/.vm/status.tmp' '$OUT/.vm/status'
sync
echo 0 >/proc/sys/kernel/printk
systemctl poweroff --force --force
EOF
	chmod 755 $R/usr/local/libexec/bmcw-vm-run
	exec switch_root $R /lib/systemd/systemd --unit=bmcw-vm.target --show-status=0
}
[ "${INIT:-script}" = systemd ] && boot_systemd

# A view of the host root that the tmpfs mounts below do not cover, for a
# working directory under /tmp, /run or /var (a checkout cloned there).
mkdir -p /hostro
mount --bind $H /hostro || die "cannot bind the host root"

# A kernel built out of tree (the runner's BMCW_KERNEL_DIR) has its modules
# outside /lib/modules: show them there, where modprobe looks.
if [ -n "${MODDIR:-}" ]; then
	kv=$(uname -r)
	{ mount -t tmpfs -o mode=755 tmpfs $H/lib/modules && mkdir "$H/lib/modules/$kv" &&
		mount --bind "/hostro$MODDIR" "$H/lib/modules/$kv"; } || die "cannot bind $MODDIR"
fi

mount -t proc proc $H/proc
mount -t sysfs sysfs $H/sys
mount -t devtmpfs devtmpfs $H/dev
mkdir -p $H/dev/pts $H/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $H/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $H/dev/shm
mount -t tmpfs -o mode=1777 tmpfs $H/tmp
mount -t tmpfs -o mode=755 tmpfs $H/run
mount -t tmpfs -o mode=755 tmpfs $H/var
mkdir -p $H/var/lib $H/var/log $H/var/spool $H/var/cache $H/run/lock
mkdir -m 1777 $H/var/tmp
ln -s /run $H/var/run
ln -s /run/lock $H/var/lock
mount -t bpf bpf $H/sys/fs/bpf
mount -t debugfs debugfs $H/sys/kernel/debug
mount -t tracefs tracefs $H/sys/kernel/tracing
mount -t securityfs securityfs $H/sys/kernel/security
mount -t cgroup2 cgroup2 $H/sys/fs/cgroup

# Same path inside as outside; under /tmp it only exists after the mkdir.
{ mkdir -p "$H$OUT" && mount --bind $SHARE "$H$OUT"; } || die "cannot bind $OUT"

# The working directory, if a tmpfs above now hides it (read-only, as all
# of the host root is).
case $CWD in
/tmp/* | /run/* | /var/*)
	if [ -d "/hostro$CWD" ] && [ ! -e "$H$CWD" ]; then
		{ mkdir -p "$H$CWD" && mount --bind "/hostro$CWD" "$H$CWD"; } ||
			die "cannot bind $CWD"
	fi
	;;
esac

hostname "$VM_HOSTNAME"
ip link set lo up

# No output post-processing: "\n" must not become "\r\n".
for t in 0 1 2; do
	stty -F /dev/ttyS$t 115200 raw -echo
done

# kmemleak (debug kernels): judge only what COMMAND leaks.  Suspects from
# the boot are found by one scan and set aside.
KL=$H/sys/kernel/debug/kmemleak
if [ -w $KL ]; then
	echo scan >$KL && echo clear >$KL
fi

env -i chroot $H /bin/bash --noprofile --norc "$OUT/.vm/cmd" \
	</dev/null >/dev/ttyS1 2>/dev/ttyS0
rc=$?

# busybox stty applies settings with TCSADRAIN: waits until the UARTs have
# sent everything, so no output is lost to the power-off.
stty -F /dev/ttyS1 raw
stty -F /dev/ttyS0 raw

# kmemleak reports objects unreferenced for 5 s or more; an object only
# seen unreferenced once may have been a pointer in flight: scan twice.
if [ -w $KL ]; then
	sleep 5
	echo scan >$KL && echo scan >$KL
	cat $KL >$SHARE/kmemleak
fi
dmesg >$SHARE/dmesg
# The status file is written last: its presence means the run completed.
echo "$rc" >$SHARE/.vm/status.tmp && mv $SHARE/.vm/status.tmp $SHARE/.vm/status
sync
# Keep "reboot: Power down" off the console.
echo 0 >/proc/sys/kernel/printk
poweroff -f
sleep 1000
