# SPDX-License-Identifier: GPL-2.0
# KTAP output for shell selftests (sourced). Usage:
#   ktap_header; ktap_plan N
#   ktap_ok "name" | ktap_fail "name" [diagnostic] | ktap_skip "name" reason
#   ktap_check "name" command...   (ok when the command succeeds)
#   ktap_finish                    (exit status: 1 if anything failed)
# With KTAP_PLAN_ONLY set, a script prints only its plan's count and exits at
# ktap_plan, before it does anything: a host declares one plan for several
# boots first (boots.sh).
KTAP_N=0
KTAP_FAILED=0

ktap_header() { [ -n "${KTAP_PLAN_ONLY:-}" ] || echo "KTAP version 1"; }
ktap_plan() {
	if [ -n "${KTAP_PLAN_ONLY:-}" ]; then
		echo "$1"
		exit 0
	fi
	echo "1..$1"
}
ktap_diag() { printf '# %s\n' "$@"; }

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1"
}

ktap_fail() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	echo "not ok $KTAP_N $1"
	shift
	[ $# -eq 0 ] || ktap_diag "$@"
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

ktap_check() {
	local name=$1
	shift
	if "$@"; then ktap_ok "$name"; else ktap_fail "$name" "failed: $*"; fi
}

ktap_finish() {
	[ "$KTAP_FAILED" -eq 0 ]
}
