/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ways a BPF program can be put on the entry of a kernel function,
 * least privilege first, and the choice among them (pure: no libbpf).
 *
 *  fentry        BPF trampoline, bpf(2) only (BPF_LINK_CREATE, or
 *                BPF_RAW_TRACEPOINT_OPEN before 5.13): CAP_BPF and
 *                CAP_PERFMON. 5.5+, the function in vmlinux BTF.
 *  kprobe.multi  fprobe link, bpf(2) only (BPF_LINK_CREATE): CAP_BPF and
 *                CAP_PERFMON. 5.18+ with CONFIG_FPROBE (not Debian's 6.1).
 *  kprobe        perf_event_open(2): CAP_PERFMON, and CAP_SYS_ADMIN where
 *                kernel.perf_event_paranoid > 2, Debian's default
 *                (CONFIG_SECURITY_PERF_EVENTS_RESTRICT), where it fails
 *                with EACCES.
 *
 * A loader loads the programs of the paths it can, falling back to fewer
 * when the object does not load (probe_load_next()), then tries them in
 * this order for each probe and keeps the first that attaches
 * (struct probe_try).
 */
#ifndef BMCW_PROBE_PATH_H
#define BMCW_PROBE_PATH_H

#include <stdbool.h>
#include <stddef.h>

enum probe_path {
	PROBE_FENTRY,
	PROBE_KPROBE_MULTI,
	PROBE_KPROBE,
	PROBE_NPATHS,
};

#define PROBE_BIT(p)	(1U << (p))
#define PROBE_ALL	(PROBE_BIT(PROBE_NPATHS) - 1)

/* "fentry", "kprobe.multi", "kprobe"; "?" out of range. */
const char *probe_path_name(enum probe_path p);
/* How it is placed: "BPF trampoline", "fprobe link", "perf_event_open". */
const char *probe_path_how(enum probe_path p);

/*
 * The next set of paths (PROBE_BIT()s) to load, after those in @tried (a
 * bitmap indexed by set: bit S for set S), from the paths some probe can
 * take (@avail): all of them, then without kprobe.multi, then without
 * fentry, then the kprobe alone; a set that comes to one already tried
 * (within @avail) is skipped. 0 when none is left.
 */
unsigned int probe_load_next(unsigned int avail, unsigned int tried);

/* One probe's attempts, path by path. */
struct probe_try {
	int err[PROBE_NPATHS];	/* 0: not tried, else its errno */
	unsigned int unloaded;	/* PROBE_BIT()s of err[] that are load errors */
	int placed;		/* the path that took, or -1 */
};

void probe_try_init(struct probe_try *t);
/* @err: 0 when it took (later results are then ignored), else the errno. */
void probe_try_result(struct probe_try *t, enum probe_path p, int err);
/*
 * Its program was not loaded: the objects loaded with it failed with
 * @err, or 0 for never loaded (the probe cannot take that path here).
 */
void probe_try_unloaded(struct probe_try *t, enum probe_path p, int err);
bool probe_try_placed(const struct probe_try *t);
/*
 * Why each path tried did not take, in order, "; "-separated:
 * "fentry: not in the kernel's BTF; kprobe: Permission denied
 * (perf_event_open(2) wants CAP_SYS_ADMIN at perf_event_paranoid > 2)".
 * "" when nothing failed.
 */
void probe_try_errors(const struct probe_try *t, char *buf, size_t len);
/* Path @p's entry of probe_try_errors(), without the name, into @buf. */
const char *probe_try_error(const struct probe_try *t, enum probe_path p,
			    char *buf, size_t len);

#endif /* BMCW_PROBE_PATH_H */
