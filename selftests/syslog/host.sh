#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bmcwatchd's RFC 5424 stream received by a real rsyslogd over TCP on the
# emulated host's loopback (guest.sh prints KTAP).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec selftests/vm/run --timeout 300 -- selftests/syslog/guest.sh
