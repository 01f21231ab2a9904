/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may have rung a vector: the module's MSI table (msi_tab.c) and the
 * decoding of an MSI message, and the CPU-to-APIC-ID map (cpu_apicid.c).
 */
#include <string.h>

#include "cpu_apicid.h"
#include "msi_senders.h"
#include "msi_tab.h"
#include "tap.h"

static void test_decode(void)
{
	struct msi_target t;

	msi_decode(0xfee01000, 0x00d3, &t);
	ok(t.format == MSI_COMPAT && t.dest == 1 && t.vector == 0xd3 &&
	   !t.logical && t.delivery == 0, "compatibility format: APIC ID 1, vector 0xd3, fixed");
	msi_decode(0xfee00010, 0x0000, &t);
	ok(t.format == MSI_REMAPPABLE, "bit 4: an interrupt-remapping handle");
	msi_decode(0xfee0000c, 0x0141, &t);
	ok(t.format == MSI_COMPAT && t.logical && t.delivery == 1,
	   "logical destination, lowest priority");
	msi_decode(0xfee02fe0, 0x0030, &t);
	ok(t.dest == (2 | 0x7f << 8), "Linux's extended destination ID (bits 11:5)");
	msi_decode(0xfed00000, 0x00d3, &t);
	ok(t.format == MSI_NOT_INTERRUPT, "outside the interrupt window");
	msi_decode(0x1fee00000ULL, 0x00d3, &t);
	ok(t.format == MSI_NOT_INTERRUPT, "above 4 GiB: not the window");
}

static void test_may_ring(void)
{
	struct msi_row r = { .msi = true, .addr = 0xfee00000, .data = 0xd3 };

	ok(msi_may_ring(&r, 0, 0xd3), "its vector on its CPU");
	ok(!msi_may_ring(&r, 1, 0xd3), "not another CPU");
	ok(msi_may_ring(&r, MSI_ANY_CPU, 0xd3), "any CPU, when its APIC ID is not known");
	ok(!msi_may_ring(&r, 0, 0xd4), "not another vector");
	r.addr = 0xfee0000c;
	ok(msi_may_ring(&r, 5, 0xd3), "logical destination: possibly any CPU");
	r.addr = 0xfee00010;
	ok(!msi_may_ring(&r, 0, 0xd3), "remappable: its vector is the IRTE's");
	r.msi = false;
	r.addr = 0xfee00000;
	ok(!msi_may_ring(&r, 0, 0xd3), "MSI off");
	r.msi = true;
	r.data = 0x04d3;
	ok(!msi_may_ring(&r, 0, 0xd3), "NMI delivery ignores the vector field");
	ok(msi_may_nmi(&r, 0), "it delivers NMIs to its CPU");
	ok(!msi_may_nmi(&r, 1), "not to another");
	r.data = 0x00d3;
	ok(!msi_may_nmi(&r, 0), "fixed delivery is no NMI");
	r.data = 0x02d3;
	ok(!msi_may_ring(&r, 0, 0xd3) && !msi_may_nmi(&r, 0), "SMI delivery: neither");
}

