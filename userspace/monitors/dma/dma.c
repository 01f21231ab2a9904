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
 * for vector" messages (dma_vector_log.c). The BPF program in the interrupt
 * path ([dma] irq_probe) is opt-in, for exact counts of unclaimed ones.
 * There is no probe on __common_interrupt: with one attached, the
 * emulated PREEMPT_RT host crashed in interrupt entry, and a soak under
 * interrupt storms crashed it before; the kernel log is where an
 * interrupt on a vector nobody requested shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "dma_mon.h"
#include "log.h"
#include "pcie_rules.h"
#include "sysfs_pci.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void dma_submit_all(struct dma_mon *st, struct bmcw_alert *al, int n)
{
	for (int i = 0; i < n; i++)
		pipeline_submit(st->d->pipeline, &al[i]);
}

void dma_submit_event(struct dma_mon *st, struct bmcw_alert *al, int n,
		      uint64_t ts_ns)
{
	evclock_stamp(&st->d->clock, al, n, ts_ns);
	dma_submit_all(st, al, n);
}

void dma_submit_window(struct dma_mon *st, struct bmcw_alert *al, int n,
		       uint64_t from_mono, uint64_t to_mono)
{
	uint64_t from = evclock_to_real(&st->d->clock, from_mono);
	uint64_t to = evclock_to_real(&st->d->clock, to_mono);

	for (int i = 0; i < n && from && to >= from; i++)
		alert_set_time(&al[i], BMCW_TIME_WINDOW, from, to);
	dma_submit_all(st, al, n);
}

void dma_hook_failed(struct dma_mon *st, const char *what, int err,
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

/*
 * The module's generation of its inventory; false when it has none (an
 * older module: the inventory is read every time).
 */
static bool read_inv_gen(uint64_t *gen)
{
	char line[32], *end;

	if (read_line_file(INVENTORY_GEN, line, sizeof(line)))
		return false;
	errno = 0;
	*gen = strtoull(line, &end, 10);
	return !errno && end != line && !*end;
}

/*
 * The module's inventory: every function with its BMC flags and path, all
 * of them (dma_inv.c). Read again only when the module's generation of it
 * moved: rendering and parsing it costs in proportion to the host's
 * functions, every interval. One that cannot be read or parsed keeps the
 * last good one, and is said once, loudly, until it parses again: BMC
 * functions it would list are not checked meanwhile.
 */
void dma_load_inventory(struct dma_mon *st)
{
	char err[512], why[700];
	uint64_t gen = 0;
	bool have_gen = read_inv_gen(&gen);

	if (have_gen && st->inv_have_gen && gen == st->inv_gen && !st->inv_bad)
		return;
	/* the generation read before the inventory: a change meanwhile shows next time */
	st->inv_have_gen = false;
	if (!dma_inv_read(INVENTORY, &st->inv, err, sizeof(err))) {
		if (st->inv_bad)
			bmcw_log(LOG_NOTICE, "dma: the module's inventory parses again (%zu functions)",
				 st->inv.n);
		st->inv_bad = false;
		st->inv_have_gen = have_gen;
		st->inv_gen = gen;
		return;
	}
	if (st->inv_bad)
		return;
	st->inv_bad = true;
	bmcw_log(LOG_ERR, "dma: %s", err);
	snprintf(why, sizeof(why),
		 "the DMA posture and interrupts of BMC functions it lists are not checked until it parses (%zu known from the last good read): %s",
		 st->inv.n, err);
	dma_hook_failed(st, "bmcwatch.ko inventory", EBADMSG, why);
}

static const struct dma_fn *inv_find(const struct dma_mon *st, const char *bdf)
{
	return dma_inv_find(&st->inv, bdf);
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
	dma_submit_event(st, al, dma_rules_fault(f, &c, al), f->ts_ns);
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
		dma_load_inventory(st);
		fn = inv_find(st, dev);
	}
	if (dma_rules_aer(a, fn ? fn->flags : 0, &al))
		dma_submit_event(st, &al, 1, a->ts_ns);
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
	case BMCW_REC_DMA_CONSOLE:
		if (h->len >= sizeof(struct bmcw_dma_console))
			dma_on_console(st, body);
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
	bpf_link__destroy(st->console_link);
	dma_unowned_free(st);
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
 * The skeleton, with the program at printk_sprint()'s exit where the
 * kernel has that function in its BTF and takes a trampoline there
 * (dma_vector_log.c says why it is preferred); without it otherwise.
 */
static int load(struct dma_mon *st)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool sprint = btf && btf__find_by_name_kind(btf, "printk_sprint", BTF_KIND_FUNC) > 0;
	bool exact = st->d->policy->dma_vector_count == DMA_VCOUNT_EXACT;
	int err;

	if (exact && !dma_exact_supported(btf, st->vcount_why, sizeof(st->vcount_why)))
		exact = false;
	btf__free(btf);
	st->sprint_exists = sprint;
	for (;;) {
		st->skel = dma_bpf__open();
		if (!st->skel)
			return -errno;
		bpf_program__set_autoload(st->skel->progs.on_printk_sprint, sprint);
		bpf_program__set_autoload(st->skel->progs.on_common_interrupt, exact);
		err = dma_bpf__load(st->skel);
		if (!err || (!sprint && !exact))
			break;
		dma_bpf__destroy(st->skel);
		st->skel = NULL;
		/* the opt-in first: what it costs, it can also break */
		if (exact) {
			snprintf(st->vcount_why, sizeof(st->vcount_why),
				 "the program on __common_interrupt does not load: %s",
				 strerror(-err));
			exact = false;
			continue;
		}
		bmcw_log(LOG_WARNING, "dma: cannot load the program at printk_sprint's exit: %s; loading without it",
			 strerror(-err));
		sprint = false;
	}
	st->sprint_loaded = sprint && !err;
	st->exact_loaded = exact && !err;
	return err;
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
	err = load(st);
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
			int err = errno;
			char what[96];

			dma_hook_failed(st, progs[i].what, err, progs[i].why);
			snprintf(what, sizeof(what), "dma monitor's %s", progs[i].what);
			daemon_blind_spot(d, what, strerror(err), progs[i].why);
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
	dma_unowned_attach(st);
	dma_open_vector_log(st);
	dma_check_irqdebug(st);
	dma_scan(st, mono_ns());
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

	dma_drain_kmsg(st);
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
		if (st->unowned.link)
			metrics_set(st->d->metrics,
				    "bmcwatch_unowned_vector_interrupts_total", "",
				    st->unowned.total);
		metrics_set(st->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"dma\"", now[DMA_STAT_RB_SENT]);
	}
}

static int on_interval(void *state, uint64_t now_ns)
{
	struct dma_mon *st = state;

	(void)now_ns;
	ring_buffer__consume(st->mon.rb);
	dma_drain_kmsg(st);
	dma_unowned_check(st);
	report_losses(st);
	report_iommu_losses(st);
	dma_scan(st, mono_ns());
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
