#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load/unload soak in the emulated host (guest.sh prints KTAP).
#   selftests/soak/host.sh [CYCLES]   default 20 (make soak: SOAK_CYCLES=200)
# The daemon restarts every BMCW_SOAK_RESTART_EVERY cycles (default 5);
# BMCW_SOAK_IRQ=0 leaves out the edu interrupt traffic.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BMCW_SOAK_CYCLES=${1:-${BMCW_SOAK_CYCLES:-20}}
export BMCW_SOAK_RESTART_EVERY=${BMCW_SOAK_RESTART_EVERY:-5}
# vm/run's default, one QEMU thread for the vCPUs, matters here: every load
# and daemon start patches code (jump labels, kprobes) that the traffic on
# the other vCPU runs through, and QEMU 7.2's multi-threaded TCG can then
# loop forever on a stale int3 (see selftests/vm/run --help).
# The limit catches a hang, not slowness: 45 s a cycle (about four times
# what a cycle takes when the machine runs nothing else; with another
# emulated host beside it, as make check runs suites two at a time, 18 s
# was not always enough, and 5.10's lane took 861 s of 870 at 30 s).
exec selftests/vm/run --smp 2 --timeout $((270 + BMCW_SOAK_CYCLES * 45)) \
	-- selftests/soak/guest.sh
