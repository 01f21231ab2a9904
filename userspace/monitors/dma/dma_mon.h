/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DMA and doorbell monitor's state, shared by its files:
 *   dma.c          BPF loader, ring buffer records, losses, the ops
 *   dma_posture.c  each BMC function's DMA confinement (sysfs, config space)
 *   dma_irq.c      their interrupt counts (kstat, spurious detector, probe)
 *   dma_vector_log.c  "No irq handler for vector" messages, from the
 *                  console tracepoint or /dev/kmsg
 */
#ifndef BMCW_DMA_MON_H
#define BMCW_DMA_MON_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "dma.h"		/* bpf/dma.h: shared with the BPF side */
#include "dma.skel.h"
#include "dma_inv.h"
#include "dma_rules.h"
#include "bpf_monitor.h"
#include "irq_stat.h"
#include "monitors.h"

#define MAX_IRQS_PER_FN	64
#define INVENTORY	BMCW_DEBUGFS_DIR "/inventory"
#define INVENTORY_GEN	BMCW_DEBUGFS_DIR "/inventory_gen"
#define IOMMU_TABLE	BMCW_DEBUGFS_DIR "/iommu"
#define SYS_PCI		"/sys/bus/pci/devices"

struct bmc_irq {
	unsigned int irq;
	struct dma_irq_state learn;
	uint32_t *kstat;		/* per-CPU counts at the last sweep */
	struct irq_spurious sp;		/* the detector at the last sweep */
	int have_sp;
	uint64_t probe_unclaimed;	/* irq_probe's sum at the last sweep */
	/* counted since the daemon first saw this irq (metrics) */
	uint64_t total, unclaimed, no_driver;
};

/* Interrupts on vectors without a handler, from the kernel's messages. */
#define MAX_KMSG_VECTORS	64

struct kmsg_vec_count {
	unsigned int cpu, vector;
	uint64_t seen;
};

/* [dma] vector_count = exact: on_common_interrupt's per-CPU counts. */
struct dma_unowned {
	struct bpf_link *link;		/* NULL: not counted (a lower bound) */
	uint64_t *vals;			/* one vector's per-CPU counts */
	uint64_t *told;			/* [cpu][vector]: in alerts so far */
	uint64_t total;			/* all of them, at the last check */
	uint64_t checked_mono;		/* when, CLOCK_MONOTONIC; 0: never */
};

struct bmc_fn {
	struct dma_posture posture;
	int have_posture;
	bool had_driver;	/* at the previous interrupt sweep */
	unsigned int nirq;
	struct bmc_irq irqs[MAX_IRQS_PER_FN];
};

struct dma_mon {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct dma_bpf *skel;
	struct bpf_link *links[5];
	unsigned int nlinks;
	bool irq_probe;			/* on_irq_exit attached */
	int epfd;			/* ring buffer + /dev/kmsg */
	int kmsg_fd;			/* -1 unless [dma] vector_log took it */
	struct bpf_link *console_link;	/* or printk_sprint / the tracepoint */
	bool sprint_exists;		/* printk_sprint() in the kernel's BTF */
	bool sprint_loaded;		/* on_printk_sprint loaded */
	bool exact_loaded;		/* on_common_interrupt loaded */
	struct dma_unowned unowned;	/* exact counts (dma_unowned.c) */
	char vcount_why[160];		/* why the counts are a lower bound */
	struct kmsg_vec_count kvec[MAX_KMSG_VECTORS];
	unsigned int nkvec;
	uint64_t kmsg_seen, kmsg_suppressed, kmsg_pending_suppressed;
	bool noirqdebug_told;
	struct dma_inv inv;		/* the module's, every function */
	bool inv_bad;			/* the last read failed (said once) */
	bool inv_have_gen;		/* inv is what inventory_gen inv_gen showed */
	uint64_t inv_gen;
	struct bmc_fn *bmc;		/* every BMC function seen */
	unsigned int nbmc;
	struct dma_irq_params params;
	uint64_t stats[DMA_STAT_MAX];
	uint64_t last_ns;
	uint64_t iommu_overflows;	/* the module's count, last read */
	int ncpus;
};

/*
 * dma.c: alerts at the pipeline's time; of one event stamped @ts_ns
 * (CLOCK_MONOTONIC, evclock.h); or of a sweep, what it counts having
 * happened between two CLOCK_MONOTONIC times (the first sweep: 0, no
 * window).
 */
void dma_submit_all(struct dma_mon *st, struct bmcw_alert *al, int n);
void dma_submit_event(struct dma_mon *st, struct bmcw_alert *al, int n,
		      uint64_t ts_ns);
void dma_submit_window(struct dma_mon *st, struct bmcw_alert *al, int n,
		       uint64_t from_mono, uint64_t to_mono);
void dma_hook_failed(struct dma_mon *st, const char *what, int err,
		     const char *why);
void dma_load_inventory(struct dma_mon *st);

/* dma_posture.c: posture of every BMC function, then its interrupts */
void dma_scan(struct dma_mon *st, uint64_t now);
#define DMA_POSTURE_ROWS	64	/* BMC functions and bridges above them */

/* dma_irq.c */
void dma_check_irqs(struct dma_mon *st, struct bmc_fn *b, uint64_t now,
		    uint64_t interval);
void dma_check_irqdebug(struct dma_mon *st);

/* dma_vector_log.c */
void dma_open_vector_log(struct dma_mon *st);
void dma_on_console(struct dma_mon *st, const struct bmcw_dma_console *c);
void dma_drain_kmsg(struct dma_mon *st);

/* dma_unowned.c */
struct btf;
/* Whether @btf's kernel can take on_common_interrupt; if not, why. */
bool dma_exact_supported(const struct btf *btf, char *why, size_t len);
void dma_unowned_attach(struct dma_mon *st);
void dma_unowned_free(struct dma_mon *st);
/* Each interval: an alert per CPU and vector for what it took since. */
void dma_unowned_check(struct dma_mon *st);

#endif /* BMCW_DMA_MON_H */
