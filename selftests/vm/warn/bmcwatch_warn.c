// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module for the VM runner's self-tests: loading it makes the
 * kernel log a WARNING, which selftests/vm/run must turn into a failure.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init bmcwatch_warn_init(void)
{
	WARN(1, "bmcwatch-selftest: deliberate warning\n");
	return 0;
}

static void __exit bmcwatch_warn_exit(void)
{
}

module_init(bmcwatch_warn_init);
module_exit(bmcwatch_warn_exit);

MODULE_DESCRIPTION("bmcwatch selftest: WARN() on load");
MODULE_LICENSE("GPL");
