#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fleet's Prometheus alerting rules and Grafana dashboard
# (packaging/prometheus, packaging/grafana), on the build machine, in a
# few seconds: promtool checks and unit-tests the rules; the dashboard is
# valid JSON whose every panel has the datasource and an expression that
# parses as PromQL; every metric either names is one bmcwatchd exports
# (taken from the userspace sources: what declares, sets or adds to a
# series; a running daemon needs the module and BPF, so no exposition of
# them all exists off a host), and the metrics code's own rendering of the
# info and health series passes promtool check metrics with the labels
# the rules read. selftests/fleet loads the same rules into a real
# Prometheus scraping a live daemon.
#   BMCW_PROM_DIR, BMCW_GRAFANA_DIR   other copies to check (default packaging/)
# Prints KTAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. selftests/lib/ktap.sh

prom=${BMCW_PROM_DIR:-packaging/prometheus}
grafana=${BMCW_GRAFANA_DIR:-packaging/grafana}
rules=$prom/bmcwatch.rules.yml
tests=$prom/bmcwatch.rules.test.yml
dash=$grafana/bmcwatch-dashboard.json
check="/usr/bin/python3 selftests/promrules/check.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ktap_header
ktap_plan 11

# step NAME COMMAND...: ok when COMMAND succeeds; its output as diagnostics
# either way (more of it when it failed), every line behind "# ".
step() {
	local name=$1
	shift
	if "$@" >"$work/out" 2>&1; then
		ktap_ok "$name"
		grep -v '^ *$' "$work/out" | tail -2 | sed 's/^/# /'
	else
		ktap_fail "$name"
		grep -v '^ *$' "$work/out" | tail -40 | sed 's/^/# /'
	fi
}

if ! command -v promtool >/dev/null; then
	ktap_fail "promtool installed (Debian package prometheus: make deps)"
	for ((i = 2; i <= 11; i++)); do
		ktap_fail "result $i: needs promtool"
	done
	ktap_finish
	exit 1
fi
ktap_ok "promtool installed ($(promtool --version 2>&1 | head -1 | awk '{ print $3 }'))"

step "promtool check rules $rules" promtool check rules "$rules"
step "every alert has for:, a severity label, a summary and a description (what, where, why, what to do)" \
	$check rules-shape "$rules"
step "promtool test rules $tests" promtool test rules "$tests"
step "every alert is tested firing and tested silent" $check tests-cover "$rules" "$tests"

step "dashboard: JSON, schemaVersion, datasource and an expression on every panel" \
	$check dash-panels "$dash"
step "dashboard: uids unique, panel ids unique, no panels overlap" \
	$check dash-ids "$grafana"/*.json
promql() {
	$check dash-promql "$dash" "$work/dash.rules.yml" && promtool check rules "$work/dash.rules.yml"
}
step "dashboard: every expression parses as PromQL (Grafana variables filled in)" promql
step "every metric the rules and the dashboard name is exported by bmcwatchd" \
	$check names userspace "$rules" "$grafana"/*.json

exposition() {
	make -s -C userspace tests/test_metrics &&
	(cd userspace/tests && BMCW_METRICS_DUMP="$work/metrics.prom" ./test_metrics >"$work/tm.out") &&
	promtool check metrics <"$work/metrics.prom"
}
step "metrics.c's exposition of bmcwatch_info and bmcwatch_health passes promtool check metrics" \
	exposition
if [ -s "$work/metrics.prom" ]; then
	step "the rules read labels the daemon writes" $check exposition "$work/metrics.prom" "$rules"
else
	ktap_fail "the rules read labels the daemon writes"
	ktap_diag "no exposition written" "$(tail -5 "$work/tm.out" 2>/dev/null | sed 's/^/# /')"
fi
ktap_finish
