// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the LPC monitor: tells the BPF filter which I/O
 * ports to watch (the policy's [lpc] list plus the ranges the IPMI driver
 * claimed in /proc/ioports), attaches to bmcwatch.ko's lpc tracepoints,
 * turns ring buffer records into alerts (lpc_rules.c decodes SuperIO), and
 * every interval reports losses. Hooks the module could not place are
 * reported with every monitor's, from debugfs "hooks" (kmod_state.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "lockdown.h"
#include "bpf_monitor.h"
#include "log.h"
#include "lpc.h"		/* bpf/lpc.h: struct lpc_range, stats */
#include "lpc.skel.h"
#include "lpc_rules.h"
#include "monitors.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"

struct lpc_mon {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct lpc_bpf *skel;
	struct lpc_state st;
	uint64_t stats[LPC_STAT_MAX];
};

static void on_port(struct lpc_mon *m, const struct bmcw_lpc_port *p)
{
	struct bmcw_alert al[LPC_RULES_MAX_ALERTS];
	char exe[PATH_MAX] = "";
	int n;

	proc_exe(p->pid, exe, sizeof(exe));
	n = lpc_rules_port(&m->st, p, exe, al);
	evclock_stamp(&m->d->clock, al, n, p->ts_ns);
	for (int i = 0; i < n; i++)
		pipeline_submit(m->d->pipeline, &al[i]);
}

static void on_mmio(struct lpc_mon *m, const struct bmcw_lpc_mmio *mm)
{
	char exe[PATH_MAX] = "", bdf[16];
	uint16_t vendor = 0, device = 0;
	struct bmcw_alert al;

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", mm->seg, mm->bus,
		 mm->devfn >> 3, mm->devfn & 7);
	sysfs_pci_ids(bdf, &vendor, &device);
	proc_exe(mm->pid, exe, sizeof(exe));
	if (lpc_rules_mmio(mm, exe, vendor, device, &al)) {
		evclock_stamp(&m->d->clock, &al, 1, mm->ts_ns);
		pipeline_submit(m->d->pipeline, &al);
	}
}

static int on_record(void *ctx, void *data, size_t len)
{
	const struct bmcw_rec_hdr *h = data;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len)
		return 0;
	if (h->type == BMCW_REC_LPC_PORT &&
	    h->len >= sizeof(struct bmcw_lpc_port))
		on_port(ctx, (const void *)(h + 1));
	else if (h->type == BMCW_REC_LPC_MMIO &&
		 h->len >= sizeof(struct bmcw_lpc_mmio))
		on_mmio(ctx, (const void *)(h + 1));
	return 0;
}

/* The KCS/BT/SMIC ports the IPMI driver actually uses on this host. */
static void watch_ipmi_ports(struct lpc_mon *m)
{
	struct lpc_port_range r[4];
	char text[16384];
	size_t got;
	FILE *f = fopen("/proc/ioports", "re");
	int n;

	if (!f)
		return;
	got = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[got] = '\0';
	n = lpc_ioports_ipmi(text, r, 4);
	for (int i = 0; i < n; i++)
		if (lpc_state_watch(&m->st, r[i]))
			bmcw_log(LOG_WARNING, "lpc: no room to watch IPMI ports 0x%x-0x%x",
				 r[i].lo, r[i].hi);
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct lpc_mon *m = calloc(1, sizeof(*m));
	const struct policy *pol = d->policy;
	char ld[48];
	int err;

	if (!m)
		return -ENOMEM;
	*state = m;
	m->d = d;
	lpc_state_init(&m->st, pol->lpc_watch, pol->lpc_nwatch);
	watch_ipmi_ports(m);
	bpfmon_libbpf_logging();
	m->skel = lpc_bpf__open();
	if (!m->skel)
		return -errno;
	for (unsigned int i = 0; i < m->st.nwatch; i++) {
		m->skel->rodata->ranges[i].lo = m->st.watch[i].lo;
		m->skel->rodata->ranges[i].hi = m->st.watch[i].hi;
	}
	m->skel->rodata->nr_ranges = m->st.nwatch;
	err = lpc_bpf__load(m->skel);
	if (!err)
		err = lpc_bpf__attach(m->skel);
	if (err) {
		bmcw_log(LOG_ERR, "lpc: cannot attach to bmcwatch.ko lpc tracepoints (%s)",
			 strerror(-err));
		return err;
	}
	m->mon.rb = ring_buffer__new(bpf_map__fd(m->skel->maps.lpc_events),
				 on_record, m, NULL);
	if (!m->mon.rb)
		return -errno;
	bmcw_log(LOG_INFO, "lpc: watching %u I/O port ranges; kernel lockdown: %s",
		 m->st.nwatch, lockdown_state(ld, sizeof(ld)));
	return 0;
}

static void fini(void *state)
{
	struct lpc_mon *m = state;

	if (!m)
		return;
	ring_buffer__free(m->mon.rb);
	lpc_bpf__destroy(m->skel);
	free(m);
}

static int on_interval(void *state, uint64_t now_ns)
{
	static const struct bpfmon_hop hops[] = {
		{ LPC_STAT_RB_FULL, "ringbuf" },
		{ LPC_STAT_READ_FAIL, "bpf_read" },
	};
	struct lpc_mon *m = state;
	uint64_t now[LPC_STAT_MAX];

	(void)now_ns;
	ring_buffer__consume(m->mon.rb);
	if (bpfmon_report_losses(m->d->pipeline,
				 bpf_map__fd(m->skel->maps.lpc_stats),
				 LPC_STAT_MAX, hops,
				 sizeof(hops) / sizeof(hops[0]), m->stats, now))
		return 0;
	if (m->d->metrics) {
		metrics_set(m->d->metrics, "bmcwatch_lpc_port_events_total", "",
			    now[LPC_STAT_PORT_SEEN]);
		metrics_set(m->d->metrics, "bmcwatch_lpc_mmio_events_total", "",
			    now[LPC_STAT_MMIO_SEEN]);
		metrics_set(m->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"lpc\"", now[LPC_STAT_RB_SENT]);
	}
	return 0;
}

const struct bmcw_monitor_ops lpc_monitor = {
	.name = "lpc",
	.init = init,
	.fd = bpfmon_fd,
	.on_readable = bpfmon_on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
