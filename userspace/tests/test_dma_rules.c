/* SPDX-License-Identifier: GPL-2.0 */
/* DMA and doorbell rules, driven with hand-made records. */
#include <string.h>

#include "dma_rules.h"
#include "tap.h"

static const char *extra(const struct bmcw_alert *a, const char *key)
{
	for (unsigned int i = 0; i < a->n_extra; i++)
		if (!strcmp(a->extra[i].key, key))
			return a->extra[i].value;
	return NULL;
}

static void test_faults(void)
{
	struct bmcw_dma_fault f = {
		.seg = 0, .bus = 0, .devfn = 1 << 3, .kind = BMCW_DMA_FAULT_DMA,
		.dir = BMCW_DIR_READ, .reason = 0x06, .addr = 0x1000,
		.fn_flags = BMCW_FN_BMC | BMCW_FN_KNOWN, .seq = 7,
	};
	struct dma_fn_ctx c = { .vendor = 0x1234, .device = 0x11e8, .owner = "" };
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];

	is_int(dma_rules_fault(&f, &c, al), 1, "a DMA fault gives one alert");
	is_str(al[0].rule, "dma.iommu_fault", "named dma.iommu_fault");
	is_int(al[0].severity, BMCW_SEV_CRITICAL, "critical for a BMC function");
	is_str(al[0].subject.bdf, "0000:00:01.0", "names the requester's BDF");
	is_str(extra(&al[0], "address"), "0x1000", "carries the address");
	is_str(extra(&al[0], "direction"), "read", "carries the direction");
	ok(strstr(al[0].message, "read of a page not mapped readable"),
	   "decodes the VT-d reason: %s", al[0].message);

	f.dir = BMCW_DIR_WRITE;
	f.fn_flags = BMCW_FN_BMC_ALIAS;
	c.owner = "0000:06:00.0";
	dma_rules_fault(&f, &c, al);
	ok(strstr(al[0].message, "alias of 0000:06:00.0") &&
	   strstr(al[0].message, "DMA write"),
	   "an alias names the BMC function behind it: %s", al[0].message);

	f.fn_flags = 0;
	c.owner = "";
	dma_rules_fault(&f, &c, al);
	is_int(al[0].severity, BMCW_SEV_WARNING,
	       "a fault of another device is still an alert (warning)");

	f.kind = BMCW_DMA_FAULT_IR;
	f.reason = 0x25;
	f.addr = 17;
	f.fn_flags = BMCW_FN_BMC;
	dma_rules_fault(&f, &c, al);
	is_str(al[0].rule, "doorbell.interrupt_remap_fault",
	       "an interrupt-remapping fault is a doorbell alert");
	ok(strstr(al[0].message, "index 17") &&
	   strstr(al[0].message, "compatibility-format"),
	   "with index and reason: %s", al[0].message);

	f.hw = BMCW_IOMMU_AMDVI;
	f.kind = BMCW_DMA_FAULT_DMA;
	dma_rules_fault(&f, &c, al);
	is_str(extra(&al[0], "iommu"), "amdvi0", "AMD-Vi faults say so");
}

