/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's debugfs tables about itself, one key=value record per line,
 * free text last:
 *   hooks   hook=MONITOR/SYMBOL state=S err=N missed=N kind=K module=M # UNSEEN
 *   losses  loss=NAME count=N # MEANING
 *   health  # instance=HEX16 last_seq=N kept=N
 *           seq=N ts=N kind=N monitor=N err=N count=N delivered=0|1 pid=N
 *           comm=S what=S detail=TEXT TO THE END OF THE LINE
 * and the sysfs abi_version ("MAJOR.MINOR"). Pure functions over one line
 * (no I/O), shared by the daemon and a fuzzer. Keys a newer module adds
 * are ignored; a row that lacks a key this reader needs, or whose value
 * does not parse, is refused as a whole (KMODTAB_BAD), never half read.
 * Hook rows go through hooktab.h for the fields it knows.
 */
#ifndef BMCW_KMODTAB_H
#define BMCW_KMODTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooktab.h"

enum kmodtab_result {
	KMODTAB_ROW = 0,	/* the struct is filled */
	KMODTAB_OTHER = 1,	/* not a row of this table (blank, comment) */
	KMODTAB_BAD = -1,	/* a row that does not parse */
};

/* debugfs "hooks" state=, as enum bmcw_hook_state in kmod/hook.h */
enum kmodtab_hook_state {
	KMODTAB_HOOK_WAITING,	/* its module is not loaded: nothing to see */
	KMODTAB_HOOK_PLACED,
	KMODTAB_HOOK_FAILED,	/* could not be placed: a blind spot */
	KMODTAB_HOOK_REMOVED,	/* its module went away; placed when it returns */
	KMODTAB_HOOK_UNUSED,	/* not needed on this host */
	KMODTAB_HOOK_UNKNOWN,	/* a state a newer module added */
	KMODTAB_HOOK_STATES,
};

struct kmodtab_hook {
	struct hooktab_row row;		/* hook, state, err, missed */
	enum kmodtab_hook_state state;
	char monitor[16];		/* before the '/': pcie, ipmi, dma, lpc */
	char symbol[HOOKTAB_NAME_MAX];	/* after it */
	char kind[16];			/* kprobe, kretprobe, other; "" if absent */
	char module[64];		/* vmlinux or a module; "" if absent */
	char unseen[160];		/* what is unseen without it; "" if none */
};

int kmodtab_hook_parse(const char *line, struct kmodtab_hook *h);
const char *kmodtab_hook_state_name(enum kmodtab_hook_state s);

struct kmodtab_loss {
	char name[32];
	uint64_t count;
	char what[160];			/* "" if the row has no comment */
};

int kmodtab_loss_parse(const char *line, struct kmodtab_loss *l);

/* The health table's first line. */
struct kmodtab_health_head {
	uint64_t instance;		/* one load of the module; never 0 */
	uint64_t last_seq;		/* the newest event's sequence number */
	unsigned int kept;		/* rows that follow */
};

int kmodtab_health_head_parse(const char *line, struct kmodtab_health_head *h);

/* Sizes as struct bmcw_health_event's, with their NUL. */
struct kmodtab_health_row {
	uint64_t seq, ts_ns, count;
	uint32_t kind, pid;
	int32_t err;
	uint8_t monitor;
	bool delivered;			/* a consumer was attached when raised */
	char comm[16];			/* "" for "-" */
	char what[32];			/* "" for "-" */
	char detail[96];
};

int kmodtab_health_parse(const char *line, struct kmodtab_health_row *r);

/* "1.2\n" -> 1, 2; 0, or -1 when it is not MAJOR.MINOR. */
int kmodtab_abi_parse(const char *text, unsigned int *major, unsigned int *minor);

/*
 * Whether a daemon of ABI @our_major.@our_minor may attach to a module
 * whose abi_version reads @text: the same major, any minor (ABI_VERSIONING).
 * 0 with *minor set; -1 with @why saying what to do.
 */
int kmodtab_abi_check(const char *text, unsigned int our_major, unsigned int our_minor,
		      unsigned int *minor, char *why, size_t len);

#endif /* BMCW_KMODTAB_H */
