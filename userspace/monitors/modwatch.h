/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader of bpf/modwatch.bpf.c: unload requests for bmcwatch.ko (see
 * modwatch_rules.h). Not a monitor of the table: it must keep running
 * while the monitors are released, and it holds no reference on the
 * module (its probes are on the kernel, not on the module).
 */
#ifndef BMCW_MODWATCH_H
#define BMCW_MODWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "modwatch_rules.h"
#include "monitor.h"

#define MODWATCH_MODULE		"bmcwatch"

struct modwatch;

/*
 * Load and attach. Each probe is placed the least privileged way that
 * takes (fentry, kprobe.multi, then the perf kprobe: probe_path.h), and
 * the log says which (and why not the better ones); a probe that cannot
 * be placed at all is reported as health.hook_failed, with each way's
 * error. NULL when none could be (unload requests are then not seen, and
 * rmmod under the daemon just fails with "in use").
 */
struct modwatch *modwatch_open(struct bmcw_daemon *d);
/*
 * How each probe was placed:
 * "delete_module(2) probe: fentry; show_refcnt probe: fentry".
 */
void modwatch_describe(const struct modwatch *m, char *buf, size_t len);
void modwatch_close(struct modwatch *m);
int modwatch_fd(const struct modwatch *m);
/*
 * Drain the ring buffer. Returns true with *e and *how set when some event
 * since the last call asked for the module to go (the first such event).
 */
bool modwatch_take_request(struct modwatch *m, struct modw_event *e, const char **how);
/* Losses at the BPF side since the last call, to the pipeline. */
void modwatch_report_losses(struct modwatch *m);
/* /sys/module/bmcwatch now. */
void modwatch_look(struct modwatch_seen *s);

#endif /* BMCW_MODWATCH_H */
