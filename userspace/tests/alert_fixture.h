/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The alert the output format tests render: a BMC function's config write
 * by a process, with every subject field set: three occurrences from
 * 12:00:00.005 to 12:00:02.123 (the kernel's times of the events), made
 * an alert at 12:00:04.500. Each test then sets the message and why it
 * wants (what its format must escape).
 */
#ifndef BMCW_TEST_ALERT_FIXTURE_H
#define BMCW_TEST_ALERT_FIXTURE_H

#include <string.h>
#include <linux/bmcwatch.h>

#include "alert.h"

#define FIXTURE_MS 1000000ull

static inline void alert_fixture(struct bmcw_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->rule = "pcie.config_write";
	a->severity = BMCW_SEV_WARNING;
	a->subject.has_device = 1;
	strcpy(a->subject.bdf, "0000:03:00.0");
	a->subject.vendor = 0x1a03;
	a->subject.device = 0x2000;
	a->subject.fn_flags = BMCW_FN_BMC | BMCW_FN_KNOWN;
	a->subject.has_process = 1;
	a->subject.pid = 4242;
	strcpy(a->subject.comm, "set|pci");
	strcpy(a->subject.exe, "/opt/a=b\\c/setpci");
	strcpy(a->subject.locus, "cfg 0x04 [command]");
	a->count = 3;
	a->first_ns = 1714564800ull * 1000000000ull + 5 * FIXTURE_MS;
	a->last_ns = 1714564802ull * 1000000000ull + 123 * FIXTURE_MS;
	a->time_src = BMCW_TIME_EVENT;
	a->created_ns = 1714564804ull * 1000000000ull + 500 * FIXTURE_MS;
	a->seq = 17;
	alert_add_extra(a, "register", "0x%02x", 0x04);
}

#endif
