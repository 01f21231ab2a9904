// SPDX-License-Identifier: GPL-2.0
/*
 * The one installer of the module's kprobes: placement by name (with the
 * names a target had on other kernels), in the kernel or in a module that
 * may load before or after bmcwatch, removal and placement again when that
 * module goes and comes, misses kept across that, one debugfs row format,
 * removal in a batch, and a health event for every change, naming the
 * process that caused it.
 *
 * Probe points are chosen so that the compiler cannot have copied their
 * code elsewhere, where a probe would not see it: entry points reached
 * through a pointer (file operations, a driver's ops table, the syscall
 * table) or exported functions called from other modules. A small static
 * function called directly may be inlined into some of its callers and
 * kept out of line for others: a probe on it registers and still misses
 * calls (seen with ipmi_msghandler's smi_send on Debian's 6.1).
 *
 * Lock order: the module notifier chain's rwsem, then hooks_lock, then
 * the kprobes core's locks. The notifier is registered before any set is
 * added and outside hooks_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "health.h"
#include "hook.h"

static LIST_HEAD(sets);
static DEFINE_MUTEX(hooks_lock);
static bool notifier_registered;

/*
 * Hooks the operator leaves off, as SET/SYMBOL (the set's name and the
 * hook's first name, as in the debugfs table), comma separated: a probe
 * point that misbehaves on some kernel can be given up without giving up
 * the module. Each is a blind spot like a target the kernel lacks, and
 * reported and alerted as one. The tests use it to take a hook's events
 * away, as a missed probe would.
 */
static char *hooks_off;
module_param(hooks_off, charp, 0400);
MODULE_PARM_DESC(hooks_off,
		 "Hooks to leave off, SET/SYMBOL comma separated (each one a reported blind spot)");

/* Whether the entry of hooks_off at @p, @len bytes, names @h of @set. */
static bool off_entry_is(const char *p, size_t len,
			 const struct bmcw_hook_set *set,
			 const struct bmcw_hook *h)
{
	size_t n = strlen(set->name);

	return len == n + 1 + strlen(h->syms[0]) &&
	       !strncmp(p, set->name, n) && p[n] == '/' &&
	       !strncmp(p + n + 1, h->syms[0], len - n - 1);
}

