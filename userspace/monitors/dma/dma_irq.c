// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA monitor's interrupt counts: for each irq of a BMC function, the
 * kernel's per-CPU counts (kstat) and its spurious-interrupt detector,
 * read once per interval, or the opt-in BPF probe's exact count of
 * unclaimed ones, checked against the learned rate by dma_rules.c.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dma_mon.h"
#include "log.h"
#include "sysfs_pci.h"

static struct bmc_irq *irq_slot(struct dma_mon *st, struct bmc_fn *b,
				unsigned int irq, bool *fresh)
{
	uint32_t *kstat;

	for (unsigned int i = 0; i < b->nirq; i++)
		if (b->irqs[i].irq == irq)
			return &b->irqs[i];
	if (b->nirq >= MAX_IRQS_PER_FN)
		return NULL;
	kstat = calloc(st->ncpus, sizeof(*kstat));
	if (!kstat)
		return NULL;
	*fresh = true;
	memset(&b->irqs[b->nirq], 0, sizeof(b->irqs[0]));
	b->irqs[b->nirq].irq = irq;
	b->irqs[b->nirq].kstat = kstat;
	return &b->irqs[b->nirq++];
}

static int irq_shared(unsigned int irq)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/sys/kernel/irq/%u/actions", irq);
	return !read_line_file(path, buf, sizeof(buf)) && strchr(buf, ',');
}

/* The function's interrupts: its MSI/MSI-X vectors, else its INTx line. */
static unsigned int fn_irqs_unsorted(const char *bdf, unsigned int *irqs,
				     unsigned int max)
{
	char path[PATH_MAX], buf[32];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), SYS_PCI "/%s/msi_irqs", bdf);
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) && n < max)
			if (e->d_name[0] != '.')
				irqs[n++] = strtoul(e->d_name, NULL, 10);
		closedir(d);
	}
	if (n)
		return n;
	snprintf(path, sizeof(path), SYS_PCI "/%s/irq", bdf);
	if (!read_line_file(path, buf, sizeof(buf)) && strtoul(buf, NULL, 10))
		irqs[n++] = strtoul(buf, NULL, 10);
	return n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * In ascending order: a vector's rank is how the baseline names it (irq
 * numbers change from boot to boot, the order of a driver's vectors not).
 */
static unsigned int fn_irqs(const char *bdf, unsigned int *irqs,
			    unsigned int max)
{
	unsigned int n = fn_irqs_unsorted(bdf, irqs, max);

	qsort(irqs, n, sizeof(*irqs), cmp_uint);
	return n;
}

/* A small text file read whole (sysfs and procfs give it in one read). */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

/* @irq's line of /proc/interrupts: kernels without CONFIG_SPARSE_IRQ. */
static int kstat_proc_interrupts(struct dma_mon *st, unsigned int irq,
				 uint32_t *out)
{
	unsigned int *col = calloc(st->ncpus, sizeof(*col));
	FILE *f = fopen("/proc/interrupts", "re");
	char *line = NULL;
	size_t cap = 0;
	int ncol = -1, r = -1;

	if (f && col && getline(&line, &cap, f) > 0)
		ncol = irq_stat_parse_header(line, col, st->ncpus);
	while (ncol > 0 && getline(&line, &cap, f) > 0) {
		r = irq_stat_parse_line(line, irq, col, ncol, out, st->ncpus);
		if (r)
			break;
		r = -1;
	}
	free(line);
	free(col);
	if (f)
		fclose(f);
	return r == 1 ? 0 : -1;
}

/*
 * The kernel's per-CPU counts of @irq (kstat, every interrupt, claimed or
 * not), from its own sysfs file rather than /proc/interrupts: one small
 * file per irq of a BMC function instead of every irq of the host.
 */
