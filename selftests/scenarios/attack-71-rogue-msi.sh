# SPDX-License-Identifier: GPL-2.0
# A BMC function with no driver bound writes an MSI into the interrupt
# window (0xFEE00000): the doorbell a compromised BMC rings to reach the
# host's CPUs.  The CPU takes a vector nobody requested and the kernel logs
# it; the daemon learns it from the kernel log, whose wording changed in
# 6.12 ("No irq handler for 0.211"): a kernel that words it otherwise again
# fails here.  The test driver edu_irq puts the message data (vector 0xd3,
# which no device uses on a small host) in edu's buffer and goes.
SCEN_TITLE="a BMC function rings a doorbell nobody asked for (rogue MSI)"
SCEN_RULE="doorbell.unexpected_irq"
scen_prepare() {
	cc -O2 -o /tmp/edu_dma selftests/dma/edu_dma.c &&
		[ -f selftests/kmod/edu_irq/edu_irq.ko ]
}
scen_run() {
	insmod selftests/kmod/edu_irq/edu_irq.ko &&
		echo $((0xd3)) >/sys/kernel/debug/edu_irq/prime &&
		rmmod edu_irq &&
		setpci -s "$EDU" COMMAND=0x0006 &&
		/tmp/edu_dma "$EDU" write 0xfee00000 1
}
scen_match() {
	echo "(.bmcwatch.locus | test(\"vector 0xd3\")) and
	      .bmcwatch.extra.source == \"kernel log\""
}
scen_undo() {
	setpci -s "$EDU" COMMAND=0x0000
	rmmod edu_irq 2>/dev/null
	true
}
