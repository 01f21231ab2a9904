/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rows of the module's debugfs hook tables (hooktab.c): the one row shape
 * "hook=NAME state=STATE err=N missed=N [KEY=VALUE...] [# text]", extra
 * keys ignored, missed optional; anything else said to be bad or not a row.
 */
#include <string.h>

#include "hooktab.h"
#include "tap.h"

int main(void)
{
	struct hooktab_row r;

	is_int(hooktab_parse_line("hook=ipmi_si/smi_send state=placed err=0 missed=3 kind=kprobe module=ipmi_si # sends\n", &r),
	       HOOKTAB_ROW, "a full row with extra keys and a comment");
	ok(!strcmp(r.hook, "ipmi_si/smi_send") && !strcmp(r.state, "placed") && r.err == 0 &&
	   r.missed == 3 && r.has_missed, "its hook, state, err and missed");
	is_int(hooktab_parse_line("hook=write_port state=failed err=-2", &r), HOOKTAB_ROW,
	       "a row without missed (older modules)");
	ok(r.err == -2 && !r.has_missed && r.missed == 0 && !strcmp(r.state, "failed"),
	   "negative err, missed absent");
	is_int(hooktab_parse_line("hook=dmar_fault err=-19 future=1 state=waiting missed=18446744073709551615", &r),
	       HOOKTAB_ROW, "keys after hook in any order, unknown ones ignored");
	ok(r.missed == 18446744073709551615ull && r.err == -19, "missed up to 2^64-1");
	is_int(hooktab_parse_line("hook=x state=placed err=0 # comment with = signs and hook=y", &r),
	       HOOKTAB_ROW, "a comment may hold anything");
	ok(!strcmp(r.hook, "x"), "the comment's hook= is not the hook");

	is_int(hooktab_parse_line("records=3 overflow=0", &r), HOOKTAB_OTHER, "another table line is no row");
	is_int(hooktab_parse_line("", &r), HOOKTAB_OTHER, "an empty line is no row");
	is_int(hooktab_parse_line("# header", &r), HOOKTAB_OTHER, "a header is no row");

	static const char *const bad[] = {
		"hook= state=placed err=0", "hook=x state=placed", "hook=x err=0",
		"hook=x state=placed err=zero", "hook=x state=placed err=0 missed=-1",
		"hook=x state=placed err=0 missed=18446744073709551616",
		"hook=x state=Placed err=0", "hook=x state=placed err=0 err=1",
		"hook=x state=placed err=0 hook=y", "hook=x state=placed err=0 novalue",
		"hook=x state=placed err=0 =v", "hook=x state=placed err=99999999999",
		"hook=x\tstate=placed err=0", "hook=x state=placed err=0 missed=1 missed=2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(hooktab_parse_line(bad[i], &r), HOOKTAB_BAD, "bad row: '%s'", bad[i]);
	return tap_done();
}