static bool hook_off(const struct bmcw_hook_set *set,
		     const struct bmcw_hook *h)
{
	const char *p = hooks_off, *end;

	while (p && *p) {
		end = strchrnul(p, ',');
		if (off_entry_is(p, end - p, set, h))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static const char * const state_names[] = {
	[BMCW_HOOK_WAITING] = "waiting",
	[BMCW_HOOK_PLACED] = "placed",
	[BMCW_HOOK_FAILED] = "failed",
	[BMCW_HOOK_REMOVED] = "removed",
	[BMCW_HOOK_UNUSED] = "unused",
};

static const char * const kind_names[] = {
	[BMCW_HOOK_KPROBE] = "kprobe",
	[BMCW_HOOK_KRETPROBE] = "kretprobe",
	[BMCW_HOOK_EXTERNAL] = "other",
};

static const char *hook_sym(const struct bmcw_hook *h)
{
	return h->syms[h->state == BMCW_HOOK_PLACED ? h->variant : 0];
}

/* Calls a placed hook did not report; see also missed_before. */
static unsigned long hook_missed(const struct bmcw_hook *h)
{
	if (h->state != BMCW_HOOK_PLACED)
		return 0;
	switch (h->kind) {
	case BMCW_HOOK_KPROBE:
		return h->kp.nmissed;
	case BMCW_HOOK_KRETPROBE:
		/* no free instance (maxactive), or a handler already running */
		return h->krp.nmissed + h->krp.kp.nmissed;
	default:
		return h->ext_missed;
	}
}

/*
 * Once every set is added: an entry of hooks_off that names no hook is a
 * typo that would leave on what the operator meant off. Refuse the load.
 */
int bmcw_hooks_off_check(void)
{
	const char *p = hooks_off, *end;
	struct bmcw_hook_set *set;
	unsigned int i;
	bool found;

	mutex_lock(&hooks_lock);
	for (; p && *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		found = false;
		list_for_each_entry(set, &sets, node)
			for (i = 0; i < set->nr && !found; i++)
				found = off_entry_is(p, end - p, set,
						     &set->hooks[i]);
		if (!found) {
			pr_err("hooks_off: \"%.*s\" names no hook (SET/SYMBOL, as in debugfs bmcwatch/hooks)\n",
			       (int)(end - p), p);
			mutex_unlock(&hooks_lock);
			return -EINVAL;
		}
	}
	mutex_unlock(&hooks_lock);
	return 0;
}

/* Register @h under one of its names; 0 or the first real error. */
static int place_one(struct bmcw_hook_set *set, struct bmcw_hook *h)
{
	int ret = -ENOENT;
	unsigned int i;

	lockdep_assert_held(&hooks_lock);
	if (hook_off(set, h))
		return -ECANCELED;
	for (i = 0; i < BMCW_HOOK_ALTS && h->syms[i]; i++) {
		if (h->mod)
			snprintf(h->name, sizeof(h->name), "%s:%s", h->mod,
				 h->syms[i]);
		else
			strscpy(h->name, h->syms[i], sizeof(h->name));
		if (h->kind == BMCW_HOOK_KPROBE) {
			memset(&h->kp, 0, sizeof(h->kp));
			h->kp.symbol_name = h->name;
			h->kp.pre_handler = h->alt_pre[i] ?: h->pre;
			ret = register_kprobe(&h->kp);
		} else {
			memset(&h->krp, 0, sizeof(h->krp));
			h->krp.kp.symbol_name = h->name;
			h->krp.entry_handler = h->alt_entry[i] ?: h->entry;
			h->krp.handler = h->ret;
			h->krp.data_size = h->data_size;
			h->krp.maxactive = h->maxactive;
			ret = register_kretprobe(&h->krp);
		}
		if (!ret) {
			h->variant = i;
			return 0;
		}
		/* Only a name this kernel does not have tries the next one. */
		if (ret != -ENOENT)
			break;
	}
	return ret;
}

/*
 * A hook none of whose names could be placed. On a kernel that renamed a
 * target without an alternative here, every name is absent (-ENOENT): the
 * log names each one tried, so the new name can be looked for; the health
 * event (its text is short) names the first, its key everywhere.
 */
static void report_failed(struct bmcw_hook_set *set, struct bmcw_hook *h)
{
	char tried[128] = "";
	unsigned int i;
	int n = 0;

	for (i = 1; i < BMCW_HOOK_ALTS && h->syms[i]; i++)
		n += scnprintf(tried + n, sizeof(tried) - n, "%s%s",
			       i == 1 ? " (nor " : ", ", h->syms[i]);
	if (n)
		scnprintf(tried + n, sizeof(tried) - n, ")");
	if (h->err == -ECANCELED) {
		pr_warn("%s hook left off (hooks_off): %s unseen\n",
			h->syms[0], h->unseen);
		bmcw_health(set->monitor, BMCW_HEALTH_HOOK_FAILED, h->err,
			    h->syms[0],
			    "%s monitor leaves %s off (hooks_off parameter): %s unseen",
			    set->name, h->syms[0], h->unseen);
		return;
	}
	pr_warn("cannot hook %s%s (%d): %s unseen\n", h->syms[0], tried,
		h->err, h->unseen);
	bmcw_health(set->monitor, BMCW_HEALTH_HOOK_FAILED, h->err, h->syms[0],
		    "%s monitor cannot hook %s (error %d): %s unseen",
		    set->name, h->syms[0], h->err, h->unseen);
}

static void fail(struct bmcw_hook_set *set, struct bmcw_hook *h, int err)
{
	lockdep_assert_held(&hooks_lock);
	h->err = err;
	h->state = h->optional ? BMCW_HOOK_UNUSED : BMCW_HOOK_FAILED;
	if (h->state == BMCW_HOOK_FAILED)
		report_failed(set, h);
}

static void unregister_one(struct bmcw_hook *h)
{
	if (h->kind == BMCW_HOOK_KPROBE)
		unregister_kprobe(&h->kp);
	else if (h->kind == BMCW_HOOK_KRETPROBE)
		unregister_kretprobe(&h->krp);
}

static void unplace(struct bmcw_hook *h)
{
	lockdep_assert_held(&hooks_lock);
	if (h->state != BMCW_HOOK_PLACED)
		return;
	/* keep the misses across placements */
	h->missed_before += hook_missed(h);
	unregister_one(h);
}

/*
 * Place the hooks of @set that live in module @mod. Whether the module is
 * loaded at all is only known from whether any of its hooks could be
 * placed: if none could and it is not @coming, it is taken as not loaded
 * and its hooks wait for it. Returns how many were placed.
 */
static unsigned int place_module(struct bmcw_hook_set *set, const char *mod,
				 bool coming)
{
	unsigned int i, placed = 0;
	struct bmcw_hook *h;

	lockdep_assert_held(&hooks_lock);
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (h->kind == BMCW_HOOK_EXTERNAL || !h->mod ||
		    strcmp(h->mod, mod) || h->state == BMCW_HOOK_PLACED)
			continue;
		h->err = place_one(set, h);
		if (!h->err) {
			h->state = BMCW_HOOK_PLACED;
			placed++;
		}
	}
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (h->kind == BMCW_HOOK_EXTERNAL || !h->mod ||
		    strcmp(h->mod, mod) || h->state == BMCW_HOOK_PLACED)
			continue;
		if (coming || placed) {
			fail(set, h, h->err);
		} else {
			h->state = BMCW_HOOK_WAITING;
			h->err = 0;
		}
	}
	return placed;
}

