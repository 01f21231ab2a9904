/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading per-CPU BPF maps: one sweep of a per-CPU hash with batch lookups
 * (falling back to key iteration on kernels without batch support), each
 * key's value summed over the possible CPUs, and the change since the
 * previous sweep.
 */
#ifndef BMCW_PERCPU_SWEEP_H
#define BMCW_PERCPU_SWEEP_H

#include <stddef.h>
#include <stdint.h>

struct percpu_sweep {
	int map_fd;
	size_t key_size;
	unsigned int ncpus;
	size_t cap;		/* max_entries of the map */
	size_t n;		/* keys in the last sweep, sorted by key */
	unsigned char *keys;	/* n * key_size */
	uint64_t *sums;		/* n */
	size_t prev_n;
	unsigned char *prev_keys;
	uint64_t *prev_sums;
	uint64_t *vals;		/* scratch: cap * ncpus */
	unsigned char *scratch_keys;
	int no_batch;		/* kernel lacks batch ops: iterate keys */
};

int percpu_sweep_init(struct percpu_sweep *s, int map_fd, size_t key_size);
void percpu_sweep_free(struct percpu_sweep *s);
/* 0 or -errno; afterwards s->keys/s->sums hold the sums, sorted by key */
int percpu_sweep_run(struct percpu_sweep *s);
/* Sum of @key in the last sweep (0 if absent). */
uint64_t percpu_sweep_get(const struct percpu_sweep *s, const void *key);
/* How much entry @i grew since the previous sweep. */
uint64_t percpu_sweep_delta(const struct percpu_sweep *s, size_t i);

/* Sum each index of a per-CPU array of u64 over CPUs into out[0..n). */
int percpu_array_sum(int map_fd, unsigned int n, uint64_t *out);

#endif /* BMCW_PERCPU_SWEEP_H */
