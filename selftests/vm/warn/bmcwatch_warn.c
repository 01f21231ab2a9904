// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's self-tests: loading it makes the
 * kernel log a WARNING, which selftests/vm/run must turn into a failure;
 * with oops=1 it dereferences a NULL pointer instead (an Oops that kills
 * insmod), which must stop the run at once.
 */
#include <linux/bug.h>
#include <linux/module.h>

static bool oops;
module_param(oops, bool, 0444);
MODULE_PARM_DESC(oops, "oops (NULL pointer dereference) instead of a warning");

static int __init bmcwatch_warn_init(void)
{
	if (oops) {
		/* volatile: the compiler must not see (and drop) the bug */
		int *volatile p = NULL;

		pr_info("bmcwatch-selftest: deliberate oops\n");
		return *p;
	}
	WARN(1, "bmcwatch-selftest: deliberate warning\n");
	return 0;
}

static void __exit bmcwatch_warn_exit(void)
{
}

module_init(bmcwatch_warn_init);
module_exit(bmcwatch_warn_exit);

MODULE_DESCRIPTION("bmcwatch selftest: WARN() or an Oops on load");
MODULE_LICENSE("GPL");