static int read_kstat(struct dma_mon *st, unsigned int irq, uint32_t *out)
{
	size_t len = (size_t)st->ncpus * 11 + 2;	/* "4294967295," each */
	char path[64], *buf = malloc(len);
	int r = -1;

	memset(out, 0, st->ncpus * sizeof(*out));
	snprintf(path, sizeof(path), "/sys/kernel/irq/%u/per_cpu_count", irq);
	if (buf && !read_text(path, buf, len))
		r = irq_stat_parse_percpu(buf, out, st->ncpus) < 0 ? -1 : 0;
	else if (errno == ENOENT && !access("/proc/interrupts", R_OK))
		r = kstat_proc_interrupts(st, irq, out);
	free(buf);
	return r;
}

static int read_spurious(unsigned int irq, struct irq_spurious *sp)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/irq/%u/spurious", irq);
	if (read_text(path, buf, sizeof(buf)))
		return -1;
	return irq_spurious_parse(buf, sp);
}

/* Unclaimed interrupts of @irq counted by the opt-in irq_probe. */
static uint64_t probe_unclaimed(struct dma_mon *st, unsigned int irq)
{
	struct dma_irq_count v[st->ncpus];
	uint64_t sum = 0;
	__u32 key = irq;

	if (bpf_map_lookup_elem(bpf_map__fd(st->skel->maps.irq_counts), &key, v))
		return 0;
	for (int c = 0; c < st->ncpus; c++)
		sum += v[c].unclaimed;
	return sum;
}

/* Booted with noirqdebug, the kernel keeps no count of unclaimed ones. */
void dma_check_irqdebug(struct dma_mon *st)
{
	char buf[8];

	if (st->irq_probe || st->noirqdebug_told ||
	    read_line_file("/sys/module/spurious/parameters/noirqdebug", buf, sizeof(buf)) ||
	    buf[0] != 'Y')
		return;
	st->noirqdebug_told = true;
	dma_hook_failed(st, "spurious-interrupt detector (noirqdebug)", 0,
			"unclaimed interrupts of BMC functions are not counted; [dma] irq_probe = yes counts them");
}

/* Forget interrupts the function gave back (driver unbound). */
static void forget_irqs(struct dma_mon *st, struct bmc_fn *b,
			const unsigned int *irqs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < b->nirq;) {
		for (j = 0; j < n && irqs[j] != b->irqs[i].irq; j++)
			;
		if (j < n) {
			i++;
			continue;
		}
		if (st->irq_probe) {
			bpf_map_delete_elem(bpf_map__fd(st->skel->maps.irq_fns),
					    &b->irqs[i].irq);
			bpf_map_delete_elem(bpf_map__fd(st->skel->maps.irq_counts),
					    &b->irqs[i].irq);
		}
		free(b->irqs[i].kstat);
		b->irqs[i] = b->irqs[--b->nirq];
	}
}

static void irq_metrics(struct dma_mon *st, const char *bdf,
			const struct bmc_irq *s)
{
	char labels[96];

	if (!st->d->metrics)
		return;
	snprintf(labels, sizeof(labels), "bdf=\"%s\",irq=\"%u\"", bdf, s->irq);
	metrics_set(st->d->metrics, "bmcwatch_bmc_interrupts_total", labels,
		    s->total);
	metrics_set(st->d->metrics, "bmcwatch_bmc_interrupts_unclaimed_total",
		    labels, s->unclaimed);
	metrics_set(st->d->metrics, "bmcwatch_bmc_interrupts_no_driver_total",
		    labels, s->no_driver);
}