static void test_posture(void)
{
	struct dma_posture p = {
		.bdf = "0000:00:01.0", .fn_flags = BMCW_FN_BMC, .iommu = 1,
		.domain = "DMA-FQ", .intremap = 1,
	}, q;
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];

	is_int(dma_rules_posture(NULL, &p, al), 0,
	       "translated, remapped, no driver, no bus master: quiet");
	q = p;
	snprintf(q.domain, sizeof(q.domain), "identity");
	is_int(dma_rules_posture(NULL, &q, al), 1, "identity domain at load alerts");
	is_str(al[0].rule, "dma.unconfined", "as dma.unconfined");
	is_int(al[0].severity, BMCW_SEV_CRITICAL, "critical: DMA reaches all memory");
	ok(strstr(al[0].message, "identity") && strstr(al[0].message, "at load"),
	   "says why and when: %s", al[0].message);
	is_int(dma_rules_posture(&q, &q, al), 0, "an unchanged posture is not news");
	is_int(dma_rules_posture(&p, &q, al), 1, "a change to identity alerts");
	ok(strstr(al[0].message, "changed"), "as a change");

	q = p;
	q.intremap = 0;
	q.ats = 1;
	snprintf(q.acs_gap, sizeof(q.acs_gap), "0000:00:02.0");
	is_int(dma_rules_posture(NULL, &q, al), 1, "no IR, ATS, ACS gap: one alert");
	is_int(al[0].severity, BMCW_SEV_WARNING, "warning when DMA is translated");
	ok(strstr(al[0].message, "interrupt remapping is off") &&
	   strstr(al[0].message, "ATS") && strstr(al[0].message, "0000:00:02.0"),
	   "lists every weakness: %s", al[0].message);

	q = p;
	q.iommu = 0;
	q.domain[0] = '\0';
	dma_rules_posture(NULL, &q, al);
	ok(strstr(al[0].message, "no IOMMU"), "no IOMMU at all is named");

	q = p;
	q.fn_flags = 0;
	q.iommu = 0;
	is_int(dma_rules_posture(NULL, &q, al), 0, "only BMC functions are judged");

	q = p;
	q.bus_master = 1;
	is_int(dma_rules_posture(NULL, &q, al), 1, "bus master without driver at load");
	is_str(al[0].rule, "dma.bus_master_enabled", "as dma.bus_master_enabled");
	ok(strstr(al[0].message, "found at load"), "found at load");
	is_int(dma_rules_posture(&q, &q, al), 0, "not repeated while unchanged");
	p.bus_master = 1;
	snprintf(p.driver, sizeof(p.driver), "edu_irq");
	is_int(dma_rules_posture(NULL, &p, al), 0, "bus master with a driver: quiet");
	is_int(dma_rules_posture(&p, &q, al), 1, "the driver leaving alerts");
	is_str(extra(&al[0], "previous_driver"), "edu_irq", "names the driver");
}

static void test_irqs(void)
{
	struct dma_irq_params p = { 1000, 4, 100 };
	struct dma_irq_state s = { 0 };
	struct dma_irq_sample x = {
		.bdf = "0000:00:01.0", .irq = 40, .driver = "edu_irq",
		.fn_flags = BMCW_FN_BMC, .interval_ns = 1000000000ULL,
	};
	struct bmcw_alert al;
	int learned, n, any = 0;

	/* Learning: up to 50/s for the first second, no alert. */
	for (int t = 0; t <= 2; t++) {
		x.total = 50;
		x.now_ns = 1 + t * 500;
		any += dma_rules_irq(&s, &p, &x, &al, &learned);
	}
	is_int(any, 0, "nothing while learning");
	ok(s.learned && s.peak_per_s == 50, "learned a peak of 50/s");
	x.total = 190;
	x.now_ns = 3000;
	is_int(dma_rules_irq(&s, &p, &x, &al, &learned), 0,
	       "190/s is under 4x the peak");
	x.total = 201;
	n = dma_rules_irq(&s, &p, &x, &al, &learned);
	is_int(n, 1, "201/s is above 4x the peak of 50/s");
	ok(n && !strcmp(al.rule, "doorbell.unexpected_irq") &&
	   strstr(al.message, "learned rate"), "as doorbell.unexpected_irq: %s",
	   al.message);

	x.total = 3;
	x.unclaimed = 2;
	is_int(dma_rules_irq(&s, &p, &x, &al, &learned), 1, "unclaimed interrupts alert");
	ok(strstr(al.message, "no handler") && !strstr(al.message, "at least"),
	   "as unclaimed, counted exactly: %s", al.message);
	is_str(extra(&al, "unclaimed"), "2", "with the count");
	x.unclaimed_lower_bound = 1;
	dma_rules_irq(&s, &p, &x, &al, &learned);
	ok(strstr(al.message, "at least 2") && strstr(al.message, "irq_probe"),
	   "a lower bound says so, and what counts exactly: %s", al.message);
	is_str(extra(&al, "unclaimed"), ">=2", "in its count too");
	x.unclaimed_lower_bound = 0;
	x.per_cpu = "cpu0=1 cpu1=2";
	dma_rules_irq(&s, &p, &x, &al, &learned);
	is_str(extra(&al, "per_cpu"), "cpu0=1 cpu1=2", "per-CPU counts ride along");
	x.per_cpu = NULL;
	x.unclaimed = 0;
	x.no_driver = 3;
	x.driver = "";
	is_int(dma_rules_irq(&s, &p, &x, &al, &learned), 1,
	       "interrupts with no driver alert");
	is_int(al.severity, BMCW_SEV_CRITICAL, "critically");
	is_str(extra(&al, "no_driver"), "3", "with the count");

	struct dma_irq_state s2 = { 0 };

	x.no_driver = 0;
	x.driver = "edu_irq";
	x.total = 5000;
	x.now_ns = 1;
	is_int(dma_rules_irq(&s2, &p, &x, &al, &learned), 0,
	       "a burst while learning is learned, not alerted");
}