static bool set_uses(const struct bmcw_hook_set *set, const char *mod)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		if (set->hooks[i].mod && !strcmp(set->hooks[i].mod, mod))
			return true;
	return false;
}

void bmcw_hooks_add(struct bmcw_hook_set *set)
{
	struct bmcw_hook *h;
	unsigned int i, j;

	mutex_lock(&hooks_lock);
	list_add_tail(&set->node, &sets);
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (h->kind == BMCW_HOOK_EXTERNAL || h->mod)
			continue;
		h->err = place_one(set, h);
		if (h->err)
			fail(set, h, h->err);
		else
			h->state = BMCW_HOOK_PLACED;
	}
	/* each module once, at its first hook */
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (h->kind == BMCW_HOOK_EXTERNAL || !h->mod)
			continue;
		for (j = 0; j < i; j++)
			if (set->hooks[j].mod && !strcmp(set->hooks[j].mod, h->mod))
				break;
		if (j == i)
			place_module(set, h->mod, false);
	}
	mutex_unlock(&hooks_lock);
}

void bmcw_hooks_del(struct bmcw_hook_set *set)
{
	struct kretprobe **krps;
	struct kprobe **kps;
	unsigned int i, nk = 0, nr = 0;
	struct bmcw_hook *h;

	kps = kcalloc(set->nr, sizeof(*kps), GFP_KERNEL);
	krps = kcalloc(set->nr, sizeof(*krps), GFP_KERNEL);
	mutex_lock(&hooks_lock);
	list_del(&set->node);
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (h->state != BMCW_HOOK_PLACED)
			continue;
		h->missed_before += hook_missed(h);
		/* in a batch: one grace period for all, not one each */
		if (h->kind == BMCW_HOOK_KPROBE && kps)
			kps[nk++] = &h->kp;
		else if (h->kind == BMCW_HOOK_KRETPROBE && krps)
			krps[nr++] = &h->krp;
		else
			unregister_one(h);
		h->state = BMCW_HOOK_WAITING;
	}
	if (nk)
		unregister_kprobes(kps, nk);
	if (nr)
		unregister_kretprobes(krps, nr);
	mutex_unlock(&hooks_lock);
	kfree(kps);
	kfree(krps);
}

