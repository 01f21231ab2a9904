// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the DMA and doorbell monitor: attaches each BPF
 * program on its own (a hook this kernel lacks is reported, the rest keep
 * working), keeps the irq -> BMC function map the BPF side filters with,
 * turns IOMMU faults, vectors without a handler and AER errors into alerts,
 * and every interval checks each BMC function's DMA confinement posture
 * and the interrupt counts of the interval against the learned rate.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "bpf_monitor.h"
#include "log.h"
#include "pcie_rules.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"

#define MAX_FNS		256
#define MAX_BMC		16
#define MAX_IRQS_PER_FN	64
#define INVENTORY	BMCW_DEBUGFS_DIR "/inventory"
#define IOMMU_TABLE	BMCW_DEBUGFS_DIR "/iommu"
#define SYS_PCI		"/sys/bus/pci/devices"

struct dma_fn {
	char bdf[16];
	uint16_t vendor, device;
	uint32_t flags;
	char path[128];		/* bridges above, comma separated */
};

struct bmc_irq {
	unsigned int irq;
	struct dma_irq_state learn;
	uint64_t total, unclaimed, no_driver;	/* sums at the last sweep */
};

struct bmc_fn {
	struct dma_posture posture;
	int have_posture;
	unsigned int nirq;
	struct bmc_irq irqs[MAX_IRQS_PER_FN];
};

