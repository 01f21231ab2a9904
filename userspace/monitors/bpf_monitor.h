/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the monitors built on a BPF skeleton share: libbpf's messages in our
 * log, maps pinned where the CLI and tests find them, a ring buffer the
 * daemon polls, and per-CPU loss counters turned into reported losses.
 */
#ifndef BMCW_BPF_MONITOR_H
#define BMCW_BPF_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "pipeline.h"

/* The first member of every such monitor's state (see bpfmon_fd()). */
struct bpfmon {
	struct ring_buffer *rb;
};

/* Route libbpf's warnings to bmcw_log(); idempotent. */
void bpfmon_libbpf_logging(void);

/* Pin @map as BMCW_PIN_DIR/@name, replacing a previous daemon's pin. */
int bpfmon_pin(struct bpf_map *map, const char *name);

/* Monitor ops for a state that starts with struct bpfmon. */
int bpfmon_fd(void *state);
int bpfmon_on_readable(void *state);

/* An index of a per-CPU stats array that counts losses at a hop. */
struct bpfmon_hop {
	unsigned int idx;
	const char *hop;	/* "bpf_map_full", "ringbuf", "bpf_read" */
};

/*
 * Sum the per-CPU stats array (@n entries of u64) into @now, report each
 * hop's growth since @prev to the pipeline, then remember @now in @prev.
 * Returns 0, or -1 when the map could not be read (nothing reported).
 */
int bpfmon_report_losses(struct pipeline *p, int stats_fd, unsigned int n,
			 const struct bpfmon_hop *hops, size_t nhops,
			 uint64_t *prev, uint64_t *now);

#endif /* BMCW_BPF_MONITOR_H */
