/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI addresses in every domain Linux can make: Intel VMD's start at
 * 0x10000 ("10000:00:02.0"), Hyper-V's reach 0xffff, pci_domain_nr() is an
 * int. Each parser of addresses (bdf.c itself, the module's inventory, the
 * baseline file, the [bmc] list) must take them and give them back
 * unchanged; an inventory line it cannot take fails loudly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "bdf.h"
#include "inventory.h"
#include "policy.h"
#include "tap.h"

static const char *const good[] = {
	"0000:00:00.0", "0000:ff:1f.7", "ffff:00:02.0", "10000:00:02.0",
	"1ffff:ff:1f.7", "7fffffff:01:00.1", "ffffffff:ff:1f.7",
};

static const char *const bad[] = {
	"", "000:00:00.0", "00000:00:00.0", "010000:00:02.0", "0000:00:20.0",
	"0000:00:1f.8", "0000:0:01.0", "0000:00:1.0", "0000-00:01.0",
	"0000:00:01:0", "g000:00:01.0", "100000000:00:00.0", "0000:00:01.0 ",
	" 0000:00:01.0", "1ffff:ff:1f.7x",
};

static void test_parser(void)
{
	char buf[BDF_STR_MAX];
	struct bdf b;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ok(!bdf_parse(good[i], &b), "'%s' parses", good[i]);
		bdf_format(&b, buf);
		is_str(buf, good[i], "'%s' formats back unchanged", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(bdf_parse(bad[i], &b), "'%s' is rejected", bad[i]);
	ok(!bdf_parse("1ffff:ff:1f.7", &b) && b.domain == 0x1ffff && b.bus == 0xff &&
	   b.devfn == (0x1f << 3 | 7), "1ffff:ff:1f.7 is domain 0x1ffff bus 0xff dev 0x1f fn 7");
	ok(!bdf_canonical("1FFFF:FF:1F.7", buf) && !strcmp(buf, "1ffff:ff:1f.7"),
	   "upper case is read, written back in lower case");
	ok(!bdf_parse("10000:00:02.0", &b) && b.domain == 0x10000,
	   "10000:00:02.0 is not domain 0 (0x10000 & 0xffff)");
}

#define LINE(bdf, flags) bdf " vendor=1234 device=11e8 subsys=1af4:1100 class=00ff00 rev=10 " \
	"hdr=00 flags=" flags " fp=2222222222222222 driver=- path=-\n"

static void test_inventory(void)
{
	const char *text = "# functions=4 host_fp=00112233445566aa\n"
		LINE("0000:00:01.0", "0x8001")
		LINE("10000:00:02.0", "0x8001")
		LINE("1ffff:ff:1f.7", "0x8000")
		LINE("ffff:00:00.0", "0x8000");
	struct inventory inv = { 0 };
	char err[256] = "";

	ok(!inventory_parse(text, strlen(text), &inv, err, sizeof(err)) && inv.n == 4,
	   "an inventory with VMD domains parses (%s)", inv.n ? "4 functions" : err);
	ok(inventory_find(&inv, "10000:00:02.0") && inventory_find(&inv, "1ffff:ff:1f.7"),
	   "VMD functions are found by their address");
	ok(inventory_find(&inv, "10000:00:02.0") != inventory_find(&inv, "0000:00:02.0"),
	   "10000:00:02.0 is not 0000:00:02.0");
	ok(inventory_find(&inv, "10000:00:02.0") &&
	   (inventory_find(&inv, "10000:00:02.0")->flags & 1),
	   "the VMD BMC function keeps its BMC flag");
	inventory_free(&inv);

	text = "# functions=1 host_fp=00112233445566aa\n" LINE("010000:00:02.0", "0x8001");
	ok(inventory_parse(text, strlen(text), &inv, err, sizeof(err)) == -1 &&
	   strstr(err, "line 2") && strstr(err, "not a PCI address"),
	   "an address it cannot take fails the parse, naming the line: %s", err);
}

/* The baseline file: VMD functions saved and read back. */
static void test_baseline(void)
{
	const char *text = "# functions=2 host_fp=00112233445566aa\n"
		LINE("0000:00:01.0", "0x8001") LINE("1ffff:ff:1f.7", "0x8001");
	struct baseline b = { 0 }, back = { 0 };
	char err[512], *json;

	ok(!inventory_parse(text, strlen(text), &b.inv, err, sizeof(err)), "inventory for the baseline");
	snprintf(b.created, sizeof(b.created), "2024-01-01T00:00:00.000Z");
	snprintf(b.host, sizeof(b.host), "vmd-host");
	json = baseline_to_json(&b);
	ok(json && !baseline_parse(json, strlen(json), &back, err, sizeof(err)),
	   "a baseline with a VMD function round-trips through JSON (%s)", json ? err : "no json");
	ok(back.inv.n == 2 && inventory_find(&back.inv, "1ffff:ff:1f.7"),
	   "1ffff:ff:1f.7 is in the baseline read back");
	free(json);
	baseline_free(&back);
	baseline_free(&b);
}

/* [bmc] entries and --bmc-device take VMD addresses. */
static void test_policy(void)
{
	struct bmc_match m;

	ok(!bmc_match_parse("10000:00:02.0", &m) && m.by_bdf && m.seg == 0x10000 &&
	   m.bus == 0 && m.devfn == 0x10, "[bmc] 10000:00:02.0 is domain 0x10000, 00:02.0");
	ok(!bmc_match_parse("1ffff:ff:1f.7", &m) && m.seg == 0x1ffff && m.bus == 0xff &&
	   m.devfn == 0xff, "[bmc] 1ffff:ff:1f.7");
	ok(!bmc_match_parse("0000:00:02.0", &m) && m.by_bdf && m.seg == 0,
	   "[bmc] 0000:00:02.0 still");
	ok(!bmc_match_parse("00:02.0", &m) && m.by_bdf && m.seg == 0 && m.devfn == 0x10,
	   "[bmc] 00:02.0 (domain 0) still");
	ok(!bmc_match_parse("1a03:2000", &m) && !m.by_bdf && m.vendor == 0x1a03,
	   "[bmc] 1a03:2000 is still vendor:device");
	ok(bmc_match_parse("010000:00:02.0", &m) && bmc_match_parse("10000:00:20.0", &m),
	   "[bmc] malformed addresses are refused");
}

int main(void)
{
	test_parser();
	test_inventory();
	test_baseline();
	test_policy();
	return tap_done();
}