static void test_vector_senders(void)
{
	struct msi_senders who = { .looked = true, .n = 1, .s = { {
		.bdf = "0000:00:03.0", .vendor = 0x1234, .device = 0x11e8,
		.fn_flags = BMCW_FN_BMC, .by_kernel = false } } };
	struct bmcw_alert al;

	dma_rules_vector_msg(0, 0xd3, 1, 0, &who, "why", &al);
	ok(al.subject.has_device && !strcmp(al.subject.bdf, "0000:00:03.0") &&
	   al.subject.fn_flags == BMCW_FN_BMC, "one sender: the alert is about it");
	ok(strstr(al.message, "rung by BMC function 0000:00:03.0 (1234:11e8)") &&
	   strstr(al.message, "behind the kernel's back"), "and says so: %s", al.message);
	is_str(extra(&al, "attributed_by"), "msi capability", "and how it knows");
	who.n = 6;
	snprintf(who.s[1].bdf, sizeof(who.s[1].bdf), "0000:00:04.0");
	snprintf(who.s[2].bdf, sizeof(who.s[2].bdf), "0000:00:05.0");
	snprintf(who.s[3].bdf, sizeof(who.s[3].bdf), "0000:00:06.0");
	dma_rules_vector_msg(0, 0xd3, 1, 0, &who, "why", &al);
	ok(!al.subject.has_device, "several: no one subject");
	is_str(extra(&al, "candidates"), "0000:00:03.0,0000:00:04.0,0000:00:05.0,0000:00:06.0,...",
	       "the candidates, more left out");
	ok(strstr(al.message, "6 functions' MSI aims at it"), "counted: %s", al.message);
	who.n = 0;
	who.msix = 2;
	dma_rules_vector_msg(0, 0xd3, 1, 0, &who, "why", &al);
	ok(!al.subject.has_device && strstr(al.message, "no function's MSI aims at vector 0xd3") &&
	   strstr(al.message, "MSI-X tables are not read"), "none: said, with MSI-X's gap: %s",
	   al.message);
	is_str(extra(&al, "msix_functions"), "2", "how many use MSI-X");
	ok(strlen(al.message) < sizeof(al.message) - 1, "the message is not cut (%zu)",
	   strlen(al.message));
	who.n = 1;
	who.s[0].fn_flags = 0;
	dma_rules_vector_msg(10, 0xd3, 1, 0, &who, "why", &al);
	ok(strlen(al.message) < sizeof(al.message) - 1 &&
	   strstr(al.message, "rung by PCI function 0000:00:03.0"),
	   "a function not a BMC's is named as itself, the message whole: %s", al.message);
	dma_rules_unowned_counted(200, 0xd3, 1234567890123ULL, &who, &al);
	ok(al.subject.has_device && !strcmp(al.subject.bdf, "0000:00:03.0") &&
	   strlen(al.message) < sizeof(al.message) - 1 && al.n_extra < BMCW_ALERT_MAX_EXTRA,
	   "an exact count names the sender too, whole: %s", al.message);
}

