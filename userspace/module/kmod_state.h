/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's view of bmcwatch.ko itself, so that going blind always
 * leaves evidence:
 *  - at attach: the ABI version (a different major is refused), the
 *    health events raised while no daemon listened (replayed once, from
 *    debugfs "health"), the hooks that could not be placed;
 *  - live: each health event from the ring buffer, raised once (the
 *    sequence numbers tell a replayed or repeated one), gaps in the
 *    numbering recovered from the table or counted as lost;
 *  - every interval: debugfs "hooks" (state, misses) and "losses", and
 *    the BPF programs' recursion misses; what grew is health.events_lost;
 *  - the status file's "kernel" object, which the next daemon reads back
 *    (prev_run.h) to go on where this one stopped, and the metrics.
 */
#ifndef BMCW_KMOD_STATE_H
#define BMCW_KMOD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor.h"
#include "prev_run.h"

struct kmod_state;
struct json_object;

struct kmod_state *kmod_state_new(struct bmcw_daemon *d);
void kmod_state_free(struct kmod_state *k);

/* What the previous daemon left in its status file (start only). */
void kmod_state_restore(struct kmod_state *k, const struct prev_kernel *pk);

/*
 * Before the monitors attach: the module's ABI version. 0 to go on (also
 * when the module is not loaded: the monitors say so); -1 with @why set
 * when the module speaks another major, or no readable version at all.
 */
int kmod_state_begin(struct kmod_state *k, char *why, size_t len);
/* The module's ABI minor, as read by kmod_state_begin (0 if unknown). */
unsigned int kmod_state_abi_minor(const struct kmod_state *k);

/* The monitors attached: replay, numbering, failed hooks, baselines. */
void kmod_state_attached(struct kmod_state *k);
/* The monitors were let go (the module is to be unloaded). */
void kmod_state_detached(struct kmod_state *k);

/* A health event record body (struct bmcw_rec_hdr.len bytes) from BPF. */
void kmod_state_health(struct kmod_state *k, const void *body, size_t len);

/* Every interval while attached. */
void kmod_state_interval(struct kmod_state *k);

/* The status file's "kernel" object; and why watching is partial. */
struct json_object *kmod_state_json(const struct kmod_state *k);
/* Reasons the watch has a blind spot now ("" past the last); for status. */
size_t kmod_state_blind_spots(const struct kmod_state *k, char (*out)[192], size_t max);
/* When the kernel side last lost events (CLOCK_REALTIME ns), 0 if never. */
uint64_t kmod_state_last_loss(const struct kmod_state *k);

#endif /* BMCW_KMOD_STATE_H */
