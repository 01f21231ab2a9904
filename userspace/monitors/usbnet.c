// SPDX-License-Identifier: GPL-2.0
/*
 * The BMC's USB network interfaces (see usbnet_mon.h). Which interfaces are
 * the BMC's: those under a USB device the module's usb table marks as a
 * BMC's (built-in ids, or the operator's usb_bmc_devices by id or port);
 * the table is read every interval, and an interface that appears there
 * gets the two tc programs on its clsact qdisc (created if absent, as
 * `tc qdisc add dev IF clsact` would, and removed at exit only if this
 * daemon created it). Nothing is attached to any other interface: a
 * hypervisor's many tap devices cost nothing.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bmcwatch.h>

#include "bpf_monitor.h"
#include "log.h"
#include "monitor.h"
#include "percpu_sweep.h"
#include "sysfs_pci.h"
#include "usb_tab.h"
#include "usbnet.h"		/* bpf/usbnet.h: keys, records, stats */
#include "usbnet_mon.h"
#include "usbnet.skel.h"
#include "usbnet_rules.h"


struct attached {
	struct usbnet_iface ifc;
	bool created_qdisc;		/* clsact was not there before */
	bool seen;			/* in this interval's scan */
};

/* An interface that could not be watched: said once, tried every interval. */
struct refused {
	unsigned int ifindex;
	int err;
};

struct usbnet {
	struct bmcw_daemon *d;
	struct refused refused[USBNET_IFACES];
	unsigned int n_refused;
	struct usbnet_bpf *skel;
	struct bpf_link *connect_link;
	struct percpu_sweep flows;
	struct attached ifs[USBNET_IFACES];
	unsigned int n_ifs;
	uint64_t stats[USBNET_STAT_MAX];
};

static struct attached *find(struct usbnet *n, unsigned int ifindex)
{
	for (unsigned int i = 0; i < n->n_ifs; i++)
		if (n->ifs[i].ifc.ifindex == ifindex)
			return &n->ifs[i];
	return NULL;
}

static void tc_hooks(unsigned int ifindex, struct bpf_tc_hook *in,
		     struct bpf_tc_hook *out)
{
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	in->sz = out->sz = sizeof(*in);
	in->ifindex = out->ifindex = ifindex;
	in->attach_point = BPF_TC_INGRESS;
	out->attach_point = BPF_TC_EGRESS;
}

/* Our two filters on @ifindex; the qdisc too if we made it. */
static void detach(struct attached *a, bool iface_gone)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = 1, .priority = 1);
	struct bpf_tc_hook in, out;

	if (iface_gone)
		return;		/* its qdisc and filters went with it */
	tc_hooks(a->ifc.ifindex, &in, &out);
	bpf_tc_detach(&in, &o);
	bpf_tc_detach(&out, &o);
	if (a->created_qdisc) {
		in.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&in);
	}
}

static int attach(struct usbnet *n, const struct usbnet_iface *ifc)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, oi, .handle = 1, .priority = 1);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, oe, .handle = 1, .priority = 1);
	struct attached *a = &n->ifs[n->n_ifs];
	struct bpf_tc_hook in, out;
	__u32 key = ifc->ifindex;
	__u8 one = 1;
	int err;

	if (n->n_ifs == USBNET_IFACES)
		return -ENOSPC;
	memset(a, 0, sizeof(*a));
	a->ifc = *ifc;
	tc_hooks(ifc->ifindex, &in, &out);
	in.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_create(&in);	/* the clsact qdisc */
	if (err && err != -EEXIST)
		return err;
	a->created_qdisc = !err;
	in.attach_point = BPF_TC_INGRESS;
	oi.prog_fd = bpf_program__fd(n->skel->progs.usbnet_ingress);
	oe.prog_fd = bpf_program__fd(n->skel->progs.usbnet_egress);
	err = bpf_tc_attach(&in, &oi);
	if (!err)
		err = bpf_tc_attach(&out, &oe);
	if (!err)
		err = bpf_map_update_elem(bpf_map__fd(n->skel->maps.usbnet_ifaces),
					  &key, &one, BPF_ANY) ? -errno : 0;
	if (err) {
		detach(a, false);
		return err;
	}
	n->n_ifs++;
	return 0;
}

/* True when @ifindex failed with @err for the first time (say it). */
static bool refused_news(struct usbnet *n, unsigned int ifindex, int err)
{
	unsigned int i;

	for (i = 0; i < n->n_refused; i++)
		if (n->refused[i].ifindex == ifindex)
			break;
	if (i < n->n_refused && n->refused[i].err == err)
		return false;
	if (i == n->n_refused) {
		if (n->n_refused == USBNET_IFACES)
			i = 0;		/* full: forget the oldest */
		else
			n->n_refused++;
	}
	n->refused[i] = (struct refused){ ifindex, err };
	return true;
}

