// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU faults, every record, attributed to the requester id.
 *
 * Intel VT-d: the kernel's fault handler dmar_fault() rate-limits its
 * printing and, when limited, clears the fault recording registers without
 * decoding them; it never calls report_iommu_fault(), so the
 * iommu:io_page_fault tracepoint stays silent. A kprobe pre-handler on
 * dmar_fault() therefore reads the fault status register and every pending
 * fault recording register itself, before the kernel's handler clears them,
 * through a read-only mapping of each DMAR unit's registers found in the
 * ACPI DMAR table. Reading these registers has no side effects (only
 * writing 1 to FRCD.F or to FSTS bits clears anything).
 *
 * AMD-Vi: faults come from the event log; amd_iommu_report_page_fault()
 * gets each decoded page fault. Its signature gained the iommu in 6.0.
 * When it is inlined (as when AMD_IOMMU=y on 6.1), the stable tracepoint
 * iommu:io_page_fault takes its place on a host with an AMD IOMMU (ACPI
 * IVRS): the driver calls report_iommu_fault(), which fires it, for every
 * DMA page fault of a device it knows and that has a domain, before its
 * rate-limited printing. Seen only by the kprobe: faults of requester ids
 * no device answers to and interrupt-request faults (I=1), which the
 * driver only prints. The tracepoint is not used with the kprobe (each
 * fault would count twice) nor on VT-d (dmar_fault() does not report
 * there on 6.1). The hook installer (hook.c) reports each hook; one a
 * host does not need (no VT-d unit, no AMD IOMMU) is "unused". Each unit
 * of the DMAR table is watched: there is no fixed number.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <trace/events/iommu.h>	/* the kernel's io_page_fault */
#include "bmcwatch.h"
#include "dma_trace.h"
#include "hook.h"

/*
 * VT-d registers (Intel VT-d Architecture Specification, rev. 4.1):
 *  11.4.2   CAP_REG at 0x08: FRO (fault-recording register offset, in
 *           16-byte units) bits 33:24, NFR (number of fault-recording
 *           registers minus one) bits 47:40.
 *  11.4.9.1 FSTS_REG at 0x34: PFO bit 0 (primary fault overflow), PPF
 *           bit 1 (primary pending fault), FRI bits 15:8 (index of the
 *           first pending fault recording register).
 *  11.4.14  FRCD_REG[n] at FRO*16 + n*16, 128 bits: FI bits 63:12 (page
 *           address; for interrupt-remapping faults bits 63:48 hold the
 *           interrupt index), SID bits 79:64, PP bit 95, FR (reason) bits
 *           103:96, PV (PASID) bits 123:104, T bit 126 (1 read, 0 write),
 *           F bit 127 (record valid).
 *  Appendix A: reasons 0x01-0x1F and 0x30+ are DMA remapping, 0x20-0x2F
 *           interrupt remapping.
 */
#define VTD_CAP_REG		0x08
#define VTD_ECAP_REG		0x10
#define VTD_FSTS_REG		0x34
#define VTD_FSTS_PFO		BIT(0)
#define VTD_FSTS_PPF		BIT(1)
#define VTD_FSTS_FRI(s)		(((s) >> 8) & 0xff)
#define VTD_CAP_FRO(c)		((((c) >> 24) & 0x3ff) * 16)
#define VTD_CAP_NFR(c)		((((c) >> 40) & 0xff) + 1)
#define VTD_FRCD_LEN		16
#define VTD_FRCD_F		BIT(31)		/* in the dword at +12 */
#define VTD_FRCD_T		BIT(30)		/* ditto */
#define VTD_FRCD_PV(d)		(((d) >> 8) & 0xfffff)
#define VTD_FRCD_PP		BIT(31)		/* in the dword at +8 */
#define VTD_REG_MIN		4096

/* AMD-Vi event flags (AMD IOMMU spec 2.5.2, IO_PAGE_FAULT event). */
#define AMDVI_EVENT_FLAG_I	0x008		/* interrupt request */
#define AMDVI_EVENT_FLAG_RW	0x020		/* 1: write */

struct bmcw_dmar {
	void __iomem *reg;
	phys_addr_t phys;
	size_t size;
	u64 cap, ecap;
	u16 seg;
};

static struct bmcw_dmar *dmars;
static unsigned int nr_dmars;
static bool amd_present, iopf_armed;
static atomic64_t nr_records, nr_dma, nr_ir, nr_overflow, nr_unmatched;
static struct dentry *dbg_file;

