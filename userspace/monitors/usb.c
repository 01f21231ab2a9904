// SPDX-License-Identifier: GPL-2.0
/*
 * Loader and reader of the USB monitor: attaches to bmcwatch.ko's usb
 * tracepoints, turns device records from the ring buffer into alerts
 * (usb_rules.c), and every interval sweeps the per-CPU input counters of
 * BMC keyboards and mice: what grew since the last sweep, per device and
 * whether a console session was declared, is one alert. The BMC's USB
 * network interfaces are watched by usbnet.c, on the same ring buffer,
 * and mounts of its virtual media by usbmedia.c.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "baseline.h"
#include "bpf_monitor.h"
#include "knob.h"
#include "log.h"
#include "monitors.h"
#include "percpu_sweep.h"
#include "usb.h"		/* bpf/usb.h: counter keys, stats */
#include "usb.skel.h"
#include "usb_rules.h"
#include "usb_tab.h"
#include "usbmedia_mon.h"
#include "usbnet_mon.h"

#define USB_SYSFS	"/sys/bus/usb/devices"
#define MAX_GROUPS	32

struct usb_mon {
	struct bpfmon mon;		/* first: bpfmon_fd() uses it */
	struct bmcw_daemon *d;
	struct usb_bpf *skel;
	struct percpu_sweep counts;
	struct usbnet *net;		/* NULL: the USB NICs are not watched */
	struct usbmedia *media;
	uint64_t swept_ns;		/* CLOCK_REALTIME: the last sweep */
	uint64_t stats[USB_STAT_MAX];
};

static uint64_t realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int on_record(void *ctx, void *data, size_t len)
{
	const struct bmcw_rec_hdr *h = data;
	const struct bmcw_usb_dev *dev;
	struct usb_mon *m = ctx;
	struct bmcw_alert al;

	if (len < sizeof(*h) || len - sizeof(*h) < h->len ||
	    h->type != BMCW_REC_USB_DEV || h->len < sizeof(struct bmcw_usb_dev))
		return 0;
	dev = (const void *)(h + 1);
	if (usb_rules_dev(dev, &al)) {
		const struct baseline *b = m->d->base;

		/* the BMC presenting again what the baseline had: recorded */
		if (dev->change == BMCW_DEV_ADDED && !strcmp(al.rule, "usb.bmc_device_added") &&
		    b && b->has_usb && baseline_find_usb(b, dev->port, dev->vendor, dev->product))
			usb_rules_learnt(&al, b->created);
		evclock_stamp(&m->d->clock, &al, 1, dev->ts_ns);
		pipeline_submit(m->d->pipeline, &al);
	}
	return 0;
}

static unsigned int read_uint(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", USB_SYSFS, dir, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return (unsigned int)strtoul(buf, NULL, 10);
}

/* The kernel's name and product string of device bus/dev, if present. */
static void sysfs_name(uint16_t bus, uint16_t dev, char *name, size_t nlen,
		       char *product, size_t plen)
{
	DIR *dir = opendir(USB_SYSFS);
	struct dirent *e;

	name[0] = product[0] = '\0';
	while (dir && (e = readdir(dir))) {
		char path[PATH_MAX];
		FILE *f;

		/* devices, not interfaces ("1-1:1.0") */
		if (e->d_name[0] == '.' || strchr(e->d_name, ':') ||
		    read_uint(e->d_name, "busnum") != bus ||
		    read_uint(e->d_name, "devnum") != dev)
			continue;
		snprintf(name, nlen, "%.*s", (int)nlen - 1, e->d_name);
		snprintf(path, sizeof(path), "%s/%s/product", USB_SYSFS, e->d_name);
		f = fopen(path, "re");
		if (f) {
			if (fgets(product, plen, f))
				product[strcspn(product, "\n")] = '\0';
			fclose(f);
		}
		break;
	}
	if (dir)
		closedir(dir);
}

/* What each device's input counters grew by since the last sweep. */
static void sweep_input(struct usb_mon *m, uint64_t now)
{
	struct usb_input_count g[MAX_GROUPS];
	size_t ng = 0;

	if (percpu_sweep_run(&m->counts))
		return;
	for (size_t i = 0; i < m->counts.n; i++) {
		const struct usb_input_key *k = (const void *)(m->counts.keys +
							       i * m->counts.key_size);
		uint64_t delta = percpu_sweep_delta(&m->counts, i);
		size_t j;

		if (!delta)
			continue;
		for (j = 0; j < ng; j++)
			if (g[j].busnum == k->busnum && g[j].devnum == k->devnum &&
			    g[j].vendor == k->vendor && g[j].product == k->product &&
			    g[j].session == !!k->session)
				break;
		if (j == ng) {
			if (ng == MAX_GROUPS)
				continue;
			g[ng++] = (struct usb_input_count){
				.busnum = k->busnum, .devnum = k->devnum,
				.vendor = k->vendor, .product = k->product,
				.session = k->session,
			};
		}
		if (k->kind == USB_INPUT_REPORTS)
			g[j].reports += delta;
		else if (k->kind == USB_INPUT_KEYS_DOWN)
			g[j].keys += delta;
		else if (k->kind == USB_INPUT_MOVES)
			g[j].moves += delta;
	}
	for (size_t j = 0; j < ng; j++) {
		char name[64], product[64];
		struct bmcw_alert al;

		sysfs_name(g[j].busnum, g[j].devnum, name, sizeof(name),
			   product, sizeof(product));
		if (!usb_rules_input(&g[j], name, product,
				     (now - m->swept_ns) / 1000000, &al))
			continue;
		alert_set_time(&al, BMCW_TIME_WINDOW, m->swept_ns, now);
		pipeline_submit(m->d->pipeline, &al);
	}
	m->swept_ns = now;
}