/* Matching rows against a vector or an NMI, named from the inventory. */
static void test_senders(void)
{
	struct msi_row rows[3] = {
		{ .bdf = "0000:00:01.0", .msi = true, .addr = 0xfee00000, .data = 0x00d3 },
		{ .bdf = "0000:00:06.0", .msi = true, .addr = 0xfee00000, .data = 0x0400,
		  .kernel = true },
		{ .bdf = "0000:00:07.0", .msix = true },
	};
	struct dma_fn fns[] = {
		{ .bdf = "0000:00:01.0", .vendor = 0x1234, .device = 0x11e8, .flags = 1 },
	};
	struct dma_inv inv = { .n = 1, .fn = fns };
	struct msi_senders who;

	msi_senders_match(rows, 3, 0, 0xd3, &inv, &who);
	ok(who.looked && who.n == 1 && !strcmp(who.s[0].bdf, "0000:00:01.0") &&
	   who.s[0].vendor == 0x1234 && who.s[0].fn_flags == 1 && !who.s[0].by_kernel,
	   "vector 0xd3 on CPU 0: the one function, named from the inventory");
	is_int(who.msix, 1, "the MSI-X function counted");
	msi_senders_match(rows, 3, 0, MSI_SENT_NMI, NULL, &who);
	ok(who.n == 1 && !strcmp(who.s[0].bdf, "0000:00:06.0") && who.s[0].by_kernel &&
	   !who.s[0].vendor, "an NMI on CPU 0: the function delivering NMIs, BDF only without inventory");
	msi_senders_match(rows, 3, 1, MSI_SENT_NMI, &inv, &who);
	ok(who.looked && who.n == 0, "an NMI on CPU 1: none");
}

static int parse(const char *t, struct msi_row *rows, int max)
{
	return msi_tab_parse(t, strlen(t), rows, max);
}

static void test_parse(void)
{
	struct msi_row r[4];

	is_int(parse("0000:00:03.0 msi=00000000fee00000:00d3 msix=off kernel=no\n"
		     "0000:00:02.0 msi=- msix=on kernel=yes\n"
		     "10000:e1:00.0 msi=00000001fee01000:4041 msix=off kernel=yes\n",
		     r, 4), 3, "three rows");
	ok(r[0].msi && r[0].addr == 0xfee00000 && r[0].data == 0xd3 && !r[0].msix &&
	   !r[0].kernel, "MSI enabled behind the kernel's back");
	ok(!r[1].msi && r[1].msix && r[1].kernel, "MSI-X only");
	ok(r[2].addr == 0x1fee01000ULL && r[2].data == 0x4041, "a 64-bit address");
	is_str(r[2].bdf, "10000:e1:00.0", "a VMD domain");
}

static void test_parse_bad(void)
{
	static const char *const bad[] = {
		"0000:00:03.0 msi=fee00000:00d3 msix=off kernel=no",
		"0000:00:03.0 msi=00000000fee00000:00d3 msix=maybe kernel=no",
		"0000:00:03.0 msi=00000000fee00000:00d3 msix=off kernel=no extra",
		"0000:00:03.0 msi=00000000fee0000g:00d3 msix=off kernel=no",
		"0000:00:03.0 msi=00000000fee00000:00d3x msix=off kernel=no",
		"00:03.0 msi=- msix=off kernel=no",
		"0000:00:03.0 msix=off msi=- kernel=no",
		"",
	};
	struct msi_row r[2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(parse(bad[i], r, 2), 0,
		       "skipped: '%s'", bad[i]);
	is_int(msi_tab_read("/nonexistent/msi", r, 2), -1, "no table: -1");
}

static void test_apicid(void)
{
	const char *info = "processor\t: 0\nvendor_id\t: x\napicid\t\t: 0\ninitial apicid\t: 0\n\n"
			   "processor\t: 1\napicid\t\t: 6\ninitial apicid\t: 6\n\n"
			   "processor\t: 2\ninitial apicid\t: 9\n";
	uint32_t id = 99;
	FILE *f;

	f = fmemopen((void *)info, strlen(info), "r");
	ok(!cpu_apicid_from(f, 1, &id) && id == 6, "CPU 1 is APIC ID 6 (%u)", id);
	fclose(f);
	f = fmemopen((void *)info, strlen(info), "r");
	ok(cpu_apicid_from(f, 2, &id), "CPU 2 lists no apicid (only 'initial apicid')");
	fclose(f);
	f = fmemopen((void *)info, strlen(info), "r");
	ok(cpu_apicid_from(f, 7, &id), "CPU 7 is not listed");
	fclose(f);
}

int main(void)
{
	test_decode();
	test_may_ring();
	test_senders();
	test_parse();
	test_parse_bad();
	test_apicid();
	return tap_done();
}
