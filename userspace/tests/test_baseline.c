/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inventory parsing (strict, every rejection with its message), baseline
 * round trips through JSON and through files (atomic save, refusal to
 * replace, corrupt files reported and kept), golden serialisation, and the
 * differences with the alerts they raise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "rules.h"
#include "tap.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "we");

	fputs(s, f);
	fclose(f);
}

#define HDR "# functions=1 host_fp=00112233445566aa\n"
#define FN  "0000:00:01.0 vendor=1234 device=11e8 subsys=1af4:1100 class=00ff00 rev=10 hdr=00 flags=0x8001 fp=2222222222222222 driver=- path=-"

static void test_inventory(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ FN "\n", "no '# functions=N host_fp=HEX' header: not a bmcwatch inventory" },
		{ HDR "0000:00:1g.0 vendor=1234\n", "line 2: '0000:00:1g.0' is not a PCI address (DDDD:BB:DD.F)" },
		{ HDR "0000:00:20.0 vendor=1234\n", "line 2: '0000:00:20.0' is not a PCI address (DDDD:BB:DD.F)" },
		{ HDR "0000:00:01.0 vendor=1234 device=11e8 subsys=1af4:1100 class=00ff00 rev=10 hdr=00 flags=0x8001 driver=- path=-\n",
		  "line 2: 0000:00:01.0: missing key 'fp'" },
		{ HDR "0000:00:01.0 vendor=12345\n", "line 2: bad value for vendor: '12345'" },
		{ HDR "0000:00:01.0 vendor=1234 vendor=1234\n", "line 2: key 'vendor' repeated" },
		{ HDR "0000:00:01.0 vendor\n", "line 2: 'vendor' is not key=value" },
		{ HDR "0000:00:01.0 Vendor=1234\n", "line 2: bad key 'Vendor'" },
		{ HDR "0000:00:01.0 flags=8001\n", "line 2: bad value for flags: '8001'" },
		{ HDR "0000:00:01.0 subsys=1af4-1100\n", "line 2: bad value for subsys: '1af4-1100'" },
		{ HDR FN "\n" FN "\n", "header announces 1 functions, 2 listed" },
		{ "# functions=2 host_fp=00112233445566aa\n" FN "\n" FN "\n", "0000:00:01.0 listed twice" },
		{ HDR FN "\x01\n", "line 2: byte 0x01 at column 130" },
		{ HDR FN, "line 2: truncated (no newline at the end)" },
		{ HDR HDR, "line 2: expected the header '# functions=N host_fp=HEX' on line 1 only" },
		{ "# functions=-1 host_fp=00112233445566aa\n", "line 1: expected the header '# functions=N host_fp=HEX' on line 1 only" },
		{ "", "no '# functions=N host_fp=HEX' header: not a bmcwatch inventory" },
	};
	struct inventory inv;
	char err[256], *text;
	size_t len;

	text = slurp("inventory/good.txt", &len);
	ok(text && !inventory_parse(text, len, &inv, err, sizeof(err)), "good inventory parses");
	is_int(inv.n, 3, "three functions");
	ok(inv.has_host_fp && inv.host_fp == 0x00112233445566aaull, "host fingerprint");
	is_str(inv.fn[1].bdf, "0000:00:01.0", "sorted by bdf");
	ok(inv.fn[1].vendor == 0x1234 && inv.fn[1].device == 0x11e8 &&
	   inv.fn[1].subvendor == 0x1af4 && inv.fn[1].subdevice == 0x1100 &&
	   inv.fn[1].class == 0x00ff00 && inv.fn[1].revision == 0x10 &&
	   inv.fn[1].flags == 0x8001 && inv.fn[1].fingerprint == 0x2222222222222222ull,
	   "every field of a function");
	is_str(inv.fn[2].driver, "ahci", "driver");
	ok(inventory_find(&inv, "0000:00:1f.2") == &inv.fn[2], "find by bdf");
	ok(!inventory_find(&inv, "0000:00:1f.3"), "find a missing bdf");
	inventory_free(&inv);
	free(text);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(inventory_parse(bad[i].text, strlen(bad[i].text), &inv, err, sizeof(err)) == -1 &&
		   inv.n == 0, "inventory rejected: %s", bad[i].msg);
		is_str(err, bad[i].msg, "  with its message");
	}
	/* A newer module's extra keys do not break an older CLI. */
	text = HDR FN " future_key=1\n";
	ok(!inventory_parse(text, strlen(text), &inv, err, sizeof(err)) && inv.n == 1,
	   "unknown key=value tokens are accepted");
	inventory_free(&inv);
	ok(inventory_read("/nonexistent/inventory", &inv, err, sizeof(err)) == -ENOENT &&
	   strstr(err, "is bmcwatch.ko loaded"), "missing file: %s", err);
}

