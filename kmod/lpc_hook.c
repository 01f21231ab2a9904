// SPDX-License-Identifier: GPL-2.0
/*
 * How the host reaches its BMC's LPC and MMIO bridges from user space:
 * I/O port grants (ioperm, iopl), /dev/port transfers, mmap/read/write of a
 * PCI function's BARs through sysfs/procfs, and /dev/mem over a BMC BAR
 * (the ASPEED P2A window). Each is a kretprobe: the entry handler records
 * the arguments, the return handler adds the result and fires a
 * tracepoint; BPF filters and the daemon decodes (SuperIO sequences).
 *
 * After ioperm/iopl the in/out instructions never enter the kernel, so the
 * grant is what can be seen. Each probe point is reached only through a
 * pointer (the syscall table, file and attribute operations), so no copy
 * of its code can have been inlined elsewhere; the hook installer
 * (hook.c) places them and reports any it cannot.
 *
 * Also here: the PCH LPC/eSPI decode map read at load (debugfs lpc_decode).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "bmcwatch.h"
#include "hook.h"
#include "lpc_trace.h"

/* What an entry handler leaves for its return handler. */
struct lpc_inst {
	bool mmio;
	void __user *ubuf;		/* read_port: where the bytes went */
	union {
		struct bmcw_lpc_port p;
		struct bmcw_lpc_mmio m;
	};
};

static void fill_task_port(struct bmcw_lpc_port *p)
{
	p->ts_ns = ktime_get_ns();
	p->pid = task_tgid_nr(current);
	p->tid = task_pid_nr(current);
	memcpy(p->comm, current->comm, BMCW_COMM_LEN);
}

static void fill_task_mmio(struct bmcw_lpc_mmio *m)
{
	m->ts_ns = ktime_get_ns();
	m->pid = task_tgid_nr(current);
	m->tid = task_pid_nr(current);
	memcpy(m->comm, current->comm, BMCW_COMM_LEN);
}

static struct lpc_inst *inst_of(struct kretprobe_instance *ri)
{
	struct lpc_inst *d = (struct lpc_inst *)ri->data;

	memset(d, 0, sizeof(*d));
	return d;
}

static bool active(void)
{
	return READ_ONCE(bmcw_enabled) &&
	       (trace_bmcwatch_lpc_port_enabled() ||
		trace_bmcwatch_lpc_mmio_enabled());
}

/*
 * ioperm(from, num, turn_on), at the syscall entry: ksys_ioperm() is
 * called directly and may be inlined into it.
 */
static int ioperm_entry_args(struct kretprobe_instance *ri,
			     unsigned long from, unsigned long num,
			     unsigned long turn_on)
{
	struct lpc_inst *d;

	if (!active() || !turn_on)	/* giving ports back is not news */
		return 1;
	d = inst_of(ri);
	d->p.kind = BMCW_LPC_IOPERM;
	d->p.port = min_t(unsigned long, from, U32_MAX);
	d->p.count = min_t(unsigned long, num, U32_MAX);
	d->p.arg = 1;
	return 0;
}

/*
 * __x64_sys_ioperm / __ia32_sys_ioperm(const struct pt_regs *regs): the
 * arguments are in the saved user registers (di, si, dx for the 64-bit
 * ABI; bx, cx, dx for int 0x80), on this task's kernel stack.
 */
static int ioperm64_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct pt_regs *u = (const struct pt_regs *)regs->di;

	return ioperm_entry_args(ri, u->di, u->si, u->dx);
}

static int ioperm32_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct pt_regs *u = (const struct pt_regs *)regs->di;

	return ioperm_entry_args(ri, u->bx, u->cx, u->dx);
}

/*
 * __x64_sys_iopl / __ia32_sys_iopl(const struct pt_regs *regs): the level
 * is the first syscall argument in the saved user registers (di for the
 * 64-bit ABI, bx for int 0x80), which live on this task's kernel stack.
 */
static int iopl_entry_arg(struct kretprobe_instance *ri, unsigned long level)
{
	struct lpc_inst *d;

	if (!active() || !level)
		return 1;
	d = inst_of(ri);
	d->p.kind = BMCW_LPC_IOPL;
	d->p.arg = min_t(unsigned long, level, U32_MAX);
	d->p.port = 0;
	d->p.count = 65536;
	return 0;
}

