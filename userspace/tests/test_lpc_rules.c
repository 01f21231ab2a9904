/* SPDX-License-Identifier: GPL-2.0 */
/* LPC rules: grants, /dev/port transfers, SuperIO decoding, BAR access. */
#include <stdio.h>
#include <string.h>

#include "lockdown.h"
#include "lpc_rules.h"
#include "policy.h"
#include "tap.h"

static struct lpc_state st;
static struct bmcw_alert al[LPC_RULES_MAX_ALERTS];

static struct bmcw_lpc_port ev(uint8_t kind, uint32_t port, uint32_t count)
{
	struct bmcw_lpc_port p = {
		.pid = 42, .tid = 42, .kind = kind, .port = port, .count = count,
	};

	strcpy(p.comm, "poke");
	return p;
}

/* One /dev/port write of @n bytes starting at @port. */
static int outb(uint32_t port, const uint8_t *v, unsigned int n)
{
	struct bmcw_lpc_port p = ev(BMCW_LPC_PORT_WRITE, port, n);

	memcpy(p.vals, v, n);
	p.nvals = n;
	p.result = n;
	return lpc_rules_port(&st, &p, "/usr/bin/poke", al);
}

static int outb1(uint32_t port, uint8_t v)
{
	return outb(port, &v, 1);
}

/* Index of the first alert of @rule among @n, or -1. */
static int find(int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(al[i].rule, rule))
			return i;
	return -1;
}

static void reset(void)
{
	struct policy p;

	policy_init(&p);
	lpc_state_init(&st, p.lpc_watch, p.lpc_nwatch);
	policy_free(&p);
}

static void test_grants(void)
{
	struct bmcw_lpc_port p;
	int n, i;

	reset();
	p = ev(BMCW_LPC_IOPERM, 0x2e, 1);
	n = lpc_rules_port(&st, &p, "/t/ioperm", al);
	is_int(n, 1, "ioperm(0x2e, 1) raises one alert");
	is_str(al[0].rule, "lpc.port_access", "... lpc.port_access");
	is_int(al[0].subject.pid, 42, "... with the pid");
	is_str(al[0].subject.comm, "poke", "... and the name");
	is_str(al[0].subject.exe, "/t/ioperm", "... and the executable");
	is_int(al[0].severity, BMCW_SEV_WARNING, "a granted SuperIO range is a warning");
	ok(strstr(al[0].message, "0x2e-0x2f (superio)") != NULL, "message names the range: %s",
	   al[0].message);

	p = ev(BMCW_LPC_IOPERM, 0x3f8, 8);
	is_int(lpc_rules_port(&st, &p, "", al), 0, "ioperm on COM1 is not watched");
	p = ev(BMCW_LPC_IOPERM, 0xca0, 4);
	p.result = -1;
	n = lpc_rules_port(&st, &p, "", al);
	ok(n == 1 && al[0].severity == BMCW_SEV_NOTICE && strstr(al[0].message, "refused") &&
	   strstr(al[0].message, "kcs"), "a refused grant over KCS is a notice");

	p = ev(BMCW_LPC_IOPL, 0, 65536);
	p.arg = 3;
	n = lpc_rules_port(&st, &p, "", al);
	is_int(n, 1, "iopl(3) raises one alert");
	i = 0;
	ok(strstr(al[i].message, "superio") && strstr(al[i].message, "kcs") &&
	   strstr(al[i].message, "post"), "iopl(3) covers every watched range: %s",
	   al[i].message);
	p.arg = 1;
	is_int(lpc_rules_port(&st, &p, "", al), 0, "iopl(1) grants no ports");
}

