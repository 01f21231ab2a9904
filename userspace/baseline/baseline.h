/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The baseline (/var/lib/bmcwatch/baseline.json): the host's PCI inventory
 * and host fingerprint when it was learnt, plus two optional profiles:
 *  - "profile": config-space writers and read volume (bmcwatch baseline
 *    save, from the running daemon's counters);
 *  - "traffic" (version 2): what bmcwatchd --learn --learn-seconds N saw
 *    in N seconds cut into windows of window_s: every IPMI command by
 *    netfn/cmd/direction/origin class, the interrupts of each BMC function
 *    by vector, SMS_ATN attentions, each with its total, its largest and
 *    its mean count per window; and the BMC's identity answers.
 * Version 1 files (no traffic) are still read; enforcement of the traffic
 * profile then stays off.
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

#include <linux/bmcwatch.h>

#include "alert.h"
#include "inventory.h"

#define BASELINE_FORMAT		"bmcwatch-baseline"
#define BASELINE_VERSION	2	/* written; 2 added "traffic" */
#define BASELINE_MIN_VERSION	1	/* oldest still read */
#define BASELINE_MAX_BYTES	(16u << 20)
#define BASELINE_MAX_ENTRIES	65536	/* per traffic list */
#define BASELINE_ID_BYTES	16

/* One counter of the traffic profile: config accesses by key. */
struct baseline_counter {
	char bdf[BDF_STR_MAX];
	char cls[16];			/* pcie_class_name() */
	char dir[8];			/* "read" | "write" */
	char origin[8];			/* pcie_origin_name() */
	uint64_t count;
	double rate;			/* per second over the sample, 0 if none */
};

/* Events per window while learning. */
struct baseline_rate {
	uint64_t count;			/* in all complete windows */
	uint64_t max;			/* the most in one window */
	double mean;			/* count / windows */
};

/* IPMI commands by the key of the per-CPU counters, cc summed over. */
struct baseline_ipmi_cmd {
	uint8_t netfn;			/* request netfn (even) */
	uint8_t cmd;
	uint8_t dir;			/* 0 request (host->BMC), 1 response */
	uint8_t origin;			/* enum bmcw_ipmi_origin */
	struct baseline_rate r;
};

/* Interrupts of a BMC function. */
struct baseline_irq {
	char bdf[BDF_STR_MAX];
	unsigned int vector;		/* rank among the function's irqs */
	unsigned int irq;		/* Linux irq number then: informative */
	struct baseline_rate r;
};

/* A Get Device ID / GUID answer (data bytes after the cc). */
struct baseline_ident {
	bool seen;
	uint8_t len;
	uint8_t b[BASELINE_ID_BYTES];
};

enum baseline_ident_kind {
	BASELINE_ID_DEVICE,		/* Get Device ID, "available" bit cleared */
	BASELINE_ID_DEVICE_GUID,
	BASELINE_ID_SYSTEM_GUID,
	BASELINE_ID_COUNT,
};

struct baseline_traffic {
	unsigned int window_s;		/* window length */
	unsigned int windows;		/* complete windows learnt */
	struct baseline_rate attention;	/* SMS_ATN */
	size_t n_ipmi;			/* sorted by netfn, cmd, dir, origin */
	struct baseline_ipmi_cmd *ipmi;
	size_t n_irqs;			/* sorted by bdf, vector */
	struct baseline_irq *irqs;
	struct baseline_ident id[BASELINE_ID_COUNT];
};

/*
 * A USB device of the BMC's present when the baseline was learnt: the
 * port it sits behind and its ids ("usb_devices", version 2; absent from
 * older files, which then say nothing about USB).
 */
struct baseline_usb {
	char port[BMCW_USB_PORT_LEN];	/* "0000:00:14.0-1.2" */
	uint16_t vendor, product;
	char role[32];			/* usb_dev_role(): for the reader */
};

struct baseline {
	unsigned int version;		/* as read (parse), or 0 */
	char created[32];		/* RFC 3339 */
	char host[256];
	struct inventory inv;		/* functions + host fingerprint */
	bool has_profile;
	unsigned int sample_s;		/* seconds the rates were measured over */
	uint64_t reads_total;		/* all config reads */
	size_t n_counters;		/* writes, by bdf/class/origin */
	struct baseline_counter *counters;
	bool has_traffic;
	struct baseline_traffic traffic;
	bool has_usb;			/* the file lists the BMC's USB devices */
	size_t n_usb;			/* sorted by port, vendor, product */
	struct baseline_usb *usb;
};

void baseline_free(struct baseline *b);
int baseline_add_counter(struct baseline *b, const struct baseline_counter *c);
/* Append to the traffic lists (the caller sorts: baseline_traffic_sort). */
int baseline_add_ipmi(struct baseline_traffic *t, const struct baseline_ipmi_cmd *c);
int baseline_add_irq(struct baseline_traffic *t, const struct baseline_irq *q);
void baseline_traffic_sort(struct baseline_traffic *t);
void baseline_traffic_free(struct baseline_traffic *t);
/* Lookups in a sorted profile; NULL when it was never seen. */
const struct baseline_ipmi_cmd *baseline_find_ipmi(const struct baseline_traffic *t,
						   uint8_t netfn, uint8_t cmd,
						   uint8_t dir, uint8_t origin);
const struct baseline_irq *baseline_find_irq(const struct baseline_traffic *t,
					     const char *bdf, unsigned int vector);
/* Append (the caller sorts: baseline_usb_sort). */
int baseline_add_usb(struct baseline *b, const struct baseline_usb *u);
void baseline_usb_sort(struct baseline *b);
/* The device at @port with these ids in a sorted list, or NULL. */
const struct baseline_usb *baseline_find_usb(const struct baseline *b, const char *port,
					     uint16_t vendor, uint16_t product);
/* "device_id", "device_guid", "system_guid" */
const char *baseline_ident_name(enum baseline_ident_kind k);

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
