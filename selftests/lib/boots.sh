# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# One KTAP plan for a suite that boots the emulated host several times
# (sourced by a host.sh). The plan is declared before anything boots, from
# what each guest script says it prints (KTAP_PLAN_ONLY, ktap.sh), plus one
# result per boot for the run itself. A guest that stops early, or a boot
# whose output is lost on the way (QEMU 10's AMD IOMMU machine lost the
# guest's serial line), then leaves results missing, and they fail instead
# of shrinking the plan.
#   total=$(( $(boot_plan SCRIPT [ARGS]) + ... ))
#   boots_begin TOTAL
#   boot_run NAME RUNNER-ARGS... -- SCRIPT [ARGS]
#   boot_skip NAME REASON          a boot this host cannot run (plan: 1)
#   boots_end                      exit status: 1 if anything failed
# The runner is selftests/vm/run, or $BMCW_VM_RUN (selftests/harness gives
# it one that loses the guest's output).
BOOTS_N=0
BOOTS_FAILED=0
BOOTS_TOTAL=0

# boot_plan SCRIPT [ARGS]: the results one boot of SCRIPT adds.
boot_plan() {
	local n
	if n=$(KTAP_PLAN_ONLY=1 "$@") && [[ $n =~ ^[0-9]+$ ]]; then
		echo $((n + 1))
	else
		echo "boot_plan: $* declares no plan" >&2
		echo 1
	fi
}

boots_begin() {
	BOOTS_TOTAL=$1
	echo "KTAP version 1"
	echo "1..$BOOTS_TOTAL"
}

boots_result() {	# boots_result ok|fail TEXT
	BOOTS_N=$((BOOTS_N + 1))
	if [[ $1 == ok ]]; then
		echo "ok $BOOTS_N $2"
	else
		BOOTS_FAILED=$((BOOTS_FAILED + 1))
		echo "not ok $BOOTS_N $2"
	fi
}

boot_skip() {
	BOOTS_N=$((BOOTS_N + 1))
	echo "ok $BOOTS_N $1 # SKIP $2"
}

# The guest's KTAP renumbered into the suite's: exactly as many results as
# its plan, then one for the run: ok when it exited 0 having reported no
# failure, or 1 having reported some.
boot_run() {
	local name=$1 line want got=0 bad=0 rc=none why='' a
	local -a script=()
	shift
	for ((a = $#; a > 0; a--)); do
		[[ ${!a} == -- ]] && break
	done
	script=("${@:a+1}")
	want=$(($(boot_plan "${script[@]}") - 1))
	echo "# boot $name: ${script[*]}"
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			got=$((got + 1))
			if ((got > want)); then
				why+=" result beyond its plan of $want: '$line';"
				continue
			fi
			if [[ $line == "not ok "* ]]; then
				bad=$((bad + 1))
				boots_result fail "$name: $(sed -E 's/^not ok [0-9]+ //' <<<"$line")"
			else
				boots_result ok "$name: $(sed -E 's/^ok [0-9]+ //' <<<"$line")"
			fi
			continue
			;;
		"KTAP version"* | "") continue ;;
		1..*)
			[[ $line == "1..$want" ]] || why+=" guest's plan '$line' is not 1..$want;"
			continue
			;;
		"# vm exit "*) rc=${line#\# vm exit }; continue ;;
		esac
		echo "$line"
	done < <("${BMCW_VM_RUN:-selftests/vm/run}" "$@"; printf '\n# vm exit %s\n' $?)
	((got >= want)) || why+=" $((want - got)) of its $want results never arrived;"
	while ((got < want)); do
		got=$((got + 1))
		boots_result fail "$name: result $got of $want never reported (the guest stopped early or its output was lost)"
	done
	if [[ -z $why && ($rc == 0 && $bad == 0 || $rc == 1 && $bad -gt 0) ]]; then
		boots_result ok "$name: emulated host run (exit $rc, $bad failure(s) reported)"
	else
		boots_result fail "$name: emulated host run (exit $rc, $bad failure(s) reported)"
		[[ -z $why ]] || echo "#$why"
	fi
}

boots_end() {
	if ((BOOTS_N != BOOTS_TOTAL)); then
		echo "# $BOOTS_N results for a plan of $BOOTS_TOTAL"
		return 1
	fi
	((BOOTS_FAILED == 0))
}
