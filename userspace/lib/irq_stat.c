// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers of the kernel's interrupt accounting text (see irq_stat.h). The
 * text comes from the kernel but is parsed as if it could be anything:
 * bounded, no sscanf on numbers that may overflow.
 */
#include <stdbool.h>
#include <string.h>

#include "irq_stat.h"

/* A decimal number at *p (before @end) into *v, at most @max. */
static bool take_uint(const char **p, const char *end, uint64_t max,
		      uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned int d = *s++ - '0';

		if (n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	*p = s;
	return true;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

int irq_stat_parse_percpu(const char *text, uint32_t *out, unsigned int max)
{
	const char *p = text, *end = text + strlen(text);
	unsigned int n = 0;
	uint64_t v;

	for (;;) {
		if (!take_uint(&p, end, UINT32_MAX, &v))
			return -1;
		if (n < max)
			out[n] = v;
		n++;
		if (p == end || *p == '\n')
			break;
		if (*p++ != ',')
			return -1;
	}
	return n < max ? (int)n : (int)max;
}

int irq_stat_parse_header(const char *line, unsigned int *cpu_of_col,
			  unsigned int max)
{
	const char *p = line, *end = line + strlen(line);
	unsigned int n = 0;
	uint64_t v;

	for (;;) {
		p = skip_blanks(p, end);
		if (p == end || *p == '\n')
			break;
		if (end - p < 3 || memcmp(p, "CPU", 3))
			return -1;
		p += 3;
		if (!take_uint(&p, end, UINT32_MAX, &v) || n >= max)
			return -1;
		cpu_of_col[n++] = v;
	}
	return n ? (int)n : -1;
}

int irq_stat_parse_line(const char *line, unsigned int irq,
			const unsigned int *cpu_of_col, unsigned int ncol,
			uint32_t *out, unsigned int max)
{
	const char *p = line, *end = line + strlen(line);
	uint64_t v;

	p = skip_blanks(p, end);
	/* Architecture rows ("NMI:", "LOC:") are not numbered irqs. */
	if (p < end && (*p < '0' || *p > '9'))
		return 0;
	if (!take_uint(&p, end, UINT32_MAX, &v) || p == end || *p != ':')
		return -1;
	if (v != irq)
		return 0;
	p++;
	for (unsigned int c = 0; c < ncol; c++) {
		p = skip_blanks(p, end);
		if (!take_uint(&p, end, UINT32_MAX, &v))
			return -1;
		if (cpu_of_col[c] < max)
			out[cpu_of_col[c]] = v;
	}
	return 1;
}

uint64_t irq_stat_delta(uint32_t prev, uint32_t cur)
{
	if (cur >= prev)
		return cur - prev;
	if (prev >= 1U << 31)
		return (uint64_t)cur + (UINT32_MAX - prev) + 1;	/* wrapped */
	return cur;	/* a new descriptor under the same number */
}

/* "KEY VALUE" at the start of a line of @text. */
static bool field(const char *text, const char *key, uint32_t *v)
{
	size_t kl = strlen(key);
	const char *p = text, *end = text + strlen(text);
	uint64_t n;

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > kl && !memcmp(p, key, kl) && p[kl] == ' ') {
			const char *q = p + kl + 1;

			if (!take_uint(&q, eol, UINT32_MAX, &n))
				return false;
			*v = n;
			return true;
		}
		p = eol + (eol < end);
	}
	return false;
}

int irq_spurious_parse(const char *text, struct irq_spurious *s)
{
	if (!field(text, "count", &s->count) ||
	    !field(text, "unhandled", &s->unhandled) ||
	    !field(text, "last_unhandled", &s->last_ms))
		return -1;
	return 0;
}

uint64_t irq_unhandled_delta(const struct irq_spurious *prev,
			     const struct irq_spurious *cur,
			     uint64_t interrupts, uint32_t restart_ms,
			     int *exact)
{
	uint32_t moved = cur->last_ms - prev->last_ms;	/* wraps like the kernel's */

	*exact = 1;
	if (!moved)
		return 0;
	if (moved <= restart_ms && cur->unhandled >= prev->unhandled &&
	    (uint64_t)prev->count + interrupts < IRQ_SPURIOUS_PERIOD)
		return cur->unhandled - prev->unhandled;
	*exact = 0;
	/*
	 * A restart may have happened. Without one it is cur - prev; with
	 * one, at least cur (those after the last restart); and at least one,
	 * since last_unhandled moved.
	 */
	if (cur->unhandled > prev->unhandled)
		return cur->unhandled - prev->unhandled;
	return cur->unhandled ? cur->unhandled : 1;
}