static void test_superio(void)
{
	const uint8_t key[] = { 0xa5, 0xa5 };
	int n, i;

	reset();
	n = outb1(0x2e, 0xa5);
	ok(n == 1 && find(n, "lpc.superio_unlock") < 0, "one 0xA5 is only a port access");
	n = outb1(0x2e, 0xa5);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "ASPEED") && !strcmp(al[i].subject.locus, "superio 0x2e unlock"),
	   "second 0xA5 is the ASPEED unlock");
	ok(i >= 0 && al[i].subject.pid == 42, "unlock attributed to the writer");
	n = outb1(0x2e, 0x07);
	is_int(find(n, "lpc.superio_unlock"), -1, "selecting register 0x07 alone is quiet");
	n = outb1(0x2f, 0x0d);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "iLPC2AHB") && strstr(al[i].subject.locus, "ldn 0x0d"),
	   "LDN 0x0D select is flagged as iLPC2AHB");

	/* iLPC2AHB: enable, address 0x1e6e2000, data 0xdeadbeef, write */
	outb1(0x2e, 0x30);
	n = outb1(0x2f, 0x01);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "enabled"), "iLPC2AHB enable flagged");
	const uint8_t addr[] = { 0x1e, 0x6e, 0x20, 0x00 };
	const uint8_t data[] = { 0xde, 0xad, 0xbe, 0xef };

	for (int b = 0; b < 4; b++) {
		is_int(find(outb1(0x2e, 0xf0 + b), "lpc.superio_unlock"), -1,
		       "address register 0x%02x select is quiet", 0xf0 + b);
		outb1(0x2f, addr[b]);
		outb1(0x2e, 0xf4 + b);
		outb1(0x2f, data[b]);
	}
	outb1(0x2e, 0xf8);
	outb1(0x2f, 0x02);
	outb1(0x2e, 0xfe);
	n = outb1(0x2f, 0xcf);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "0xdeadbeef") && strstr(al[i].message, "0x1e6e2000"),
	   "iLPC2AHB write decoded: %s", i >= 0 ? al[i].message : "none");

	/* read trigger: read the data port with index 0xFE */
	struct bmcw_lpc_port r = ev(BMCW_LPC_PORT_READ, 0x2f, 1);

	r.result = 1;
	r.nvals = 1;
	n = lpc_rules_port(&st, &r, "", al);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "read BMC address 0x1e6e2000"), "iLPC2AHB read decoded");

	/* lock, then an LDN select is no longer an unlock step */
	outb1(0x2e, 0xaa);
	outb1(0x2e, 0x07);
	n = outb1(0x2f, 0x0d);
	is_int(find(n, "lpc.superio_unlock"), -1, "after lock (0xAA) an LDN select is quiet");

	/* Nuvoton key at 0x4E, sent as one two-byte write? No: /dev/port
	 * moves the second byte to 0x4F. Two writes make the key. */
	n = outb(0x4e, key, 2);
	is_int(find(n, "lpc.superio_unlock"), -1,
	       "a two-byte write puts the second byte on the data port: no unlock");
	outb1(0x4e, 0x87);
	n = outb1(0x4e, 0x87);
	i = find(n, "lpc.superio_unlock");
	ok(i >= 0 && strstr(al[i].message, "Nuvoton") && strstr(al[i].subject.locus, "0x4e"),
	   "0x87 0x87 at 0x4E is the Nuvoton unlock");

	outb1(0x2e, 0xa5);
	outb1(0x2e, 0x07);
	n = outb1(0x2e, 0xa5);
	is_int(find(n, "lpc.superio_unlock"), -1, "an interrupted key is not an unlock");
}

static void test_transfers(void)
{
	struct bmcw_lpc_port p;
	int n;

	reset();
	p = ev(BMCW_LPC_PORT_READ, 0x70, 2);
	p.result = 2;
	is_int(lpc_rules_port(&st, &p, "", al), 0, "RTC port read is not watched");
	p = ev(BMCW_LPC_PORT_READ, 0xca3, 1);
	p.result = 1;
	p.nvals = 1;
	p.vals[0] = 0x40;
	n = lpc_rules_port(&st, &p, "", al);
	ok(n == 1 && strstr(al[0].message, "(kcs)") && strstr(al[0].message, ": 40") &&
	   !strcmp(al[0].subject.locus, "port 0xca3"), "KCS status read shows port and value: %s",
	   al[0].message);
	p = ev(BMCW_LPC_PORT_WRITE, 0x7e, 4);	/* 0x7e..0x81 covers POST 0x80 */
	p.result = 4;
	is_int(lpc_rules_port(&st, &p, "", al), 1, "a transfer spanning a watched port is flagged");

	/* configured ranges replace the defaults */
	struct lpc_port_range r = { 0x3f8, 0x3ff };

	lpc_state_init(&st, &r, 1);
	p = ev(BMCW_LPC_IOPERM, 0x2e, 2);
	is_int(lpc_rules_port(&st, &p, "", al), 0, "with watch = 0x3f8-0x3ff, 0x2e is not watched");
	p = ev(BMCW_LPC_IOPERM, 0x3f8, 1);
	is_int(lpc_rules_port(&st, &p, "", al), 1, "... and 0x3f8 is");
}

