/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by dma.bpf.c and its loader userspace/monitors/dma/. */
#ifndef BMCW_DMA_H
#define BMCW_DMA_H

#define DMA_MAX_IRQS		1024	/* interrupts of BMC functions */
#define DMA_MAX_FAULT_KEYS	4096	/* requester ids x kind */
#define DMA_RINGBUF_BYTES	(256 * 1024)
#define DMA_NR_VECTORS		256	/* x86 vectors: vector_counts keys */

/* What the daemon knows about an interrupt of a BMC function. */
#define DMA_IRQ_SHARED		(1U << 1)	/* INTx line with other users */

struct dma_irq_info {
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u16	flags;		/* DMA_IRQ_* */
};

/*
 * Per-CPU counters of one interrupt (value of the irq_counts map, opt-in
 * [dma] irq_probe). The daemon reads the totals from the kernel's kstat.
 */
struct dma_irq_count {
	__u64	unclaimed;	/* handler returned IRQ_NONE */
};

/* Key of the per-CPU fault counter map. */
struct dma_fault_key {
	__u32	seg;
	__u8	bus;
	__u8	devfn;
	__u8	kind;		/* enum bmcw_dma_fault_kind */
	__u8	dir;
};

/* Indexes of the per-CPU stats array. */
enum dma_stat {
	DMA_STAT_FAULTS		= 0,	/* fault records seen */
	DMA_STAT_FAULT_MAP_FULL	= 1,
	DMA_STAT_RB_FULL	= 2,
	DMA_STAT_READ_FAIL	= 3,
	DMA_STAT_RB_SENT	= 4,
	DMA_STAT_IRQS		= 5,	/* unclaimed interrupts of BMC functions */
	DMA_STAT_IRQ_MAP_FULL	= 6,
	/* 7: was vectors without a handler (the removed vector probe) */
	DMA_STAT_AER		= 8,
	DMA_STAT_CONSOLE	= 9,	/* vector messages sent (vector_text()) */
	DMA_STAT_UNOWNED	= 10,	/* interrupts on unowned vectors (opt-in) */
	DMA_STAT_MAX		= 16,
};

#endif /* BMCW_DMA_H */
