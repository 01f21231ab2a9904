// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the DMA and doorbell monitor: attaches each BPF
 * program on its own (a hook this kernel lacks is reported, the rest keep
 * working), turns IOMMU faults, vectors without a handler and AER errors
 * into alerts, and every interval checks each BMC function's DMA
 * confinement posture and the interrupt counts of the interval against the
 * learned rate.
 *
 * Interrupts cost the interrupt path nothing by default: the kernel
 * already counts every irq per CPU (kstat) and keeps a spurious-interrupt
 * detector per descriptor; the daemon reads both once per interval, only
 * for the irqs of BMC functions, and reads the kernel's "No irq handler
 * for vector" messages from /dev/kmsg. The BPF program in the interrupt
 * path ([dma] irq_probe) is opt-in, for exact counts of unclaimed ones.
 * There is no probe on __common_interrupt: with one attached, the
 * emulated PREEMPT_RT host crashed in interrupt entry, and a soak under
 * interrupt storms crashed it before; the kernel log is where an
 * interrupt on a vector nobody requested shows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "dma.h"		/* bpf/dma.h: shared with the BPF side */
#include "dma_mon.h"
#include "dma.skel.h"
#include "dma_rules.h"
#include "dma_inv.h"
#include "bpf_monitor.h"
#include "irq_stat.h"
#include "log.h"
#include "pcie_rules.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"

#define MAX_IRQS_PER_FN	64
#define INVENTORY	BMCW_DEBUGFS_DIR "/inventory"
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
	int kmsg_fd;			/* -1 when unreadable */
	struct kmsg_vec_count kvec[MAX_KMSG_VECTORS];
	unsigned int nkvec;
	uint64_t kmsg_seen, kmsg_suppressed, kmsg_pending_suppressed;
	bool noirqdebug_told;
	struct dma_inv inv;		/* the module's, every function */
	bool inv_bad;			/* the last read failed (said once) */
	struct bmc_fn *bmc;		/* every BMC function seen */
	unsigned int nbmc;
	struct dma_irq_params params;
	uint64_t stats[DMA_STAT_MAX];
	uint64_t last_ns;
	uint64_t iommu_overflows;	/* the module's count, last read */
	int ncpus;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void submit_all(struct dma_mon *st, struct bmcw_alert *al, int n)
{
	for (int i = 0; i < n; i++)
		pipeline_submit(st->d->pipeline, &al[i]);
}

static void hook_failed(struct dma_mon *st, const char *what, int err,
			const char *why)
{
	struct bmcw_alert al = { 0 };

	al.rule = "health.hook_failed";
	snprintf(al.message, sizeof(al.message),
		 "dma monitor: hook %s is not in place (%s)", what,
		 err ? strerror(err) : "absent");
	snprintf(al.why, sizeof(al.why), "%s", why);
	snprintf(al.subject.locus, sizeof(al.subject.locus), "%s", what);
	pipeline_submit(st->d->pipeline, &al);
}

static void hook_failed(struct dma_mon *st, const char *what, int err,
			const char *why);

/*
 * The module's inventory: every function with its BMC flags and path, all
 * of them (dma_inv.c). One that cannot be read or parsed keeps the last
 * good one, and is said once, loudly, until it parses again: BMC functions
 * it would list are not checked meanwhile.
 */
static void load_inventory(struct dma_mon *st)
{
	char err[512], why[700];

	if (!dma_inv_read(INVENTORY, &st->inv, err, sizeof(err))) {
		if (st->inv_bad)
			bmcw_log(LOG_NOTICE, "dma: the module's inventory parses again (%zu functions)",
				 st->inv.n);
		st->inv_bad = false;
		return;
	}
	if (st->inv_bad)
		return;
	st->inv_bad = true;
	bmcw_log(LOG_ERR, "dma: %s", err);
	snprintf(why, sizeof(why),
		 "the DMA posture and interrupts of BMC functions it lists are not checked until it parses (%zu known from the last good read): %s",
		 st->inv.n, err);
	hook_failed(st, "bmcwatch.ko inventory", EBADMSG, why);
}