static int iopl64_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return iopl_entry_arg(ri, ((struct pt_regs *)regs->di)->di);
}

static int iopl32_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return iopl_entry_arg(ri, ((struct pt_regs *)regs->di)->bx);
}

/*
 * read_port/write_port(struct file *, char __user *buf, size_t count,
 * loff_t *ppos): byte i goes to/from port *ppos + i. The handler must not
 * fault, hence the _nofault copy (it may find the page not present and
 * give up: nvals = 0 then, and the event still goes out).
 */
static int port_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
		      u8 kind)
{
	loff_t *ppos = (loff_t *)regs->cx;
	struct lpc_inst *d;
	size_t n;

	if (!active())
		return 1;
	d = inst_of(ri);
	d->p.kind = kind;
	d->p.port = min_t(loff_t, *ppos, U32_MAX);
	d->p.count = min_t(size_t, regs->dx, U32_MAX);
	d->ubuf = (void __user *)regs->si;
	if (kind == BMCW_LPC_PORT_WRITE) {
		n = min_t(size_t, regs->dx, BMCW_LPC_MAX_VALS);
		if (!copy_from_user_nofault(d->p.vals, d->ubuf, n))
			d->p.nvals = n;
	}
	return 0;
}

static int read_port_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	return port_entry(ri, regs, BMCW_LPC_PORT_READ);
}

static int write_port_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	return port_entry(ri, regs, BMCW_LPC_PORT_WRITE);
}

static void fill_fn(struct bmcw_lpc_mmio *m, struct pci_dev *pdev)
{
	struct bmcw_fn *fn;

	m->seg = pci_domain_nr(pdev->bus);
	m->bus = pdev->bus->number;
	m->devfn = pdev->devfn;
	rcu_read_lock();
	fn = bmcw_fn_lookup(bmcw_pdev_key(pdev));
	if (fn)
		m->fn_flags = READ_ONCE(fn->flags) | BMCW_FN_KNOWN;
	rcu_read_unlock();
}

static u32 vma_prot(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_READ ? BMCW_MMIO_PROT_READ : 0) |
	       (vma->vm_flags & VM_WRITE ? BMCW_MMIO_PROT_WRITE : 0);
}

/*
 * int pci_mmap_resource_range(struct pci_dev *, int bar,
 *	struct vm_area_struct *, enum pci_mmap_state, int write_combine):
 * both sysfs resourceN[_wc] and /proc/bus/pci mmap end here, after their
 * permission and lockdown checks. vm_pgoff is still the offset in the BAR.
 */
static int mmap_res_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct pci_dev *pdev = (struct pci_dev *)regs->di;
	struct vm_area_struct *vma = (struct vm_area_struct *)regs->dx;
	int bar = regs->si;
	struct lpc_inst *d;

	if (!active() || bar < 0 || bar >= PCI_NUM_RESOURCES)
		return 1;
	d = inst_of(ri);
	d->mmio = true;
	d->m.kind = BMCW_MMIO_SYSFS_MMAP;
	d->m.bar = bar;
	d->m.offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	d->m.addr = pci_resource_start(pdev, bar) + d->m.offset;
	d->m.len = vma->vm_end - vma->vm_start;
	d->m.prot = vma_prot(vma);
	fill_fn(&d->m, pdev);
	return 0;
}

/*
 * pci_read/write_resource_io(struct file *, struct kobject *,
 *	struct bin_attribute *, char *buf, loff_t off, size_t count):
 * read/write of an I/O BAR's resourceN file; attr->private is the BAR.
 * 7.2 names them pci_read/write_resource, with the same arguments (the
 * attribute now const).
 */
static int res_io_entry(struct kretprobe_instance *ri, struct pt_regs *regs,
			u8 kind)
{
	struct kobject *kobj = (struct kobject *)regs->si;
	struct bin_attribute *attr = (struct bin_attribute *)regs->dx;
	struct pci_dev *pdev = to_pci_dev(kobj_to_dev(kobj));
	struct lpc_inst *d;
	int bar = (unsigned long)attr->private;

	if (!active() || bar < 0 || bar >= PCI_NUM_RESOURCES)
		return 1;
	d = inst_of(ri);
	d->mmio = true;
	d->m.kind = kind;
	d->m.bar = bar;
	d->m.offset = regs->r8;
	d->m.addr = pci_resource_start(pdev, bar) + regs->r8;
	d->m.len = regs->r9;
	d->m.prot = kind == BMCW_MMIO_SYSFS_WRITE ? BMCW_MMIO_PROT_WRITE :
						    BMCW_MMIO_PROT_READ;
	fill_fn(&d->m, pdev);
	return 0;
}

