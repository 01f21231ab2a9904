#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A SIEM host across a real network path inside the emulated host: rsyslogd
# (TCP and TLS) and Prometheus in a network namespace behind a veth pair,
# with netem loss, a cut link and a collector restart (guest.sh prints KTAP).
# What it measured and Prometheus's answers are kept in
# $BMCW_FLEET_OUT (default ${TMPDIR:-/tmp}/bmcwatch-fleet)/fleet/.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${BMCW_FLEET_OUT:-${TMPDIR:-/tmp}/bmcwatch-fleet}
mkdir -p "$out"
exec selftests/vm/run --out "$out" --timeout 540 -- selftests/fleet/guest.sh