static const struct dma_fn *inv_find(const struct dma_mon *st, const char *bdf)
{
	return dma_inv_find(&st->inv, bdf);
}

static void read_link_base(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];
	ssize_t n = readlink(path, tmp, sizeof(tmp) - 1);
	const char *b;

	buf[0] = '\0';
	if (n <= 0)
		return;
	tmp[n] = '\0';
	b = strrchr(tmp, '/');
	b = b ? b + 1 : tmp;
	if (strlen(b) < len)	/* a name that does not fit is not ours */
		memcpy(buf, b, strlen(b) + 1);
}

/*
 * Config space of @bdf opened for the few reads below. Only the registers
 * the posture needs are read, never the whole space: some functions have
 * registers whose reads act (index/data windows, clear-on-read status),
 * and a BMC function is exactly where such windows live.
 */
static int open_config(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", bdf);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* One byte at @off, or -1 (beyond the function's config space). */
static int cfg_byte(int fd, unsigned int off)
{
	uint8_t b;

	return pread(fd, &b, 1, off) == 1 ? b : -1;
}

/* Offset of extended capability @id (PCIe 6.0, 7.6), 0 if absent. */
static unsigned int find_ecap(int fd, unsigned int id)
{
	unsigned int off = 0x100, hops = 0;
	uint8_t h4[4];

	while (off >= 0x100 && hops++ < 64) {
		uint32_t h;

		if (pread(fd, h4, 4, off) != 4)
			return 0;
		h = h4[0] | h4[1] << 8 | h4[2] << 16 | (uint32_t)h4[3] << 24;
		if (!h || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

#define PCI_COMMAND_BYTE	0x04
#define ECAP_ACS	0x000d
#define ECAP_ATS	0x000f
/* ACS control (cap + 6): source validation, request/completion redirect,
 * upstream forwarding (PCIe 6.0, 7.7.11). */
#define ACS_NEEDED	(0x01 | 0x04 | 0x08 | 0x10)

static void scan_posture(struct dma_mon *st, const struct dma_fn *fn,
			 int iommu, int intremap, struct dma_posture *p)
{
	char path[PATH_MAX], grp[32], *save = NULL, *br, bridges[128];
	unsigned int off;
	int fd;

	memset(p, 0, sizeof(*p));
	/* dma_rules.h's copy holds 15 characters: domains up to 0xfffffff */
	snprintf(p->bdf, sizeof(p->bdf), "%.*s", (int)sizeof(p->bdf) - 1, fn->bdf);
	p->vendor = fn->vendor;
	p->device = fn->device;
	p->fn_flags = fn->flags;
	p->iommu = iommu;
	p->intremap = intremap;
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", fn->bdf);
	read_link_base(path, grp, sizeof(grp));
	if (grp[0]) {
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type",
			 grp);
		if (read_line_file(path, p->domain, sizeof(p->domain)))
			snprintf(p->domain, sizeof(p->domain), "unknown");
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", fn->bdf);
	read_link_base(path, p->driver, sizeof(p->driver));
	fd = open_config(fn->bdf);
	if (fd >= 0) {
		int cmd = cfg_byte(fd, PCI_COMMAND_BYTE), ats = -1;

		p->bus_master = cmd > 0 && (cmd & 0x04);
		off = find_ecap(fd, ECAP_ATS);
		if (off)
			ats = cfg_byte(fd, off + 7);	/* ATS control, bit 15 */
		p->ats = ats > 0 && (ats & 0x80);
		close(fd);
	}
	snprintf(bridges, sizeof(bridges), "%s", fn->path);
	for (br = strtok_r(bridges, ",", &save); br;
	     br = strtok_r(NULL, ",", &save)) {
		int acs = -1;

		fd = open_config(br);
		if (fd >= 0) {
			off = find_ecap(fd, ECAP_ACS);
			acs = off ? cfg_byte(fd, off + 6) : -1; /* control */
			close(fd);
		}
		if (acs < 0 || (acs & ACS_NEEDED) != ACS_NEEDED) {
			snprintf(p->acs_gap, sizeof(p->acs_gap), "%s", br);
			break;
		}
	}
	(void)st;
}

/* Interrupt remapping is on when the kernel's MSI chips are "IR-". */
static int intremap_on(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[512];
	int on = 0;

	if (!f)
		return 0;
	while (!on && fgets(line, sizeof(line), f))
		on = strstr(line, " IR-") != NULL;
	fclose(f);
	return on;
}

static int iommu_present(void)
{
	DIR *d = opendir("/sys/class/iommu");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n > 0;
}

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
static void check_irqdebug(struct dma_mon *st)
{
	char buf[8];

	if (st->irq_probe || st->noirqdebug_told ||
	    read_line_file("/sys/module/spurious/parameters/noirqdebug", buf, sizeof(buf)) ||
	    buf[0] != 'Y')
		return;
	st->noirqdebug_told = true;
	hook_failed(st, "spurious-interrupt detector (noirqdebug)", 0,
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

static void check_irqs(struct dma_mon *st, struct bmc_fn *b, uint64_t now,
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
			pipeline_submit(st->d->pipeline, &al);
		if (learned)
			bmcw_log(LOG_INFO, "dma: %s irq %u learned peak %llu/s",
				 p->bdf, irqs[i],
				 (unsigned long long)s->learn.peak_per_s);
		irq_metrics(st, p->bdf, s);
	}
}

/* Posture of every BMC function, compared with the previous scan. */
static void scan(struct dma_mon *st, uint64_t now)
{
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];
	int iommu = iommu_present(), ir = intremap_on();
	uint64_t interval = st->last_ns ? now - st->last_ns : 0;
	unsigned int k;
	size_t i;

	load_inventory(st);
	for (i = 0; i < st->inv.n; i++) {
		const struct dma_fn *fn = &st->inv.fn[i];
		struct dma_posture cur;
		struct bmc_fn *b = NULL;

		if (!(fn->flags & BMCW_FN_BMC))
			continue;
		/* (as far as the posture's own copy of the address goes) */
		for (k = 0; k < st->nbmc; k++)
			if (!strncmp(st->bmc[k].posture.bdf, fn->bdf,
				     sizeof(st->bmc[k].posture.bdf) - 1))
				b = &st->bmc[k];
		if (!b) {
			/* every BMC function is checked: no fixed cap */
			struct bmc_fn *v = realloc(st->bmc, (st->nbmc + 1) * sizeof(*v));

			if (!v) {
				bmcw_log(LOG_ERR, "dma: out of memory for BMC function %s: not checked",
					 fn->bdf);
				continue;
			}
			st->bmc = v;
			b = &st->bmc[st->nbmc++];
			memset(b, 0, sizeof(*b));
		}
		scan_posture(st, fn, iommu, ir, &cur);
		submit_all(st, al, dma_rules_posture(b->have_posture ?
						     &b->posture : NULL, &cur,
						     al));
		b->posture = cur;
		b->have_posture = 1;
		check_irqs(st, b, now, interval);
	}
	st->last_ns = now;
}

static void on_fault(struct dma_mon *st, const struct bmcw_dma_fault *f)
{
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];
	char bdf[16], owner[64] = "";
	struct dma_fn_ctx c = { .owner = owner };
	size_t n = 0;

	pcie_bdf(bdf, sizeof(bdf), f->seg, f->bus, f->devfn);
	sysfs_pci_ids(bdf, &c.vendor, &c.device);
	/* A bridge's requester id carries the DMA of the BMC behind it. */
	if (f->fn_flags & BMCW_FN_BMC_ALIAS)
		for (size_t i = 0; i < st->inv.n; i++)
			if ((st->inv.fn[i].flags & BMCW_FN_BMC) &&
			    strstr(st->inv.fn[i].path, bdf) && n < sizeof(owner) - 16)
				n += snprintf(owner + n, sizeof(owner) - n, "%s%s",
					      n ? "," : "", st->inv.fn[i].bdf);
	submit_all(st, al, dma_rules_fault(f, &c, al));
}

static void on_aer(struct dma_mon *st, const struct bmcw_dma_aer *a)
{
	struct bmcw_alert al;
	const struct dma_fn *fn;
	char dev[sizeof(a->dev) + 1];

	memcpy(dev, a->dev, sizeof(a->dev));
	dev[sizeof(a->dev)] = '\0';
	fn = inv_find(st, dev);
	if (!fn) {
		load_inventory(st);
		fn = inv_find(st, dev);
	}
	if (dma_rules_aer(a, fn ? fn->flags : 0, &al))
		pipeline_submit(st->d->pipeline, &al);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct dma_mon *st = ctx;
	const struct bmcw_rec_hdr *h = data;
	const void *body = h + 1;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len)
		return 0;
	switch (h->type) {
	case BMCW_REC_DMA_FAULT:
		if (h->len >= sizeof(struct bmcw_dma_fault))
			on_fault(st, body);
		break;
	case BMCW_REC_DMA_AER:
		if (h->len >= sizeof(struct bmcw_dma_aer))
			on_aer(st, body);
		break;
	}
	return 0;
}

/*
 * The kernel's "No irq handler for vector" message (pr_emerg_ratelimited:
 * 10 per 5 s) and its "N callbacks suppressed" note, which comes just
 * before the next message it lets through.
 */
static void kmsg_vector(struct dma_mon *st, const struct kmsg_vector *k)
{
	struct kmsg_vec_count *v = NULL;
	struct bmcw_alert al;
	uint64_t seen;

	if (k->kind == KMSG_VECTOR_SUPPRESSED) {
		st->kmsg_suppressed += k->suppressed;
		st->kmsg_pending_suppressed += k->suppressed;
		return;
	}
	st->kmsg_seen++;
	for (unsigned int i = 0; i < st->nkvec && !v; i++)
		if (st->kvec[i].cpu == k->cpu && st->kvec[i].vector == k->vector)
			v = &st->kvec[i];
	if (!v && st->nkvec < MAX_KMSG_VECTORS) {
		v = &st->kvec[st->nkvec++];
		v->cpu = k->cpu;
		v->vector = k->vector;
		v->seen = 0;
	}
	/* A table full of other vectors: the count of all of them. */
	seen = v ? ++v->seen : st->kmsg_seen;
	if (dma_rules_vector_msg(k->cpu, k->vector, seen,
				 st->kmsg_pending_suppressed, &al))
		pipeline_submit(st->d->pipeline, &al);
	st->kmsg_pending_suppressed = 0;
}

static void drain_kmsg(struct dma_mon *st)
{
	char rec[8192];		/* a record never exceeds CONSOLE_EXT_LOG_MAX */
	struct kmsg_vector k;
	ssize_t n;

	if (st->kmsg_fd < 0)
		return;
	/* Bounded: a kernel printing without pause must not starve the rest. */
	for (int i = 0; i < 4096; i++) {
		n = read(st->kmsg_fd, rec, sizeof(rec));
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read them */
		if (n <= 0)
			break;
		if (kmsg_parse_vector(rec, n, &k) != KMSG_VECTOR_NONE)
			kmsg_vector(st, &k);
	}
}

/*
 * The kernel log is where an interrupt on a vector nobody requested
 * shows. Read from its end: what was printed
 * before the daemon started is not news (and a restart must not repeat it).
 */
static void open_kmsg(struct dma_mon *st)
{
	struct epoll_event ev = { .events = EPOLLIN };

	st->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->kmsg_fd < 0) {
		hook_failed(st, "/dev/kmsg", errno,
			    "interrupts on vectors with no handler are not seen");
		return;
	}
	lseek(st->kmsg_fd, 0, SEEK_END);
	ev.data.fd = st->kmsg_fd;
	if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->kmsg_fd, &ev))
		bmcw_log(LOG_WARNING, "dma: /dev/kmsg read at each interval only: %s",
			 strerror(errno));
}

