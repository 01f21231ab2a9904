// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts on vectors no handler owns: who rang, and how many.
 *  - Who: the functions whose MSI capability aims at that vector of that
 *    CPU, from the module's MSI table (the registers as they are now,
 *    whoever wrote them). A DMA write into the interrupt window names no
 *    sender; with interrupt remapping in force it faults instead, and the
 *    fault names the requester (dma.iommu_fault).
 *  - How many: by default the kernel's own messages, which it rate-limits
 *    (a lower bound, said so in each alert); with [dma] vector_count =
 *    exact, on_common_interrupt (dma.bpf.c) counts each one per CPU and
 *    vector, and each interval brings one alert per CPU and vector with
 *    what it took since the last, so a vector's alerts add up to its
 *    exact count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "dma_mon.h"
#include "log.h"
#include "msi_senders.h"
#include "percpu_sweep.h"

bool dma_exact_supported(const struct btf *btf, char *why, size_t len)
{
	if (!btf) {
		snprintf(why, len, "the kernel has no BTF");
		return false;
	}
	if (btf__find_by_name_kind(btf, "__common_interrupt", BTF_KIND_FUNC) <= 0) {
		snprintf(why, len, "this kernel has no __common_interrupt() in its BTF to count at");
		return false;
	}
	if (btf__find_by_name_kind(btf, "vector_irq", BTF_KIND_VAR) <= 0) {
		snprintf(why, len, "this kernel's BTF has no per-CPU vector_irq table");
		return false;
	}
	return true;
}

void dma_unowned_attach(struct dma_mon *st)
{
	struct dma_unowned *u = &st->unowned;

	if (st->d->policy->dma_vector_count != DMA_VCOUNT_EXACT) {
		snprintf(st->vcount_why, sizeof(st->vcount_why),
			 "[dma] vector_count = messages ('exact' costs every interrupt a trampoline)");
		return;
	}
	if (!st->exact_loaded) {
		bmcw_log(LOG_WARNING, "dma: [dma] vector_count = exact, but interrupts on unowned vectors are counted from the kernel's rate-limited messages only: %s",
			 st->vcount_why);
		return;
	}
	u->vals = calloc(st->ncpus, sizeof(*u->vals));
	u->told = calloc((size_t)st->ncpus * DMA_NR_VECTORS, sizeof(*u->told));
	if (!u->vals || !u->told) {
		snprintf(st->vcount_why, sizeof(st->vcount_why), "%s", strerror(ENOMEM));
		return;
	}
	u->link = bpf_program__attach(st->skel->progs.on_common_interrupt);
	if (!u->link) {
		snprintf(st->vcount_why, sizeof(st->vcount_why),
			 "the trampoline on __common_interrupt did not attach: %s",
			 strerror(errno));
		bmcw_log(LOG_WARNING, "dma: interrupts on unowned vectors are counted from the kernel's rate-limited messages only: %s",
			 st->vcount_why);
		return;
	}
	bmcw_log(LOG_INFO, "dma: interrupts on unowned vectors counted exactly (fentry on __common_interrupt, [dma] vector_count = exact)");
}

void dma_unowned_free(struct dma_mon *st)
{
	struct dma_unowned *u = &st->unowned;

	bpf_link__destroy(u->link);
	free(u->vals);
	free(u->told);
	memset(u, 0, sizeof(*u));
}

/*
 * One vector's per-CPU counts: an alert for each CPU that took more, which
 * it took since the last check (@now: CLOCK_MONOTONIC). -1 when they
 * cannot be read (the next check reads them again).
 */
static int check_vector(struct dma_mon *st, unsigned int v,
			struct msi_row *rows, int *nrows, uint64_t now)
{
	struct dma_unowned *u = &st->unowned;
	int fd = bpf_map__fd(st->skel->maps.vector_counts);
	struct msi_senders who;
	struct bmcw_alert al;

	if (bpf_map_lookup_elem(fd, &v, u->vals))
		return -1;
	for (int c = 0; c < st->ncpus; c++) {
		uint64_t *told = &u->told[(size_t)c * DMA_NR_VECTORS + v];

		if (u->vals[c] <= *told)
			continue;
		/* the table read once per check, at its first alert */
		if (*nrows == -2)
			*nrows = msi_senders_read(rows);
		msi_senders_for_cpu(rows, *nrows, c, v, &st->inv, &who);
		if (dma_rules_unowned_counted(c, v, u->vals[c] - *told, &who, &al))
			dma_submit_window(st, &al, 1, u->checked_mono, now);
		*told = u->vals[c];
	}
	return 0;
}

void dma_unowned_check(struct dma_mon *st)
{
	static struct msi_row rows[MSI_TABLE_ROWS];
	struct dma_unowned *u = &st->unowned;
	uint64_t stats[DMA_STAT_MAX], now;
	struct timespec ts;
	int nrows = -2;			/* not read yet */

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (!u->link ||
	    percpu_array_sum(bpf_map__fd(st->skel->maps.stats), DMA_STAT_MAX, stats))
		return;
	/* nothing new: no need to read 256 vectors' counts */
	if (stats[DMA_STAT_UNOWNED] == u->total) {
		u->checked_mono = now;
		return;
	}
	for (unsigned int v = 0; v < DMA_NR_VECTORS; v++)
		if (check_vector(st, v, rows, &nrows, now))
			return;		/* the total stays: read all again */
	u->total = stats[DMA_STAT_UNOWNED];
	u->checked_mono = now;
}