/* What a learning run of 10 windows of 60 s might have seen. */
static void add_traffic(struct baseline *b)
{
	struct baseline_traffic *t = &b->traffic;
	struct baseline_ipmi_cmd c = {
		.netfn = 0x06, .cmd = 0x01, .dir = 0, .origin = BMCW_IPMI_ORIG_USER,
		.r = { .count = 4, .max = 2, .mean = 0.4 },
	};
	struct baseline_irq q = {
		.bdf = "0000:00:01.0", .vector = 0, .irq = 24,
		.r = { .count = 1200, .max = 300, .mean = 120 },
	};
	static const uint8_t id[] = { 0x20, 0x01, 0x02, 0x03, 0x02, 0xbf };

	b->has_traffic = true;
	t->window_s = 60;
	t->windows = 10;
	t->attention = (struct baseline_rate){ .count = 3, .max = 1, .mean = 0.3 };
	baseline_add_ipmi(t, &c);
	c.dir = 1;
	baseline_add_ipmi(t, &c);
	c = (struct baseline_ipmi_cmd){ .netfn = 0x06, .cmd = 0x31, .origin = BMCW_IPMI_ORIG_SI,
					.r = { .count = 600, .max = 60, .mean = 60 } };
	baseline_add_ipmi(t, &c);
	baseline_add_irq(t, &q);
	baseline_traffic_sort(t);
	t->id[BASELINE_ID_DEVICE].seen = true;
	t->id[BASELINE_ID_DEVICE].len = sizeof(id);
	memcpy(t->id[BASELINE_ID_DEVICE].b, id, sizeof(id));
}

static void make_baseline(struct baseline *b)
{
	char err[256], *text;
	size_t len;
	struct baseline_counter c = {
		.bdf = "0000:00:01.0", .cls = "command", .dir = "write",
		.origin = "user", .count = 7, .rate = 0.5,
	};

	memset(b, 0, sizeof(*b));
	text = slurp("inventory/good.txt", &len);
	if (!text || inventory_parse(text, len, &b->inv, err, sizeof(err)))
		printf("# cannot parse inventory/good.txt: %s\n", err);
	free(text);
	strcpy(b->created, "2024-05-01T12:00:00.000Z");
	strcpy(b->host, "host-01.example");
	b->has_profile = true;
	b->sample_s = 10;
	b->reads_total = 12345;
	baseline_add_counter(b, &c);
	add_traffic(b);
	baseline_add_usb(b, &(struct baseline_usb){ .port = "0000:00:14.0-4", .vendor = 0x046b,
						    .product = 0xff10, .role = "virtual keyboard/mouse" });
	baseline_add_usb(b, &(struct baseline_usb){ .port = "0000:00:14.0-1.2", .vendor = 0x046b,
						    .product = 0xff20, .role = "virtual media" });
	baseline_usb_sort(b);
	b->has_usb = true;
}

