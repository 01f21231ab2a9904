// SPDX-License-Identifier: GPL-2.0
/*
 * sweep_cost KEYS REPS: the cost of one daemon sweep of a per-CPU hash
 * shaped like the config-space counters (u64 key, u64 value, 16384
 * entries, preallocated) holding KEYS keys, with the daemon's own code
 * (userspace/monitors/percpu_sweep.c: batch lookup, sum over CPUs,
 * sort). Prints one "cpus=C keys=K ns=T sys_ns=S" line per sweep after
 * one untimed warm-up; S is the batch lookup syscalls alone (the
 * kernel's share), timed separately right after.
 * Exit 1 if a sweep misses a key or sums it wrongly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "percpu_sweep.h"

#define MAX_KEYS	16384	/* PCICFG_MAX_KEYS */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Keys spread like packed config keys: function in the high bytes. */
static uint64_t key_at(long i)
{
	return (uint64_t)(i / 64) << 24 | (uint64_t)(i % 64) << 8 | 1;
}

static int check(const struct percpu_sweep *s, long keys, int ncpus)
{
	long i;

	if ((long)s->n != keys)
		return -1;
	for (i = 0; i < keys; i++) {
		uint64_t k = key_at(i);

		/* CPU c holds i + c: the sum tells a misplaced value */
		if (percpu_sweep_get(s, &k) !=
		    (uint64_t)i * ncpus + (uint64_t)ncpus * (ncpus - 1) / 2)
			return -1;
	}
	return 0;
}

/* The kernel's share of a sweep: the batch lookups of the whole map. */
static uint64_t time_lookup(int fd, long cap, void *keys, void *vals)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	unsigned char token[16];
	uint64_t t0 = now_ns();
	void *in = NULL;
	long n = 0;
	int err;

	do {
		__u32 count = cap - n;

		err = bpf_map_lookup_batch(fd, in, token, keys, vals, &count,
					   &opts);
		n += count;
		in = token;
	} while (!err && n < cap);
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	struct percpu_sweep s;
	uint64_t *vals, *bkeys, *bvals, t0, sys;
	long keys, reps, i;
	int fd, ncpus, c, err;

	if (argc != 3 || (keys = atol(argv[1])) <= 0 || keys > MAX_KEYS ||
	    (reps = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: sweep_cost KEYS(1..%d) REPS\n", MAX_KEYS);
		return 2;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return 1;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "bench_sweep",
			    sizeof(uint64_t), sizeof(uint64_t), MAX_KEYS, NULL);
	if (fd < 0) {
		fprintf(stderr, "sweep_cost: map: %s\n", strerror(errno));
		return 1;
	}
	vals = calloc(ncpus, sizeof(*vals));
	bkeys = calloc(MAX_KEYS, sizeof(uint64_t));
	bvals = calloc((size_t)MAX_KEYS * ncpus, sizeof(uint64_t));
	if (!vals || !bkeys || !bvals)
		return 1;
	/* touch them now: the daemon's buffers are warm too */
	memset(bkeys, 1, MAX_KEYS * sizeof(uint64_t));
	memset(bvals, 1, (size_t)MAX_KEYS * ncpus * sizeof(uint64_t));
	for (i = 0; i < keys; i++) {
		uint64_t k = key_at(i);

		for (c = 0; c < ncpus; c++)
			vals[c] = i + c;
		if (bpf_map_update_elem(fd, &k, vals, BPF_NOEXIST)) {
			fprintf(stderr, "sweep_cost: fill: %s\n", strerror(errno));
			return 1;
		}
	}
	err = percpu_sweep_init(&s, fd, sizeof(uint64_t));
	if (err || percpu_sweep_run(&s) || check(&s, keys, ncpus)) {
		fprintf(stderr, "sweep_cost: warm-up sweep wrong (%d)\n", err);
		return 1;
	}
	for (i = 0; i < reps; i++) {
		t0 = now_ns();
		err = percpu_sweep_run(&s);
		t0 = now_ns() - t0;
		if (err || check(&s, keys, ncpus)) {
			fprintf(stderr, "sweep_cost: sweep %ld wrong\n", i);
			return 1;
		}
		sys = time_lookup(fd, MAX_KEYS, bkeys, bvals);
		printf("cpus=%d keys=%ld ns=%llu sys_ns=%llu batch=%d\n", ncpus,
		       keys, (unsigned long long)t0, (unsigned long long)sys,
		       !s.no_batch);
	}
	percpu_sweep_free(&s);
	free(vals);
	free(bkeys);
	free(bvals);
	return 0;
}