static void emit_fault(struct bmcw_dma_fault *f)
{
	struct bmcw_fn *fn;

	f->ts_ns = ktime_get_ns();
	f->seq = atomic64_inc_return(&nr_records);
	atomic64_inc(f->kind == BMCW_DMA_FAULT_IR ? &nr_ir : &nr_dma);
	rcu_read_lock();
	fn = bmcw_fn_lookup(bmcw_key(f->seg, f->bus, f->devfn));
	f->fn_flags = fn ? READ_ONCE(fn->flags) | BMCW_FN_KNOWN : 0;
	rcu_read_unlock();
	bmcw_trace(trace_bmcwatch_dma_fault(f));
}

/* Decode every valid fault recording register of @u, without clearing. */
static void vtd_read_unit(unsigned int idx)
{
	const struct bmcw_dmar *u = &dmars[idx];
	unsigned int nfr = VTD_CAP_NFR(u->cap), fro = VTD_CAP_FRO(u->cap);
	unsigned int i, n;
	u32 fsts, hi, sid;
	u64 lo;

	fsts = readl(u->reg + VTD_FSTS_REG);
	/*
	 * PFO: the hardware had no free recording register and dropped at
	 * least one fault, which nothing can recover; it drops every new
	 * fault until the kernel's handler clears PFO on its way out. Each
	 * handler run that finds it counts once, pending record or not.
	 */
	if (fsts & VTD_FSTS_PFO)
		atomic64_inc(&nr_overflow);
	if (!(fsts & VTD_FSTS_PPF))
		return;
	/* The kernel walks from FRI until a record without F; so do we. */
	for (n = 0, i = VTD_FSTS_FRI(fsts) % nfr; n < nfr;
	     n++, i = (i + 1) % nfr) {
		void __iomem *r = u->reg + fro + i * VTD_FRCD_LEN;
		struct bmcw_dma_fault f = {
			.hw = BMCW_IOMMU_VTD,
			.unit = idx,
			.seg = u->seg,
			.fsts = fsts,
		};

		hi = readl(r + 12);
		if (!(hi & VTD_FRCD_F))
			break;
		sid = readl(r + 8);
		lo = lo_hi_readq(r);
		f.bus = (sid & 0xffff) >> 8;
		f.devfn = sid & 0xff;
		f.reason = hi & 0xff;
		f.dir = hi & VTD_FRCD_T ? BMCW_DIR_READ : BMCW_DIR_WRITE;
		if (f.reason >= 0x20 && f.reason < 0x30) {
			f.kind = BMCW_DMA_FAULT_IR;
			f.addr = lo >> 48;
		} else {
			f.kind = BMCW_DMA_FAULT_DMA;
			f.addr = lo & PAGE_MASK;
		}
		if (sid & VTD_FRCD_PP) {
			f.flags |= BMCW_DMA_FAULT_PASID;
			f.pasid = VTD_FRCD_PV(hi);
		}
		if (fsts & VTD_FSTS_PFO)
			f.flags |= BMCW_DMA_FAULT_OVERFLOW;
		emit_fault(&f);
	}
}

/*
 * dmar_fault(int irq, void *dev_id): dev_id is the struct intel_iommu,
 * whose second member has been reg_phys since the driver's beginning
 * (drivers/iommu/intel/iommu.h); read it without faulting to find the
 * unit. If it matches none (a hot-added unit), read every unit we know.
 * Not seen: a fault recorded after this read while the handler still runs
 * (its loop clears that one too, and no new fault event is raised for
 * it), and an overflow set and cleared in that window; the window is the
 * handler's own run, microseconds.
 */
static int vtd_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *iommu = (const void *)regs_get_kernel_argument(regs, 1);
	u64 phys = 0;
	unsigned int i;

	if (copy_from_kernel_nofault(&phys, iommu + sizeof(void *),
				     sizeof(phys)))
		phys = 0;
	for (i = 0; i < nr_dmars; i++)
		if (dmars[i].phys == phys) {
			vtd_read_unit(i);
			return 0;
		}
	atomic64_inc(&nr_unmatched);
	for (i = 0; i < nr_dmars; i++)
		vtd_read_unit(i);
	return 0;
}

/*
 * amd_iommu_report_page_fault(struct amd_iommu *iommu, u16 devid,
 * u16 domain_id, u64 address, int flags) since 6.0; (u16 devid,
 * u16 domain_id, u64 address, int flags) before. The PCI segment sits in
 * the iommu's pci_seg, whose layout this module cannot know: segment 0.
 */
