/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsers of the kernel's interrupt accounting (irq_stat.c), with text
 * as kernel/irq/irqdesc.c, kernel/irq/proc.c, fs/proc/interrupts.c and
 * /dev/kmsg print it, and the spurious detector's restarts.
 */
#include <string.h>

#include "irq_stat.h"
#include "tap.h"

static void test_percpu(void)
{
	uint32_t c[4] = { 9, 9, 9, 9 };

	is_int(irq_stat_parse_percpu("12,0,4294967295,3\n", c, 4), 4,
	       "per_cpu_count: four CPUs");
	ok(c[0] == 12 && c[1] == 0 && c[2] == 4294967295U && c[3] == 3,
	   "with their counts");
	is_int(irq_stat_parse_percpu("5\n", c, 4), 1, "one CPU");
	is_int(irq_stat_parse_percpu("1,2,3,4,5,6\n", c, 4), 4,
	       "more CPUs than room: the first ones");
	is_int(irq_stat_parse_percpu("4294967296\n", c, 4), -1,
	       "a count beyond u32 is not kstat");
	is_int(irq_stat_parse_percpu("1,,2\n", c, 4), -1, "an empty field");
	is_int(irq_stat_parse_percpu("", c, 4), -1, "empty text");
	is_int(irq_stat_parse_percpu("1,2 x\n", c, 4), -1, "trailing junk");
}

static void test_proc_interrupts(void)
{
	unsigned int col[8];
	uint32_t c[8] = { 0 };

	is_int(irq_stat_parse_header("           CPU0       CPU2       \n", col, 8),
	       2, "header: two online CPUs");
	ok(col[0] == 0 && col[1] == 2, "columns name CPU 0 and CPU 2");
	is_int(irq_stat_parse_header("  NMI: 1 2\n", col, 8), -1,
	       "a row is not a header");
	is_int(irq_stat_parse_line("  24:        40          7  IR-PCI-MSI 32768-edge      edu_irq\n",
				   24, col, 2, c, 8), 1, "irq 24's line");
	ok(c[0] == 40 && c[2] == 7 && c[1] == 0, "counts go to CPUs 0 and 2");
	is_int(irq_stat_parse_line("  25:  1  2  IR-PCI-MSI\n", 24, col, 2, c, 8),
	       0, "another irq's line");
	is_int(irq_stat_parse_line(" NMI:  0  0  Non-maskable interrupts\n", 24,
				   col, 2, c, 8), 0, "an architecture row");
	is_int(irq_stat_parse_line("  24:  1\n", 24, col, 2, c, 8), -1,
	       "a line with fewer columns than CPUs");
}

static void test_delta(void)
{
	ok(irq_stat_delta(5, 45) == 40, "delta: growth");
	ok(irq_stat_delta(4294967290U, 4) == 10, "delta: across the u32 wrap");
	ok(irq_stat_delta(1000, 3) == 3,
	   "delta: a fresh descriptor under the same number counts from 0");
}

