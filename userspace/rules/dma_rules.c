// SPDX-License-Identifier: GPL-2.0
/*
 * DMA and doorbell rules. The facts they rest on:
 *  - VT-d fault reasons (Intel VT-d specification, Appendix A): 0x01-0x1F
 *    and 0x30+ are DMA-remapping faults, 0x20-0x2F interrupt-remapping
 *    faults; the source id is bus << 8 | devfn within the unit's segment;
 *  - an MSI is a DMA write to 0xFEE00000-0xFEEFFFFF (Intel SDM vol. 3,
 *    11.11); without interrupt remapping (or with compatibility-format
 *    messages let through) a bus master can raise any vector;
 *  - an identity (passthrough) IOMMU domain never faults a device's DMA;
 *    ATS lets a device send addresses the IOMMU does not translate again
 *    (PCIe 6.0, 10.1); without ACS source validation and redirection on
 *    the bridges above it, peer-to-peer requests never reach the IOMMU.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dma_rules.h"
#include "senders.h"
#include "pcie_rules.h"

#define BMC_RELATED (BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM | BMCW_FN_BMC_ALIAS)

static const char *const vtd_dma_reasons[] = {
	[0x01] = "root entry not present",
	[0x02] = "context entry not present",
	[0x03] = "invalid context entry",
	[0x04] = "access beyond the guest address width",
	[0x05] = "write to a page not mapped writable",
	[0x06] = "read of a page not mapped readable",
	[0x07] = "invalid next-level page table pointer",
	[0x08] = "invalid root table address",
	[0x09] = "invalid context table pointer",
	[0x0a] = "reserved bits set in a root entry",
	[0x0b] = "reserved bits set in a context entry",
	[0x0c] = "reserved bits set in a page table entry",
	[0x0d] = "translation request blocked by the context entry",
};

static const char *const vtd_ir_reasons[] = {
	[0x0] = "reserved fields set in the interrupt request",
	[0x1] = "interrupt index beyond the remapping table",
	[0x2] = "remapping table entry not present",
	[0x3] = "remapping table not accessible",
	[0x4] = "reserved fields set in the remapping table entry",
	[0x5] = "compatibility-format interrupt blocked",
	[0x6] = "source-id verification failed",
};

const char *dma_fault_reason(const struct bmcw_dma_fault *f)
{
	const char *r = NULL;

	if (f->hw == BMCW_IOMMU_AMDVI)
		return f->kind == BMCW_DMA_FAULT_IR ?
			"interrupt request blocked (IO_PAGE_FAULT, I=1)" :
			"page not mapped or not permitted (IO_PAGE_FAULT)";
	if (f->reason >= 0x20 && f->reason < 0x20 + 7)
		r = vtd_ir_reasons[f->reason - 0x20];
	else if (f->reason < sizeof(vtd_dma_reasons) / sizeof(vtd_dma_reasons[0]))
		r = vtd_dma_reasons[f->reason];
	else if (f->reason >= 0x30)
		r = "scalable-mode translation fault";
	return r ? r : "unknown reason";
}

static struct bmcw_alert *start(struct bmcw_alert *al, const char *rule,
				enum bmcw_severity sev, const char *bdf,
				uint16_t vendor, uint16_t device, uint32_t flags)
{
	memset(al, 0, sizeof(*al));
	al->rule = rule;
	al->severity = sev;
	if (bdf) {
		al->subject.has_device = 1;
		snprintf(al->subject.bdf, sizeof(al->subject.bdf), "%.15s", bdf);
		al->subject.vendor = vendor;
		al->subject.device = device;
		al->subject.fn_flags = flags;
	}
	return al;
}

int dma_rules_fault(const struct bmcw_dma_fault *f, const struct dma_fn_ctx *c,
		    struct bmcw_alert *out)
{
	bool bmc = f->fn_flags & BMC_RELATED;
	bool ir = f->kind == BMCW_DMA_FAULT_IR;
	const char *owner = c->owner && c->owner[0] ? c->owner : NULL;
	struct bmcw_alert *al;
	char bdf[16], of[48] = "";

	pcie_bdf(bdf, sizeof(bdf), f->seg, f->bus, f->devfn);
	if (owner)
		snprintf(of, sizeof(of), " (alias of %s)", owner);
	/* Faults of other devices still name them: bugs or attacks alike. */
	al = start(out, ir ? "doorbell.interrupt_remap_fault" : "dma.iommu_fault",
		   bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING, bdf, c->vendor,
		   c->device, f->fn_flags);
	if (ir) {
		snprintf(al->subject.locus, sizeof(al->subject.locus),
			 "irte %llu", (unsigned long long)f->addr);
		snprintf(al->message, sizeof(al->message),
			 "interrupt remapping blocked an interrupt message from %s %s%s: index %llu, reason 0x%02x (%s)",
			 fn_role(f->fn_flags), bdf, of, (unsigned long long)f->addr,
			 f->reason, dma_fault_reason(f));
		snprintf(al->why, sizeof(al->why),
			 "%s wrote into the interrupt window a message the host never programmed: ringing a doorbell it does not own",
			 bmc ? "a BMC function" : "a device");
	} else {
		snprintf(al->subject.locus, sizeof(al->subject.locus),
			 "dma %s 0x%llx", f->dir == BMCW_DIR_WRITE ? "write" : "read",
			 (unsigned long long)f->addr);
		snprintf(al->message, sizeof(al->message),
			 "IOMMU blocked a DMA %s of 0x%llx by %s %s%s: reason 0x%02x (%s)",
			 f->dir == BMCW_DIR_WRITE ? "write" : "read",
			 (unsigned long long)f->addr, fn_role(f->fn_flags), bdf, of,
			 f->reason, dma_fault_reason(f));
		snprintf(al->why, sizeof(al->why),
			 "%s tried to %s host memory the host never mapped for it",
			 bmc ? "a BMC function" : "a device",
			 f->dir == BMCW_DIR_WRITE ? "write" : "read");
	}
	alert_add_extra(al, "address", "0x%llx", (unsigned long long)f->addr);
	alert_add_extra(al, "direction", "%s",
			f->dir == BMCW_DIR_WRITE ? "write" : "read");
	alert_add_extra(al, "reason", "0x%02x", f->reason);
	alert_add_extra(al, "iommu", "%s%u",
			f->hw == BMCW_IOMMU_AMDVI ? "amdvi" : "dmar", f->unit);
	alert_add_extra(al, "fault_seq", "%llu", (unsigned long long)f->seq);
	if (f->flags & BMCW_DMA_FAULT_OVERFLOW)
		alert_add_extra(al, "overflow", "hardware dropped faults");
	else if (f->flags & BMCW_DMA_FAULT_PASID)
		alert_add_extra(al, "pasid", "0x%x", f->pasid);
	return 1;
}

