#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module input and tamper evidence, in one boot of the emulated host:
# guest.sh prints KTAP.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec selftests/vm/run --timeout 300 -- selftests/knobs/guest.sh
