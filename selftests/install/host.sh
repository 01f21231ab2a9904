#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install DESTDIR=... PREFIX=/usr` installs what a package needs, in
# the right places and modes, and nothing refers to the build tree. Host
# only (no VM). Prints KTAP.
set -u
cd "$(dirname "$0")/../.."
. selftests/lib/ktap.sh

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

ktap_header
ktap_plan 14
if make -s install DESTDIR="$d" PREFIX=/usr >"$d.log" 2>&1; then
	ktap_ok "make install DESTDIR=... PREFIX=/usr"
else
	ktap_fail "make install DESTDIR=... PREFIX=/usr" "$(tail -20 "$d.log")"
fi
rm -f "$d.log"

mode() { stat -c %a "$1" 2>/dev/null; }
for f in usr/sbin/bmcwatchd usr/sbin/bmcwatch; do
	ktap_check "$f installed 755" test "$(mode "$d/$f")" = 755
done
for f in usr/share/man/man8/bmcwatchd.8 usr/share/man/man8/bmcwatch.8 \
	 usr/share/man/man5/bmcwatch.conf.5 lib/systemd/system/bmcwatchd.service \
	 etc/bmcwatch/bmcwatch.conf.example usr/share/bmcwatch/prometheus/bmcwatch.rules.yml \
	 usr/share/bmcwatch/grafana/bmcwatch-dashboard.json; do
	ktap_check "$f installed 644" test "$(mode "$d/$f")" = 644
done
# kbuild compresses it as the kernel's own modules are (6.12: bmcwatch.ko.xz)
ko=$(find "$d/lib/modules" -name 'bmcwatch.ko*' 2>/dev/null | head -1)
ktap_check "bmcwatch.ko installed under /lib/modules (${ko#"$d"})" test -n "$ko"
unit=$d/lib/systemd/system/bmcwatchd.service
ktap_check "unit runs /usr/sbin/bmcwatchd, no placeholder left" \
	grep -q '^ExecStart=/usr/sbin/bmcwatchd ' "$unit"
if command -v systemd-analyze >/dev/null; then
	# verify resolves ExecStart against the real root: point it at the copy
	sed "s|/usr/sbin/bmcwatchd|$d/usr/sbin/bmcwatchd|" "$unit" >"$d/bmcwatchd.service"
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$d/bmcwatchd.service" 2>&1 |
	      grep -v -e 'sys-fs-bpf.mount' -e 'Failed to prepare filename' -e "Command 'man " || true)
	if [ -z "$out" ]; then
		ktap_ok "systemd-analyze verify accepts the unit"
	else
		ktap_fail "systemd-analyze verify accepts the unit" "$out"
	fi
else
	ktap_skip "systemd-analyze verify accepts the unit" "no systemd-analyze"
fi
if command -v man >/dev/null; then
	out=$(for m in "$d"/usr/share/man/man*/*; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null; done)
	if [ -z "$out" ]; then ktap_ok "man pages format without warnings"
	else ktap_fail "man pages format without warnings" "$out"; fi
else
	ktap_skip "man pages format without warnings" "no man"
fi
ktap_finish