unsigned int dma_unconfined_bits(const struct dma_posture *p)
{
	unsigned int b = 0;

	if (!p->iommu || !p->domain[0])
		b |= DMA_UNCONF_NO_IOMMU;
	else if (!strcmp(p->domain, "identity"))
		b |= DMA_UNCONF_IDENTITY;
	if (!p->intremap)
		b |= DMA_UNCONF_NO_INTREMAP;
	if (p->ats)
		b |= DMA_UNCONF_ATS;
	if (p->acs_gap[0])
		b |= DMA_UNCONF_NO_ACS;
	return b;
}

static void describe(char *buf, size_t len, unsigned int b,
		     const struct dma_posture *p)
{
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) (n += snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	if (b & DMA_UNCONF_NO_IOMMU)
		ADD("%sno IOMMU translates its DMA", n ? "; " : "");
	if (b & DMA_UNCONF_IDENTITY)
		ADD("%sits IOMMU domain is identity (passthrough)", n ? "; " : "");
	if (b & DMA_UNCONF_NO_INTREMAP)
		ADD("%sinterrupt remapping is off", n ? "; " : "");
	if (b & DMA_UNCONF_ATS)
		ADD("%sATS is enabled", n ? "; " : "");
	if (b & DMA_UNCONF_NO_ACS)
		ADD("%sbridge %s above it lacks ACS redirection", n ? "; " : "",
		    p->acs_gap);
#undef ADD
}