static void pin_maps(struct dma_mon *st)
{
	struct {
		struct bpf_map *map;
		const char *name;
	} pins[] = {
		{ st->skel->maps.fault_counts, "dma_fault_counts" },
		{ st->skel->maps.irq_counts, "dma_irq_counts" },
		{ st->skel->maps.irq_fns, "dma_irq_fns" },
		{ st->skel->maps.stats, "dma_stats" },
	};
	int err;

	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		err = bpfmon_pin(pins[i].map, pins[i].name);
		if (err)
			bmcw_log(LOG_WARNING, "dma: cannot pin %s: %s",
				 pins[i].name, strerror(-err));
	}
}

/*
 * The module counts every time the IOMMU's fault recording overflowed:
 * each time, the hardware dropped at least one fault before any software
 * could read it, so those are lost for good ("faults lost in the IOMMU
 * itself"), not a loss of ours. Read from the module's iommu table.
 */
static int kernel_overflows(uint64_t *n)
{
	FILE *f = fopen(IOMMU_TABLE, "re");
	char line[256];
	unsigned long long v;
	const char *o;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "records=", 8) && (o = strstr(line, " overflow=")) &&
		    sscanf(o, " overflow=%llu", &v) == 1) {
			*n = v;
			ret = 0;
		}
	fclose(f);
	return ret;
}