static void test_vector_aer(void)
{
	struct bmcw_dma_aer a = {
		.status = 0x100000, .severity = 0, .tlp_valid = 1,
		.tlp = { 1, 2, 3, 4 }, .dev = "0000:00:02.0",
	};
	struct bmcw_alert al;

	is_int(dma_rules_vector_msg(1, 0xd3, 4, 17, NULL, "[dma] vector_count = messages", &al), 1,
	       "the kernel's message about such a vector alerts");
	is_str(al.rule, "doorbell.unexpected_irq", "as doorbell.unexpected_irq");
	is_str(al.subject.locus, "cpu 1 vector 0xd3", "naming CPU and vector");
	ok(strstr(al.message, "rate-limited") && strstr(al.message, "lower bound"),
	   "saying the count is a lower bound: %s", al.message);
	is_str(extra(&al, "seen_on_cpu"), ">=4", "the count, as a lower bound");
	is_str(extra(&al, "kernel_suppressed"), "17", "what the kernel left out");
	is_str(extra(&al, "source"), "kernel log", "read from the kernel log");
	ok(!al.subject.has_device && strstr(extra(&al, "sender"), "not readable"),
	   "no MSI table: the sender is unknown, saying why");
	is_str(extra(&al, "counting"), "lower bound: [dma] vector_count = messages",
	       "why it is a lower bound");
	dma_rules_vector_msg(1, 0xd3, 5, 0, NULL, NULL, &al);
	ok(!extra(&al, "kernel_suppressed"), "nothing left out: no such field");
	is_int(dma_rules_unowned_counted(1, 0xd3, 0, NULL, &al), 0, "counted none: no alert");
	is_int(dma_rules_unowned_counted(1, 0xd3, 40, NULL, &al), 1, "counted 40: an alert");
	ok(strstr(al.message, "CPU 1 took 40 interrupts on vector 0xd3") &&
	   strstr(al.message, "counted exactly") && !strstr(al.message, "lower bound"),
	   "saying the count is exact: %s", al.message);
	is_str(al.subject.locus, "cpu 1 vector 0xd3", "naming CPU and vector");
	is_str(extra(&al, "interrupts"), "40", "the count in this alert");
	is_str(extra(&al, "counting"), "exact", "said to be exact");
	is_int(dma_rules_aer(&a, 0, &al), 0, "AER on unrelated devices: nothing");
	is_int(dma_rules_aer(&a, BMCW_FN_BMC_UPSTREAM, &al), 1,
	       "AER on the bridge above a BMC function alerts");
	is_str(al.rule, "pcie.aer_error", "as pcie.aer_error");
	is_str(extra(&al, "tlp_header"), "00000001 00000002 00000003 00000004",
	       "with the TLP header");
	is_str(al.subject.bdf, "0000:00:02.0", "naming the device");
	a.severity = 2;
	a.tlp_valid = 0;
	dma_rules_aer(&a, BMCW_FN_BMC, &al);
	ok(!extra(&al, "tlp_header") && al.severity == BMCW_SEV_NOTICE,
	   "corrected: notice, no header");
}

/* With a baseline's traffic profile: counted per learnt window. */
static void test_irqs_baseline(void)
{
	struct dma_irq_params p = DMA_IRQ_PARAMS_DEFAULT;
	struct baseline_irq q = { .bdf = "0000:00:01.0", .vector = 0, .irq = 24,
				  .r = { .count = 300, .max = 100, .mean = 75 } };
	struct dma_irq_state s;
	struct dma_irq_sample x = {
		.bdf = "0000:00:01.0", .irq = 40, .driver = "edu_irq",
		.fn_flags = BMCW_FN_BMC, .interval_ns = 1000000000ULL,
	};
	struct bmcw_alert al;
	int learned, any = 0, n;

	dma_irq_use_baseline(&s, &q, 10, 4, 10);
	ok(s.from_base && s.learned && s.base_limit == 400, "limit: learnt 100 per 10 s x 4");
	for (int t = 0; t < 10; t++) {
		x.total = 40;
		x.now_ns = 1 + t * 1000000000ULL;
		any += dma_rules_irq(&s, &p, &x, &al, &learned);
	}
	is_int(any, 0, "400 in 10 s: at the limit, nothing (and nothing learnt)");
	ok(!learned && s.peak_per_s == 0, "  no learning with a baseline");
	x.total = 1;
	x.now_ns = 9500000000ULL;
	n = dma_rules_irq(&s, &p, &x, &al, &learned);
	ok(n == 1 && strstr(al.message, "learned rate") && strstr(al.message, "baseline"),
	   "401st in the window: doorbell.unexpected_irq (%s)", n ? al.message : "");
	x.total = 5000;
	x.now_ns = 11000000000ULL;
	is_int(dma_rules_irq(&s, &p, &x, &al, &learned), 1,
	       "a burst in the next window at once");
	dma_irq_use_baseline(&s, NULL, 10, 4, 10);
	ok(s.base_limit == 10, "a vector the baseline never saw: the floor");
	x.total = 11;
	x.now_ns = 1;
	is_int(dma_rules_irq(&s, &p, &x, &al, &learned), 1, "  11 are above it");
}

int main(void)
{
	test_faults();
	test_posture();
	test_irqs();
	test_irqs_baseline();
	test_vector_aer();
	test_vector_senders();
	return tap_done();
}