int dma_rules_posture(const struct dma_posture *prev,
		      const struct dma_posture *cur, struct bmcw_alert *out)
{
	unsigned int b = dma_unconfined_bits(cur);
	unsigned int was = prev ? dma_unconfined_bits(prev) : 0;
	unsigned int worse = b & ~was;
	const unsigned int dma_open = DMA_UNCONF_NO_IOMMU | DMA_UNCONF_IDENTITY;
	struct bmcw_alert *al;
	char what[200];
	int n = 0;

	if (!(cur->fn_flags & BMCW_FN_BMC))
		return 0;
	if (worse) {
		al = start(&out[n++], "dma.unconfined",
			   b & dma_open ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING,
			   cur->bdf, cur->vendor, cur->device, cur->fn_flags);
		describe(what, sizeof(what), b, cur);
		snprintf(al->subject.locus, sizeof(al->subject.locus), "posture");
		snprintf(al->message, sizeof(al->message),
			 "BMC function %s is not confined%s: %s", cur->bdf,
			 prev ? " (changed)" : " (at load)", what);
		snprintf(al->why, sizeof(al->why), "%s",
			 b & dma_open ?
			 "its DMA reaches all host memory unchecked, and no IOMMU fault will ever report it" :
			 "the IOMMU cannot stop every DMA or interrupt message it sends");
		alert_add_extra(al, "domain", "%s",
				cur->domain[0] ? cur->domain : "none");
		alert_add_extra(al, "interrupt_remapping", "%s",
				cur->intremap ? "on" : "off");
		alert_add_extra(al, "ats", "%s", cur->ats ? "on" : "off");
		alert_add_extra(al, "acs_gap", "%s",
				cur->acs_gap[0] ? cur->acs_gap : "none");
	}
	/*
	 * Bus mastering: writes to the command register are the config
	 * rule's (pcie_rules.c); here only what it cannot see: the state
	 * found at load, and a driver leaving while bus mastering stays on.
	 */
	if (cur->bus_master && !cur->driver[0] &&
	    (!prev || prev->driver[0] || !prev->bus_master)) {
		al = start(&out[n++], "dma.bus_master_enabled", BMCW_SEV_CRITICAL,
			   cur->bdf, cur->vendor, cur->device, cur->fn_flags);
		snprintf(al->subject.locus, sizeof(al->subject.locus), "posture");
		snprintf(al->message, sizeof(al->message),
			 "BMC function %s is a bus master with no driver bound%s",
			 cur->bdf, !prev ? " (found at load)" :
			 prev->driver[0] ? " (its driver left)" :
			 " (turned on outside the config-space hook)");
		snprintf(al->why, sizeof(al->why),
			 "nothing on the host asked this function for DMA, yet it may read and write host memory");
		if (prev && prev->driver[0])
			alert_add_extra(al, "previous_driver", "%s", prev->driver);
	}
	return n;
}

void dma_irq_use_baseline(struct dma_irq_state *s, const struct baseline_irq *q,
			  unsigned int window_s, unsigned int factor,
			  unsigned int floor)
{
	memset(s, 0, sizeof(*s));
	s->from_base = 1;
	s->learned = 1;
	s->base_max = q ? q->r.max : 0;
	s->base_limit = traffic_limit(s->base_max, factor, floor);
	s->window_ns = (uint64_t)(window_s ? window_s : 1) * 1000000000ULL;
}

