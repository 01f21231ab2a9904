#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The parsers' fuzzers as a suite: `make fuzz` prints one TAP line per
# harness (executions, crashes, regression inputs replayed). Host only.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "KTAP version 1"
make -s fuzz
