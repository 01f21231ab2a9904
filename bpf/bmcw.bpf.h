/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers every bmcwatch BPF program shares. Include after vmlinux.h and
 * bpf_helpers.h.
 */
#ifndef __BMCW_BPF_H
#define __BMCW_BPF_H

/*
 * Add to a per-CPU counter. An atomic add, though the value is this
 * CPU's: on kernels before 6.2 a raw tracepoint program has no recursion
 * guard, so a config access from a hard interrupt can run the program in
 * the middle of a load-add-store of the same counter and one of the two
 * counts would be lost. One locked add cannot be split.
 */
static __always_inline void bmcw_add(__u64 *v, __u64 n)
{
	__sync_fetch_and_add(v, n);
}

static __always_inline void bmcw_inc(__u64 *v)
{
	bmcw_add(v, 1);
}

/* Count in slot @idx of @map, a per-CPU array of __u64 (loss counters). */
#define bmcw_stat_inc(map, idx)						\
	do {								\
		__u32 __bmcw_i = (idx);					\
		__u64 *__bmcw_v = bpf_map_lookup_elem(map, &__bmcw_i);	\
									\
		if (__bmcw_v)						\
			bmcw_inc(__bmcw_v);				\
	} while (0)

/*
 * Add @n to the __u64 counter of @key in @map, a per-CPU hash, creating
 * it with @n when absent; true when this call created it. A key another
 * CPU created meanwhile is added to; when the map is full, slot @full of
 * @stats counts the loss.
 */
static __always_inline bool bmcw_count(void *map, const void *key, __u64 n,
				       void *stats, __u32 full)
{
	__u64 *v;

	v = bpf_map_lookup_elem(map, key);
	if (v) {
		bmcw_add(v, n);
		return false;
	}
	if (!bpf_map_update_elem(map, key, &n, BPF_NOEXIST))
		return true;
	v = bpf_map_lookup_elem(map, key);
	if (v)
		bmcw_add(v, n);
	else
		bmcw_stat_inc(stats, full);
	return false;
}

#endif /* __BMCW_BPF_H */
