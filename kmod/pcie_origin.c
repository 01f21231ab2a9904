// SPDX-License-Identifier: GPL-2.0
/*
 * Who asked for a config access. Userspace reaches config space only through
 * pci_user_{read,write}_config_*() (sysfs "config", /proc/bus/pci, vfio-pci),
 * and those call bus->ops directly, so the return address of our bus-ops
 * wrapper tells a user access from the kernel's own without a kprobe or a
 * per-access lookup: six range compares. Whether a user access to a function
 * bound to vfio-pci came from the VMM takes one step more (see below).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include "bmcwatch.h"

struct bmcw_text_range bmcw_user_cfg[BMCW_USER_CFG_FNS] __read_mostly;
struct bmcw_text_range bmcw_user_cfg_span __read_mostly;

/* Size of the function at @addr from "name+0x0/0x90 [mod]". */
static unsigned long func_size(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size;
	char *slash;

	sprint_symbol(buf, addr);
	slash = strchr(buf, '/');
	if (!slash)
		return 0;
	slash[strcspn(slash, " ")] = '\0';
	if (kstrtoul(slash + 1, 16, &size))
		return 0;
	return size;
}

static void origin_cache_init(void);

int bmcw_origin_init(void)
{
	const unsigned long fns[] = {
		(unsigned long)pci_user_read_config_byte,
		(unsigned long)pci_user_read_config_word,
		(unsigned long)pci_user_read_config_dword,
		(unsigned long)pci_user_write_config_byte,
		(unsigned long)pci_user_write_config_word,
		(unsigned long)pci_user_write_config_dword,
	};
	struct bmcw_text_range span = { ULONG_MAX, 0 };
	int i;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		unsigned long size = func_size(fns[i]);

		if (!size)
			return -ENOENT;
		bmcw_user_cfg[i].start = fns[i];
		bmcw_user_cfg[i].end = fns[i] + size;
		span.start = min(span.start, fns[i]);
		span.end = max(span.end, fns[i] + size);
	}
	bmcw_user_cfg_span = span;
	origin_cache_init();
	return 0;
}

/*
 * Frames to unwind (each costs an ORC lookup): the traced half of the
 * wrapper, the wrapper, pci_user_*() and its caller, two for another
 * wrapper stacked on ours, and one more for the compiler's choices.
 */
#define BMCW_VFIO_FRAMES	7

/*
 * Verdicts on the callers of pci_user_*() already named. There are a
 * handful of call sites (vfio-pci's, sysfs's, procfs's), so the slow
 * naming (sprint_symbol(): tens of microseconds under emulation) runs once
 * per site. A module that goes away empties the cache, since its addresses
 * can be reused; a verdict reached across that is not kept (generation).
 */
#define BMCW_CALLERS		16

static struct {
	unsigned long addr;
	bool vfio;
} callers[BMCW_CALLERS];
static unsigned int callers_next, callers_gen;
static DEFINE_RAW_SPINLOCK(callers_lock);
static bool callers_cached;		/* the module notifier is registered */

static int cached_caller(unsigned long addr, unsigned int *gen)
{
	unsigned long flags;
	int i, ret = -1;

	raw_spin_lock_irqsave(&callers_lock, flags);
	for (i = 0; i < BMCW_CALLERS && ret < 0; i++)
		if (callers[i].addr == addr)
			ret = callers[i].vfio;
	*gen = callers_gen;
	raw_spin_unlock_irqrestore(&callers_lock, flags);
	return ret;
}

static void cache_caller(unsigned long addr, bool vfio, unsigned int gen)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&callers_lock, flags);
	if (gen == callers_gen) {
		callers[callers_next].addr = addr;
		callers[callers_next].vfio = vfio;
		callers_next = (callers_next + 1) % BMCW_CALLERS;
	}
	raw_spin_unlock_irqrestore(&callers_lock, flags);
}

static int origin_module_notify(struct notifier_block *nb,
				unsigned long action, void *data)
{
	unsigned long flags;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	raw_spin_lock_irqsave(&callers_lock, flags);
	memset(callers, 0, sizeof(callers));
	callers_gen++;
	raw_spin_unlock_irqrestore(&callers_lock, flags);
	return NOTIFY_DONE;
}

