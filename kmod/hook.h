/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one installer of the module's kprobes (hook.c). A monitor describes
 * its hooks in a table (struct bmcw_hook) and hands it over as a set; the
 * installer places each hook, in the kernel or in the module that holds
 * its target when that module comes, removes and places it again when the
 * module goes and comes back, and reports every step: a debugfs row per
 * hook ("hooks"), misses, and health events naming the process that
 * caused a change. Hooks of other kinds (pci_ops, NMI handler, a
 * tracepoint) are placed by their monitor and only reported here.
 */
#ifndef _BMCW_HOOK_H
#define _BMCW_HOOK_H

#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/module.h>

enum bmcw_hook_kind {
	BMCW_HOOK_KPROBE,
	BMCW_HOOK_KRETPROBE,
	BMCW_HOOK_EXTERNAL,	/* placed by its monitor: bmcw_hook_report() */
};

enum bmcw_hook_state {
	BMCW_HOOK_WAITING,	/* its module is not loaded */
	BMCW_HOOK_PLACED,
	BMCW_HOOK_FAILED,	/* could not be placed: a blind spot */
	BMCW_HOOK_REMOVED,	/* its module went away; placed when it returns */
	BMCW_HOOK_UNUSED,	/* not needed on this host */
};

#define BMCW_HOOK_ALTS		3

struct bmcw_hook {
	/* filled in by the monitor */
	enum bmcw_hook_kind kind;
	const char *mod;	/* module of the target; NULL: the kernel */
	/*
	 * The target, then the names it has on other kernels; the first one
	 * that can be placed is used, its index is @variant.
	 */
	const char *syms[BMCW_HOOK_ALTS];
	const char *unseen;	/* what is not seen without this hook */
	kprobe_pre_handler_t pre;		/* BMCW_HOOK_KPROBE */
	kretprobe_handler_t entry, ret;		/* BMCW_HOOK_KRETPROBE */
	/*
	 * The handler for syms[i] where its arguments are not those of
	 * syms[0] (a renamed target whose prototype changed too); NULL: pre
	 * or entry. The return handler is the same for all.
	 */
	kprobe_pre_handler_t alt_pre[BMCW_HOOK_ALTS];
	kretprobe_handler_t alt_entry[BMCW_HOOK_ALTS];
	size_t data_size;
	int maxactive;
	bool optional;		/* a failure is not a blind spot (UNUSED) */

	/* the installer's, under its lock */
	enum bmcw_hook_state state;
	int err;
	unsigned int variant;
	unsigned long ext_missed;	/* BMCW_HOOK_EXTERNAL */
	unsigned long missed_before;	/* by earlier placements */
	char name[MODULE_NAME_LEN + KSYM_NAME_LEN];
	union {
		struct kprobe kp;
		struct kretprobe krp;
	};
};

struct bmcw_hook_set {
	u8 monitor;		/* enum bmcw_monitor */
	const char *name;	/* "ipmi", "lpc", ... */
	struct bmcw_hook *hooks;
	unsigned int nr;
	/* optional: any module is going (forget its addresses) */
	void (*module_going)(struct module *mod);
	struct list_head node;	/* the installer's */
};

#define BMCW_KPROBE(m, s, u, h) \
	{ .kind = BMCW_HOOK_KPROBE, .mod = m, .syms = { s }, .unseen = u, \
	  .pre = h }
#define BMCW_KRETPROBE(m, s, u, en, r, sz) \
	{ .kind = BMCW_HOOK_KRETPROBE, .mod = m, .syms = { s }, .unseen = u, \
	  .entry = en, .ret = r, .data_size = sz }

int bmcw_hook_init(void);
void bmcw_hook_exit(void);

/* Place a set's hooks (those whose module is loaded) and watch modules. */
void bmcw_hooks_add(struct bmcw_hook_set *set);
/* Every entry of the hooks_off parameter names a hook added: 0, or -EINVAL. */
int bmcw_hooks_off_check(void);
/* Remove every hook of a set; when it returns, no handler runs. */
void bmcw_hooks_del(struct bmcw_hook_set *set);

/* For BMCW_HOOK_EXTERNAL hooks: their monitor says how they stand. */
void bmcw_hook_report(struct bmcw_hook_set *set, struct bmcw_hook *h,
		      enum bmcw_hook_state state, int err);

/* debugfs "hooks": one row per hook of every set. */
int bmcw_hooks_show(struct seq_file *m, void *v);

#endif /* _BMCW_HOOK_H */