static void test_round_trip(void)
{
	struct baseline b, b2;
	char err[256] = "", *json, *json2, *golden;

	make_baseline(&b);
	json = baseline_to_json(&b);
	golden = slurp("golden/baseline.json", NULL);
	ok(json && golden && !strncmp(json, golden, strlen(json)) &&
	   strlen(golden) == strlen(json) + 1, "serialisation matches golden/baseline.json");
	ok(!baseline_parse(json, strlen(json), &b2, err, sizeof(err)), "own output parses (%s)",
	   err);
	json2 = baseline_to_json(&b2);
	is_str(json2, json, "round trip is the identity");
	ok(b2.inv.n == 3 && b2.inv.host_fp == b.inv.host_fp && b2.has_profile &&
	   b2.n_counters == 1 && b2.counters[0].count == 7 && b2.reads_total == 12345 &&
	   !memcmp(&b2.inv.fn[2], &b.inv.fn[2], sizeof(b.inv.fn[2])), "fields survive");
	ok(b2.has_traffic && b2.traffic.window_s == 60 && b2.traffic.windows == 10 &&
	   b2.traffic.n_ipmi == 3 && b2.traffic.n_irqs == 1 &&
	   b2.traffic.attention.max == 1 && b2.traffic.attention.mean == 0.3,
	   "traffic fields survive");
	ok(baseline_find_ipmi(&b2.traffic, 0x06, 0x01, 1, BMCW_IPMI_ORIG_USER) &&
	   baseline_find_ipmi(&b2.traffic, 0x06, 0x31, 0, BMCW_IPMI_ORIG_SI)->r.max == 60 &&
	   !baseline_find_ipmi(&b2.traffic, 0x06, 0x31, 0, BMCW_IPMI_ORIG_USER),
	   "commands by netfn, cmd, direction and origin");
	ok(baseline_find_irq(&b2.traffic, "0000:00:01.0", 0)->r.mean == 120 &&
	   !baseline_find_irq(&b2.traffic, "0000:00:01.0", 1), "interrupts by function and vector");
	ok(b2.traffic.id[BASELINE_ID_DEVICE].seen && b2.traffic.id[BASELINE_ID_DEVICE].len == 6 &&
	   b2.traffic.id[BASELINE_ID_DEVICE].b[5] == 0xbf && !b2.traffic.id[BASELINE_ID_DEVICE_GUID].seen,
	   "identity survives");
	ok(b2.has_usb && b2.n_usb == 2 && !strcmp(b2.usb[0].port, "0000:00:14.0-1.2") &&
	   baseline_find_usb(&b2, "0000:00:14.0-4", 0x046b, 0xff10) &&
	   !strcmp(baseline_find_usb(&b2, "0000:00:14.0-4", 0x046b, 0xff10)->role,
		   "virtual keyboard/mouse") &&
	   !baseline_find_usb(&b2, "0000:00:14.0-4", 0x046b, 0xff20) &&
	   !baseline_find_usb(&b2, "0000:00:14.0-5", 0x046b, 0xff10),
	   "the BMC's USB devices survive, found by port and ids");
	free(json);
	free(json2);
	free(golden);
	baseline_free(&b2);

	/* Without a profile (what bmcwatchd --learn writes). */
	b.has_profile = false;
	b.has_traffic = false;
	b.has_usb = false;
	json = baseline_to_json(&b);
	ok(!strstr(json, "profile") && !strstr(json, "traffic") && !strstr(json, "usb_devices") &&
	   !baseline_parse(json, strlen(json), &b2, err, sizeof(err)) &&
	   !b2.has_profile && !b2.has_traffic && !b2.has_usb && b2.inv.n == 3,
	   "no profile round trip; no USB list: nothing said about USB");
	free(json);
	baseline_free(&b2);
	baseline_free(&b);

	/* Version 1 (before the traffic profile) is still read. */
	json = slurp("../../fuzz/corpus/fuzz_baseline/baseline.json", NULL);
	ok(json && strstr(json, "\"version\":1") &&
	   !baseline_parse(json, strlen(json), &b2, err, sizeof(err)) && b2.version == 1 &&
	   b2.inv.n == 3 && b2.has_profile && !b2.has_traffic,
	   "a version 1 baseline is read, without traffic (%s)", err);
	free(json);
	baseline_free(&b2);
}

#define V2 "{\"format\": \"bmcwatch-baseline\", \"version\": 2, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"0011223344556677\", \"functions\": [], "
#define TR "\"traffic\": {\"window_s\": 60, \"windows\": 2, "
#define ATT "\"attention\": {\"count\": 5, \"max_per_window\": 3, \"mean_per_window\": 2.5}"
#define CMD "{\"netfn\": \"06\", \"cmd\": \"01\", \"dir\": \"request\", \"origin\": \"process\", \"count\": 1, \"max_per_window\": 1, \"mean_per_window\": 0.5}"