static void test_spurious(void)
{
	struct irq_spurious a, b;
	int exact;

	is_int(irq_spurious_parse("count 0\nunhandled 0\nlast_unhandled 0 ms\n", &a),
	       0, "spurious: parsed");
	is_int(irq_spurious_parse("count 17\nunhandled 5\nlast_unhandled 4294937296 ms\n", &a),
	       0, "spurious: large last_unhandled");
	ok(a.count == 17 && a.unhandled == 5 && a.last_ms == 4294937296U,
	   "with its three fields");
	is_int(irq_spurious_parse("count 1\nunhandled 2\n", &a), -1,
	       "a missing field");

	a = (struct irq_spurious){ .count = 10, .unhandled = 3, .last_ms = 1000 };
	b = a;
	b.count = 50;
	ok(irq_unhandled_delta(&a, &b, 40, 100, &exact) == 0 && exact,
	   "last_unhandled still: none unclaimed, exactly");
	b = (struct irq_spurious){ .count = 50, .unhandled = 8, .last_ms = 1060 };
	ok(irq_unhandled_delta(&a, &b, 40, 100, &exact) == 5 && exact,
	   "within 100 ms of the last one, few interrupts: exactly cur - prev");
	a.last_ms = 4294967290U;
	b.last_ms = 30;
	ok(irq_unhandled_delta(&a, &b, 40, 100, &exact) == 5 && exact,
	   "across the wrap of last_unhandled");
	a.last_ms = 1000;
	b = (struct irq_spurious){ .count = 3, .unhandled = 2, .last_ms = 5000 };
	ok(irq_unhandled_delta(&a, &b, 3, 100, &exact) == 2 && !exact,
	   "restarted after a quiet spell: at least cur, flagged");
	b = (struct irq_spurious){ .count = 9, .unhandled = 9, .last_ms = 5000 };
	ok(irq_unhandled_delta(&a, &b, 9, 100, &exact) == 6 && !exact,
	   "maybe restarted, cur above prev: at least cur - prev");
	b = (struct irq_spurious){ .count = 0, .unhandled = 0, .last_ms = 1050 };
	ok(irq_unhandled_delta(&a, &b, 100000, 100, &exact) == 1 && !exact,
	   "the 100000 window closed: at least one, flagged");
	a = (struct irq_spurious){ .count = 99990, .unhandled = 3, .last_ms = 1000 };
	b = (struct irq_spurious){ .count = 5, .unhandled = 4, .last_ms = 1010 };
	ok(irq_unhandled_delta(&a, &b, 15, 100, &exact) == 1 && !exact,
	   "count passing 100000 in the interval is a possible restart");
}

static enum kmsg_vector_kind kmsg(const char *rec, struct kmsg_vector *k)
{
	return kmsg_parse_vector(rec, strlen(rec), k);
}

