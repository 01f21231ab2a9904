// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the PCIe config-space monitor: opens the skeleton,
 * attaches to bmcwatch.ko's tracepoints, pins the maps, turns ring buffer
 * records into alerts, and every interval sums the per-CPU counters and
 * the loss counters and reports what changed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "bpf_monitor.h"
#include "kmod_state.h"
#include "knob.h"
#include "log.h"
#include "monitors.h"
#include "pcie.skel.h"
#include "pcie_rules.h"
#include "pci_id_cache.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"

/* Functions removed since the last interval, whose counters may go. */
#define PCIE_GONE_MAX	64

struct pcie {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct pcie_bpf *skel;
	struct percpu_sweep counts;
	uint64_t stats[BMCW_STAT_MAX];
	pid_t self;
	uint64_t gone[PCIE_GONE_MAX];	/* key >> 24: segment, bus, devfn */
	unsigned int n_gone;
	bool gone_overflow;		/* more left: check every function */
	uint64_t reclaimed;		/* counter keys deleted, in total */
	struct pci_id_cache ids;	/* forgotten at each device event */
};

/* The alerts of one event, stamped @ts_ns by the kernel or BPF. */
static void submit_all(struct pcie *st, struct bmcw_alert *al, int n,
		       uint64_t ts_ns)
{
	evclock_stamp(&st->d->clock, al, n, ts_ns);
	for (int i = 0; i < n; i++)
		pipeline_submit(st->d->pipeline, &al[i]);
}

static void on_cfg(struct pcie *st, const struct bmcw_cfg_access *ka)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	char exe[PATH_MAX] = "", bdf[16];
	struct pcie_ctx c = { .exe = exe };
	struct bmcw_cfg_access copy = *ka, *a = &copy;

	/* The daemon reading config for its own inventory is not news. */
	if (a->pid && (pid_t)a->pid == st->self)
		return;
	/* modules before ABI 1.2 read the old value before every write */
	if (kmod_state_abi_minor(st->d->kmod) < 2 && a->dir == BMCW_DIR_WRITE)
		a->flags |= BMCW_CFG_F_OLD;
	pcie_bdf(bdf, sizeof(bdf), a->seg, a->bus, a->devfn);
	pci_id_cache_get(&st->ids, bdf, &c.vendor, &c.device);
	if (a->pid)
		proc_exe(a->pid, exe, sizeof(exe));
	submit_all(st, al, pcie_rules_cfg(a, &c, al), a->ts_ns);
}

/* Another function may be at this address now: read its ids again. */
static void forget_ids(struct pcie *st, const struct bmcw_dev_event *e)
{
	char bdf[16];

	pcie_bdf(bdf, sizeof(bdf), e->seg, e->bus, e->devfn);
	pci_id_cache_forget(&st->ids, bdf);
}

/*
 * A function left the host: its counters go too, or a host that creates
 * and destroys SR-IOV VFs, or hot-plugs devices, keeps the keys of every
 * function it ever had (and a full map loses counts). They go at the next
 * interval rather than now: the event is sent while the kernel is still
 * removing the device, and a function that came back at the same address
 * by then keeps counting on the same keys.
 */
static void note_gone(struct pcie *st, const struct bmcw_dev_event *e)
{
	uint64_t fn = BMCW_CFG_KEY_PACK(e->seg, e->bus, e->devfn, 0, 0, 0) >> 24;

	for (unsigned int i = 0; i < st->n_gone; i++)
		if (st->gone[i] == fn)
			return;
	if (st->n_gone < PCIE_GONE_MAX)
		st->gone[st->n_gone++] = fn;
	else
		st->gone_overflow = true;
}

static bool fn_present(uint64_t fn)
{
	char path[64], bdf[16];

	pcie_bdf(bdf, sizeof(bdf), fn >> 16, (fn >> 8) & 0xff, fn & 0xff);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return access(path, F_OK) == 0;
}

static bool fn_departed(const struct pcie *st, uint64_t fn)
{
	bool listed = st->gone_overflow;

	for (unsigned int i = 0; i < st->n_gone && !listed; i++)
		listed = st->gone[i] == fn;
	return listed && !fn_present(fn);
}

/* Delete the counter keys of the functions that left; one map walk. */
static void reclaim_departed(struct pcie *st)
{
	int fd = bpf_map__fd(st->skel->maps.cfg_counts);
	__u64 key, *prev = NULL, *del = NULL;
	size_t n = 0, cap = 0;
	uint64_t last_fn = ~0ULL;
	bool last_gone = false;

	if (!st->n_gone && !st->gone_overflow)
		return;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		/* keys of one function mostly come together: ask once */
		if (key >> 24 != last_fn) {
			last_fn = key >> 24;
			last_gone = fn_departed(st, last_fn);
		}
		if (!last_gone)
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			__u64 *v = realloc(del, ncap * sizeof(*v));

			if (!v)
				break;
			del = v;
			cap = ncap;
		}
		del[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (!bpf_map_delete_elem(fd, &del[i]))
			st->reclaimed++;
	free(del);
	st->n_gone = 0;
	st->gone_overflow = false;
	if (n)
		bmcw_log(LOG_DEBUG, "pcie: %zu counter keys of departed functions deleted",
			 n);
	if (st->d->metrics)
		metrics_set(st->d->metrics,
			    "bmcwatch_pcicfg_keys_reclaimed_total", "",
			    st->reclaimed);
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct pcie *st = ctx;
	const struct bmcw_rec_hdr *h = data;
	struct bmcw_alert al;
	const void *body = h + 1;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len)
		return 0;
	switch (h->type) {
	case BMCW_REC_CFG:
		if (h->len >= sizeof(struct bmcw_cfg_access))
			on_cfg(st, body);
		break;
	case BMCW_REC_DEV:
		if (h->len < sizeof(struct bmcw_dev_event))
			break;
		forget_ids(st, body);
		if (pcie_rules_dev(body, &al))
			submit_all(st, &al, 1,
				   ((const struct bmcw_dev_event *)body)->ts_ns);
		if (((const struct bmcw_dev_event *)body)->change ==
		    BMCW_DEV_REMOVED)
			note_gone(st, body);
		break;
	case BMCW_REC_HEALTH:
		/* its length tells the module's ABI: kmod_state checks it */
		kmod_state_health(st->d->kmod, body, h->len);
		break;
	}
	return 0;
}