static int amd_pre(struct kprobe *p, struct pt_regs *regs)
{
	const unsigned int a = BMCW_AMD_FAULT_DEVID_ARG;
	u16 devid = regs_get_kernel_argument(regs, a);
	u64 addr = regs_get_kernel_argument(regs, a + 2);
	int flags = regs_get_kernel_argument(regs, a + 3);
	struct bmcw_dma_fault f = {
		.hw = BMCW_IOMMU_AMDVI,
		.bus = devid >> 8,
		.devfn = devid & 0xff,
		.addr = addr,
		.reason = flags & 0xff,
		.dir = flags & AMDVI_EVENT_FLAG_RW ? BMCW_DIR_WRITE :
			BMCW_DIR_READ,
		.kind = flags & AMDVI_EVENT_FLAG_I ? BMCW_DMA_FAULT_IR :
			BMCW_DMA_FAULT_DMA,
	};

	emit_fault(&f);
	return 0;
}

/*
 * iommu:io_page_fault(dev, iova, flags): dev is the requester the driver
 * found for the fault's device id, flags IOMMU_FAULT_READ/WRITE. The AMD
 * driver reports DMA faults only (I=0); the event's reason is not passed.
 */
static void iopf_probe(void *data, struct device *dev, unsigned long iova,
		       int flags)
{
	struct bmcw_dma_fault f = {
		.hw = BMCW_IOMMU_AMDVI,
		.kind = BMCW_DMA_FAULT_DMA,
		.addr = iova,
		.dir = flags & IOMMU_FAULT_WRITE ? BMCW_DIR_WRITE :
			BMCW_DIR_READ,
	};
	struct pci_dev *pdev;

	if (!dev || !dev_is_pci(dev)) {
		atomic64_inc(&nr_unmatched);
		return;
	}
	pdev = to_pci_dev(dev);
	f.seg = pci_domain_nr(pdev->bus);
	f.bus = pdev->bus->number;
	f.devfn = pdev->devfn;
	emit_fault(&f);
}

static void map_unit(const struct acpi_dmar_hardware_unit *hw)
{
	struct bmcw_dmar *u = &dmars[nr_dmars];
	size_t need;

	u->phys = hw->address;
	u->seg = hw->segment;
	u->size = VTD_REG_MIN;
	/* Same cache type as the VT-d driver's own ioremap(): no conflict. */
	u->reg = ioremap(u->phys, u->size);
	if (!u->reg)
		return;
	u->cap = lo_hi_readq(u->reg + VTD_CAP_REG);
	u->ecap = lo_hi_readq(u->reg + VTD_ECAP_REG);
	need = VTD_CAP_FRO(u->cap) + VTD_CAP_NFR(u->cap) * VTD_FRCD_LEN;
	if (u->cap == ~0ULL) {
		iounmap(u->reg);
		u->reg = NULL;
		return;
	}
	if (need > u->size) {
		iounmap(u->reg);
		u->size = PAGE_ALIGN(need);
		u->reg = ioremap(u->phys, u->size);
		if (!u->reg)
			return;
	}
	nr_dmars++;
}

/* ACPI DMAR table (VT-d spec 8.1): DRHD entries carry each unit's base. */
static unsigned int walk_dmar(struct acpi_table_header *tbl, bool map)
{
	void *p = (void *)tbl + sizeof(struct acpi_table_dmar);
	void *end = (void *)tbl + tbl->length;
	struct acpi_dmar_header *h;
	unsigned int n = 0;

	while (p + sizeof(*h) <= end) {
		h = p;
		if (h->length < sizeof(*h) || p + h->length > end)
			break;
		if (h->type == ACPI_DMAR_TYPE_HARDWARE_UNIT &&
		    h->length >= sizeof(struct acpi_dmar_hardware_unit)) {
			if (map)
				map_unit(p);
			n++;
		}
		p += h->length;
	}
	return n;
}

static void find_dmars(void)
{
	struct acpi_table_header *tbl;
	unsigned int n;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_DMAR, 0, &tbl)))
		return;
	n = walk_dmar(tbl, false);
	dmars = n ? kcalloc(n, sizeof(*dmars), GFP_KERNEL) : NULL;
	if (dmars)
		walk_dmar(tbl, true);
	else if (n)
		bmcw_health(BMCW_MON_DMA, BMCW_HEALTH_HOOK_FAILED, -ENOMEM,
			    "dmar_units",
			    "no memory for %u VT-d units: their faults are not seen",
			    n);
	acpi_put_table(tbl);
}

