/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference the module absorbs, in one place, each
 * keyed on what changed rather than on a distribution. Feature files use
 * the names below, never LINUX_VERSION_CODE.
 *
 * Force-included into every file of the module (kmod/Kbuild), as
 * WireGuard's compat layer is; the test modules include it after their
 * own headers (they keep the kernel's default pr_fmt). A name the
 * target's headers lack is supplied here, so the code is written against
 * the newest kernel. Each entry tests the target's headers for what it
 * needs (so a distribution backport is taken as it is), falling back on
 * the version only where no definition tells.
 */
#ifndef _BMCW_COMPAT_H
#define _BMCW_COMPAT_H

/*
 * The module's message prefix, set before any kernel header is read:
 * <linux/printk.h>, which the headers below bring in, would otherwise
 * define its own default first. A file's own identical #define stays valid.
 */
#ifndef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#endif

#include <linux/version.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/pci.h>

/*
 * amd_iommu_report_page_fault() gained the struct amd_iommu * as its first
 * argument in 6.0: the index of its devid argument. (A static function:
 * nothing in the headers tells.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)
#define BMCW_AMD_FAULT_DEVID_ARG	1
#else
#define BMCW_AMD_FAULT_DEVID_ARG	0
#endif

/*
 * The Designated Vendor-Specific extended capability (PCIe 5.0, 0x23):
 * pci_regs.h has it since CXL support; 5.10's lacks it.
 */
#ifndef PCI_EXT_CAP_ID_DVSEC
#define PCI_EXT_CAP_ID_DVSEC		0x23
#endif

/*
 * pci_alloc_irq_vectors()'s legacy-interrupt flag: PCI_IRQ_INTX from 6.8
 * on, PCI_IRQ_LEGACY before (6.12 and 7.2 have only the new name).
 */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX			PCI_IRQ_LEGACY
#endif

/*
 * hrtimer_setup() sets the callback with the rest from 6.13 on; the
 * hrtimer_init() it replaces is gone by 7.2. (A function: only the
 * version tells.)
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * A file's mmap may be split in two: .mmap_prepare(struct vm_area_desc *)
 * sets the mapping up from a descriptor before the VMA exists. /dev/mem's
 * mmap_mem(file, vma) became mmap_mem_prepare(desc) this way (7.2 has
 * only the latter). No definition in the headers tells that the struct
 * exists, so kmod/Kbuild looks for it in the target's mm headers and
 * defines BMCW_HAVE_VM_AREA_DESC. The descriptor's flags were a
 * vm_flags_t (vm_flags) at first and are a vma_flags_t bitmap (vma_flags)
 * read through vma_desc_test() since; that helper's companion macro
 * vma_desc_test_any() tells which.
 */
#ifdef BMCW_HAVE_VM_AREA_DESC
#ifdef vma_desc_test_any
#define bmcw_desc_readable(desc)	vma_desc_test(desc, VMA_READ_BIT)
#define bmcw_desc_writable(desc)	vma_desc_test(desc, VMA_WRITE_BIT)
#else
#define bmcw_desc_readable(desc)	(!!((desc)->vm_flags & VM_READ))
#define bmcw_desc_writable(desc)	(!!((desc)->vm_flags & VM_WRITE))
#endif
#endif

/*
 * Fire one of our tracepoints with preemption off where the kernel no
 * longer does it. From 7.2 tracepoint probes run preemptible (SRCU-fast;
 * kmod/Kbuild finds it in the target's tracepoint.h), and x86 takes no
 * lock around config accesses: a task that preempts another in the middle
 * of a BPF program and fires the same tracepoint on that CPU finds the
 * program running there, and the kernel skips it (a recursion miss:
 * counted, but the event or count is lost). With preemption off only an
 * interrupt can nest. Older kernels disable it around every probe
 * themselves: nothing to add to the config fast path there.
 */
#ifdef BMCW_PREEMPTIBLE_TRACEPOINTS
#define bmcw_trace(call)			\
	do {					\
		preempt_disable_notrace();	\
		call;				\
		preempt_enable_notrace();	\
	} while (0)
#else
#define bmcw_trace(call)	call
#endif

#endif /* _BMCW_COMPAT_H */