void bmcw_hook_report(struct bmcw_hook_set *set, struct bmcw_hook *h,
		      enum bmcw_hook_state state, int err)
{
	mutex_lock(&hooks_lock);
	h->state = state;
	h->err = err;
	if (state == BMCW_HOOK_FAILED)
		report_failed(set, h);
	mutex_unlock(&hooks_lock);
}

/* A module with hooks of @set came: place them, and say so. */
static void module_coming(struct bmcw_hook_set *set, struct module *mod)
{
	unsigned int i, again = 0, placed;

	lockdep_assert_held(&hooks_lock);
	for (i = 0; i < set->nr; i++)
		if (set->hooks[i].mod && !strcmp(set->hooks[i].mod, mod->name) &&
		    set->hooks[i].state == BMCW_HOOK_REMOVED)
			again++;
	/* before the module's init runs: its first calls are seen */
	placed = place_module(set, mod->name, true);
	if (placed)
		bmcw_health_by_current(set->monitor, BMCW_HEALTH_HOOK_PLACED, 0,
				       mod->name,
				       "%s loaded%s: %u %s hooks placed",
				       mod->name, again ? " again" : "", placed,
				       set->name);
}

/* A module with hooks of @set is going: remove them, and say who did it. */
static void module_going(struct bmcw_hook_set *set, struct module *mod)
{
	unsigned int i, removed = 0;
	struct bmcw_hook *h;

	lockdep_assert_held(&hooks_lock);
	for (i = 0; i < set->nr; i++) {
		h = &set->hooks[i];
		if (!h->mod || strcmp(h->mod, mod->name))
			continue;
		if (h->state == BMCW_HOOK_PLACED) {
			unplace(h);
			h->state = BMCW_HOOK_REMOVED;
			removed++;
		} else if (h->state != BMCW_HOOK_REMOVED) {
			h->state = BMCW_HOOK_WAITING;
		}
		h->err = 0;
	}
	if (removed)
		bmcw_health_by_current(set->monitor, BMCW_HEALTH_HOOK_REMOVED, 0,
				       mod->name,
				       "%s unloaded: %u %s hooks removed until it is loaded again",
				       mod->name, removed, set->name);
}

static int module_cb(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	struct module *mod = data;
	struct bmcw_hook_set *set;

	if (action != MODULE_STATE_COMING && action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&hooks_lock);
	list_for_each_entry(set, &sets, node) {
		if (action == MODULE_STATE_GOING && set->module_going)
			set->module_going(mod);
		if (!set_uses(set, mod->name))
			continue;
		if (action == MODULE_STATE_COMING)
			module_coming(set, mod);
		else
			module_going(set, mod);
	}
	mutex_unlock(&hooks_lock);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_cb,
};

int bmcw_hook_init(void)
{
	int ret = register_module_notifier(&module_nb);

	if (ret) {
		pr_warn("no module notifier (%d): hooks in modules loaded later are not placed\n",
			ret);
		bmcw_health(BMCW_MON_MODULE, BMCW_HEALTH_HOOK_FAILED, ret,
			    "module_notifier",
			    "no module notifier (error %d): hooks in modules loaded later are not placed",
			    ret);
		return ret;
	}
	notifier_registered = true;
	return 0;
}

void bmcw_hook_exit(void)
{
	if (notifier_registered)
		unregister_module_notifier(&module_nb);
	notifier_registered = false;
}

int bmcw_hooks_show(struct seq_file *m, void *v)
{
	struct bmcw_hook_set *set;
	struct bmcw_hook *h;
	unsigned int i;

	mutex_lock(&hooks_lock);
	list_for_each_entry(set, &sets, node)
		for (i = 0; i < set->nr; i++) {
			h = &set->hooks[i];
			seq_printf(m, "hook=%s/%s state=%s err=%d missed=%lu kind=%s module=%s # %s\n",
				   set->name, hook_sym(h), state_names[h->state],
				   h->err, h->missed_before + hook_missed(h),
				   kind_names[h->kind],
				   h->mod ?: "vmlinux", h->unseen);
		}
	mutex_unlock(&hooks_lock);
	return 0;
}
