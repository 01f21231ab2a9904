// SPDX-License-Identifier: GPL-2.0
/* See percpu_sweep.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "percpu_sweep.h"

int percpu_sweep_init(struct percpu_sweep *s, int map_fd, size_t key_size)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int ncpus = libbpf_num_possible_cpus();

	memset(s, 0, sizeof(*s));
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.value_size != sizeof(uint64_t) || info.key_size != key_size)
		return -EINVAL;
	s->map_fd = map_fd;
	s->key_size = key_size;
	s->ncpus = ncpus;
	s->cap = info.max_entries;
	s->keys = calloc(s->cap, key_size);
	s->prev_keys = calloc(s->cap, key_size);
	s->scratch_keys = calloc(s->cap, key_size);
	s->sums = calloc(s->cap, sizeof(uint64_t));
	s->prev_sums = calloc(s->cap, sizeof(uint64_t));
	s->vals = calloc(s->cap * ncpus, sizeof(uint64_t));
	if (!s->keys || !s->prev_keys || !s->scratch_keys || !s->sums ||
	    !s->prev_sums || !s->vals) {
		percpu_sweep_free(s);
		return -ENOMEM;
	}
	return 0;
}

void percpu_sweep_free(struct percpu_sweep *s)
{
	free(s->keys);
	free(s->prev_keys);
	free(s->scratch_keys);
	free(s->sums);
	free(s->prev_sums);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

/* Entries come out of the kernel in bucket order; sort for lookups. */
static int cmp_index(const void *a, const void *b, void *ctx)
{
	const struct percpu_sweep *s = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	return memcmp(s->scratch_keys + i * s->key_size,
		      s->scratch_keys + j * s->key_size, s->key_size);
}

static int read_batch(struct percpu_sweep *s, size_t *n)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	unsigned char token[16];
	void *in = NULL;
	int err;

	*n = 0;
	do {
		__u32 count = s->cap - *n;

		err = bpf_map_lookup_batch(s->map_fd, in, token,
					   s->scratch_keys + *n * s->key_size,
					   s->vals + *n * s->ncpus, &count,
					   &opts);
		if (err && errno != ENOENT)
			return -errno;
		*n += count;
		in = token;
	} while (!err && *n < s->cap);
	return 0;
}

static int read_iter(struct percpu_sweep *s, size_t *n)
{
	unsigned char *prev = NULL;

	*n = 0;
	while (*n < s->cap) {
		unsigned char *key = s->scratch_keys + *n * s->key_size;

		if (bpf_map_get_next_key(s->map_fd, prev, key))
			break;
		if (bpf_map_lookup_elem(s->map_fd, key, s->vals + *n * s->ncpus))
			continue;	/* deleted meanwhile */
		prev = key;
		(*n)++;
	}
	return 0;
}

int percpu_sweep_run(struct percpu_sweep *s)
{
	size_t n, i, *order;
	int err;

	if (!s->no_batch) {
		err = read_batch(s, &n);
		if (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP) {
			s->no_batch = 1;
			err = read_iter(s, &n);
		}
	} else {
		err = read_iter(s, &n);
	}
	if (err)
		return err;

	order = malloc((n ? n : 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_index, s);

	/* The current sweep becomes the previous one. */
	memcpy(s->prev_keys, s->keys, s->n * s->key_size);
	memcpy(s->prev_sums, s->sums, s->n * sizeof(uint64_t));
	s->prev_n = s->n;
	for (i = 0; i < n; i++) {
		const uint64_t *v = s->vals + order[i] * s->ncpus;
		uint64_t sum = 0;

		for (unsigned int c = 0; c < s->ncpus; c++)
			sum += v[c];
		memcpy(s->keys + i * s->key_size,
		       s->scratch_keys + order[i] * s->key_size, s->key_size);
		s->sums[i] = sum;
	}
	s->n = n;
	free(order);
	return 0;
}

static long find(const unsigned char *keys, size_t n, size_t ks,
		 const void *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(keys + mid * ks, key, ks);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint64_t percpu_sweep_get(const struct percpu_sweep *s, const void *key)
{
	long i = find(s->keys, s->n, s->key_size, key);

	return i < 0 ? 0 : s->sums[i];
}

uint64_t percpu_sweep_delta(const struct percpu_sweep *s, size_t i)
{
	long p = find(s->prev_keys, s->prev_n, s->key_size,
		      s->keys + i * s->key_size);

	return s->sums[i] - (p < 0 ? 0 : s->prev_sums[p]);
}

int percpu_array_sum(int map_fd, unsigned int n, uint64_t *out)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *v;

	if (ncpus <= 0)
		return -EINVAL;
	v = calloc(ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(map_fd, &i, v))
			continue;
		for (int c = 0; c < ncpus; c++)
			out[i] += v[c];
	}
	free(v);
	return 0;
}
