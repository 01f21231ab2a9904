/* SPDX-License-Identifier: GPL-2.0 */
/* See evclock.h: kernel event stamps (CLOCK_MONOTONIC) to wall-clock time. */
#include <stdbool.h>

#include "evclock.h"

static uint64_t sys_read(clockid_t id, void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void evclock_init(struct evclock *c, evclock_read_fn read, void *ctx)
{
	*c = (struct evclock){ .read = read ? read : sys_read, .ctx = ctx };
	evclock_measure(c);
}

bool evclock_measure(struct evclock *c)
{
	uint64_t best_width = UINT64_MAX, best_mid = 0, best_real = 0;
	int64_t offset, moved;
	uint64_t slack;
	bool first = !c->measured_mono, step;

	for (int i = 0; i < EVCLOCK_SAMPLES; i++) {
		uint64_t m1 = c->read(CLOCK_MONOTONIC, c->ctx);
		uint64_t r = c->read(CLOCK_REALTIME, c->ctx);
		uint64_t m2 = c->read(CLOCK_MONOTONIC, c->ctx);

		if (m2 < m1 || m2 - m1 >= best_width)
			continue;
		best_width = m2 - m1;
		best_mid = m1 + best_width / 2;
		best_real = r;
	}
	if (best_width == UINT64_MAX)
		return false;	/* MONOTONIC went back: a broken test clock */
	offset = (int64_t)(best_real - best_mid);
	moved = offset - c->offset_ns;
	slack = EVCLOCK_STEP_MIN_NS + c->error_ns + best_width / 2 +
		(best_mid - c->measured_mono) / 1000000 * EVCLOCK_SLEW_PPM;
	step = !first && (uint64_t)(moved < 0 ? -moved : moved) > slack;
	if (step) {
		c->steps++;
		c->last_step_ns = moved;
	}
	c->offset_ns = offset;
	c->error_ns = best_width / 2;
	c->measured_mono = best_mid ? best_mid : 1;
	return step;
}

uint64_t evclock_to_real(const struct evclock *c, uint64_t mono_ns)
{
	int64_t real;

	if (!mono_ns)
		return 0;
	real = (int64_t)mono_ns + c->offset_ns;
	return real > 0 ? (uint64_t)real : 0;
}

void evclock_stamp(const struct evclock *c, struct bmcw_alert *al, size_t n,
		   uint64_t mono_ns)
{
	uint64_t t = evclock_to_real(c, mono_ns);

	if (!t)
		return;
	for (size_t i = 0; i < n; i++)
		alert_set_time(&al[i], BMCW_TIME_EVENT, t, t);
}
