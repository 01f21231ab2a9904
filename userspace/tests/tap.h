/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP producer: "ok N - name" / "not ok N - name" with diagnostics
 * as "# ..." lines, and the plan "1..N" at the end (TAP allows a trailing
 * plan). tap_done() returns the exit status: nonzero if anything failed.
 */
#ifndef BMCW_TAP_H
#define BMCW_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__))		\
		printf("#   got:  '%s'\n#   want: '%s'\n",		\
		       g_ ? g_ : "(null)", w_ ? w_ : "(null)");	\
} while (0)

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_);	\
} while (0)

static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* BMCW_TAP_H */
