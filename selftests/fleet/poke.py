#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raise N bmcwatch alerts quickly: N one-byte writes to the cache line
size register (0x0c, harmless) of a PCI function the daemon was told is a
BMC function, every one an alert when aggregation is off.

    poke.py BDF N [GAP_SECONDS]
"""
import os
import sys
import time

bdf, n = sys.argv[1], int(sys.argv[2])
gap = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
fd = os.open("/sys/bus/pci/devices/%s/config" % bdf, os.O_RDWR)
for i in range(n):
    os.pwrite(fd, bytes([0x10 + (i & 0x7)]), 0x0c)
    if gap and i + 1 < n:
        time.sleep(gap)
os.close(fd)
