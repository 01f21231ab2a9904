/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA and doorbell rules: from an IOMMU fault record, a posture snapshot
 * of a BMC function, an interval of interrupt counts, a vector with no
 * handler or an AER error, to the alerts they deserve. Pure functions (no
 * I/O), driven by host-side tests with hand-made inputs.
 */
#ifndef BMCW_DMA_RULES_H
#define BMCW_DMA_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bmcwatch.h>

#include "alert.h"
#include "msi_senders.h"
#include "traffic.h"

#define DMA_RULES_MAX_ALERTS	3

/* What the daemon knows about a fault's requester id. */
struct dma_fn_ctx {
	uint16_t vendor, device;	/* 0 if unknown */
	const char *owner;	/* BMC function(s) it is a DMA alias of, or "" */
};

int dma_rules_fault(const struct bmcw_dma_fault *f, const struct dma_fn_ctx *c,
		    struct bmcw_alert *out);
const char *dma_fault_reason(const struct bmcw_dma_fault *f);

/* DMA confinement posture of one BMC function. */
struct dma_posture {
	char bdf[16];
	uint16_t vendor, device;
	uint32_t fn_flags;
	int iommu;		/* an IOMMU translates for the host */
	char domain[16];	/* iommu_groups/N/type; "" if in no group */
	int intremap;		/* interrupt remapping on */
	int ats;		/* ATS enabled on the function */
	char acs_gap[16];	/* first bridge above without ACS redirect, "" */
	int bus_master;
	char driver[32];	/* "" if none bound */
};

/* Bits of what leaves a function's DMA or interrupts unconfined. */
#define DMA_UNCONF_NO_IOMMU	(1U << 0)
#define DMA_UNCONF_IDENTITY	(1U << 1)
#define DMA_UNCONF_NO_INTREMAP	(1U << 2)
#define DMA_UNCONF_ATS		(1U << 3)
#define DMA_UNCONF_NO_ACS	(1U << 4)

unsigned int dma_unconfined_bits(const struct dma_posture *p);
/* @prev is NULL at load; alerts when the posture gets worse. */
int dma_rules_posture(const struct dma_posture *prev,
		      const struct dma_posture *cur, struct bmcw_alert *out);

/* Interrupt rate learning, per interrupt of a BMC function. */
struct dma_irq_params {
	uint64_t learn_ns;	/* learning window from the first sight */
	uint64_t factor;	/* alert above factor x the learned peak */
	uint64_t floor_per_s;	/* and never below this rate */
};

#define DMA_IRQ_PARAMS_DEFAULT { 5000000000ULL, 4, 200 }

struct dma_irq_state {
	uint64_t first_ns;	/* 0 until the first sample */
	uint64_t peak_per_s;	/* highest rate while learning */
	int learned;
	/*
	 * With a baseline's traffic profile nothing is learnt here: the
	 * interrupts are counted per learnt window and flagged above
	 * base_limit (learnt largest window x factor, at least the floor).
	 */
	int from_base;
	uint64_t base_max;	/* learnt largest window, 0 if never seen */
	uint64_t base_limit;
	uint64_t window_ns;
	struct rate_window win;
};

/* Enforce the baseline's profile of this interrupt (@q NULL: not in it). */
void dma_irq_use_baseline(struct dma_irq_state *s, const struct baseline_irq *q,
			  unsigned int window_s, unsigned int factor,
			  unsigned int floor);

struct dma_irq_sample {
	const char *bdf;
	uint16_t vendor, device;
	uint32_t fn_flags;
	unsigned int irq;
	const char *driver;	/* "" if none */
	uint64_t total, unclaimed, no_driver;	/* deltas of the interval */
	uint64_t interval_ns, now_ns;
	/*
	 * Set when unclaimed is a lower bound (read from the kernel's
	 * spurious-interrupt detector, which may have restarted in between).
	 */
	int unclaimed_lower_bound;
	const char *per_cpu;	/* "cpu0=N cpu1=M" (nonzero ones), or NULL */
};

/* Returns the alerts; sets *just_learned when learning ended now. */
int dma_rules_irq(struct dma_irq_state *s, const struct dma_irq_params *p,
		  const struct dma_irq_sample *x, struct bmcw_alert *out,
		  int *just_learned);

/*
 * The same from the kernel's own "No irq handler for vector" message,
 * which it rate-limits: @seen is how many such messages for this CPU and
 * vector the daemon has read, @suppressed how many messages (of any CPU
 * and vector) the kernel said it left out just before; @who the functions
 * that may have sent it (NULL: not looked for); @why_not_exact why each
 * is not counted (the count is a lower bound).
 */
int dma_rules_vector_msg(unsigned int cpu, unsigned int vector, uint64_t seen,
			 uint64_t suppressed, const struct msi_senders *who,
			 const char *why_not_exact, struct bmcw_alert *out);

/*
 * [dma] vector_count = exact: @n more interrupts on @vector of @cpu, which
 * no handler owns, counted exactly since the previous such alert.
 */
int dma_rules_unowned_counted(unsigned int cpu, unsigned int vector,
			      uint64_t n, const struct msi_senders *who,
			      struct bmcw_alert *out);

/* AER on a function whose BMCW_FN_* flags are @fn_flags (0: not ours). */
int dma_rules_aer(const struct bmcw_dma_aer *a, uint32_t fn_flags,
		  struct bmcw_alert *out);

#endif /* BMCW_DMA_RULES_H */
