/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event times. bmcwatch.ko (ktime_get_ns()) and the BPF programs
 * (bpf_ktime_get_ns()) stamp each event with CLOCK_MONOTONIC: it counts
 * from boot and is never stepped. Alerts carry wall-clock time
 * (CLOCK_REALTIME), so the daemon adds an offset, REALTIME - MONOTONIC,
 * that it measures itself:
 *
 *   EVCLOCK_SAMPLES times, read MONOTONIC (m1), REALTIME (r), MONOTONIC
 *   (m2); the sample with the shortest m2 - m1 (the least disturbed) gives
 *   offset = r - (m1 + m2) / 2, to within (m2 - m1) / 2.
 *
 * The wall clock can be stepped (settimeofday(2), an NTP step, a virtual
 * machine resumed) where MONOTONIC goes on, so the offset is measured
 * again at every turn of the daemon's loop, before the records it woke
 * for are read (a few hundred nanoseconds). An event is converted with
 * the offset of the moment it is read, milliseconds after it happened; a
 * record stamped before a step and read after it is on the stepped clock
 * (the corrected one, for an NTP step). The records read in one turn
 * share one offset, so their wall-clock order is the kernel's.
 */
#ifndef BMCW_EVCLOCK_H
#define BMCW_EVCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "alert.h"

#define EVCLOCK_SAMPLES		3
/*
 * A change of the offset between two measurements beyond what slewing
 * can do (500 ppm of the time between them, plus 1 ms) is a step.
 */
#define EVCLOCK_SLEW_PPM	500
#define EVCLOCK_STEP_MIN_NS	1000000

/* Reads clock @id in ns; tests pass their own. */
typedef uint64_t (*evclock_read_fn)(clockid_t id, void *ctx);

struct evclock {
	evclock_read_fn read;
	void *ctx;
	int64_t offset_ns;		/* REALTIME - MONOTONIC */
	uint64_t error_ns;		/* the offset is right to within this */
	uint64_t measured_mono;		/* when, CLOCK_MONOTONIC; 0: never */
	uint64_t steps;			/* steps of the wall clock seen */
	int64_t last_step_ns;		/* the last one, signed */
};

/* read NULL: clock_gettime(). Measures once. */
void evclock_init(struct evclock *c, evclock_read_fn read, void *ctx);
/*
 * Measures the offset again; returns true when it moved by more than
 * slewing explains since the last measurement (a step: c->last_step_ns).
 */
bool evclock_measure(struct evclock *c);
/*
 * CLOCK_REALTIME ns of a CLOCK_MONOTONIC stamp; 0 for a stamp of 0 (none)
 * and for a time before the epoch.
 */
uint64_t evclock_to_real(const struct evclock *c, uint64_t mono_ns);
/*
 * The @n alerts of @al come from one kernel event stamped @mono_ns: each
 * happened then (BMCW_TIME_EVENT). A stamp of 0 leaves them untouched:
 * the pipeline's clock stands in.
 */
void evclock_stamp(const struct evclock *c, struct bmcw_alert *al, size_t n,
		   uint64_t mono_ns);

#endif /* BMCW_EVCLOCK_H */