static int read_res_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return res_io_entry(ri, regs, BMCW_MMIO_SYSFS_READ);
}

static int write_res_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	return res_io_entry(ri, regs, BMCW_MMIO_SYSFS_WRITE);
}

/* /dev/mem: only a range overlapping a BMC function's BAR is news. */
static int devmem_common(struct kretprobe_instance *ri, u8 kind, u64 addr,
			 u64 len, u32 prot)
{
	struct bmcw_fn *fn;
	struct lpc_inst *d;
	int bar = 0;

	if (!active() || !len)
		return 1;
	rcu_read_lock();
	fn = bmcw_fn_find_bmc_bar(addr, len, &bar);
	if (!fn) {
		rcu_read_unlock();
		return 1;
	}
	d = inst_of(ri);
	d->mmio = true;
	d->m.kind = kind;
	d->m.bar = bar;
	d->m.addr = addr;
	d->m.len = len;
	d->m.prot = prot;
	d->m.seg = bmcw_key_seg(fn->key);
	d->m.bus = fn->key >> 8;
	d->m.devfn = fn->key;
	d->m.fn_flags = READ_ONCE(fn->flags) | BMCW_FN_KNOWN;
	if (addr > pci_resource_start(fn->pdev, bar))
		d->m.offset = addr - pci_resource_start(fn->pdev, bar);
	rcu_read_unlock();
	return 0;
}

/* int mmap_mem(struct file *, struct vm_area_struct *) */
static int mmap_mem_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)regs->si;

	return devmem_common(ri, BMCW_MMIO_DEVMEM_MMAP,
			     (u64)vma->vm_pgoff << PAGE_SHIFT,
			     vma->vm_end - vma->vm_start, vma_prot(vma));
}

#ifdef BMCW_HAVE_VM_AREA_DESC
/*
 * int mmap_mem_prepare(struct vm_area_desc *): /dev/mem's .mmap_prepare,
 * mmap_mem's successor (7.2), called before the VMA exists with the range
 * (start, end), the offset (pgoff: the physical page) and the flags it
 * will have. Its result is that of the checks mmap_mem made; the remap
 * it asks for comes after it returns, and a failure there is not seen.
 */
static int mmap_mem_prepare_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	const struct vm_area_desc *desc = (const struct vm_area_desc *)regs->di;

	return devmem_common(ri, BMCW_MMIO_DEVMEM_MMAP,
			     (u64)desc->pgoff << PAGE_SHIFT,
			     desc->end - desc->start,
			     (bmcw_desc_readable(desc) ? BMCW_MMIO_PROT_READ : 0) |
			     (bmcw_desc_writable(desc) ? BMCW_MMIO_PROT_WRITE : 0));
}
#endif

/* read_mem/write_mem(struct file *, char __user *, size_t, loff_t *) */
static int read_mem_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return devmem_common(ri, BMCW_MMIO_DEVMEM_READ, *(loff_t *)regs->cx,
			     regs->dx, BMCW_MMIO_PROT_READ);
}

static int write_mem_entry(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	return devmem_common(ri, BMCW_MMIO_DEVMEM_WRITE, *(loff_t *)regs->cx,
			     regs->dx, BMCW_MMIO_PROT_WRITE);
}

static int lpc_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct lpc_inst *d = (struct lpc_inst *)ri->data;
	long ret = regs_return_value(regs);
	size_t n;

	if (d->mmio) {
		fill_task_mmio(&d->m);
		d->m.result = ret;
		bmcw_trace(trace_bmcwatch_lpc_mmio(&d->m));
		return 0;
	}
	fill_task_port(&d->p);
	d->p.result = ret;
	if (d->p.kind == BMCW_LPC_PORT_READ && ret > 0) {
		n = min_t(size_t, ret, BMCW_LPC_MAX_VALS);
		if (!copy_from_user_nofault(d->p.vals, d->ubuf, n))
			d->p.nvals = n;
	}
	bmcw_trace(trace_bmcwatch_lpc_port(&d->p));
	return 0;
}