/* The interfaces under the BMC's USB devices @u now; attach to new ones. */
static void scan(struct usbnet *n, const struct usb_tab_bmc *u, int nu)
{

	for (unsigned int i = 0; i < n->n_ifs; i++)
		n->ifs[i].seen = false;
	for (int i = 0; i < nu; i++) {
		char pat[PATH_MAX];
		glob_t g;

		/* a USB network function's netdev hangs off its interface */
		snprintf(pat, sizeof(pat), "/sys/bus/usb/devices/%s/%s:*/net/*",
			 u[i].name, u[i].name);
		if (glob(pat, 0, NULL, &g))
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			struct usbnet_iface ifc = {
				.vendor = u[i].vendor, .product = u[i].product,
			};
			const char *name = strrchr(g.gl_pathv[j], '/') + 1;
			struct attached *a;
			int err;

			snprintf(ifc.ifname, sizeof(ifc.ifname), "%.15s", name);
			snprintf(ifc.usb_name, sizeof(ifc.usb_name), "%.15s", u[i].name);
			ifc.ifindex = if_nametoindex(ifc.ifname);
			if (!ifc.ifindex)
				continue;
			a = find(n, ifc.ifindex);
			if (a) {
				a->seen = true;
				continue;
			}
			err = attach(n, &ifc);
			if (err) {
				if (refused_news(n, ifc.ifindex, err))
					bmcw_log(LOG_WARNING, "usb: cannot watch %s, the network interface of BMC USB device %s (%s): its traffic goes unseen",
						 ifc.ifname, ifc.usb_name, strerror(-err));
				continue;
			}
			n->ifs[n->n_ifs - 1].seen = true;
			bmcw_log(LOG_INFO, "usb: watching %s, the network interface of BMC USB device %s %04x:%04x",
				 ifc.ifname, ifc.usb_name, ifc.vendor, ifc.product);
		}
		globfree(&g);
	}
	/* gone, or no longer a BMC's: forget it (a gone netdev took its qdisc) */
	for (unsigned int i = 0; i < n->n_ifs;) {
		struct attached *a = &n->ifs[i];
		__u32 key = a->ifc.ifindex;
		char name[IF_NAMESIZE];

		if (a->seen) {
			i++;
			continue;
		}
		detach(a, !if_indextoname(a->ifc.ifindex, name));
		bpf_map_delete_elem(bpf_map__fd(n->skel->maps.usbnet_ifaces), &key);
		*a = n->ifs[--n->n_ifs];
	}
}

static int on_conn(void *ctx, void *data, size_t len)
{
	const struct usbnet_conn *r = data;
	struct usbnet *n = ctx;
	struct usbnet_conn_info c = { 0 };
	struct usbnet_iface ifc = { .ifindex = 0 };
	struct attached *a;
	struct bmcw_alert al;

	if (len < sizeof(*r))
		return 0;
	c.by_bmc = r->initiator == USBNET_BY_BMC;
	c.ipv6 = r->f.ethertype == 0x86dd;
	c.proto = r->f.proto;
	memcpy(c.host_addr, r->f.host_addr, sizeof(c.host_addr));
	memcpy(c.bmc_addr, r->f.bmc_addr, sizeof(c.bmc_addr));
	c.host_port = r->f.host_port;
	c.bmc_port = r->f.bmc_port;
	c.tgid = r->tgid;
	memcpy(c.comm, r->comm, sizeof(c.comm) - 1);
	if (c.tgid)
		proc_exe(c.tgid, c.exe, sizeof(c.exe));
	a = find(n, r->f.ifindex);
	if (a) {
		ifc = a->ifc;
	} else {
		/* attached before, gone since: what is left of it */
		ifc.ifindex = r->f.ifindex;
		if (!if_indextoname(r->f.ifindex, ifc.ifname))
			snprintf(ifc.ifname, sizeof(ifc.ifname), "ifindex %u",
				 r->f.ifindex);
		snprintf(ifc.usb_name, sizeof(ifc.usb_name), "?");
	}
	if (usbnet_rules_conn(&c, &ifc, &al)) {
		evclock_stamp(&n->d->clock, &al, 1, r->ts_ns);
		pipeline_submit(n->d->pipeline, &al);
	}
	return 0;
}

static void submit_failure(struct bmcw_daemon *d, const char *what, int err)
{
	struct bmcw_alert a = { .rule = "health.hook_failed" };

	snprintf(a.message, sizeof(a.message),
		 "usb: the BMC's USB network interfaces are not watched: %s (%s)",
		 what, strerror(err < 0 ? -err : err));
	snprintf(a.why, sizeof(a.why),
		 "connections between the host and the BMC over its USB network interface go unseen");
	snprintf(a.subject.locus, sizeof(a.subject.locus), "monitor usb usbnet");
	alert_add_extra(&a, "monitor", "usb");
	alert_add_extra(&a, "error", "%d", err);
	pipeline_submit(d->pipeline, &a);
	bmcw_log(LOG_WARNING, "%s", a.message);
}

