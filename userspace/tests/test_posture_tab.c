/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's posture table (posture_tab.c): the control registers the
 * daemon cannot read through sysfs without CAP_SYS_ADMIN, taken as the
 * module printed them; a line that is not one is skipped, never misread.
 */
#include <string.h>

#include "posture_tab.h"
#include "tap.h"

static int parse(const char *t, struct posture_row *rows, int max)
{
	return posture_tab_parse(t, strlen(t), rows, max);
}

int main(void)
{
	struct posture_row r[4];
	const struct posture_row *f;

	is_int(parse("0000:00:03.0 ats=- acs=-\n"
		     "0000:00:1c.0 ats=- acs=001d\n"
		     "10000:e1:00.0 ats=8000 acs=-\n", r, 4), 3, "three rows");
	ok(r[0].ats == POSTURE_CTRL_ABSENT && r[0].acs == POSTURE_CTRL_ABSENT,
	   "a function without either capability");
	ok(r[1].acs == 0x1d, "a bridge's ACS control");
	is_str(r[2].bdf, "10000:e1:00.0", "a VMD domain's address");
	ok(r[2].ats == 0x8000, "ATS enabled");
	f = posture_tab_find(r, 3, "0000:00:1c.0");
	ok(f == &r[1], "found by address");
	ok(!posture_tab_find(r, 3, "0000:00:1c.1"), "an address not listed");
	is_int(parse("0000:00:1C.0 ats=- acs=001D", r, 4), 1, "no final newline, upper case");
	is_str(r[0].bdf, "0000:00:1c.0", "the address made canonical");
	is_int(parse("0000:00:1c.0 ats=- acs=1001d\n"
		     "0000:00:1c.0 ats=x acs=001d\n"
		     "0000:00:1c.0 acs=001d ats=-\n"
		     "0000:00:1c.0 ats=- acs=001d extra\n"
		     "00:1c.0 ats=- acs=001d\n"
		     "\n"
		     "0000:00:02.0 ats=- acs=0011\n", r, 4), 1,
	       "bad lines skipped, the good one kept");
	is_str(r[0].bdf, "0000:00:02.0", "the good one");
	is_int(parse("0000:00:01.0 ats=- acs=-\n0000:00:02.0 ats=- acs=-\n"
		     "0000:00:03.0 ats=- acs=-\n", r, 2), 2, "at most max rows");
	is_int(posture_tab_read("/nonexistent/posture", r, 4), -1,
	       "no table: -1 (an older module)");
	return tap_done();
}