#define LPC_KRP(s, u, fn) \
	BMCW_KRETPROBE(NULL, s, u, fn, lpc_ret, sizeof(struct lpc_inst))
/* Targets renamed on some kernel: .syms lists the names, oldest first. */
#define LPC_KRP_RENAMED(u, fn) \
	.kind = BMCW_HOOK_KRETPROBE, .unseen = u, .entry = fn, \
	.ret = lpc_ret, .data_size = sizeof(struct lpc_inst)

static struct bmcw_hook hooks[] = {
	LPC_KRP("__x64_sys_ioperm", "I/O port grants (ioperm)",
		ioperm64_entry),
	LPC_KRP("__ia32_sys_ioperm", "I/O port grants (32-bit ioperm)",
		ioperm32_entry),
	LPC_KRP("__x64_sys_iopl", "I/O privilege grants (iopl)",
		iopl64_entry),
	LPC_KRP("__ia32_sys_iopl", "I/O privilege grants (32-bit iopl)",
		iopl32_entry),
	LPC_KRP("read_port", "/dev/port reads", read_port_entry),
	LPC_KRP("write_port", "/dev/port writes", write_port_entry),
	LPC_KRP("pci_mmap_resource_range",
		"BAR mappings through sysfs and procfs", mmap_res_entry),
	{ LPC_KRP_RENAMED("I/O BAR reads through sysfs", read_res_entry),
	  .syms = { "pci_read_resource_io", "pci_read_resource" } },
	{ LPC_KRP_RENAMED("I/O BAR writes through sysfs", write_res_entry),
	  .syms = { "pci_write_resource_io", "pci_write_resource" } },
#ifdef BMCW_HAVE_VM_AREA_DESC
	{ LPC_KRP_RENAMED("BMC BAR mappings through /dev/mem", mmap_mem_entry),
	  .syms = { "mmap_mem", "mmap_mem_prepare" },
	  .alt_entry = { [1] = mmap_mem_prepare_entry } },
#else
	/* no kernel without struct vm_area_desc has mmap_mem_prepare */
	LPC_KRP("mmap_mem", "BMC BAR mappings through /dev/mem",
		mmap_mem_entry),
#endif
	LPC_KRP("read_mem", "BMC BAR reads through /dev/mem", read_mem_entry),
	LPC_KRP("write_mem", "BMC BAR writes through /dev/mem",
		write_mem_entry),
};

static struct bmcw_hook_set lpc_hooks = {
	.monitor = BMCW_MON_LPC,
	.name = "lpc",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
};

/* The PCH LPC/eSPI decode registers (Intel PCH datasheets, LPC_IOD..) */
#define LPC_IOD		0x80	/* 16 bits: COM/LPT/FDD ranges */
#define LPC_IOE		0x82	/* 16 bits: decode enables */
#define LPC_GEN1	0x84	/* LGIR1..4 at 0x84, 0x88, 0x8c, 0x90 */
#define LPC_NR_GEN	4

struct lpc_decode {
	bool present;
	u32 seg;
	u8 bus, devfn;
	u32 iod_ioe;		/* dword at 0x80 */
	u32 gen[LPC_NR_GEN];
};

static struct lpc_decode decode_at_load;
static struct dentry *decode_file;

static void lpc_decode_read(struct pci_dev *pdev, struct lpc_decode *d)
{
	int i;

	pci_read_config_dword(pdev, LPC_IOD, &d->iod_ioe);
	for (i = 0; i < LPC_NR_GEN; i++)
		pci_read_config_dword(pdev, LPC_GEN1 + 4 * i, &d->gen[i]);
}

static struct pci_dev *lpc_bridge_get(void)
{
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0x1f, 0));
	if (pdev && (pdev->vendor != PCI_VENDOR_ID_INTEL ||
		     pdev->class >> 8 != PCI_CLASS_BRIDGE_ISA)) {
		pci_dev_put(pdev);
		pdev = NULL;
	}
	return pdev;
}

static void lpc_decode_snapshot(void)
{
	struct pci_dev *pdev = lpc_bridge_get();

	if (!pdev)
		return;
	decode_at_load.present = true;
	decode_at_load.seg = pci_domain_nr(pdev->bus);
	decode_at_load.bus = pdev->bus->number;
	decode_at_load.devfn = pdev->devfn;
	lpc_decode_read(pdev, &decode_at_load);
	pci_dev_put(pdev);
}