struct usbnet *usbnet_open(struct bmcw_daemon *d, struct ring_buffer *rb)
{
	struct usbnet *n = calloc(1, sizeof(*n));
	struct usb_tab_bmc bmc[USB_TAB_MAX_BMC];
	int err, bmc_n;

	if (!n)
		return NULL;
	n->d = d;
	n->skel = usbnet_bpf__open_and_load();
	if (!n->skel) {
		submit_failure(d, "cannot load the tc programs", -errno);
		free(n);
		return NULL;
	}
	err = ring_buffer__add(rb, bpf_map__fd(n->skel->maps.usbnet_events),
			       on_conn, n);
	if (!err)
		err = percpu_sweep_init(&n->flows,
					bpf_map__fd(n->skel->maps.usbnet_flows),
					sizeof(struct usbnet_flow_key));
	if (err) {
		submit_failure(d, "cannot read their maps", err);
		usbnet_bpf__destroy(n->skel);
		free(n);
		return NULL;
	}
	/* Without it, host connections are still seen, with no process. */
	n->connect_link = bpf_program__attach(n->skel->progs.usbnet_connect);
	if (n->connect_link)
		n->skel->bss->connect_hook_on = 1;
	else
		bmcw_log(LOG_WARNING, "usb: no hook on tcp_connect (%s): host connections to the BMC will not name their process",
			 strerror(errno));
	if (bpfmon_pin(n->skel->maps.usbnet_flows, "usbnet_flows"))
		bmcw_log(LOG_WARNING, "usb: cannot pin maps under %s",
			 BMCW_PIN_DIR);
	bmc_n = usb_tab_read_bmc(bmc, USB_TAB_MAX_BMC);
	scan(n, bmc, bmc_n);
	return n;
}

/* Packets and bytes per direction and opener, for Prometheus. */
static void sweep(struct usbnet *n)
{
	static const char *const dir[] = { "from_bmc", "to_bmc" };
	static const char *const by[] = { "unknown", "host", "bmc" };
	uint64_t sum[2][3][2] = { { { 0 } } };
	char labels[96];

	if (percpu_sweep_run(&n->flows) || !n->d->metrics)
		return;
	for (size_t i = 0; i < n->flows.n; i++) {
		const struct usbnet_flow_key *k = (const void *)(n->flows.keys +
							       i * n->flows.key_size);

		if (k->dir < 2 && k->initiator < 3 && k->kind < 2)
			sum[k->dir][k->initiator][k->kind] += n->flows.sums[i];
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++) {
			snprintf(labels, sizeof(labels),
				 "direction=\"%s\",opened_by=\"%s\"", dir[i], by[j]);
			metrics_set(n->d->metrics, "bmcwatch_usb_net_packets_total",
				    labels, sum[i][j][USBNET_PACKETS]);
			metrics_set(n->d->metrics, "bmcwatch_usb_net_bytes_total",
				    labels, sum[i][j][USBNET_BYTES]);
		}
}

void usbnet_interval(struct usbnet *n, const struct usb_tab_bmc *bmc,
		     int bmc_n)
{
	static const struct bpfmon_hop hops[] = {
		{ USBNET_STAT_MAP_FULL, "bpf_map_full" },
		{ USBNET_STAT_RB_FULL, "ringbuf" },
	};
	uint64_t now[USBNET_STAT_MAX];

	if (!n)
		return;
	scan(n, bmc, bmc_n);
	if (!bpfmon_report_losses(n->d->pipeline,
				  bpf_map__fd(n->skel->maps.usbnet_stats),
				  USBNET_STAT_MAX, hops,
				  sizeof(hops) / sizeof(hops[0]), n->stats, now) &&
	    n->d->metrics) {
		metrics_set(n->d->metrics, "bmcwatch_usb_net_interfaces", "",
			    n->n_ifs);
		metrics_set(n->d->metrics, "bmcwatch_ringbuf_records_total",
			    "monitor=\"usbnet\"", now[USBNET_STAT_RB_SENT]);
	}
	sweep(n);
}

void usbnet_close(struct usbnet *n)
{
	char name[IF_NAMESIZE];

	if (!n)
		return;
	for (unsigned int i = 0; i < n->n_ifs; i++)
		detach(&n->ifs[i], !if_indextoname(n->ifs[i].ifc.ifindex, name));
	bpf_link__destroy(n->connect_link);
	percpu_sweep_free(&n->flows);
	usbnet_bpf__destroy(n->skel);
	free(n);
}