static void test_corrupt(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "empty file (an interrupted write by another tool?)" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1,", "not valid JSON at byte 45: unexpected end of file (truncated?)" },
		{ "{\"format\": bmcwatch}", "not valid JSON at byte 11: unexpected character" },
		{ "{} x", "not valid JSON at byte 3: unexpected character" },
		{ "[]", "expected a JSON object, found array" },
		{ "{\"version\": 1}", "format: missing" },
		{ "{\"format\": \"other\", \"version\": 1}", "format is 'other', not 'bmcwatch-baseline'" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 3}", "version 3 is not supported (this bmcwatch reads versions 1 to 2): written by a newer bmcwatch" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 0}", "version 0 is not supported (this bmcwatch reads versions 1 to 2)" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": \"1\"}", "version: expected int, found string" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"00\"}",
		  "host_fingerprint: '00' is not 16 hex digits" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"0011223344556677\"}",
		  "functions: missing" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"0011223344556677\", \"functions\": [{\"bdf\": \"00:01.0\"}]}",
		  "functions[0].bdf: '00:01.0' is not a PCI address (DDDD:BB:DD.F)" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"0011223344556677\", \"functions\": [{\"bdf\": \"0000:00:01.0\", \"vendor\": \"12g4\"}]}",
		  "functions[0].vendor: '12g4' is not 4 hex digits" },
		{ "{\"format\": \"bmcwatch-baseline\", \"version\": 1, \"created\": \"x\", \"host\": \"h\", \"host_fingerprint\": \"0011223344556677\", \"functions\": [], \"profile\": 3}",
		  "profile: expected object" },
		{ V2 "\"traffic\": 3}", "traffic: expected object" },
		{ V2 "\"traffic\": {\"window_s\": 0}}", "traffic.window_s: 0 is not a window" },
		{ V2 "\"traffic\": {\"window_s\": 60, \"windows\": 2}}", "traffic.attention: missing" },
		{ V2 TR "\"attention\": {\"count\": 5, \"max_per_window\": 6, \"mean_per_window\": 2.5}}}",
		  "traffic.attention: 5 events, at most 6 and 2.5 on average per window, in 2 windows: inconsistent" },
		{ V2 TR "\"attention\": {\"count\": 5, \"max_per_window\": 3, \"mean_per_window\": 1e300}}}",
		  "traffic.attention: 5 events, at most 3 and 1e+300 on average per window, in 2 windows: inconsistent" },
		{ V2 TR "\"attention\": {\"count\": 5, \"max_per_window\": 3, \"mean_per_window\": -1}}}",
		  "traffic.attention.mean_per_window: not a finite number >= 0" },
		{ V2 TR ATT "}}", "traffic.ipmi_commands: missing" },
		{ V2 TR ATT ", \"ipmi_commands\": [{\"netfn\": \"07\", \"cmd\": \"01\"}]}}",
		  "traffic.ipmi_commands[0].netfn: '07' is not a request netfn (even, below 0x40)" },
		{ V2 TR ATT ", \"ipmi_commands\": [{\"netfn\": \"06\", \"cmd\": \"01\", \"dir\": \"up\"}]}}",
		  "traffic.ipmi_commands[0].dir: 'up' is not request|response" },
		{ V2 TR ATT ", \"ipmi_commands\": [{\"netfn\": \"06\", \"cmd\": \"01\", \"dir\": \"request\", \"origin\": \"nobody\"}]}}",
		  "traffic.ipmi_commands[0].origin: 'nobody' is not an IPMI origin class" },
		{ V2 TR ATT ", \"ipmi_commands\": [" CMD ", " CMD "], \"interrupts\": [], \"identity\": {}}}",
		  "traffic.ipmi_commands: netfn 06 cmd 01 request from process listed twice" },
		{ V2 TR ATT ", \"ipmi_commands\": [], \"interrupts\": [{\"bdf\": \"0000:00:01.0\", \"vector\": 5000}]}}",
		  "traffic.interrupts[0].vector: 5000 out of range" },
		{ V2 TR ATT ", \"ipmi_commands\": [], \"interrupts\": [], \"identity\": {\"device_id\": \"20 01 0\"}}}",
		  "traffic.identity.device_id: '20 01 0' is not 1 to 16 hex bytes separated by spaces" },
		{ V2 TR ATT ", \"ipmi_commands\": [], \"interrupts\": [], \"identity\": {\"device_guid\": \"\"}}}",
		  "traffic.identity.device_guid: empty" },
		{ V2 "\"usb_devices\": {}}", "usb_devices: expected array" },
		{ V2 "\"usb_devices\": [3]}", "usb_devices[0]: expected object" },
		{ V2 "\"usb_devices\": [{\"vendor\": \"046b\"}]}", "usb_devices[0].port: missing" },
		{ V2 "\"usb_devices\": [{\"port\": \"\", \"vendor\": \"046b\"}]}", "usb_devices[0].port: empty" },
		{ V2 "\"usb_devices\": [{\"port\": \"1-1\", \"vendor\": \"46b\", \"product\": \"ff10\", \"role\": \"x\"}]}",
		  "usb_devices[0].vendor: '46b' is not 4 hex digits" },
		{ V2 "\"usb_devices\": [{\"port\": \"1-1\", \"vendor\": \"046b\", \"product\": \"ff10\"}]}",
		  "usb_devices[0].role: missing" },
		{ V2 "\"usb_devices\": [{\"port\": \"1-1\", \"vendor\": \"046b\", \"product\": \"ff10\", \"role\": \"a\"}, "
		     "{\"port\": \"1-1\", \"vendor\": \"046b\", \"product\": \"ff10\", \"role\": \"b\"}]}",
		  "usb_devices: 046b:ff10 at 1-1 listed twice" },
	};
	struct baseline b;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(baseline_parse(bad[i].text, strlen(bad[i].text), &b, err, sizeof(err)) == -1,
		   "corrupt baseline rejected: %s", bad[i].msg);
		is_str(err, bad[i].msg, "  with its message");
	}
	ok(baseline_parse("{\0}", 3, &b, err, sizeof(err)) == -1 &&
	   !strcmp(err, "contains a NUL byte at byte 1: not a text file"), "NUL byte: %s", err);
}