void dma_check_irqs(struct dma_mon *st, struct bmc_fn *b, uint64_t now,
		    uint64_t interval)
{
	unsigned int irqs[MAX_IRQS_PER_FN], n, i;
	struct dma_posture *p = &b->posture;
	/* with no driver bound at both ends of the interval */
	bool orphan = !p->driver[0] && !b->had_driver;
	struct bmcw_alert al;
	unsigned int seg, bus, dev, fnum;

	b->had_driver = p->driver[0] != '\0';
	if (sscanf(p->bdf, "%x:%x:%x.%u", &seg, &bus, &dev, &fnum) != 4)
		return;
	n = fn_irqs(p->bdf, irqs, MAX_IRQS_PER_FN);
	forget_irqs(st, b, irqs, n);
	for (i = 0; i < n; i++) {
		bool fresh = false;
		struct bmc_irq *s = irq_slot(st, b, irqs[i], &fresh);
		struct dma_irq_sample x = {
			.bdf = p->bdf, .vendor = p->vendor, .device = p->device,
			.fn_flags = p->fn_flags, .irq = irqs[i],
			.driver = p->driver, .interval_ns = interval,
			.now_ns = now,
		};
		uint32_t cur[st->ncpus];
		struct irq_spurious sp;
		char per_cpu[96] = "";
		size_t pc = 0;
		int learned, have_sp;

		if (!s)
			break;
		if (fresh && st->d->base && st->d->base->has_traffic)
			dma_irq_use_baseline(&s->learn,
					     baseline_find_irq(&st->d->base->traffic, p->bdf, i),
					     st->d->base->traffic.window_s,
					     st->d->policy->rate_factor,
					     st->d->policy->rate_floor);
		if (st->irq_probe) {
			struct dma_irq_info info = {
				.seg = seg, .bus = bus, .devfn = dev << 3 | fnum,
				.flags = irq_shared(irqs[i]) ? DMA_IRQ_SHARED : 0,
			};
			__u32 key = irqs[i];

			bpf_map_update_elem(bpf_map__fd(st->skel->maps.irq_fns),
					    &key, &info, BPF_ANY);
		}
		/* Gone between listing and reading: the next sweep forgets it. */
		if (read_kstat(st, irqs[i], cur))
			continue;
		have_sp = !read_spurious(irqs[i], &sp);
		/* At first sight the counts so far are history, not news. */
		if (fresh) {
			memcpy(s->kstat, cur, sizeof(cur));
			if (st->irq_probe)
				s->probe_unclaimed = probe_unclaimed(st, irqs[i]);
		}
		for (int c = 0; c < st->ncpus; c++) {
			uint64_t d = irq_stat_delta(s->kstat[c], cur[c]);

			s->kstat[c] = cur[c];
			x.total += d;
			if (d && pc < sizeof(per_cpu))
				pc += snprintf(per_cpu + pc, sizeof(per_cpu) - pc,
					       "%scpu%d=%llu", pc ? " " : "", c,
					       (unsigned long long)d);
		}
		x.per_cpu = per_cpu;
		if (st->irq_probe) {
			uint64_t u = probe_unclaimed(st, irqs[i]);

			x.unclaimed = u - s->probe_unclaimed;
			s->probe_unclaimed = u;
		} else if (have_sp && s->have_sp && !fresh) {
			int exact;

			x.unclaimed = irq_unhandled_delta(&s->sp, &sp, x.total,
							  IRQ_SPURIOUS_RESTART_MS,
							  &exact);
			x.unclaimed_lower_bound = !exact;
		}
		if (have_sp) {
			s->sp = sp;
			s->have_sp = 1;
		}
		if (orphan)
			x.no_driver = x.total;
		s->total += x.total;
		s->unclaimed += x.unclaimed;
		s->no_driver += x.no_driver;
		if (st->d->learn)
			traffic_learn_irq(st->d->learn, p->bdf, i, irqs[i], x.total);
		if (dma_rules_irq(&s->learn, &st->params, &x, &al, &learned))
			dma_submit_window(st, &al, 1, interval ? now - interval : 0, now);
		if (learned)
			bmcw_log(LOG_INFO, "dma: %s irq %u learned peak %llu/s",
				 p->bdf, irqs[i],
				 (unsigned long long)s->learn.peak_per_s);
		irq_metrics(st, p->bdf, s);
	}
}
