#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Doorbells on a vector no handler owns, and who rang them: two driverless
# edus (the first declared a BMC function, by address; the second an
# ordinary PCI function) each get their MSI capability written behind the
# kernel's back, aimed at vector $VECTOR of CPU 0, and ring N times. By
# default the daemon reads the kernel's "No irq handler" messages (at most
# 10 per 5 s: alerts that say their count is a lower bound); with [dma]
# vector_count = exact it counts each interrupt, and its alerts must add
# up to N. Either way they name the function that rang. host.sh runs this
# with interrupt remapping and without it (intremap=off): QEMU passes
# compatibility-format messages through its remapping either way. Last,
# the second edu's MSI delivers NMIs: the unknown NMI alert names it.
# Prints KTAP.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/ktap.sh
. selftests/lib/bmcwatch.sh

EDU_DMA=/tmp/edu_dma
VECTOR=0xd3			# no device vector is this high on a small guest
N=40
PROM=/tmp/unowned.prom

ktap_header
ktap_plan 5

cc -O2 -o $EDU_DMA selftests/dma/edu_dma.c || { ktap_fail "edu_dma builds"; exit 1; }
bmcw_load || { ktap_fail "module loads"; exit 1; }
read -ra edus <<<"$(lspci -D -d 1234:11e8 | awk '{ printf "%s ", $1 }')"
if ((${#edus[@]} < 2)); then
	ktap_fail "two edus" "found: ${edus[*]}"
	exit 1
fi
bmc=${edus[0]}
other=${edus[1]}
ir=$(dmesg | grep -o "Enabled IRQ remapping in [a-z0-9]* mode" || echo "no interrupt remapping")
ktap_diag "$ir; BMC function $bmc, other $other"

unowned_total() {
	awk '$1 == "bmcwatch_unowned_vector_interrupts_total" { v = $2 } END { print v + 0 }' \
		$PROM 2>/dev/null
}
unowned_reached() { (($(unowned_total) >= $1)); }
last_seq() { bmcw_alerts | jq -s 'map(.bmcwatch.seq) | max // 0'; }
# The doorbell alerts after sequence number $1 that carry an exact count.
counted_since() {
	bmcw_alerts ".rule.name == \"doorbell.unexpected_irq\" and .bmcwatch.seq > $1 and .bmcwatch.extra.interrupts != null"
}
# ... and those that carry a lower bound.
bounded_since() {
	bmcw_alerts ".rule.name == \"doorbell.unexpected_irq\" and .bmcwatch.seq > $1 and (.bmcwatch.extra.counting | startswith(\"lower bound\"))"
}
counted_sum() {
	counted_since "$1" | jq -s 'map(.bmcwatch.extra.interrupts | tonumber) | add // 0'
}
sum_reached() { (($(counted_sum "$1") >= $2)); }

# rogue BDF: BDF's MSI aimed at the vector, N rings from CPU 0 (each taken
# before the next: two in flight on one vector would merge in the APIC).
rogue() {
	setpci -s "$1" COMMAND=0x0006
	setpci -s "$1" CAP_MSI+4.l=fee00000 CAP_MSI+8.l=0 \
		CAP_MSI+c.w="$(printf %x $((VECTOR)))"
	setpci -s "$1" CAP_MSI+2.w=0001
	taskset -c 0 $EDU_DMA "$1" ring $N
}
rogue_off() { setpci -s "$1" CAP_MSI+2.w=0000 COMMAND=0000; }
# not_naming SEQ BDF ROLE: the alerts since SEQ that do not name BDF as ROLE.
not_naming() {
	bmcw_alerts ".rule.name == \"doorbell.unexpected_irq\" and .bmcwatch.seq > $1" |
		jq -c "select(.bmcwatch.device.bdf != \"$2\" or
			.bmcwatch.extra.attributed_by != \"msi capability\" or
			(.message | test(\"rung by $3 $2\") | not)) | .message"
}
bounded_some() { [ -n "$(bounded_since "$1")" ]; }
diag_of() {
	cat /sys/kernel/debug/bmcwatch/msi
	bmcw_alerts ".rule.name == \"doorbell.unexpected_irq\" and .bmcwatch.seq > $1" |
		jq -c '[.message, .bmcwatch.extra.interrupts, .bmcwatch.extra.counting]' | tail -n 4
	grep -i 'unowned\|vector' /tmp/bmcwatchd.log | tail -n 3
}

# 1. The default: the kernel's messages, a lower bound, naming the sender.
printf '[dma]\n' >/tmp/unowned.conf
bmcw_start -c /tmp/unowned.conf --bmc-device "$bmc" || ktap_diag "daemon did not report start"
s0=$(last_seq)
rogue "$bmc"
bmcw_wait_for 10 bounded_some "$s0"
bad=$(not_naming "$s0" "$bmc" "BMC function")
seen=$(bounded_since "$s0" | jq -r '.bmcwatch.extra.seen_on_cpu | ltrimstr(">=")' | tail -n 1)
name="default: BMC function $bmc rings $N times: alerts name it and say their count (kernel messages: ${seen:-0}) is a lower bound, and why"
if ((${seen:-0} >= 1 && ${seen:-0} <= N)) && [ -z "$bad" ] &&
   [ -z "$(bounded_since "$s0" | jq -r 'select(.bmcwatch.extra.counting | test("vector_count = messages") | not)')" ]; then
	ktap_ok "$name"
else
	ktap_fail "$name" "not naming it: ${bad:-none}" "$(diag_of "$s0")"
fi
rogue_off "$bmc"
bmcw_stop

# 2-4. [dma] vector_count = exact.
printf '[dma]\nvector_count = exact\n' >/tmp/unowned-exact.conf
rm -f $PROM
bmcw_start -c /tmp/unowned-exact.conf --bmc-device "$bmc" --metrics textfile:$PROM ||
	ktap_diag "daemon did not report start"
# A kernel whose BTF lacks what the trampoline needs (5.10) cannot count
# exactly: the daemon says so, and that is a skip. Any other reason fails.
nobtf=$(bmcw_exact_unsupported)
exact_name="vector_count = exact: the daemon counts each interrupt on an unowned vector (fentry on __common_interrupt)"
if [ -n "$nobtf" ] && ! grep -q "interrupts on unowned vectors counted exactly" /tmp/bmcwatchd.log; then
	ktap_skip "$exact_name" "$nobtf"
else
	ktap_check "$exact_name" \
		grep -q "interrupts on unowned vectors counted exactly" /tmp/bmcwatchd.log
fi

# ring BDF ROLE: rogue, then one result: counted exactly, the alerts add up
# to N and every one names BDF as ROLE, by its MSI capability.
ring() {
	local bdf=$1 role=$2 s0 u0 u1 sum bad name
	name="exact: $role $bdf rings vector $VECTOR $N times: counted $N, the alerts add up to $N and name it"
	s0=$(last_seq)
	u0=$(unowned_total)
	rogue "$bdf"
	bmcw_wait_for 20 unowned_reached $((u0 + N))
	bmcw_wait_for 10 sum_reached "$s0" $N
	u1=$(unowned_total)
	sum=$(counted_sum "$s0")
	bad=$(not_naming "$s0" "$bdf" "$role")
	if [ $((u1 - u0)) -eq $N ] && [ "$sum" -eq $N ] && [ -z "$bad" ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "counted $((u1 - u0)), alerts add up to $sum" \
			"not naming it: ${bad:-none}" "$(diag_of "$s0")"
	fi
	rogue_off "$bdf"
}

if [ -n "$nobtf" ]; then
	ktap_skip "exact: BMC function $bmc counted" "$nobtf"
	ktap_skip "exact: PCI function $other counted" "$nobtf"
else
	ring "$bmc" "BMC function"
	ring "$other" "PCI function"
fi

# 5. An MSI that delivers an NMI (delivery mode 4) to CPU 0: the unknown
# NMI alert names the function.
s0=$(last_seq)
N=3
setpci -s "$other" COMMAND=0x0006
setpci -s "$other" CAP_MSI+4.l=fee00000 CAP_MSI+8.l=0 CAP_MSI+c.w=0400
setpci -s "$other" CAP_MSI+2.w=0001
taskset -c 0 $EDU_DMA "$other" ring $N
f=".bmcwatch.seq > $s0 and .bmcwatch.device.bdf == \"$other\" and (.message | test(\"rung by PCI function $other .*delivers NMIs to this CPU\"))"
if bmcw_wait_alert doorbell.unknown_nmi 10 "$f"; then
	ktap_ok "PCI function $other's MSI delivers NMIs: doorbell.unknown_nmi names it"
else
	ktap_fail "PCI function $other's MSI delivers NMIs: doorbell.unknown_nmi names it" \
		"$(bmcw_alerts '.rule.name == "doorbell.unknown_nmi"' | jq -c '[.message, .bmcwatch.extra]')" \
		"$(cat /sys/kernel/debug/bmcwatch/msi)"
fi
rogue_off "$other"
bmcw_stop
