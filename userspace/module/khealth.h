/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's health events (struct bmcw_health_event, or a row of the
 * debugfs health table) as alerts an operator can act on: what happened,
 * which process did it, what is unseen now; the rule's response says what
 * to do. Also which sequence numbers have been raised, so that an event
 * is raised once whether it comes live through BPF, is replayed from the
 * module's table at attach, or both. Pure functions (no I/O): unit tests
 * drive them with hand-made events.
 */
#ifndef BMCW_KHEALTH_H
#define BMCW_KHEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/bmcwatch.h>

#include "alert.h"
#include "kmodtab.h"

/* One health event, whichever way it came. */
struct khealth_event {
	uint64_t seq;			/* 0: an older module's, not numbered */
	uint64_t ts_ns;			/* CLOCK_MONOTONIC */
	uint64_t count;			/* EVENTS_LOST: how many */
	uint32_t kind;			/* enum bmcw_health_kind */
	int32_t err;
	uint32_t pid;			/* who caused it, 0 if not known */
	uint8_t monitor;		/* enum bmcw_monitor */
	bool v1;			/* a module before ABI 1.2: what/err only */
	char what[32];			/* hook, knob, bus or counter */
	char comm[BMCW_COMM_LEN];
	char detail[BMCW_HEALTH_DETAIL_LEN];
};

/*
 * From a ring-buffer record's body of @len bytes (struct bmcw_rec_hdr.len)
 * sent while a module of ABI minor @minor is loaded. Modules before 1.2
 * sent BMCW_HEALTH_EVENT_V1_SIZE bytes; what a newer BPF object copied
 * beyond that from such a module is not theirs and is ignored. -1 when
 * too short to be a health event.
 */
int khealth_from_record(const void *body, size_t len, unsigned int minor,
			struct khealth_event *e);
void khealth_from_row(const struct kmodtab_health_row *r, struct khealth_event *e);

/* What the caller knows beyond the event. */
struct khealth_ctx {
	pid_t self;			/* bmcwatchd: its own knob writes are info */
	const char *exe;		/* the process's executable, "" if unknown */
	bool replayed;			/* from the module's table, not live */
	const char *replay_why;		/* "raised before bmcwatchd attached", ... */
	uint64_t event_realtime_ns;	/* when it happened (replayed), or 0 */
};

/* The one alert the event deserves. */
void khealth_alert(const struct khealth_event *e, const struct khealth_ctx *c,
		   struct bmcw_alert *al);

/* "module", "pcie", "ipmi", "dma", "lpc"; "monitor N" past those */
const char *khealth_monitor_name(unsigned int monitor, char *buf, size_t len);

/*
 * Which health events of one module instance were raised: every sequence
 * number up to @high's window is settled (raised, or accounted for) or
 * expected (a bit clear: it should come through BPF). The window is as
 * long as the module's table (64), so what is not settled in it can still
 * be read there.
 */
#define KHEALTH_WINDOW	64

struct khealth_track {
	uint64_t instance;		/* 0: not tracking (older module) */
	uint64_t high;			/* the newest sequence number known */
	uint64_t bits;			/* bit i: high - i is settled */
	uint64_t dropped;		/* expected ones that left the window */
};

/* Start at @instance with everything up to @high settled. */
void khealth_track_reset(struct khealth_track *t, uint64_t instance, uint64_t high);
/* @seq (<= high) is expected through BPF: not settled yet. */
void khealth_track_expect(struct khealth_track *t, uint64_t seq);
/*
 * true when @seq is new: raise it (it is then settled). A number far
 * ahead moves the window: expected ones that leave it unsettled can no
 * longer be read from the table and are counted in dropped.
 */
bool khealth_track_take(struct khealth_track *t, uint64_t seq);
/* The expected ones not settled yet, oldest first (at most @max). */
size_t khealth_track_missing(const struct khealth_track *t, uint64_t *out, size_t max);

#endif /* BMCW_KHEALTH_H */