static void fini(void *state)
{
	struct dma_mon *st = state;

	if (!st)
		return;
	for (unsigned int k = 0; k < st->nbmc; k++)
		for (unsigned int i = 0; i < st->bmc[k].nirq; i++)
			free(st->bmc[k].irqs[i].kstat);
	free(st->bmc);
	dma_inv_free(&st->inv);
	if (st->kmsg_fd >= 0)
		close(st->kmsg_fd);
	if (st->epfd >= 0)
		close(st->epfd);
	ring_buffer__free(st->mon.rb);
	for (unsigned int i = 0; i < st->nlinks; i++)
		bpf_link__destroy(st->links[i]);
	if (st->skel) {
		bpf_map__unpin(st->skel->maps.fault_counts, NULL);
		bpf_map__unpin(st->skel->maps.irq_counts, NULL);
		bpf_map__unpin(st->skel->maps.irq_fns, NULL);
		bpf_map__unpin(st->skel->maps.stats, NULL);
	}
	dma_bpf__destroy(st->skel);
	free(st);
}

/*
 * Whether every handler runs in a thread (PREEMPT_RT forces it, and so
 * does threadirqs): the hard interrupt then only wakes the thread, so
 * irq_handler_exit never sees a handler's IRQ_NONE.
 */
static bool irqs_threaded(void)
{
	char buf[4096] = "";
	bool yes = false;
	FILE *f;

	f = fopen("/sys/kernel/realtime", "r");
	if (f) {
		yes = fgetc(f) == '1';
		fclose(f);
	}
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			yes |= strstr(buf, "threadirqs") != NULL;
		fclose(f);
	}
	return yes;
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct dma_mon *st = calloc(1, sizeof(*st));
	struct {
		struct bpf_program *prog;
		const char *what, *why;
	} progs[3];
	int err;

	if (!st)
		return -ENOMEM;
	*state = st;
	st->d = d;
	st->kmsg_fd = -1;
	st->epfd = -1;
	st->params = (struct dma_irq_params)DMA_IRQ_PARAMS_DEFAULT;
	st->ncpus = libbpf_num_possible_cpus();
	if (st->ncpus <= 0)
		return -EINVAL;
	bpfmon_libbpf_logging();
	st->skel = dma_bpf__open();
	if (!st->skel)
		return -errno;
	err = dma_bpf__load(st->skel);
	if (err) {
		bmcw_log(LOG_ERR, "dma: cannot load BPF programs: %s",
			 strerror(-err));
		return err;
	}
	progs[0] = (typeof(progs[0])){ st->skel->progs.on_dma_fault,
		"bmcwatch_dma_fault", "IOMMU faults are not seen; is bmcwatch.ko loaded?" };
	progs[1] = (typeof(progs[0])){ st->skel->progs.on_irq_exit,
		"irq_handler_exit", "unclaimed interrupts of BMC functions are counted by the kernel's spurious-interrupt detector only" };
	progs[2] = (typeof(progs[0])){ st->skel->progs.on_aer_event,
		"aer_event", "AER errors on BMC paths are not seen" };
	for (size_t i = 0; i < 3; i++) {
		bool irq = progs[i].prog == st->skel->progs.on_irq_exit;
		struct bpf_link *l;

		/* Opt-in, in every interrupt's path: see policy.h. */
		if (irq && !d->policy->dma_irq_probe) {
			bmcw_log(LOG_INFO, "dma: %s not probed ([dma] irq_probe = no): %s",
				 progs[i].what, progs[i].why);
			continue;
		}
		if (irq && irqs_threaded()) {
			bmcw_log(LOG_WARNING, "dma: [dma] irq_probe ignored: this kernel runs interrupt handlers in threads (PREEMPT_RT or threadirqs), and %s sees only their primary handler; %s",
				 progs[i].what, progs[i].why);
			continue;
		}
		l = bpf_program__attach(progs[i].prog);

		if (!l) {
			hook_failed(st, progs[i].what, errno, progs[i].why);
			continue;
		}
		st->links[st->nlinks++] = l;
		st->irq_probe |= irq;
	}
	if (!st->nlinks)
		return -ENOENT;
	pin_maps(st);
	/* the module's IOMMU hooks are reported with all others (kmod_state.c) */
	kernel_overflows(&st->iommu_overflows);	/* only new ones are news */
	st->mon.rb = ring_buffer__new(bpf_map__fd(st->skel->maps.events), on_record,
				  st, NULL);
	if (!st->mon.rb)
		return -errno;
	st->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (st->epfd < 0)
		return -errno;
	{
		struct epoll_event ev = { .events = EPOLLIN };

		ev.data.fd = ring_buffer__epoll_fd(st->mon.rb);
		if (epoll_ctl(st->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
			return -errno;
	}
	open_kmsg(st);
	check_irqdebug(st);
	scan(st, mono_ns());
	return 0;
}

/* One fd for the daemon's loop: the ring buffer's and the kernel log's. */
static int mon_fd(void *state)
{
	return ((struct dma_mon *)state)->epfd;
}

static int on_readable(void *state)
{
	struct dma_mon *st = state;
	int n = ring_buffer__consume(st->mon.rb);

	drain_kmsg(st);
	return n < 0 ? n : 0;
}

static void report_iommu_losses(struct dma_mon *st)
{
	uint64_t n;

	if (kernel_overflows(&n))
		return;
	/* A reloaded module counts from 0 again. */
	if (n > st->iommu_overflows)
		pipeline_report_loss(st->d->pipeline, "iommu", n - st->iommu_overflows);
	st->iommu_overflows = n;
}

static void report_losses(struct dma_mon *st)
{
	static const struct bpfmon_hop hops[] = {
		{ DMA_STAT_FAULT_MAP_FULL, "bpf_map_full" },
		{ DMA_STAT_IRQ_MAP_FULL, "bpf_map_full" },
		{ DMA_STAT_RB_FULL, "ringbuf" },
		{ DMA_STAT_READ_FAIL, "bpf_read" },
	};
	uint64_t now[DMA_STAT_MAX];

	if (bpfmon_report_losses(st->d->pipeline,
				 bpf_map__fd(st->skel->maps.stats), DMA_STAT_MAX,
				 hops, sizeof(hops) / sizeof(hops[0]),
				 st->stats, now))
		return;
	if (st->d->metrics) {
		metrics_set(st->d->metrics, "bmcwatch_iommu_faults_total", "",
			    now[DMA_STAT_FAULTS]);
		/* the kernel's messages, printed or not */
		metrics_set(st->d->metrics, "bmcwatch_bad_vector_interrupts_total",
			    "", st->kmsg_seen + st->kmsg_suppressed);
		metrics_set(st->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"dma\"", now[DMA_STAT_RB_SENT]);
	}
}

static int on_interval(void *state, uint64_t now_ns)
{
	struct dma_mon *st = state;

	(void)now_ns;
	ring_buffer__consume(st->mon.rb);
	drain_kmsg(st);
	report_losses(st);
	report_iommu_losses(st);
	scan(st, mono_ns());
	return 0;
}

const struct bmcw_monitor_ops dma_monitor = {
	.name = "dma",
	.init = init,
	.fd = mon_fd,
	.on_readable = on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
