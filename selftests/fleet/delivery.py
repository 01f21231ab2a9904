#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Delivery of one daemon run's alerts to collectors, by sequence number.

    delivery.py ALERTS.json PID FIRST LAST NAME=RECEIVED.tsv...

ALERTS.json is the daemon's json: log (what it sent: every alert goes to
every output); each RECEIVED.tsv is what one rsyslogd ruleset wrote with
the fleet suite's template: time received, time reported, procid, msgid,
structured data. Only records of daemon PID with FIRST <= seq <= LAST
count. Prints one JSON object per collector (sent, received, duplicates,
missing, out of order, worst and median delay from when the daemon made
the alert (its SD param "created"; TIMESTAMP is the event's own time) to
its reception, ok) and exits 0 when every alert arrived exactly once, in
order, at every collector.
"""
import json
import re
import sys
from datetime import datetime

SEQ = re.compile(r' seq="(\d+)"')
CREATED = re.compile(r' created="([^"]+)"')


def sent_seqs(path, first, last):
    sent = set()
    with open(path) as f:
        for line in f:
            seq = json.loads(line)["bmcwatch"]["seq"]
            if first <= seq <= last:
                sent.add(seq)
    return sent


def received(path, pid, first, last):
    order, delays = [], []
    try:
        with open(path) as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 5 or fields[2] != str(pid):
                    continue
                m = SEQ.search(fields[4])
                if not m or not first <= int(m.group(1)) <= last:
                    continue
                order.append(int(m.group(1)))
                got = datetime.fromisoformat(fields[0])
                c = CREATED.search(fields[4])
                made = datetime.fromisoformat(c.group(1) if c else fields[1])
                delays.append((got - made).total_seconds() * 1000)
    except FileNotFoundError:
        pass
    return order, sorted(delays)


def main():
    alerts, pid, first, last = sys.argv[1:5]
    pid, first, last = int(pid), int(first), int(last)
    sent = sent_seqs(alerts, first, last)
    all_ok = True
    for arg in sys.argv[5:]:
        name, path = arg.split("=", 1)
        order, delays = received(path, pid, first, last)
        seen = set(order)
        r = {
            "collector": name,
            "first": first,
            "last": last,
            "sent": len(sent),
            "received": len(order),
            "duplicates": len(order) - len(seen),
            "missing": len(sent - seen),
            "unexpected": len(seen - sent),
            "out_of_order": sum(1 for a, b in zip(order, order[1:]) if b < a),
            "worst_delay_ms": round(delays[-1]) if delays else None,
            "median_delay_ms": round(delays[len(delays) // 2]) if delays else None,
        }
        r["ok"] = bool(sent) and r["received"] == r["sent"] and not (
            r["duplicates"] or r["missing"] or r["unexpected"] or r["out_of_order"])
        all_ok = all_ok and r["ok"]
        print(json.dumps(r))
    sys.exit(0 if all_ok else 1)


main()