int dma_rules_irq(struct dma_irq_state *s, const struct dma_irq_params *p,
		  const struct dma_irq_sample *x, struct bmcw_alert *out,
		  int *just_learned)
{
	uint64_t rate = x->interval_ns ?
		x->total * 1000000000ULL / x->interval_ns : 0;
	uint64_t limit;
	struct bmcw_alert *al;
	const char *what = NULL;
	char detail[192] = "";

	*just_learned = 0;
	if (!s->first_ns)
		s->first_ns = x->now_ns;
	if (!s->from_base && !s->learned) {
		if (rate > s->peak_per_s)
			s->peak_per_s = rate;
		if (x->now_ns - s->first_ns >= p->learn_ns) {
			s->learned = 1;
			*just_learned = 1;
		}
	}
	limit = s->peak_per_s * p->factor;
	if (limit < p->floor_per_s)
		limit = p->floor_per_s;
	if (x->no_driver) {
		what = "arrived while no driver is bound";
		snprintf(detail, sizeof(detail), "%llu interrupts",
			 (unsigned long long)x->no_driver);
	} else if (x->unclaimed) {
		what = "were claimed by no handler";
		snprintf(detail, sizeof(detail), "%s%llu interrupts%s",
			 x->unclaimed_lower_bound ? "at least " : "",
			 (unsigned long long)x->unclaimed,
			 x->unclaimed_lower_bound ?
			 " (the kernel's spurious-irq detector may have restarted its count; [dma] irq_probe = yes counts each)" : "");
	} else if (s->from_base) {
		if (rate_window_add(&s->win, s->window_ns, x->now_ns, x->total,
				    s->base_limit)) {
			what = "exceed the learned rate";
			snprintf(detail, sizeof(detail),
				 "%llu in %llu s against a limit of %llu (baseline: at most %llu per window)",
				 (unsigned long long)s->win.count,
				 (unsigned long long)(s->window_ns / 1000000000ULL),
				 (unsigned long long)s->base_limit,
				 (unsigned long long)s->base_max);
		}
	} else if (s->learned && !*just_learned && rate > limit) {
		what = "exceed the learned rate";
		snprintf(detail, sizeof(detail), "%llu/s against a limit of %llu/s",
			 (unsigned long long)rate, (unsigned long long)limit);
	}
	if (!what)
		return 0;
	al = start(out, "doorbell.unexpected_irq",
		   x->no_driver ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING, x->bdf,
		   x->vendor, x->device, x->fn_flags);
	snprintf(al->subject.locus, sizeof(al->subject.locus), "irq %u",
		 x->irq);
	snprintf(al->message, sizeof(al->message),
		 "interrupts of BMC function %s (irq %u) %s: %s", x->bdf, x->irq,
		 what, detail);
	snprintf(al->why, sizeof(al->why),
		 "a BMC rings the host's doorbells only when the host's driver expects it; these did not come from that conversation");
	alert_add_extra(al, "interrupts", "%llu", (unsigned long long)x->total);
	alert_add_extra(al, "unclaimed", "%s%llu",
			x->unclaimed_lower_bound ? ">=" : "",
			(unsigned long long)x->unclaimed);
	alert_add_extra(al, "no_driver", "%llu",
			(unsigned long long)x->no_driver);
	alert_add_extra(al, "rate_per_s", "%llu (learned peak %llu)",
			(unsigned long long)rate, (unsigned long long)s->peak_per_s);
	alert_add_extra(al, "driver", "%s", x->driver && x->driver[0] ?
			x->driver : "none");
	if (x->per_cpu && x->per_cpu[0])
		alert_add_extra(al, "per_cpu", "%s", x->per_cpu);
	return 1;
}

/* Who rang @vector, as far as the host can know, into the alert @al. */
static void name_senders(struct bmcw_alert *al, unsigned int vector,
			 const struct msi_senders *who)
{
	char none[32];

	snprintf(none, sizeof(none), "aims at vector 0x%02x", vector);
	alert_name_senders(al, who, "aims at it", none,
			   "unknown: a DMA write into the interrupt window carries no sender");
}

#define VECTOR_WHY "a message written into the interrupt window by a bus master that owns no vector (not remapped, or compatibility format let through) lands here; with interrupt remapping in force such a write faults and names its requester"

