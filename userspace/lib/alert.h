/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An alert: the one thing every monitor produces and every output consumes.
 * Rules fill one of these and hand it to the pipeline (pipeline.h), which
 * aggregates, rate-limits and fans it out to the outputs.
 *
 * Every field is stored by value (fixed buffers, no pointers but the rule
 * name, which points into the static rule table) so the pipeline can copy an
 * alert into an aggregate and keep it after the monitor's buffers are gone.
 */
#ifndef BMCW_ALERT_H
#define BMCW_ALERT_H

#include <stdint.h>
#include <sys/types.h>

enum bmcw_severity {
	BMCW_SEV_INFO = 0,
	BMCW_SEV_NOTICE,
	BMCW_SEV_WARNING,
	BMCW_SEV_CRITICAL,
	BMCW_SEV_COUNT,
};

/* What an alert is about; unset fields are zero / empty strings. */
struct bmcw_subject {
	/* a PCI function */
	int has_device;
	char bdf[16];			/* "0000:00:03.0" */
	uint16_t vendor, device;
	uint32_t fn_flags;		/* BMCW_FN_* */
	/* a process */
	int has_process;
	pid_t pid;
	char comm[16];
	char exe[256];
	/* a port, register or other locus, free text ("cfg 0x04", "port 0x2e") */
	char locus[64];
};

/* One extra structured field; key is [a-z0-9_], value free text. */
struct bmcw_kv {
	char key[32];
	char value[96];
};

#define BMCW_ALERT_MAX_EXTRA	10

/*
 * What an alert's first_ns and last_ns are (combined, an alert standing for
 * several occurrences has the least exact of theirs: the lowest value).
 */
enum bmcw_time_src {
	/* the daemon's clock when it took the occurrence: nothing better known */
	BMCW_TIME_DAEMON = 0,
	/* a sweep of counters: it happened between first_ns and last_ns */
	BMCW_TIME_WINDOW,
	/* the kernel's stamp of the event itself (evclock.h) */
	BMCW_TIME_EVENT,
	BMCW_TIME_SRC_COUNT,
};

struct bmcw_alert {
	const char *rule;		/* "pcie.config_write": from rules.c */
	/*
	 * Severity: the pipeline uses the policy's override for the rule if
	 * the config sets one, else the higher of this and the rule's
	 * default. A zero-initialised alert (INFO) thus means "rule default".
	 */
	enum bmcw_severity severity;
	struct bmcw_subject subject;
	char message[256];		/* one line: what happened */
	char why[256];			/* why it is unexpected */
	/*
	 * Occurrences this alert stands for. Filled by the pipeline; a
	 * monitor may set it on submit when one observation stands for
	 * several occurrences (an event that counts N NMIs); 0 means 1.
	 */
	uint64_t count;
	/*
	 * When it happened, CLOCK_REALTIME. A monitor sets them on submit
	 * (alert_set_time(), evclock_stamp()): the kernel's time of the
	 * event, or the window of a sweep; left 0, the pipeline's clock at
	 * submission stands in (BMCW_TIME_DAEMON). The pipeline then sets
	 * the earliest and the latest of the occurrences the alert stands
	 * for, whatever order they were submitted in.
	 */
	uint64_t first_ns, last_ns;
	enum bmcw_time_src time_src;
	/* filled by the pipeline */
	uint64_t created_ns;		/* CLOCK_REALTIME: when it made this alert */
	uint64_t seq;			/* per-daemon sequence number */
	/* extra structured fields, the first n_extra are set */
	unsigned int n_extra;
	struct bmcw_kv extra[BMCW_ALERT_MAX_EXTRA];
};

/* Append an extra field; returns -1 if the alert has no room left. */
int alert_add_extra(struct bmcw_alert *a, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets when the alert happened: [first_ns, last_ns], CLOCK_REALTIME. */
void alert_set_time(struct bmcw_alert *a, enum bmcw_time_src src,
		    uint64_t first_ns, uint64_t last_ns);
/* "daemon", "window", "event" */
const char *time_src_name(enum bmcw_time_src src);

const char *severity_name(enum bmcw_severity sev);
/* Returns 0 and sets *sev, or -1 for an unknown name. */
int severity_parse(const char *name, enum bmcw_severity *sev);

#endif /* BMCW_ALERT_H */
