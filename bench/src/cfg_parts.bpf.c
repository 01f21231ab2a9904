// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of bpf/pcie.bpf.c's config fast path, one program each, for
 * the instruction-count breakdown of bench/cfgparts-guest.sh: attached
 * alone to bmcwatch_cfg_access (bench/.out/bpf_attach), each shows what
 * its part adds to a traced config access.
 *   parts_empty  the tracepoint's dispatch and a program that does nothing
 *   parts_hash   + the per-CPU hash lookup and locked add of count()
 *   parts_array  + a per-CPU array lookup by index and a locked add
 *   parts_plain  + the same, with a plain add instead of a locked one
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

SEC("raw_tp/bmcwatch_cfg_access")
int BPF_PROG(parts_empty)
{
	return 0;
}

SEC("raw_tp/bmcwatch_cfg_access")
int BPF_PROG(parts_hash, const void *ka, __u64 key)
{
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&hash, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&hash, &key, &one, BPF_NOEXIST);
	return 0;
}

SEC("raw_tp/bmcwatch_cfg_access")
int BPF_PROG(parts_array, const void *ka, __u64 key)
{
	__u32 i = key & 4095;
	__u64 *v;

	v = bpf_map_lookup_elem(&array, &i);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("raw_tp/bmcwatch_cfg_access")
int BPF_PROG(parts_plain, const void *ka, __u64 key)
{
	__u32 i = key & 4095;
	__u64 *v;

	v = bpf_map_lookup_elem(&array, &i);
	if (v)
		*v += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