/*
 * The message and the note of its rate limit (pr_emerg_ratelimited: the
 * note is lib/ratelimit.c's "%s: %d callbacks suppressed", named after the
 * function that holds the limit) in each form the kernel has printed,
 * read from Debian's 5.10.223, 6.1, 6.12.95 and 7.2.12 images:
 *  - 5.10 and 6.1, in __common_interrupt():
 *	"__common_interrupt: CPU.VECTOR No irq handler for vector"
 *	"__common_interrupt: N callbacks suppressed"
 *  - 6.12 and 7.2, in reevaluate_vector() (which stable branches of older
 *    kernels may have taken too, so the form is not a version):
 *	"No irq handler for CPU.VECTOR"
 *	"reevaluate_vector: N callbacks suppressed"
 * Both are accepted on any kernel.
 */
#define OLD_PREFIX		"__common_interrupt: "
#define OLD_NO_HANDLER		" No irq handler for vector"
#define NEW_NO_HANDLER		"No irq handler for "
#define SUPPRESSED		" callbacks suppressed"

static const char *const limit_holders[] = {
	OLD_PREFIX,
	"reevaluate_vector: ",
};

static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* "CPU.VECTOR" at *p; the vector is a byte (the IDT has 256 entries). */
static bool take_cpu_vector(const char **p, const char *end, uint64_t *cpu,
			    uint64_t *vector)
{
	const char *s = *p;

	if (!take_uint(&s, end, UINT32_MAX, cpu) || s == end || *s++ != '.' ||
	    !take_uint(&s, end, 255, vector))
		return false;
	*p = s;
	return true;
}

enum kmsg_vector_kind kmsg_parse_vector_text(const char *text, size_t len,
					     struct kmsg_vector *out)
{
	const char *p = text, *end = text + len, *holder = NULL;
	uint64_t a, b;

	memset(out, 0, sizeof(*out));
	/* a console prints the line with its newline (5.10's tracepoint) */
	if (end > p && end[-1] == '\n')
		end--;
	/* 6.12, 7.2: the whole text is the message */
	if (starts(p, end, NEW_NO_HANDLER)) {
		p += strlen(NEW_NO_HANDLER);
		if (!take_cpu_vector(&p, end, &a, &b) || p != end)
			return KMSG_VECTOR_NONE;
		goto no_handler;
	}

	for (size_t i = 0; i < sizeof(limit_holders) / sizeof(limit_holders[0]); i++)
		if (starts(p, end, limit_holders[i])) {
			holder = limit_holders[i];
			break;
		}
	if (!holder)
		return KMSG_VECTOR_NONE;
	p += strlen(holder);

	/* 5.10, 6.1: the function's name, then the message */
	if (holder == limit_holders[0] && take_cpu_vector(&p, end, &a, &b)) {
		if (!starts(p, end, OLD_NO_HANDLER) ||
		    p + strlen(OLD_NO_HANDLER) != end)
			return KMSG_VECTOR_NONE;
		goto no_handler;
	}

	if (!take_uint(&p, end, UINT32_MAX, &a) || !starts(p, end, SUPPRESSED) ||
	    p + strlen(SUPPRESSED) != end)
		return KMSG_VECTOR_NONE;
	out->suppressed = a;
	return out->kind = KMSG_VECTOR_SUPPRESSED;

no_handler:
	out->cpu = a;
	out->vector = b;
	return out->kind = KMSG_VECTOR_NO_HANDLER;
}

enum kmsg_vector_kind kmsg_parse_vector(const char *rec, size_t len,
					struct kmsg_vector *out)
{
	const char *p = rec, *end = rec + len, *eol;
	uint64_t pri, seq;

	memset(out, 0, sizeof(*out));
	/* "PRI,SEQ,..." then the text after the first ';' */
	if (!take_uint(&p, end, UINT32_MAX, &pri) || p == end || *p++ != ',' ||
	    !take_uint(&p, end, UINT64_MAX, &seq))
		return KMSG_VECTOR_NONE;
	p = memchr(p, ';', end - p);
	if (!p)
		return KMSG_VECTOR_NONE;
	p++;
	eol = memchr(p, '\n', end - p);
	if (eol)
		end = eol;
	if (kmsg_parse_vector_text(p, end - p, out) != KMSG_VECTOR_NONE)
		out->seq = seq;
	return out->kind;
}