/* COM ports by the 3-bit selects of LPC_IOD. */
static const u16 com_base[8] = {
	0x3f8, 0x2f8, 0x220, 0x228, 0x238, 0x2e8, 0x338, 0x3e8,
};

static const u16 lpt_base[4] = { 0x378, 0x278, 0x3bc, 0 };

static void lpc_decode_print(struct seq_file *m, const char *when,
			     const struct lpc_decode *d)
{
	u16 iod = d->iod_ioe, ioe = d->iod_ioe >> 16;
	int i;

	seq_printf(m, "%s iod=0x%04x ioe=0x%04x gen1=0x%08x gen2=0x%08x gen3=0x%08x gen4=0x%08x\n",
		   when, iod, ioe, d->gen[0], d->gen[1], d->gen[2], d->gen[3]);
	if (ioe & BIT(0))
		seq_printf(m, "%s range=0x%03x-0x%03x what=com_a\n", when,
			   com_base[iod & 7], com_base[iod & 7] + 7);
	if (ioe & BIT(1))
		seq_printf(m, "%s range=0x%03x-0x%03x what=com_b\n", when,
			   com_base[(iod >> 4) & 7],
			   com_base[(iod >> 4) & 7] + 7);
	if ((ioe & BIT(2)) && lpt_base[(iod >> 8) & 3])
		seq_printf(m, "%s range=0x%03x-0x%03x what=lpt\n", when,
			   lpt_base[(iod >> 8) & 3],
			   lpt_base[(iod >> 8) & 3] + 7);
	if (ioe & BIT(3))
		seq_printf(m, "%s range=0x%03x-0x%03x what=fdd\n", when,
			   iod & BIT(12) ? 0x370 : 0x3f0,
			   iod & BIT(12) ? 0x377 : 0x3f7);
	if (ioe & BIT(8))
		seq_printf(m, "%s range=0x200-0x207 what=game_low\n", when);
	if (ioe & BIT(9))
		seq_printf(m, "%s range=0x208-0x20f what=game_high\n", when);
	if (ioe & BIT(10))
		seq_printf(m, "%s range=0x060-0x064 what=kbc\n", when);
	if (ioe & BIT(11))
		seq_printf(m, "%s range=0x062-0x066 what=mc\n", when);
	if (ioe & BIT(12))
		seq_printf(m, "%s range=0x02e-0x02f what=superio_2e\n", when);
	if (ioe & BIT(13))
		seq_printf(m, "%s range=0x04e-0x04f what=superio_4e\n", when);
	/* LGIRn: bit 0 enable, 15:2 base, 23:18 mask of address bits 7:2 */
	for (i = 0; i < LPC_NR_GEN; i++) {
		u32 g = d->gen[i];
		u16 base = g & 0xfffc, mask = ((g >> 16) & 0xfc) | 3;

		if (g & BIT(0))
			seq_printf(m, "%s range=0x%03x-0x%03x what=gen%d\n",
				   when, base & ~mask, (base & ~mask) | mask,
				   i + 1);
	}
}

static int lpc_decode_show(struct seq_file *m, void *v)
{
	struct lpc_decode now = decode_at_load;
	struct pci_dev *pdev;

	if (!decode_at_load.present) {
		seq_puts(m, "lpc_bridge=none\n");
		return 0;
	}
	seq_printf(m, "lpc_bridge=%04x:%02x:%02x.%u\n", decode_at_load.seg,
		   decode_at_load.bus, PCI_SLOT(decode_at_load.devfn),
		   PCI_FUNC(decode_at_load.devfn));
	lpc_decode_print(m, "at_load", &decode_at_load);
	pdev = lpc_bridge_get();
	if (pdev) {
		lpc_decode_read(pdev, &now);
		pci_dev_put(pdev);
		lpc_decode_print(m, "now", &now);
	}
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(lpc_decode);

void bmcw_lpc_init(struct dentry *dir)
{
	lpc_decode_snapshot();
	bmcw_hooks_add(&lpc_hooks);
	if (!IS_ERR_OR_NULL(dir))
		decode_file = debugfs_create_file("lpc_decode", 0400, dir, NULL,
						  &lpc_decode_fops);
}

void bmcw_lpc_exit(void)
{
	debugfs_remove(decode_file);
	decode_file = NULL;
	bmcw_hooks_del(&lpc_hooks);
}