static struct notifier_block origin_module_nb = {
	.notifier_call = origin_module_notify,
};

/*
 * The modules that hold vfio-pci's config-space emulation
 * (vfio_pci_config.c), as sprint_symbol() ends a name in them: the core
 * split out for variant drivers (vfio_pci_core, 5.15 on) and, before it,
 * the driver itself (vfio_pci, 5.10). Both are taken on any kernel, so a
 * kernel is not needed to say which: on a kernel with the core, vfio_pci
 * keeps only the Intel graphics quirk (vfio_pci_igd.c), whose reads are
 * the VMM's too and are of bridges no VMM owns, so this changes nothing
 * there.
 */
static const char * const vfio_cfg_modules[] = {
	" [vfio_pci_core]",
	" [vfio_pci]",
};

/*
 * Out of line: its buffer would otherwise be zeroed on every call
 * (INIT_STACK_ALL_ZERO), a 0.5 KiB memset on the cached path.
 */
static noinline bool name_is_vfio(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];
	int i;

	sprint_symbol(buf, addr);
	for (i = 0; i < ARRAY_SIZE(vfio_cfg_modules); i++)
		if (strstr(buf, vfio_cfg_modules[i]))
			return true;
	return false;
}

/* Is @addr, a caller of pci_user_*(), in vfio-pci's config emulation? */
static bool caller_is_vfio(unsigned long addr)
{
	unsigned int gen = 0;
	int hit = -1;
	bool vfio;

	if (callers_cached)
		hit = cached_caller(addr, &gen);
	if (hit >= 0)
		return hit;
	vfio = name_is_vfio(addr);
	if (callers_cached)
		cache_caller(addr, vfio, gen);
	return vfio;
}

/*
 * Did the user access now in the bus op come through vfio-pci's config
 * region? The wrapper's return address only says pci_user_*(), which
 * sysfs "config" and /proc/bus/pci call too, for any root process: setpci
 * on a passed-through device is not the VMM. The caller of pci_user_*()
 * tells; it is found by unwinding a few frames (ORC) and named once. This
 * runs only for user accesses to functions bound to vfio-pci.
 */
noinline bool bmcw_user_via_vfio(void)
{
	/* stack_trace_save() fills what it returns: no zeroing needed */
	unsigned long frames[BMCW_VFIO_FRAMES] __uninitialized;
	unsigned int n, i;
	int j;

	n = stack_trace_save(frames, ARRAY_SIZE(frames), 0);
	for (i = 0; i + 1 < n; i++) {
		for (j = 0; j < BMCW_USER_CFG_FNS; j++)
			if (frames[i] >= bmcw_user_cfg[j].start &&
			    frames[i] < bmcw_user_cfg[j].end)
				break;
		/* frames[i + 1] lies in the caller of pci_user_*() */
		if (j < BMCW_USER_CFG_FNS)
			return caller_is_vfio(frames[i + 1]);
	}
	return false;
}

/*
 * The origin of an access that reached our wrapper through another one
 * stacked on it: the return address is in that wrapper, so look for
 * pci_user_*() further up.
 */
noinline u8 bmcw_origin_deep(void)
{
	unsigned long frames[BMCW_VFIO_FRAMES] __uninitialized;
	unsigned int n, i;

	n = stack_trace_save(frames, ARRAY_SIZE(frames), 0);
	for (i = 0; i < n; i++)
		if (bmcw_origin(frames[i]) == BMCW_ORIGIN_USER)
			return BMCW_ORIGIN_USER;
	return BMCW_ORIGIN_KERNEL;
}

/* Never fails: without the notifier every caller is named afresh. */
static void origin_cache_init(void)
{
	int ret = register_module_notifier(&origin_module_nb);

	if (ret)
		pr_warn("no module notifier (%d): vfio origin checks run uncached\n",
			ret);
	callers_cached = !ret;
}

void bmcw_origin_exit(void)
{
	if (callers_cached)
		unregister_module_notifier(&origin_module_nb);
	callers_cached = false;
}
