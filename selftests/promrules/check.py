#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of the fleet's Prometheus rules and Grafana dashboard that
promtool does not make (selftests/promrules/host.sh runs them).

    check.py rules-shape RULES                 every alert: for, severity, summary, description
    check.py tests-cover RULES TESTS           every alert tested firing and tested silent
    check.py dash-panels DASHBOARD             JSON, datasource and an expression on every panel
    check.py dash-ids DASHBOARD...             uids unique, panel ids unique, no overlap
    check.py dash-promql DASHBOARD OUT.yml     every expression as a recording rule, for promtool
    check.py names SRCDIR RULES DASHBOARD...   every metric named is one bmcwatchd exports
    check.py exposition FILE RULES             the labels the rules read are in it
    check.py rule-metrics RULES                the bmcwatch metrics the rules read, one a line

Prints what is wrong, one line each, and exits 1; prints a summary and
exits 0 when all is well.
"""
import glob
import json
import os
import re
import sys

import yaml

# Series Prometheus makes itself, not bmcwatchd.
PROMETHEUS_OWN = {"up", "ALERTS", "ALERTS_FOR_STATE"}
SEVERITIES = {"critical", "warning", "info"}
# What Grafana replaces before a query reaches Prometheus.
GRAFANA_VARS = {"$__rate_interval": "5m", "$__range": "1h", "$__interval": "1m",
                "$model": ".*", "$instance": ".*"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "offset", "bool", "inf", "nan"}


def fail(problems, ok_msg):
    for p in problems:
        print(p)
    if not problems:
        print(ok_msg)
    sys.exit(1 if problems else 0)


def alerts(path):
    doc = yaml.safe_load(open(path))
    return [(g["name"], r) for g in doc.get("groups", []) for r in g.get("rules", [])
            if "alert" in r]


def rules_shape(path):
    problems, rules = [], alerts(path)
    if not rules:
        problems.append("%s: no alerting rule" % path)
    for group, r in rules:
        name = r["alert"]
        if not group.startswith("bmcwatch"):
            problems.append("%s: in group %s, not bmcwatch" % (name, group))
        if "for" not in r:
            problems.append("%s: no for:" % name)
        if r.get("labels", {}).get("severity") not in SEVERITIES:
            problems.append("%s: severity label %r, not one of %s" %
                            (name, r.get("labels", {}).get("severity"), sorted(SEVERITIES)))
        ann = r.get("annotations", {})
        for key in ("summary", "description"):
            if not ann.get(key, "").strip():
                problems.append("%s: no %s annotation" % (name, key))
        desc = ann.get("description", "")
        for part in ("What:", "Why", "What to do:"):
            if part not in desc:
                problems.append("%s: description says no '%s'" % (name, part))
        if "{{ $labels." not in desc:
            problems.append("%s: description names no host (no $labels)" % name)
    fail(problems, "%d alerting rules, each with for:, severity, summary and a "
         "description saying what, where, why and what to do" % len(rules))


def tests_cover(rules_path, tests_path):
    names = [r["alert"] for _, r in alerts(rules_path)]
    doc = yaml.safe_load(open(tests_path))
    fires, silent = set(), set()
    for t in doc.get("tests", []):
        for e in t.get("alert_rule_test", []):
            (fires if e.get("exp_alerts") else silent).add(e["alertname"])
    problems = []
    for n in names:
        if n not in fires:
            problems.append("%s: no test where it fires" % n)
        if n not in silent:
            problems.append("%s: no test where it stays silent" % n)
    for n in sorted((fires | silent) - set(names)):
        problems.append("%s: tested, but no such rule" % n)
    fail(problems, "all %d alerting rules tested both firing and silent" % len(names))


def panels_of(dash):
    out = []
    for p in dash.get("panels", []):
        out.append(p)
        out.extend(p.get("panels", []))     # a collapsed row keeps its own
    return out


def load_dash(path, problems):
    try:
        return json.load(open(path))
    except (OSError, ValueError) as e:
        problems.append("%s: %s" % (path, e))
        return None


def dash_panels(path):
    problems = []
    dash = load_dash(path, problems)
    if dash is None:
        fail(problems, "")
    if not 36 <= dash.get("schemaVersion", 0) <= 41:
        problems.append("schemaVersion %r, expected about 39" % dash.get("schemaVersion"))
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds_vars = {"${%s}" % n for n, v in variables.items() if v.get("type") == "datasource"}
    inputs = {"${%s}" % i.get("name") for i in dash.get("__inputs", [])
              if i.get("type") == "datasource"}
    known_ds = ds_vars | inputs
    if not known_ds:
        problems.append("no datasource template variable and no datasource input")
    for name in ("model", "instance"):
        if name not in variables:
            problems.append("no template variable %s" % name)
    n = 0
    for p in panels_of(dash):
        if p.get("type") == "row":
            continue
        n += 1
        what = "panel %s (%s)" % (p.get("id"), p.get("title"))
        ds = p.get("datasource") or {}
        if not isinstance(ds, dict) or ds.get("uid") not in known_ds:
            problems.append("%s: datasource %r is not %s" % (what, ds, sorted(known_ds)))
        targets = p.get("targets") or []
        if not targets:
            problems.append("%s: no target" % what)
        for t in targets:
            if not (t.get("expr") or "").strip():
                problems.append("%s: target %s has no expr" % (what, t.get("refId")))
            tds = t.get("datasource")
            if tds is not None and tds.get("uid") not in known_ds:
                problems.append("%s: target %s datasource %r" % (what, t.get("refId"), tds))
    fail(problems, "%d panels, each with the dashboard's datasource and an expression" % n)


def dash_ids(paths):
    problems, uids = [], {}
    for path in paths:
        dash = load_dash(path, problems)
        if dash is None:
            continue
        uid = dash.get("uid", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid):
            problems.append("%s: uid %r (1 to 40 of A-Z a-z 0-9 _ -)" % (path, uid))
        if uid in uids:
            problems.append("%s: uid %s already used by %s" % (path, uid, uids[uid]))
        uids[uid] = path
        ids, boxes = {}, []
        for p in panels_of(dash):
            pid = p.get("id")
            if not isinstance(pid, int):
                problems.append("%s: panel %r has no numeric id" % (path, p.get("title")))
            elif pid in ids:
                problems.append("%s: panel id %d used twice (%s, %s)" %
                                (path, pid, ids[pid], p.get("title")))
            ids[pid] = p.get("title")
            g = p.get("gridPos", {})
            box = (g.get("x", 0), g.get("y", 0), g.get("w", 0), g.get("h", 0), p.get("title"))
            if box[0] + box[2] > 24:
                problems.append("%s: panel %s wider than the grid" % (path, p.get("title")))
            for o in boxes:
                if (box[0] < o[0] + o[2] and o[0] < box[0] + box[2] and
                        box[1] < o[1] + o[3] and o[1] < box[1] + box[3]):
                    problems.append("%s: panels %s and %s overlap" % (path, o[4], box[4]))
            boxes.append(box)
    fail(problems, "%d dashboard(s): uids unique, panel ids unique, no panels overlap" %
         len(paths))


def dash_exprs(dash):
    for p in panels_of(dash):
        for t in p.get("targets") or []:
            if t.get("expr"):
                yield p, t["expr"]
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\)\s*", q or "")
        if m:
            yield v, m.group(1)


def grafana_to_promql(expr):
    for k in sorted(GRAFANA_VARS, key=len, reverse=True):
        expr = expr.replace(k, GRAFANA_VARS[k])
    return expr


def dash_promql(path, out):
    dash = json.load(open(path))
    rules = [{"record": "dashboard:expr_%d" % i, "expr": grafana_to_promql(e)}
             for i, (_, e) in enumerate(dash_exprs(dash))]
    yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(out, "w"),
                   width=100000)
    print("%d expressions written to %s" % (len(rules), out))


def metric_names(expr):
    """Metric names an expression selects (strings, label matchers,
    grouping lists and durations taken out first)."""
    e = grafana_to_promql(expr)
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', e)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\boffset\s+\w+", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.$])([A-Za-z_:][\w:]*)(\s*\()?", e):
        word, call = m.group(1), m.group(2)
        if call or word in KEYWORDS:
            continue
        names.add(word)
    return names


def exported_names(srcdir):
    """What bmcwatchd can export: every family or series its sources
    declare, set or add to (tests excluded)."""
    pats = [re.compile(r'metrics_(?:declare|set|add|set_info)\s*\(\s*[^,;]+,\s*"(bmcwatch_\w+)"'),
            re.compile(r'count_metric\s*\(\s*[^,;]+,\s*"(bmcwatch_\w+)"'),
            re.compile(r'\{\s*"(bmcwatch_\w+)"\s*,\s*METRIC_')]
    names = set()
    for f in glob.glob(os.path.join(srcdir, "**", "*.c"), recursive=True):
        rel = os.path.relpath(f, srcdir)
        if rel.startswith("tests" + os.sep) or rel.startswith("."):
            continue
        text = open(f, errors="replace").read()
        for p in pats:
            names.update(m.group(1) for m in p.finditer(text))
    return names


def names(srcdir, rules_path, dash_paths):
    exported = exported_names(srcdir)
    problems, used = [], set()
    if len(exported) < 10:
        problems.append("only %d metric names found in %s: is it bmcwatch's userspace?" %
                        (len(exported), srcdir))
    for _, r in alerts(rules_path):
        for n in metric_names(r["expr"]):
            used.add(n)
            if n not in exported and n not in PROMETHEUS_OWN:
                problems.append("rule %s: %s is not exported by bmcwatchd" % (r["alert"], n))
    for path in dash_paths:
        for p, e in dash_exprs(json.load(open(path))):
            for n in metric_names(e):
                used.add(n)
                if n not in exported and n not in PROMETHEUS_OWN:
                    problems.append("dashboard %s, %s: %s is not exported by bmcwatchd" %
                                    (os.path.basename(path), p.get("title") or p.get("name"), n))
    fail(problems, "%d metric names used, all exported by bmcwatchd (%d in its sources)" %
         (len(used - PROMETHEUS_OWN), len(exported)))


def exposition(path, rules_path):
    """The labels the rules read from bmcwatch_info and bmcwatch_health are
    in the series the daemon's code renders."""
    series = {}
    for line in open(path):
        m = re.match(r"(bmcwatch_\w+)\{(.*)\} \S+$", line.strip())
        if m:
            keys = set(re.findall(r'(\w+)="(?:[^"\\]|\\.)*"', m.group(2)))
            series.setdefault(m.group(1), set()).update(keys)
    problems = []
    text = " ".join(r["expr"] for _, r in alerts(rules_path))
    for metric in ("bmcwatch_info", "bmcwatch_health"):
        if metric not in series:
            problems.append("%s: no %s series" % (path, metric))
            continue
        for m in re.finditer(metric + r"\{([^}]*)\}", text):
            for label in re.findall(r"(\w+)\s*[=!]~?", m.group(1)):
                if label not in series[metric]:
                    problems.append("rules select %s{%s}, the daemon writes %s" %
                                    (metric, label, sorted(series[metric])))
    for label in ("vendor", "model", "inventory_fingerprint", "bmc_identity", "host"):
        if label not in series.get("bmcwatch_info", set()) or label not in text:
            problems.append("label %s: not both in bmcwatch_info and in the rules" % label)
    fail(problems, "bmcwatch_info%s and bmcwatch_health%s as the rules read them" %
         (sorted(series.get("bmcwatch_info", [])), sorted(series.get("bmcwatch_health", []))))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "rules-shape":
        rules_shape(*args)
    elif cmd == "tests-cover":
        tests_cover(*args)
    elif cmd == "dash-panels":
        dash_panels(*args)
    elif cmd == "dash-ids":
        dash_ids(args)
    elif cmd == "dash-promql":
        dash_promql(*args)
    elif cmd == "names":
        names(args[0], args[1], args[2:])
    elif cmd == "exposition":
        exposition(*args)
    elif cmd == "rule-metrics":
        used = set()
        for _, r in alerts(args[0]):
            used |= metric_names(r["expr"])
        print("\n".join(sorted(used - PROMETHEUS_OWN)))
    else:
        sys.exit("check.py: unknown command %s" % cmd)


try:
    main()
except (OSError, ValueError, yaml.YAMLError) as e:
    sys.exit("%s: %s" % (sys.argv[1], e))
