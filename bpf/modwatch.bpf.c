// SPDX-License-Identifier: GPL-2.0
/*
 * Who asks for bmcwatch.ko to go. Two places, neither inside the module
 * (it is what is being removed, and a probe reporting through the module's
 * own tracepoints would travel over the very links that pin it):
 *  - the entry of the delete_module(2) syscall, for every caller (busybox,
 *    scripts, rmmod -f, a direct syscall). Not the syscall tracepoint:
 *    enabling any syscalls:* event sends every system call of every task
 *    on the host through the tracing slow path while the daemon runs, and
 *    patches that path, the hottest in the kernel, at each start and stop;
 *    this probe costs nothing until delete_module(2) is called;
 *  - the entry of show_refcnt(), the read of /sys/module/NAME/refcnt:
 *    kmod's rmmod and modprobe -r read it first and give up with "in use"
 *    while the daemon's links hold the module, so delete_module(2) never
 *    comes.
 * Both only report; the loader decides. Every failure to send is counted.
 *
 * Each is here three times, one program per way of placing it, and the
 * loader (userspace/monitors/modwatch.c, with userspace/lib/probe_path.h)
 * attaches the first that takes, least privilege first:
 *  - fentry, a BPF trampoline (5.5+, the function in vmlinux BTF): the
 *    bpf(2) syscall only, CAP_BPF and CAP_PERFMON;
 *  - kprobe.multi, an fprobe link (5.18+, CONFIG_FPROBE): the same;
 *  - kprobe, through perf_event_open(2), which Debian's kernels refuse
 *    without CAP_SYS_ADMIN at kernel.perf_event_paranoid 3, their default.
 * The first two take the syscall's entry by the name of its pt_regs
 * wrapper (__x64_sys_delete_module) and read the arguments from the
 * pt_regs it is given; the loader sets their target.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "modwatch.h"
#include "bmcw.bpf.h"

/* Set by the loader: the module to watch. */
const volatile char target[MODW_NAME_LEN] = "bmcwatch";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MODW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} modw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, MODW_RINGBUF_BYTES);
} modw_events SEC(".maps");

static __always_inline bool is_target(const char *name)
{
	for (int i = 0; i < MODW_NAME_LEN; i++) {
		if (name[i] != target[i])
			return false;
		if (!name[i])
			return true;
	}
	return false;
}

static __always_inline void send(__u32 kind, const char *name, __u32 flags)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct *parent;
	const struct cred *cred;
	__u64 id = bpf_get_current_pid_tgid();
	struct modw_event *e;
	struct dentry *d, *up;

	bmcw_stat_inc(&modw_stats, MODW_STAT_SEEN);
	e = bpf_ringbuf_reserve(&modw_events, sizeof(*e), 0);
	if (!e) {
		bmcw_stat_inc(&modw_stats, MODW_STAT_RB_FULL);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->name, name, MODW_NAME_LEN);
	/*
	 * Who may unload at all: refcnt is world-readable and delete_module(2)
	 * fails late for the unprivileged, neither must make the daemon let
	 * go. The low word of kernel_cap_t is bits 0-31 whether the kernel
	 * keeps it as u32[2] (before 6.3) or as one u64 (little endian).
	 */
	cred = BPF_CORE_READ(t, cred);
	bpf_probe_read_kernel(&e->caps, sizeof(e->caps),
			      __builtin_preserve_access_index(&cred->cap_effective));
	parent = BPF_CORE_READ(t, real_parent);
	e->ppid = BPF_CORE_READ(parent, tgid);
	bpf_probe_read_kernel_str(e->pcomm, sizeof(e->pcomm), &parent->comm);
	/*
	 * The process may be gone before the daemon reads /proc/PID/exe
	 * (rmmod exits at once): keep the names on the way up from its file.
	 */
	d = BPF_CORE_READ(t, mm, exe_file, f_path.dentry);
	for (int i = 0; i < MODW_EXE_PARTS && d; i++) {
		bpf_probe_read_kernel_str(e->exe[i], MODW_PART_LEN,
					  BPF_CORE_READ(d, d_name.name));
		e->nparts = i + 1;
		up = BPF_CORE_READ(d, d_parent);
		if (up == d)
			break;
		d = up;
	}
	bpf_ringbuf_submit(e, 0);
	bmcw_stat_inc(&modw_stats, MODW_STAT_RB_SENT);
}

/* delete_module(const char __user *name, unsigned int flags) */
static __always_inline int delete_module_entry(const char *name_user, unsigned int flags)
{
	char name[MODW_NAME_LEN] = {};

	if (bpf_probe_read_user_str(name, sizeof(name), name_user) <= 0) {
		bmcw_stat_inc(&modw_stats, MODW_STAT_READ_FAIL);
		return 0;
	}
	if (is_target(name))
		send(MODW_DELETE_MODULE, name, flags);
	return 0;
}

/* show_refcnt(struct module_attribute *mattr, struct module_kobject *mk, char *buf) */
static __always_inline int show_refcnt_entry(struct module_kobject *mk)
{
	char name[MODW_NAME_LEN] = {};
	struct module *mod = BPF_CORE_READ(mk, mod);

	if (!mod || bpf_probe_read_kernel_str(name, sizeof(name), &mod->name) <= 0) {
		bmcw_stat_inc(&modw_stats, MODW_STAT_READ_FAIL);
		return 0;
	}
	if (is_target(name))
		send(MODW_REFCNT_READ, name, 0);
	return 0;
}

/* The syscall's own arguments, from the pt_regs its wrapper is given. */
static __always_inline int delete_module_wrapper(struct pt_regs *regs)
{
	return delete_module_entry((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs),
				   (unsigned int)PT_REGS_PARM2_CORE_SYSCALL(regs));
}

/* fentry: the target (the syscall's wrapper) is set by the loader */
SEC("fentry")
int BPF_PROG(on_delete_module_fentry, struct pt_regs *regs)
{
	return delete_module_wrapper(regs);
}

SEC("fentry")
int BPF_PROG(on_show_refcnt_fentry, void *mattr, struct module_kobject *mk)
{
	return show_refcnt_entry(mk);
}

/* kprobe.multi: attached by the loader, by function name */
SEC("kprobe.multi")
int BPF_KPROBE(on_delete_module_multi, struct pt_regs *regs)
{
	return delete_module_wrapper(regs);
}

SEC("kprobe.multi")
int BPF_KPROBE(on_show_refcnt_multi, void *mattr, struct module_kobject *mk)
{
	return show_refcnt_entry(mk);
}

/* kprobe through perf_event_open(2): where neither of the above takes */
SEC("ksyscall/delete_module")
int BPF_KSYSCALL(on_delete_module, const char *name_user, unsigned int flags)
{
	return delete_module_entry(name_user, flags);
}

SEC("kprobe/show_refcnt")
int BPF_KPROBE(on_show_refcnt, void *mattr, struct module_kobject *mk)
{
	return show_refcnt_entry(mk);
}

char LICENSE[] SEC("license") = "GPL";
