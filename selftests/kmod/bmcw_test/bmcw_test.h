/* SPDX-License-Identifier: GPL-2.0 */
/* bmcw_test.ko: what its files share. */
#ifndef _BMCW_TEST_H
#define _BMCW_TEST_H

struct dentry;

/* fakehost.c: a host bridge of our own (debugfs "fakehost") */
void bmcw_test_fakehost_init(struct dentry *dir);
void bmcw_test_fakehost_exit(void);
/* kprobe_miss.c: make a probe of ACPI config reads miss (debugfs) */
void bmcw_test_kprobe_miss_init(struct dentry *dir);
/* input_bench.c: key presses injected on an input device, timed */
void bmcw_test_input_bench_init(struct dentry *dir);
void bmcw_test_input_bench_exit(void);

#endif /* _BMCW_TEST_H */
