#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs guest.sh in the emulated host with an SR-IOV capable NVMe controller
# (selftests/vm/run --nvme-sriov) besides the usual edu.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
selftests/vm/run --nvme-sriov 4 --timeout 300 -- selftests/vfio/guest.sh
