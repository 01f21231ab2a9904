/* SPDX-License-Identifier: GPL-2.0 */
/* An output that keeps what it is given, for pipeline tests. */
#ifndef BMCW_TEST_CAPTURE_H
#define BMCW_TEST_CAPTURE_H

#include <string.h>

#include "output.h"

#define CAPTURE_MAX 256

struct capture {
	struct bmcw_alert a[CAPTURE_MAX];
	size_t n;
};

static int capture_emit(struct output *o, const struct bmcw_alert *a)
{
	struct capture *c = o->priv;

	if (c->n < CAPTURE_MAX)
		c->a[c->n++] = *a;
	return 0;
}

static const struct output_ops capture_ops = {
	.scheme = "capture",
	.emit = capture_emit,
};

static inline struct output *capture_output(struct capture *c)
{
	struct output_env env = { .hostname = "testhost", .pid = 42 };

	memset(c, 0, sizeof(*c));
	return output_new(&capture_ops, c, &env);
}

#endif /* BMCW_TEST_CAPTURE_H */
