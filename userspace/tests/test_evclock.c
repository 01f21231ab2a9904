/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel event stamps (CLOCK_MONOTONIC) to wall-clock time (evclock.h): the
 * offset measured from clock pairs on fake clocks, a wall clock stepped
 * forward and back, slewing that is no step, and the system's own clocks.
 */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "evclock.h"
#include "tap.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (1714564800ull * SEC)	/* 2024-05-01T12:00:00Z */
#define BOOT (1000 * SEC)		/* MONOTONIC when REALTIME is T0 */

/*
 * Fake clocks: both advance by @tick at every read of either; @disturb
 * extra ns are added before the REALTIME read of the first @n_disturbed
 * samples (a preemption between the reads).
 */
struct fake {
	uint64_t mono, real;
	uint64_t tick;
	uint64_t disturb;
	int n_disturbed;
	int reads;
};

static uint64_t fake_read(clockid_t id, void *ctx)
{
	struct fake *f = ctx;
	uint64_t add = f->tick;

	if (id == CLOCK_REALTIME && f->n_disturbed > 0) {
		add += f->disturb;
		f->n_disturbed--;
	}
	f->mono += add;
	f->real += add;
	f->reads++;
	return id == CLOCK_MONOTONIC ? f->mono : f->real;
}

static void test_offset(void)
{
	struct fake f = { .mono = BOOT, .real = T0, .tick = 50 };
	struct evclock c;

	evclock_init(&c, fake_read, &f);
	is_int(f.reads, 3 * EVCLOCK_SAMPLES, "%d samples of MONOTONIC, REALTIME, MONOTONIC",
	       EVCLOCK_SAMPLES);
	is_int(c.offset_ns, (int64_t)(T0 - BOOT), "offset = REALTIME - MONOTONIC");
	is_int(c.error_ns, 50, "to within half the sample's width");
	is_int(evclock_to_real(&c, BOOT - 5 * MS), T0 - 5 * MS,
	       "an event 5 ms before the measurement: 5 ms before on the wall clock");
	is_int(evclock_to_real(&c, 0), 0, "a stamp of 0 is no time");

	/* a wall clock never set: 5 s after the epoch, 1000 s after boot */
	f = (struct fake){ .mono = BOOT, .real = 5 * SEC, .tick = 50 };
	evclock_init(&c, fake_read, &f);
	is_int(evclock_to_real(&c, 100 * SEC), 0, "a time before the epoch is no time");
	is_int(evclock_to_real(&c, BOOT - SEC), 4 * SEC, "one after it is");

	/* the first sample preempted for 3 ms between its reads: not used */
	f = (struct fake){ .mono = BOOT, .real = T0, .tick = 50,
			   .disturb = 3 * MS, .n_disturbed = 1 };
	evclock_init(&c, fake_read, &f);
	is_int(c.offset_ns, (int64_t)(T0 - BOOT),
	       "a sample disturbed between its reads is not the one used");
	is_int(c.error_ns, 50, "the narrowest sample is");
}

static void test_stepped(void)
{
	struct fake f = { .mono = BOOT, .real = T0, .tick = 50 };
	uint64_t before = BOOT + 10 * SEC, after;
	struct evclock c;

	evclock_init(&c, fake_read, &f);
	f.mono += 10 * SEC;
	f.real += 10 * SEC;
	ok(!evclock_measure(&c), "10 s later, no step");
	is_int(evclock_to_real(&c, before), T0 + 10 * SEC,
	       "an event at MONOTONIC +10 s is at REALTIME +10 s");

	/* settimeofday(): the wall clock jumps an hour ahead */
	f.real += 3600 * SEC;
	is_int(evclock_to_real(&c, before), T0 + 10 * SEC,
	       "until measured again, the old offset");
	ok(evclock_measure(&c), "measured again: a step");
	is_int(c.steps, 1, "counted");
	is_int(c.last_step_ns, (int64_t)(3600 * SEC), "by +3600 s");
	after = f.mono + 1 * MS;
	is_int(evclock_to_real(&c, after), f.real + 1 * MS,
	       "an event after the step is on the stepped wall clock");
	is_int(evclock_to_real(&c, before), T0 + 3610 * SEC,
	       "one stamped before it and read after it too (evclock.h)");
	ok(evclock_to_real(&c, before) < evclock_to_real(&c, after),
	   "the kernel's order is kept across the step");

	/* back by 30 s (an NTP step) */
	f.real -= 30 * SEC;
	ok(evclock_measure(&c) && c.steps == 2 && c.last_step_ns == -(int64_t)(30 * SEC),
	   "a step back by 30 s is seen, signed");
	is_int(evclock_to_real(&c, before), T0 + 3580 * SEC, "and applied");

	/* slewing: 200 ppm over 10 s is 2 ms, within what slewing does */
	f.mono += 10 * SEC;
	f.real += 10 * SEC + 2 * MS;
	ok(!evclock_measure(&c), "200 ppm of slewing is no step");
	is_int(c.steps, 2, "not counted");
	is_int(evclock_to_real(&c, before), T0 + 3580 * SEC + 2 * MS,
	       "but the offset follows it");
}

static void test_stamp(void)
{
	struct fake f = { .mono = BOOT, .real = T0, .tick = 0 };
	struct bmcw_alert al[2];
	struct evclock c;

	evclock_init(&c, fake_read, &f);
	memset(al, 0, sizeof(al));
	evclock_stamp(&c, al, 2, BOOT - 250 * MS);
	ok(al[0].first_ns == T0 - 250 * MS && al[0].last_ns == T0 - 250 * MS &&
	   al[1].last_ns == T0 - 250 * MS,
	   "every alert of an event gets its time as first and last");
	ok(al[0].time_src == BMCW_TIME_EVENT && al[1].time_src == BMCW_TIME_EVENT,
	   "as the event's own (time_source event)");
	is_str(time_src_name(al[0].time_src), "event", "named event");
	memset(al, 0, sizeof(al));
	evclock_stamp(&c, al, 1, 0);
	ok(!al[0].first_ns && !al[0].last_ns && al[0].time_src == BMCW_TIME_DAEMON,
	   "an unstamped event leaves the time to the pipeline");
}

static void test_system(void)
{
	struct timespec m, r;
	struct evclock c;
	uint64_t mono, real, got;

	evclock_init(&c, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	mono = (uint64_t)m.tv_sec * SEC + m.tv_nsec;
	real = (uint64_t)r.tv_sec * SEC + r.tv_nsec;
	got = evclock_to_real(&c, mono);
	ok(got <= real + MS && got + MS >= real,
	   "the system's clocks: MONOTONIC now converts to REALTIME now within 1 ms (off by %lld ns)",
	   (long long)(got - real));
	ok(c.error_ns < MS, "measured to within %llu ns", (unsigned long long)c.error_ns);
}

int main(void)
{
	test_offset();
	test_stepped();
	test_stamp();
	test_system();
	return tap_done();
}