struct dma_mon {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct dma_bpf *skel;
	struct bpf_link *links[5];
	unsigned int nlinks;
	struct dma_fn inv[MAX_FNS];
	unsigned int ninv;
	struct bmc_fn bmc[MAX_BMC];
	unsigned int nbmc;
	struct dma_irq_params params;
	uint64_t stats[DMA_STAT_MAX];
	uint64_t last_ns;
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

/* The module's inventory: every function with its BMC flags and path. */
static void load_inventory(struct dma_mon *st)
{
	FILE *f = fopen(INVENTORY, "re");
	char line[1024];

	if (!f)
		return;
	st->ninv = 0;
	while (fgets(line, sizeof(line), f) && st->ninv < MAX_FNS) {
		struct dma_fn *fn = &st->inv[st->ninv];
		unsigned int v, d, fl;
		char *p;

		if (line[0] == '#' ||
		    sscanf(line, "%15s vendor=%x device=%x", fn->bdf, &v, &d) != 3)
			continue;
		p = strstr(line, " flags=");
		if (!p || sscanf(p, " flags=%x", &fl) != 1)
			continue;
		fn->vendor = v;
		fn->device = d;
		fn->flags = fl;
		fn->path[0] = '\0';
		p = strstr(line, " path=");
		if (p && sscanf(p, " path=%127s", fn->path) == 1 &&
		    !strcmp(fn->path, "-"))
			fn->path[0] = '\0';
		st->ninv++;
	}
	fclose(f);
}

static const struct dma_fn *inv_find(const struct dma_mon *st, const char *bdf)
{
	for (unsigned int i = 0; i < st->ninv; i++)
		if (!strcmp(st->inv[i].bdf, bdf))
			return &st->inv[i];
	return NULL;
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

/* Config space as sysfs gives it to root (4 KiB on PCIe). */
static int read_config(const char *bdf, uint8_t *cfg, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", bdf);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(cfg, 1, len, f);
	fclose(f);
	return (int)n;
}

static uint32_t cfg32(const uint8_t *c, unsigned int off)
{
	return c[off] | c[off + 1] << 8 | c[off + 2] << 16 |
	       (uint32_t)c[off + 3] << 24;
}

/* Offset of extended capability @id (PCIe 6.0, 7.6), 0 if absent. */
static unsigned int find_ecap(const uint8_t *c, int len, unsigned int id)
{
	unsigned int off = 0x100, hops = 0;

	while (off && off + 8 <= (unsigned int)len && hops++ < 64) {
		uint32_t h = cfg32(c, off);

		if (!h || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

#define ECAP_ACS	0x000d
#define ECAP_ATS	0x000f
/* ACS control (cap + 6): source validation, request/completion redirect,
 * upstream forwarding (PCIe 6.0, 7.7.11). */
#define ACS_NEEDED	(0x01 | 0x04 | 0x08 | 0x10)

static void scan_posture(struct dma_mon *st, const struct dma_fn *fn,
			 int iommu, int intremap, struct dma_posture *p)
{
	char path[PATH_MAX], grp[32], *save = NULL, *br, bridges[128];
	uint8_t cfg[4096];
	int len;
	unsigned int off;

	memset(p, 0, sizeof(*p));
	snprintf(p->bdf, sizeof(p->bdf), "%s", fn->bdf);
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
	len = read_config(fn->bdf, cfg, sizeof(cfg));
	if (len >= 8)
		p->bus_master = !!(cfg[4] & 0x04);
	off = find_ecap(cfg, len, ECAP_ATS);
	if (off && off + 8 <= (unsigned int)len)
		p->ats = !!(cfg[off + 7] & 0x80);	/* ATS control bit 15 */
	snprintf(bridges, sizeof(bridges), "%s", fn->path);
	for (br = strtok_r(bridges, ",", &save); br;
	     br = strtok_r(NULL, ",", &save)) {
		uint8_t bc[4096];
		int bl = read_config(br, bc, sizeof(bc));

		off = find_ecap(bc, bl, ECAP_ACS);
		if (!off || off + 8 > (unsigned int)bl ||
		    (bc[off + 6] & ACS_NEEDED) != ACS_NEEDED) {
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

static struct bmc_irq *irq_slot(struct bmc_fn *b, unsigned int irq, bool *fresh)
{
	for (unsigned int i = 0; i < b->nirq; i++)
		if (b->irqs[i].irq == irq)
			return &b->irqs[i];
	if (b->nirq >= MAX_IRQS_PER_FN)
		return NULL;
	*fresh = true;
	memset(&b->irqs[b->nirq], 0, sizeof(b->irqs[0]));
	b->irqs[b->nirq].irq = irq;
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

/* Counts of @irq summed over CPUs. */
static int irq_sum(struct dma_mon *st, unsigned int irq,
		   struct dma_irq_count *sum)
{
	struct dma_irq_count v[st->ncpus];
	__u32 key = irq;

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(bpf_map__fd(st->skel->maps.irq_counts), &key, v))
		return -errno;
	for (int c = 0; c < st->ncpus; c++) {
		sum->total += v[c].total;
		sum->unclaimed += v[c].unclaimed;
		sum->no_driver += v[c].no_driver;
	}
	return 0;
}

static void check_irqs(struct dma_mon *st, struct bmc_fn *b, uint64_t now,
		       uint64_t interval)
{
	int fns_fd = bpf_map__fd(st->skel->maps.irq_fns);
	unsigned int irqs[MAX_IRQS_PER_FN], n, i, j;
	struct dma_posture *p = &b->posture;
	struct bmcw_alert al;
	unsigned int seg, bus, dev, fnum;

	if (sscanf(p->bdf, "%x:%x:%x.%u", &seg, &bus, &dev, &fnum) != 4)
		return;
	n = fn_irqs(p->bdf, irqs, MAX_IRQS_PER_FN);
	/* Forget interrupts the function gave back (driver unbound). */
	for (i = 0; i < b->nirq;) {
		for (j = 0; j < n && irqs[j] != b->irqs[i].irq; j++)
			;
		if (j < n) {
			i++;
			continue;
		}
		bpf_map_delete_elem(fns_fd, &b->irqs[i].irq);
		bpf_map_delete_elem(bpf_map__fd(st->skel->maps.irq_counts),
				    &b->irqs[i].irq);
		b->irqs[i] = b->irqs[--b->nirq];
	}
	for (i = 0; i < n; i++) {
		struct dma_irq_info info = {
			.seg = seg, .bus = bus, .devfn = dev << 3 | fnum,
			.flags = (p->driver[0] ? 0 : DMA_IRQ_NO_DRIVER) |
				 (irq_shared(irqs[i]) ? DMA_IRQ_SHARED : 0),
		};
		bool fresh = false;
		struct bmc_irq *s = irq_slot(b, irqs[i], &fresh);
		struct dma_irq_sample x = {
			.bdf = p->bdf, .vendor = p->vendor, .device = p->device,
			.fn_flags = p->fn_flags, .irq = irqs[i],
			.driver = p->driver, .interval_ns = interval,
			.now_ns = now,
		};
		struct dma_irq_count sum;
		__u32 key = irqs[i];
		int learned;

		if (!s)
			break;
		if (fresh && st->d->base && st->d->base->has_traffic)
			dma_irq_use_baseline(&s->learn,
					     baseline_find_irq(&st->d->base->traffic, p->bdf, i),
					     st->d->base->traffic.window_s,
					     st->d->policy->rate_factor,
					     st->d->policy->rate_floor);
		bpf_map_update_elem(fns_fd, &key, &info, BPF_ANY);
		irq_sum(st, irqs[i], &sum);	/* all zero before the first */
		x.total = sum.total - s->total;
		x.unclaimed = sum.unclaimed - s->unclaimed;
		x.no_driver = sum.no_driver - s->no_driver;
		s->total = sum.total;
		s->unclaimed = sum.unclaimed;
		s->no_driver = sum.no_driver;
		if (st->d->learn)
			traffic_learn_irq(st->d->learn, p->bdf, i, irqs[i], x.total);
		if (dma_rules_irq(&s->learn, &st->params, &x, &al, &learned))
			pipeline_submit(st->d->pipeline, &al);
		if (learned)
			bmcw_log(LOG_INFO, "dma: %s irq %u learned peak %llu/s",
				 p->bdf, irqs[i],
				 (unsigned long long)s->learn.peak_per_s);
		if (st->d->metrics) {
			char labels[96];

			snprintf(labels, sizeof(labels), "bdf=\"%s\",irq=\"%u\"",
				 p->bdf, irqs[i]);
			metrics_set(st->d->metrics, "bmcwatch_bmc_interrupts_total",
				    labels, sum.total);
		}
	}
}

/* Posture of every BMC function, compared with the previous scan. */
static void scan(struct dma_mon *st, uint64_t now)
{
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];
	int iommu = iommu_present(), ir = intremap_on();
	uint64_t interval = st->last_ns ? now - st->last_ns : 0;
	unsigned int i, k;

	load_inventory(st);
	for (i = 0; i < st->ninv; i++) {
		struct dma_posture cur;
		struct bmc_fn *b = NULL;

		if (!(st->inv[i].flags & BMCW_FN_BMC))
			continue;
		for (k = 0; k < st->nbmc; k++)
			if (!strcmp(st->bmc[k].posture.bdf, st->inv[i].bdf))
				b = &st->bmc[k];
		if (!b) {
			if (st->nbmc >= MAX_BMC)
				continue;
			b = &st->bmc[st->nbmc++];
			memset(b, 0, sizeof(*b));
		}
		scan_posture(st, &st->inv[i], iommu, ir, &cur);
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
		for (unsigned int i = 0; i < st->ninv; i++)
			if ((st->inv[i].flags & BMCW_FN_BMC) &&
			    strstr(st->inv[i].path, bdf) && n < sizeof(owner) - 16)
				n += snprintf(owner + n, sizeof(owner) - n, "%s%s",
					      n ? "," : "", st->inv[i].bdf);
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
	struct bmcw_alert al;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len)
		return 0;
	switch (h->type) {
	case BMCW_REC_DMA_FAULT:
		if (h->len >= sizeof(struct bmcw_dma_fault))
			on_fault(st, body);
		break;
	case BMCW_REC_DMA_VECTOR:
		if (h->len >= sizeof(struct bmcw_dma_vector) &&
		    dma_rules_vector(body, &al))
			pipeline_submit(st->d->pipeline, &al);
		break;
	case BMCW_REC_DMA_AER:
		if (h->len >= sizeof(struct bmcw_dma_aer))
			on_aer(st, body);
		break;
	}
	return 0;
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
		{ st->skel->maps.bad_vectors, "dma_bad_vectors" },
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

/* The module's own view of its IOMMU hooks; a failed one is news. */
static void check_kernel_hooks(struct dma_mon *st)
{
	FILE *f = fopen(IOMMU_TABLE, "re");
	char line[256], hook[64];
	int err;

	if (!f) {
		hook_failed(st, "bmcwatch.ko iommu table", ENOENT,
			    "the module does not report its IOMMU fault hooks: IOMMU faults are not seen");
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "hook=%63s state=failed err=%d", hook, &err) == 2)
			hook_failed(st, hook, -err,
				    "IOMMU faults of this IOMMU type are not seen");
	fclose(f);
}

static void fini(void *state)
{
	struct dma_mon *st = state;

	if (!st)
		return;
	ring_buffer__free(st->mon.rb);
	for (unsigned int i = 0; i < st->nlinks; i++)
		bpf_link__destroy(st->links[i]);
	if (st->skel) {
		bpf_map__unpin(st->skel->maps.fault_counts, NULL);
		bpf_map__unpin(st->skel->maps.irq_counts, NULL);
		bpf_map__unpin(st->skel->maps.irq_fns, NULL);
		bpf_map__unpin(st->skel->maps.bad_vectors, NULL);
		bpf_map__unpin(st->skel->maps.stats, NULL);
	}
	dma_bpf__destroy(st->skel);
	free(st);
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct dma_mon *st = calloc(1, sizeof(*st));
	struct {
		struct bpf_program *prog;
		const char *what, *why;
	} progs[5];
	int err;

	if (!st)
		return -ENOMEM;
	*state = st;
	st->d = d;
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
	progs[1] = (typeof(progs[0])){ st->skel->progs.on_irq_entry,
		"irq_handler_entry", "interrupts of BMC functions are not counted" };
	progs[2] = (typeof(progs[0])){ st->skel->progs.on_irq_exit,
		"irq_handler_exit", "unclaimed interrupts of BMC functions are not counted" };
	progs[3] = (typeof(progs[0])){ st->skel->progs.on_common_interrupt,
		"__common_interrupt", "interrupts on vectors with no handler are not seen" };
	progs[4] = (typeof(progs[0])){ st->skel->progs.on_aer_event,
		"aer_event", "AER errors on BMC paths are not seen" };
	for (size_t i = 0; i < 5; i++) {
		struct bpf_link *l;

		/* Opt-in: see policy.h on dma_vector_probe. */
		if (progs[i].prog == st->skel->progs.on_common_interrupt &&
		    !d->policy->dma_vector_probe) {
			bmcw_log(LOG_INFO, "dma: %s not probed ([dma] vector_probe = no): %s",
				 progs[i].what, progs[i].why);
			continue;
		}
		l = bpf_program__attach(progs[i].prog);

		if (!l) {
			hook_failed(st, progs[i].what, errno, progs[i].why);
			continue;
		}
		st->links[st->nlinks++] = l;
	}
	if (!st->nlinks)
		return -ENOENT;
	pin_maps(st);
	check_kernel_hooks(st);
	st->mon.rb = ring_buffer__new(bpf_map__fd(st->skel->maps.events), on_record,
				  st, NULL);
	if (!st->mon.rb)
		return -errno;
	scan(st, mono_ns());
	return 0;
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
		metrics_set(st->d->metrics, "bmcwatch_bad_vector_interrupts_total",
			    "", now[DMA_STAT_BAD_VECTORS]);
		metrics_set(st->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"dma\"", now[DMA_STAT_RB_SENT]);
	}
}

static int on_interval(void *state, uint64_t now_ns)
{
	struct dma_mon *st = state;

	(void)now_ns;
	ring_buffer__consume(st->mon.rb);
	report_losses(st);
	scan(st, mono_ns());
	return 0;
}

const struct bmcw_monitor_ops dma_monitor = {
	.name = "dma",
	.init = init,
	.fd = bpfmon_fd,
	.on_readable = bpfmon_on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