static void test_mmio(void)
{
	struct bmcw_lpc_mmio m = {
		.pid = 7, .seg = 0, .bus = 0, .devfn = 1 << 3, .kind = BMCW_MMIO_SYSFS_MMAP,
		.bar = 0, .fn_flags = BMCW_FN_KNOWN, .addr = 0xfea00000, .len = 4096,
		.prot = BMCW_MMIO_PROT_READ,
	};

	strcpy(m.comm, "barmap");
	is_int(lpc_rules_mmio(&m, "", 0x1234, 0x11e8, al), 0, "mapping a non-BMC BAR is quiet");
	m.fn_flags |= BMCW_FN_BMC;
	is_int(lpc_rules_mmio(&m, "/t/barmap", 0x1234, 0x11e8, al), 1, "mapping a BMC BAR is flagged");
	is_str(al[0].rule, "pcie.bmc_mmio_map", "... as pcie.bmc_mmio_map");
	is_str(al[0].subject.bdf, "0000:00:01.0", "... with the function");
	is_int(al[0].subject.pid, 7, "... and the process");
	is_int(al[0].severity, BMCW_SEV_WARNING, "read-only map: warning");
	m.prot |= BMCW_MMIO_PROT_WRITE;
	lpc_rules_mmio(&m, "", 0, 0, al);
	is_int(al[0].severity, BMCW_SEV_CRITICAL, "writable map: critical");
	m.kind = BMCW_MMIO_DEVMEM_WRITE;
	lpc_rules_mmio(&m, "", 0, 0, al);
	ok(strstr(al[0].message, "/dev/mem") && strstr(al[0].subject.locus, "/dev/mem"),
	   "/dev/mem writes name /dev/mem");
}

static void test_ioports(void)
{
	const char *text =
		"0000-0cf7 : PCI Bus 0000:00\n"
		"  0070-0077 : rtc0\n"
		"  0ca2-0ca3 : IPI0001:00\n"
		"    0ca2-0ca2 : IPMI Address 1\n"
		"  0e4-0e6 : ipmi_si\n";
	struct lpc_port_range r[4];
	int n = lpc_ioports_ipmi(text, r, 4);

	is_int(n, 3, "three IPMI claims in /proc/ioports");
	ok(r[0].lo == 0xca2 && r[0].hi == 0xca3, "IPI0001 range");
	ok(r[2].lo == 0xe4 && r[2].hi == 0xe6, "ipmi_si range");
	is_int(lpc_ioports_ipmi(text, r, 1), 1, "respects max");
	reset();
	is_int(lpc_state_watch(&st, r[0]), 0, "adding the default KCS range again is fine");
	is_int(lpc_state_watch(&st, r[1]), 0, "... and its 0xca2-0xca2 sub-claim");
	is_int((int)st.nwatch, 6, "... neither duplicates a range");
	is_int(lpc_state_watch(&st, r[2]), 0, "0xe4-0xe6 is covered by BT");
	struct lpc_port_range kcs2 = { 0xca8, 0xcaf };

	is_int(lpc_state_watch(&st, kcs2), 0, "a new range is added");
	is_int((int)st.nwatch, 7, "... once");
}

static void test_lockdown(void)
{
	char buf[32];

	ok(!lockdown_parse("none [integrity] confidentiality\n", buf, sizeof(buf)) &&
	   !strcmp(buf, "integrity"), "securityfs format: the bracketed level");
	ok(!lockdown_parse("none\n", buf, sizeof(buf)) && !strcmp(buf, "none"),
	   "bmcwatch sysfs format: the one value");
	ok(lockdown_parse("[none", buf, sizeof(buf)), "unterminated bracket is refused");
}

int main(void)
{
	test_lockdown();
	test_grants();
	test_superio();
	test_transfers();
	test_mmio();
	test_ioports();
	return tap_done();
}
