/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own interrupt accounting, as text, turned into numbers: the
 * per-CPU counts of one irq (kstat: /sys/kernel/irq/N/per_cpu_count, or its
 * line of /proc/interrupts), the spurious-interrupt detector's state
 * (/proc/irq/N/spurious) and the "No irq handler for vector" lines of
 * /dev/kmsg. Reading them once per interval costs the interrupt path
 * nothing. Pure functions (no I/O): unit-tested and fuzzed on the host.
 */
#ifndef BMCW_IRQ_STAT_H
#define BMCW_IRQ_STAT_H

#include <stddef.h>
#include <stdint.h>

/*
 * "c0,c1,...\n" (one u32 per possible CPU) into @out[@max]. Returns the
 * number of CPUs parsed (at most @max; the rest of a longer list is
 * ignored), or -1 if the text is not such a list.
 */
int irq_stat_parse_percpu(const char *text, uint32_t *out, unsigned int max);

/*
 * The header of /proc/interrupts ("CPU0 CPU1 ...", online CPUs only) into
 * the CPU number of each column. Returns the number of columns or -1.
 */
int irq_stat_parse_header(const char *line, unsigned int *cpu_of_col,
			  unsigned int max);

/*
 * The line of /proc/interrupts for @irq ("  24:  5  0  IR-PCI-MSI ..."):
 * @ncol counts into @out, indexed by CPU number through @cpu_of_col, for
 * CPU numbers below @max. Returns 1 if the line is @irq's, 0 if it is
 * another's, -1 if malformed.
 */
int irq_stat_parse_line(const char *line, unsigned int irq,
			const unsigned int *cpu_of_col, unsigned int ncol,
			uint32_t *out, unsigned int max);

/*
 * Growth of one CPU's u32 count. kstat counts wrap at 2^32; a count that
 * went down from below 2^31 is taken as a new descriptor (the irq number
 * was freed and given out again between two samples): all of it is new.
 */
uint64_t irq_stat_delta(uint32_t prev, uint32_t cur);

/* /proc/irq/N/spurious (kernel/irq/proc.c, irq_spurious_proc_show). */
struct irq_spurious {
	uint32_t count;		/* interrupts since the first unhandled one */
	uint32_t unhandled;	/* irqs_unhandled */
	uint32_t last_ms;	/* jiffies_to_msecs(last_unhandled) */
};

/* Returns 0, or -1 if a field is missing. */
int irq_spurious_parse(const char *text, struct irq_spurious *s);

/*
 * Interrupts no handler claimed between two samples. note_interrupt()
 * (kernel/irq/spurious.c) restarts irqs_unhandled at 1 when the previous
 * unhandled one is more than HZ/10 old, and sets it to 0 when count
 * reaches 100000; last_unhandled moves with every unhandled interrupt.
 * So: none if last_ms did not move; else exactly cur - prev when no
 * restart can have happened in between (last_ms moved by at most
 * @restart_ms, and fewer than 100000 - count interrupts (@interrupts,
 * the kstat growth of the interval) came); else a lower bound, and
 * *exact is set to 0.
 */
uint64_t irq_unhandled_delta(const struct irq_spurious *prev,
			     const struct irq_spurious *cur,
			     uint64_t interrupts, uint32_t restart_ms,
			     int *exact);

#define IRQ_SPURIOUS_RESTART_MS	100	/* HZ/10 */
#define IRQ_SPURIOUS_PERIOD	100000	/* note_interrupt()'s window */

/* A kernel message about interrupts on vectors nobody requested. */
enum kmsg_vector_kind {
	KMSG_VECTOR_NONE = 0,
	/*
	 * "__common_interrupt: CPU.VECTOR No irq handler for vector" (5.10,
	 * 6.1) or "No irq handler for CPU.VECTOR" (6.12, 7.2)
	 */
	KMSG_VECTOR_NO_HANDLER,
	/* "__common_interrupt: N callbacks suppressed" or, 6.12 on, "reevaluate_vector: ..." */
	KMSG_VECTOR_SUPPRESSED,
};

struct kmsg_vector {
	enum kmsg_vector_kind kind;
	uint64_t seq;		/* the record's sequence number */
	unsigned int cpu, vector;
	unsigned int suppressed;
};

/*
 * One record as read(2) from /dev/kmsg ("PRI,SEQ,TS,FLAGS[,...];TEXT\n"
 * and continuation lines), @len bytes, not NUL-terminated. Returns the
 * kind (KMSG_VECTOR_NONE for any other record).
 */
enum kmsg_vector_kind kmsg_parse_vector(const char *rec, size_t len,
					struct kmsg_vector *out);
/*
 * The same for the text of one message alone, @len bytes, a final newline
 * allowed (as a console prints it: 5.10's tracepoint); seq stays 0.
 */
enum kmsg_vector_kind kmsg_parse_vector_text(const char *text, size_t len,
					     struct kmsg_vector *out);

#endif /* BMCW_IRQ_STAT_H */