static bool have_ivrs(void)
{
	struct acpi_table_header *tbl;

	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_IVRS, 0, &tbl)))
		return false;
	acpi_put_table(tbl);
	return true;
}

static int iommu_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < nr_dmars; i++)
		seq_printf(m, "unit=%u hw=vtd seg=%u base=0x%llx cap=0x%llx ecap=0x%llx fro=0x%x nfr=%llu\n",
			   i, dmars[i].seg, (u64)dmars[i].phys, dmars[i].cap,
			   dmars[i].ecap, (unsigned int)VTD_CAP_FRO(dmars[i].cap),
			   VTD_CAP_NFR(dmars[i].cap));
	seq_printf(m, "records=%lld dma=%lld ir=%lld overflow=%lld unmatched=%lld\n",
		   atomic64_read(&nr_records), atomic64_read(&nr_dma),
		   atomic64_read(&nr_ir), atomic64_read(&nr_overflow),
		   atomic64_read(&nr_unmatched));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(iommu);

static struct bmcw_hook hooks[] = {
	BMCW_KPROBE(NULL, "dmar_fault", "Intel VT-d DMA and interrupt faults",
		    vtd_pre),
	{ .kind = BMCW_HOOK_KPROBE, .syms = { "amd_iommu_report_page_fault" },
	  .unseen = "AMD-Vi faults of unknown requesters and interrupt faults",
	  .pre = amd_pre, .optional = true },
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "io_page_fault" },
	  .unseen = "AMD-Vi DMA faults" },
};

#define VTD_HOOK	(&hooks[0])
#define AMD_HOOK	(&hooks[1])
#define IOPF_HOOK	(&hooks[2])

static struct bmcw_hook_set dma_hooks = {
	.monitor = BMCW_MON_DMA,
	.name = "dma",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
};

/* Never fails the load: a hook that cannot be placed is reported. */
void bmcw_iommu_fault_init(struct dentry *dir)
{
	int err;

	find_dmars();
	amd_present = have_ivrs();
	/* what this host does not have is not placed, and not missed */
	if (!nr_dmars)
		VTD_HOOK->kind = BMCW_HOOK_EXTERNAL;
	if (!amd_present)
		AMD_HOOK->kind = BMCW_HOOK_EXTERNAL;
	bmcw_hooks_add(&dma_hooks);
	if (!nr_dmars)
		bmcw_hook_report(&dma_hooks, VTD_HOOK, BMCW_HOOK_UNUSED, 0);
	if (!amd_present)
		bmcw_hook_report(&dma_hooks, AMD_HOOK, BMCW_HOOK_UNUSED, 0);
	if (amd_present && AMD_HOOK->state != BMCW_HOOK_PLACED) {
		err = register_trace_io_page_fault(iopf_probe, NULL);
		iopf_armed = !err;
		bmcw_hook_report(&dma_hooks, IOPF_HOOK,
				 err ? BMCW_HOOK_FAILED : BMCW_HOOK_PLACED, err);
		/* seen, but not all of it: say what is not */
		if (iopf_armed)
			bmcw_health(BMCW_MON_DMA, BMCW_HEALTH_BLIND_SPOT,
				    AMD_HOOK->err, AMD_HOOK->syms[0],
				    "AMD-Vi faults seen through io_page_fault: interrupt faults and requesters no device answers to are unseen");
	} else {
		bmcw_hook_report(&dma_hooks, IOPF_HOOK, BMCW_HOOK_UNUSED, 0);
	}
	if (!IS_ERR_OR_NULL(dir))
		dbg_file = debugfs_create_file("iommu", 0400, dir, NULL,
					       &iommu_fops);
}

void bmcw_iommu_fault_exit(void)
{
	unsigned int i;

	debugfs_remove(dbg_file);
	dbg_file = NULL;
	/* unregistering waits until no handler runs any more */
	bmcw_hooks_del(&dma_hooks);
	if (iopf_armed) {
		unregister_trace_io_page_fault(iopf_probe, NULL);
		/* No probe may still run when the module text goes. */
		tracepoint_synchronize_unregister();
	}
	iopf_armed = false;
	for (i = 0; i < nr_dmars; i++)
		iounmap(dmars[i].reg);
	kfree(dmars);
	dmars = NULL;
	nr_dmars = 0;
}
