/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by modwatch.bpf.c, its loader userspace/monitors/modwatch.c and
 * the pure rules userspace/rules/modwatch_rules.c: someone asking for
 * bmcwatch.ko to go.
 * Not part of the module's ABI: the module is what is being removed.
 */
#ifndef BMCW_MODWATCH_BPF_H
#define BMCW_MODWATCH_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define MODW_NAME_LEN		56	/* MODULE_NAME_LEN on 64-bit */
#define MODW_EXE_PARTS		8	/* path components kept, from the file up */
#define MODW_PART_LEN		32
#define MODW_RINGBUF_BYTES	(64 * 1024)
#define MODW_CAP_SYS_MODULE	16	/* what unloading takes */

enum modw_kind {
	/*
	 * /sys/module/NAME/refcnt read: kmod's rmmod and modprobe -r read it
	 * and stop with "in use" without calling delete_module while anything
	 * holds the module, as the daemon's BPF links do.
	 */
	MODW_REFCNT_READ	= 1,
	MODW_DELETE_MODULE	= 2,	/* delete_module(2), any caller */
};

enum modw_stat {
	MODW_STAT_SEEN		= 0,	/* events about the watched module */
	MODW_STAT_RB_FULL	= 1,
	MODW_STAT_READ_FAIL	= 2,	/* the module name could not be read */
	MODW_STAT_RB_SENT	= 3,
	MODW_STAT_MAX		= 4,
};

struct modw_event {
	__u64	ts_ns;
	__u32	kind;		/* enum modw_kind */
	__u32	pid;		/* tgid */
	__u32	tid;
	__u32	ppid;		/* real parent's tgid */
	__u32	uid;
	__u32	flags;		/* delete_module flags (O_NONBLOCK, O_TRUNC) */
	char	comm[16];
	char	pcomm[16];
	char	name[MODW_NAME_LEN];	/* the module asked about */
	__u32	nparts;		/* exe components filled, file first */
	__u32	caps;		/* effective capabilities, bits 0-31 */
	/* the executable's dentry names up to its mount's root */
	char	exe[MODW_EXE_PARTS][MODW_PART_LEN];
};

#endif /* BMCW_MODWATCH_BPF_H */