static int init(struct bmcw_daemon *d, void **state)
{
	struct usb_mon *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	*state = m;
	m->d = d;
	bpfmon_libbpf_logging();
	m->skel = usb_bpf__open();
	if (!m->skel)
		return -errno;
	err = usb_bpf__load(m->skel);
	if (!err)
		err = usb_bpf__attach(m->skel);
	if (err) {
		bmcw_log(LOG_ERR, "usb: cannot attach to bmcwatch.ko usb tracepoints (%s)",
			 strerror(-err));
		return err;
	}
	/*
	 * The config's [usb] list replaces the module's (its parameter's, or
	 * a previous daemon's); without one, the module's list stands.
	 */
	if (d->policy->usb_devices_set) {
		err = knob_write_list("usb_bmc_devices",
				      &d->policy->usb_devices, "[usb] list");
		if (err)
			return err;
	}
	if (bpfmon_pin(m->skel->maps.usb_input, "usb_input"))
		bmcw_log(LOG_WARNING, "usb: cannot pin maps under %s",
			 BMCW_PIN_DIR);
	m->mon.rb = ring_buffer__new(bpf_map__fd(m->skel->maps.usb_events),
				 on_record, m, NULL);
	if (!m->mon.rb)
		return -errno;
	err = percpu_sweep_init(&m->counts, bpf_map__fd(m->skel->maps.usb_input),
				sizeof(struct usb_input_key));
	if (err)
		return err;
	/* counted from now on (the first sweep's window starts here) */
	m->swept_ns = realtime_now();
	m->net = usbnet_open(d, m->mon.rb);
	m->media = usbmedia_open(d);
	return 0;
}

static void fini(void *state)
{
	struct usb_mon *m = state;

	if (!m)
		return;
	ring_buffer__free(m->mon.rb);
	usbnet_close(m->net);
	usbmedia_close(m->media);
	percpu_sweep_free(&m->counts);
	usb_bpf__destroy(m->skel);
	free(m);
}

static int on_interval(void *state, uint64_t now_ns)
{
	static const struct bpfmon_hop hops[] = {
		{ USB_STAT_MAP_FULL, "bpf_map_full" },
		{ USB_STAT_RB_FULL, "ringbuf" },
		{ USB_STAT_READ_FAIL, "bpf_read" },
	};
	struct usb_mon *m = state;
	uint64_t now[USB_STAT_MAX];

	/* devices first: an input alert then follows its device's arrival */
	ring_buffer__consume(m->mon.rb);
	if (!bpfmon_report_losses(m->d->pipeline,
				  bpf_map__fd(m->skel->maps.usb_stats),
				  USB_STAT_MAX, hops,
				  sizeof(hops) / sizeof(hops[0]), m->stats, now) &&
	    m->d->metrics) {
		metrics_set(m->d->metrics, "bmcwatch_usb_device_events_total", "",
			    now[USB_STAT_DEV_SEEN]);
		metrics_set(m->d->metrics, "bmcwatch_usb_bmc_input_reports_total", "",
			    now[USB_STAT_INPUT_SEEN]);
		metrics_set(m->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"usb\"", now[USB_STAT_RB_SENT]);
	}
	sweep_input(m, now_ns);
	/* the BMC's USB devices, read once for the NIC and the media watch */
	if (m->net || m->media) {
		struct usb_tab_bmc bmc[USB_TAB_MAX_BMC];
		int bmc_n = usb_tab_read_bmc(bmc, USB_TAB_MAX_BMC);

		usbnet_interval(m->net, bmc, bmc_n);
		usbmedia_interval(m->media, bmc, bmc_n);
	}
	return 0;
}

const struct bmcw_monitor_ops usb_monitor = {
	.name = "usb",
	.init = init,
	.fd = bpfmon_fd,
	.on_readable = bpfmon_on_readable,
	.on_interval = on_interval,
	.fini = fini,
};