static int pin_maps(struct pcie *st)
{
	return bpfmon_pin(st->skel->maps.cfg_counts, "cfg_counts") ?:
	       bpfmon_pin(st->skel->maps.stats, "pcicfg_stats");
}

static void unpin_maps(struct pcie *st)
{
	bpf_map__unpin(st->skel->maps.cfg_counts, NULL);
	bpf_map__unpin(st->skel->maps.stats, NULL);
}

static void fini(void *state)
{
	struct pcie *st = state;

	if (!st)
		return;
	ring_buffer__free(st->mon.rb);
	if (st->skel)
		unpin_maps(st);
	pcie_bpf__destroy(st->skel);
	percpu_sweep_free(&st->counts);
	free(st);
}

/*
 * Count on bmcwatch_cfg_count, where a module of ABI 1.6 or later counts a
 * read without building its event; an older module has only
 * bmcwatch_cfg_access, where every access comes whole. Never both: each
 * access would be counted twice.
 */
static int attach_cfg(struct pcie_bpf *skel)
{
	skel->links.on_cfg_count = bpf_program__attach(skel->progs.on_cfg_count);
	if (skel->links.on_cfg_count)
		return 0;
	skel->links.on_cfg_access = bpf_program__attach(skel->progs.on_cfg_access);
	if (!skel->links.on_cfg_access)
		return -errno;
	bmcw_log(LOG_INFO, "pcie: the module has no bmcwatch_cfg_count tracepoint (ABI before 1.6): counting on bmcwatch_cfg_access");
	return 0;
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct pcie *st = calloc(1, sizeof(*st));
	int err;

	if (!st)
		return -ENOMEM;
	*state = st;
	st->d = d;
	st->self = getpid();
	bpfmon_libbpf_logging();
	st->skel = pcie_bpf__open();
	if (!st->skel)
		return -errno;
	/* one of the two config programs: see attach_cfg() */
	bpf_program__set_autoattach(st->skel->progs.on_cfg_count, false);
	bpf_program__set_autoattach(st->skel->progs.on_cfg_access, false);
	err = pcie_bpf__load(st->skel);
	if (!err)
		err = pcie_bpf__attach(st->skel);
	if (!err)
		err = attach_cfg(st->skel);
	if (err) {
		bmcw_log(LOG_ERR, "pcie: cannot attach to bmcwatch.ko tracepoints (%s); is the module loaded?",
			 strerror(-err));
		return err;
	}
	/*
	 * The kernel marks BMC functions (and the bridges and aliases above
	 * them) from its built-in table plus this list; the policy's [bmc]
	 * devices replace what a previous daemon wrote.
	 */
	err = knob_write_list("bmc_devices", &d->policy->bmc_devices,
			      "[bmc] list");
	if (err)
		return err;
	err = pin_maps(st);
	if (err)
		bmcw_log(LOG_WARNING, "pcie: cannot pin maps under %s: %s",
			 BMCW_PIN_DIR, strerror(-err));
	st->mon.rb = ring_buffer__new(bpf_map__fd(st->skel->maps.events), on_record,
				  st, NULL);
	if (!st->mon.rb)
		return -errno;
	err = percpu_sweep_init(&st->counts,
				bpf_map__fd(st->skel->maps.cfg_counts),
				sizeof(__u64));	/* packed key */
	if (d->metrics)
		metrics_declare(d->metrics, "bmcwatch_pcicfg_keys_reclaimed_total",
				METRIC_COUNTER,
				"Config-space counter keys of departed PCI functions deleted.");
	return err;
}

/* BPF-side losses since the last interval, by hop. */
static void report_losses(struct pcie *st)
{
	static const struct bpfmon_hop hops[] = {
		{ BMCW_STAT_CFG_MAP_FULL, "bpf_map_full" },
		{ BMCW_STAT_RB_FULL, "ringbuf" },
		{ BMCW_STAT_READ_FAIL, "bpf_read" },
	};
	uint64_t now[BMCW_STAT_MAX];

	if (bpfmon_report_losses(st->d->pipeline,
				 bpf_map__fd(st->skel->maps.stats),
				 BMCW_STAT_MAX, hops,
				 sizeof(hops) / sizeof(hops[0]), st->stats, now))
		return;
	if (st->d->metrics)
		metrics_set(st->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"pcie\"", now[BMCW_STAT_RB_SENT]);
}

static int on_interval(void *state, uint64_t now_ns)
{
	struct pcie *st = state;

	(void)now_ns;
	/* Drain first so alerts precede the loss summaries of the interval */
	ring_buffer__consume(st->mon.rb);
	report_losses(st);
	reclaim_departed(st);
	if (percpu_sweep_run(&st->counts) == 0 && st->d->metrics)
		metrics_set(st->d->metrics, "bmcwatch_pcicfg_keys", "",
			    st->counts.n);
	return 0;
}

const struct bmcw_monitor_ops pcie_monitor = {
	.name = "pcie",
	.init = init,
	.fd = bpfmon_fd,
	.on_readable = bpfmon_on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
