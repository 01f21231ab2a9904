#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the lpc suite's test programs here (the checkout is read-only in
# the emulated host) and runs guest.sh there.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
make -s -C selftests/lpc >/dev/null
exec selftests/vm/run --timeout 300 -- selftests/lpc/guest.sh
