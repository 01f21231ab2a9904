/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The baseline (/var/lib/bmcwatch/baseline.json): the host's PCI inventory
 * and host fingerprint when it was learnt, plus an optional traffic profile
 * (config-space writers and read volume from the running daemon's counters).
 *
 * Writes are atomic (temporary file in the same directory, fsync, rename,
 * fsync of the directory). A file that exists but does not parse is an
 * error with a message saying what is wrong and where; nothing here ever
 * replaces it on its own.
 *
 * Parsing, serialising, diffing and turning differences into alerts are
 * pure functions, so the unit tests and fuzzers drive them without files.
 */
#ifndef BMCW_BASELINE_H
#define BMCW_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "inventory.h"

#define BASELINE_FORMAT		"bmcwatch-baseline"
#define BASELINE_VERSION	1
#define BASELINE_MAX_BYTES	(16u << 20)

/* One counter of the traffic profile: config accesses by key. */
struct baseline_counter {
	char bdf[16];
	char cls[16];			/* pcie_class_name() */
	char dir[8];			/* "read" | "write" */
	char origin[8];			/* pcie_origin_name() */
	uint64_t count;
	double rate;			/* per second over the sample, 0 if none */
};

struct baseline {
	char created[32];		/* RFC 3339 */
	char host[256];
	struct inventory inv;		/* functions + host fingerprint */
	bool has_profile;
	unsigned int sample_s;		/* seconds the rates were measured over */
	uint64_t reads_total;		/* all config reads */
	size_t n_counters;		/* writes, by bdf/class/origin */
	struct baseline_counter *counters;
};

void baseline_free(struct baseline *b);
int baseline_add_counter(struct baseline *b, const struct baseline_counter *c);

/* JSON text (malloc'd, caller frees) or NULL out of memory. */
char *baseline_to_json(const struct baseline *b);
/*
 * Parse @len bytes; 0, or -1 with a message naming the first problem
 * ("not valid JSON at byte 17: ...", "functions[2].vendor: ...").
 */
int baseline_parse(const char *text, size_t len, struct baseline *b,
		   char *err, size_t errlen);
/*
 * Load @path: 0; -ENOENT when there is no baseline (err says so); any other
 * negative value for an unreadable or corrupt file, with err prefixed by
 * the path and ending in what to do about it.
 */
int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen);
/*
 * Write atomically. Refuses (-EEXIST) to replace an existing file unless
 * @replace, and never replaces a corrupt one unless @replace_corrupt.
 */
int baseline_save(const char *path, const struct baseline *b, bool replace,
		  bool replace_corrupt, char *err, size_t errlen);

enum baseline_change_kind { BASELINE_ADDED, BASELINE_REMOVED, BASELINE_CHANGED };

struct baseline_change {
	enum baseline_change_kind kind;
	struct inv_fn was, now;		/* was: REMOVED/CHANGED; now: ADDED/CHANGED */
	char fields[96];		/* CHANGED: "vendor,device,fingerprint" */
};

/* Differences from @old to @cur, ordered by bdf; -1 out of memory. */
int baseline_diff(const struct inventory *old, const struct inventory *cur,
		  struct baseline_change **out, size_t *n);
const char *baseline_change_name(enum baseline_change_kind k);
/* The pcie.device_* alert a difference found at start deserves. */
void baseline_change_alert(const struct baseline_change *c, struct bmcw_alert *a);

#endif /* BMCW_BASELINE_H */