static void test_files(void)
{
	char dir[] = "/tmp/bmcw-baseline-XXXXXX", path[128], err[1024], *before, *after;
	struct baseline b, l;
	struct stat st;

	ok(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/baseline.json", dir);
	make_baseline(&b);
	ok(baseline_load(path, &l, err, sizeof(err)) == -ENOENT && strstr(err, "no baseline learnt yet"),
	   "no file: -ENOENT, '%s'", err);
	ok(!baseline_save(path, &b, false, false, err, sizeof(err)), "save (%s)", err);
	ok(!stat(path, &st) && (st.st_mode & 0777) == 0600, "written 0600");
	ok(!baseline_load(path, &l, err, sizeof(err)) && l.inv.n == 3, "load what was saved");
	baseline_free(&l);
	ok(baseline_save(path, &b, false, false, err, sizeof(err)) == -EEXIST &&
	   strstr(err, "replacing a baseline takes --force"), "no silent replace: %s", err);
	ok(!baseline_save(path, &b, true, false, err, sizeof(err)), "replace when asked");

	spit(path, "{\"format\": \"bmcwatch-baseline\", \"vers");
	before = slurp(path, NULL);
	ok(baseline_load(path, &l, err, sizeof(err)) == -EBADMSG, "corrupt file: -EBADMSG");
	diag("%s", err);
	ok(strstr(err, "baseline.json: corrupt baseline: not valid JSON at byte") &&
	   strstr(err, "move it away and relearn"), "message says where, what and what to do");
	ok(baseline_save(path, &b, true, false, err, sizeof(err)) == -EBADMSG &&
	   strstr(err, "not replacing it"), "a corrupt baseline is never replaced, even with --force");
	after = slurp(path, NULL);
	is_str(after, before, "the corrupt file is left as it was");
	free(before);
	free(after);
	/* A fresh host: the state directory is not there yet (--learn by hand). */
	snprintf(path, sizeof(path), "%s/var/lib/bmcwatch/baseline.json", dir);
	ok(!baseline_save(path, &b, false, false, err, sizeof(err)),
	   "save into directories that do not exist yet (%s)", err);
	snprintf(path, sizeof(path), "%s/var/lib/bmcwatch", dir);
	ok(!stat(path, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
	   "the directory is made, 0700");
	snprintf(path, sizeof(path), "rm -r %s/var", dir);
	ok(system(path) == 0, "cleaned up");
	/* No temporary files left behind. */
	snprintf(path, sizeof(path), "rm -f %s/baseline.json; rmdir %s", dir, dir);
	ok(system(path) == 0, "only the baseline was in the directory");
	baseline_free(&b);
}

static void test_diff(void)
{
	struct inventory old = { 0 }, cur = { 0 };
	struct baseline_change *ch;
	struct bmcw_alert a;
	struct inv_fn f = { 0 };
	size_t n;

	strcpy(f.bdf, "0000:00:01.0");
	f.vendor = 0x1234;
	f.device = 0x11e8;
	f.fingerprint = 1;
	f.flags = BMCW_FN_BMC;
	inventory_add(&old, &f);
	inventory_add(&cur, &f);
	strcpy(f.bdf, "0000:00:02.0");
	f.flags = 0;
	inventory_add(&old, &f);	/* removed */
	strcpy(f.bdf, "0000:00:03.0");
	inventory_add(&old, &f);
	f.revision = 2;
	f.fingerprint = 2;
	inventory_add(&cur, &f);	/* changed */
	strcpy(f.bdf, "0000:00:04.0");
	inventory_add(&cur, &f);	/* added */
	inventory_sort(&old);
	inventory_sort(&cur);

	ok(!baseline_diff(&old, &old, &ch, &n) && n == 0, "no differences with itself");
	free(ch);
	ok(!baseline_diff(&old, &cur, &ch, &n) && n == 3, "three differences");
	ok(ch[0].kind == BASELINE_REMOVED && !strcmp(ch[0].was.bdf, "0000:00:02.0"), "02.0 removed");
	ok(ch[1].kind == BASELINE_CHANGED && !strcmp(ch[1].now.bdf, "0000:00:03.0"), "03.0 changed");
	is_str(ch[1].fields, "revision,fingerprint", "  what changed");
	ok(ch[2].kind == BASELINE_ADDED && !strcmp(ch[2].now.bdf, "0000:00:04.0"), "04.0 added");

	baseline_change_alert(&ch[0], &a);
	ok(!strcmp(a.rule, "pcie.device_removed") && a.severity == BMCW_SEV_NOTICE &&
	   rule_find(a.rule), "removed -> pcie.device_removed (notice)");
	baseline_change_alert(&ch[1], &a);
	ok(!strcmp(a.rule, "pcie.device_changed") && a.severity == BMCW_SEV_WARNING &&
	   strstr(a.message, "(revision,fingerprint)"), "changed -> pcie.device_changed: %s", a.message);
	baseline_change_alert(&ch[2], &a);
	ok(!strcmp(a.rule, "pcie.device_added") && !strcmp(a.subject.bdf, "0000:00:04.0"),
	   "added -> pcie.device_added");
	ch[2].now.flags |= BMCW_FN_VIRTFN;
	baseline_change_alert(&ch[2], &a);
	ok(!strcmp(a.rule, "pcie.vf_added") && a.severity == BMCW_SEV_INFO,
	   "an SR-IOV VF not in the baseline -> pcie.vf_added (info)");
	free(ch);

	/* A BMC function changing identity is critical. */
	cur.fn[0].device = 0x2000;
	ok(!baseline_diff(&old, &cur, &ch, &n) && n == 4 && ch[0].kind == BASELINE_CHANGED,
	   "BMC function changed");
	baseline_change_alert(&ch[0], &a);
	ok(a.severity == BMCW_SEV_CRITICAL, "  critical");
	is_str(ch[0].fields, "device", "  device id");
	free(ch);
	inventory_free(&old);
	inventory_free(&cur);
}

int main(void)
{
	test_inventory();
	test_round_trip();
	test_corrupt();
	test_files();
	test_diff();
	return tap_done();
}