static void test_kmsg(void)
{
	struct kmsg_vector k;

	is_int(kmsg("0,1234,56789012,-;__common_interrupt: 1.211 No irq handler for vector\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "kmsg: no handler for a vector");
	ok(k.cpu == 1 && k.vector == 211 && k.seq == 1234,
	   "CPU, vector and sequence number");
	is_int(kmsg("4,1300,60000000,-,caller=C0;__common_interrupt: 42 callbacks suppressed\n", &k),
	       KMSG_VECTOR_SUPPRESSED, "the rate limit's note");
	ok(k.suppressed == 42, "with the number left out");
	is_int(kmsg("0,1,2,-;__common_interrupt: 0.211 No irq handler for vector\n SUBSYSTEM=x\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "a continuation line does not matter");
	is_int(kmsg("0,1,2,-;__common_interrupt: 0.256 No irq handler for vector\n", &k),
	       KMSG_VECTOR_NONE, "vector above 255: not the kernel's");
	is_int(kmsg("6,1,2,-;usb 1-1: __common_interrupt: 0.211 No irq handler for vector\n", &k),
	       KMSG_VECTOR_NONE, "the words elsewhere in a line");
	is_int(kmsg("0,1,2,-;__common_interrupt: 0.211 No irq handler for vector X\n", &k),
	       KMSG_VECTOR_NONE, "trailing text");
	is_int(kmsg("0,1,2,-;__common_interrupt: 0.211 No irq handler for vector", &k),
	       KMSG_VECTOR_NO_HANDLER, "no final newline");
	/* 6.12 and 7.2 (reevaluate_vector()): the lines as they print them */
	is_int(kmsg("0,2210,48123456,-;No irq handler for 0.211\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "kmsg, 6.12 form: no handler for a vector");
	ok(k.cpu == 0 && k.vector == 211 && k.seq == 2210,
	   "6.12 form: CPU, vector and sequence number");
	is_int(kmsg("0,77,9,-,caller=C3;No irq handler for 3.34\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "6.12 form with a caller field");
	ok(k.cpu == 3 && k.vector == 34, "6.12 form: CPU 3, vector 34");
	is_int(kmsg("4,2300,52000000,-,caller=C0;reevaluate_vector: 17 callbacks suppressed\n", &k),
	       KMSG_VECTOR_SUPPRESSED, "6.12 form: the rate limit's note");
	ok(k.suppressed == 17 && k.seq == 2300, "6.12 form: with the number left out");
	is_int(kmsg("0,1,2,-;No irq handler for 0.211\n SUBSYSTEM=x\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "6.12 form: a continuation line does not matter");
	is_int(kmsg("0,1,2,-;No irq handler for 0.211", &k),
	       KMSG_VECTOR_NO_HANDLER, "6.12 form: no final newline");
	is_int(kmsg("0,1,2,-;No irq handler for 0.256\n", &k),
	       KMSG_VECTOR_NONE, "6.12 form: vector above 255");
	is_int(kmsg("0,1,2,-;No irq handler for 0.211 X\n", &k),
	       KMSG_VECTOR_NONE, "6.12 form: trailing text");
	is_int(kmsg("0,1,2,-;No irq handler for 211\n", &k),
	       KMSG_VECTOR_NONE, "6.12 form: no CPU");
	is_int(kmsg("0,1,2,-;No irq handler for vector\n", &k),
	       KMSG_VECTOR_NONE, "6.12 form: no numbers");
	is_int(kmsg("6,1,2,-;foo: No irq handler for 0.211\n", &k),
	       KMSG_VECTOR_NONE, "6.12 form: the words after another prefix");
	is_int(kmsg("0,1,2,-;reevaluate_vector: 0.211 No irq handler for vector\n", &k),
	       KMSG_VECTOR_NONE, "a mix of the forms is neither");
	is_int(kmsg("4,1,2,-;some_other_func: 5 callbacks suppressed\n", &k),
	       KMSG_VECTOR_NONE, "another function's rate limit is not this one's");
	is_int(kmsg("garbage", &k), KMSG_VECTOR_NONE, "garbage");
	is_int(kmsg("0,1,2,-", &k), KMSG_VECTOR_NONE, "no text");
}

static enum kmsg_vector_kind text(const char *t, struct kmsg_vector *k)
{
	return kmsg_parse_vector_text(t, strlen(t), k);
}

/* The console tracepoint's text: the message alone, no newline. */
static void test_console_text(void)
{
	struct kmsg_vector k;

	is_int(text("__common_interrupt: 1.211 No irq handler for vector", &k),
	       KMSG_VECTOR_NO_HANDLER, "text: no handler for a vector (5.10, 6.1)");
	ok(k.cpu == 1 && k.vector == 211 && k.seq == 0, "CPU and vector, no sequence");
	is_int(text("No irq handler for 3.34", &k), KMSG_VECTOR_NO_HANDLER,
	       "text: the 6.12 form");
	ok(k.cpu == 3 && k.vector == 34, "its CPU and vector");
	is_int(text("reevaluate_vector: 7 callbacks suppressed", &k),
	       KMSG_VECTOR_SUPPRESSED, "text: the rate limit's note (6.12)");
	ok(k.suppressed == 7, "its number");
	is_int(text("__common_interrupt: 12 callbacks suppressed", &k),
	       KMSG_VECTOR_SUPPRESSED, "text: the rate limit's note (6.1)");
	is_int(text("__common_interrupt: 1.211 No irq handler for vect", &k),
	       KMSG_VECTOR_NONE, "text cut short");
	is_int(text("__common_interrupt: 1.211 No irq handler for vector\n", &k),
	       KMSG_VECTOR_NO_HANDLER, "a final newline, as 5.10's console tracepoint has it");
	is_int(text("__common_interrupt: 1.211 No irq handler for vector\n\n", &k),
	       KMSG_VECTOR_NONE, "only one");
	is_int(text("[    5.123456] No irq handler for 3.34", &k), KMSG_VECTOR_NONE,
	       "a time stamp is the BPF program's to strip");
	is_int(text("0,1,2,-;No irq handler for 3.34", &k), KMSG_VECTOR_NONE,
	       "a /dev/kmsg record is not a text");
}

int main(void)
{
	test_percpu();
	test_proc_interrupts();
	test_delta();
	test_spurious();
	test_kmsg();
	test_console_text();
	return tap_done();
}