static struct bmcw_alert *vector_alert(struct bmcw_alert *out,
				       unsigned int cpu, unsigned int vector)
{
	struct bmcw_alert *al;

	al = start(out, "doorbell.unexpected_irq", BMCW_SEV_CRITICAL, NULL, 0,
		   0, 0);
	snprintf(al->subject.locus, sizeof(al->subject.locus),
		 "cpu %u vector 0x%02x", cpu, vector);
	snprintf(al->why, sizeof(al->why), VECTOR_WHY);
	alert_add_extra(al, "vector", "0x%02x", vector);
	alert_add_extra(al, "cpu", "%u", cpu);
	return al;
}

int dma_rules_vector_msg(unsigned int cpu, unsigned int vector, uint64_t seen,
			 uint64_t suppressed, const struct msi_senders *who,
			 const char *why_not_exact, struct bmcw_alert *out)
{
	struct bmcw_alert *al = vector_alert(out, cpu, vector);

	snprintf(al->message, sizeof(al->message),
		 "CPU %u took an interrupt on vector 0x%02x, which no handler owns (message %llu; rate-limited by the kernel: a lower bound)",
		 cpu, vector, (unsigned long long)seen);
	alert_add_extra(al, "seen_on_cpu", ">=%llu", (unsigned long long)seen);
	alert_add_extra(al, "source", "kernel log");
	if (suppressed)
		alert_add_extra(al, "kernel_suppressed", "%llu",
				(unsigned long long)suppressed);
	alert_add_extra(al, "counting", "lower bound: %s",
			why_not_exact && *why_not_exact ? why_not_exact : "not counted");
	name_senders(al, vector, who);
	return 1;
}

int dma_rules_unowned_counted(unsigned int cpu, unsigned int vector,
			      uint64_t n, const struct msi_senders *who,
			      struct bmcw_alert *out)
{
	struct bmcw_alert *al;

	if (!n)
		return 0;
	al = vector_alert(out, cpu, vector);
	snprintf(al->message, sizeof(al->message),
		 "CPU %u took %llu interrupt%s on vector 0x%02x, which no handler owns (counted exactly)",
		 cpu, (unsigned long long)n, n == 1 ? "" : "s", vector);
	alert_add_extra(al, "interrupts", "%llu", (unsigned long long)n);
	alert_add_extra(al, "source", "count");
	alert_add_extra(al, "counting", "exact");
	name_senders(al, vector, who);
	return 1;
}

int dma_rules_aer(const struct bmcw_dma_aer *a, uint32_t fn_flags,
		  struct bmcw_alert *out)
{
	static const char *const sev[] = { "uncorrectable", "fatal", "corrected" };
	struct bmcw_alert *al;
	char dev[sizeof(a->dev) + 1];

	if (!(fn_flags & BMC_RELATED))
		return 0;
	memcpy(dev, a->dev, sizeof(a->dev));
	dev[sizeof(a->dev)] = '\0';
	al = start(out, "pcie.aer_error",
		   a->severity == 2 ? BMCW_SEV_NOTICE : BMCW_SEV_WARNING, dev, 0,
		   0, fn_flags);
	snprintf(al->subject.locus, sizeof(al->subject.locus), "aer %s",
		 a->severity < 3 ? sev[a->severity] : "unknown");
	snprintf(al->message, sizeof(al->message),
		 "PCIe AER %s error 0x%08x on %s %s", a->severity < 3 ?
		 sev[a->severity] : "unknown", a->status, fn_role(fn_flags), dev);
	snprintf(al->why, sizeof(al->why),
		 "errors on a BMC's PCIe path come from broken hardware or from malformed or probing transactions");
	alert_add_extra(al, "status", "0x%08x", a->status);
	alert_add_extra(al, "severity", "%s",
			a->severity < 3 ? sev[a->severity] : "unknown");
	if (a->tlp_valid)
		alert_add_extra(al, "tlp_header", "%08x %08x %08x %08x",
				a->tlp[0], a->tlp[1], a->tlp[2], a->tlp[3]);
	return 1;
}
