// SPDX-License-Identifier: GPL-2.0
/*
 * Filesystems of the BMC's virtual media mounted on the host (see
 * usbmedia_mon.h). The kernel marks the mount table changed (poll on
 * /proc/self/mountinfo: POLLPRI); each interval asks, without waiting,
 * and reads the table again with libmount only then, or when the BMC's
 * USB devices changed. A mount is the BMC's when its block device's
 * sysfs path lies under a BMC USB device's. Each such mount is reported
 * once, by its mount id.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libmount/libmount.h>

#include "log.h"
#include "monitor.h"
#include "usb_rules.h"
#include "usb_tab.h"
#include "usbmedia_mon.h"

#define MAX_SEEN	64

struct usbmedia {
	struct bmcw_daemon *d;
	int mountinfo_fd;
	struct usb_tab_bmc bmc[USB_TAB_MAX_BMC];
	int n_bmc;
	int seen[MAX_SEEN];		/* mount ids reported, still mounted */
	unsigned int n_seen;
};

/* The BMC's devices now; true when they differ from the last reading. */
static bool bmc_changed(struct usbmedia *m, const struct usb_tab_bmc *now,
			int n)
{
	if (n < 0)
		n = 0;
	if (n > USB_TAB_MAX_BMC)
		n = USB_TAB_MAX_BMC;
	if (n == m->n_bmc && !memcmp(now, m->bmc, n * sizeof(now[0])))
		return false;
	memcpy(m->bmc, now, n * sizeof(now[0]));
	m->n_bmc = n;
	return true;
}

/* The BMC device @dev's block device lies under, or NULL. */
static const struct usb_tab_bmc *bmc_of(struct usbmedia *m, dev_t dev)
{
	char path[64], blk[PATH_MAX], usb[PATH_MAX], upath[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(path, blk))
		return NULL;
	for (int i = 0; i < m->n_bmc; i++) {
		size_t len;

		snprintf(upath, sizeof(upath), "/sys/bus/usb/devices/%s",
			 m->bmc[i].name);
		if (!realpath(upath, usb))
			continue;
		len = strlen(usb);
		if (!strncmp(blk, usb, len) && blk[len] == '/')
			return &m->bmc[i];
	}
	return NULL;
}

static bool was_seen(struct usbmedia *m, int id)
{
	for (unsigned int i = 0; i < m->n_seen; i++)
		if (m->seen[i] == id)
			return true;
	return false;
}

static void scan(struct usbmedia *m)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	int still[MAX_SEEN];
	unsigned int n_still = 0;
	struct libmnt_fs *fs;

	if (!tb || !it) {
		bmcw_log(LOG_WARNING, "usb: cannot read the mount table: %s",
			 strerror(errno));
		goto out;
	}
	while (!mnt_table_next_fs(tb, it, &fs)) {
		const struct usb_tab_bmc *b;
		struct usb_media_mount mm = { .usb_name = "" };
		struct bmcw_alert al;
		dev_t dev = mnt_fs_get_devno(fs);
		int id = mnt_fs_get_id(fs);

		if (!major(dev) || !m->n_bmc)
			continue;
		b = bmc_of(m, dev);
		if (!b)
			continue;
		if (n_still < MAX_SEEN)
			still[n_still++] = id;
		if (was_seen(m, id))
			continue;
		snprintf(mm.usb_name, sizeof(mm.usb_name), "%s", b->name);
		mm.vendor = b->vendor;
		mm.product = b->product;
		snprintf(mm.source, sizeof(mm.source), "%s",
			 mnt_fs_get_source(fs) ?: "?");
		snprintf(mm.target, sizeof(mm.target), "%s",
			 mnt_fs_get_target(fs) ?: "?");
		snprintf(mm.fstype, sizeof(mm.fstype), "%s",
			 mnt_fs_get_fstype(fs) ?: "?");
		if (usb_rules_media_mount(&mm, &al))
			pipeline_submit(m->d->pipeline, &al);
	}
	/* what is unmounted may be mounted again: news again */
	memcpy(m->seen, still, n_still * sizeof(still[0]));
	m->n_seen = n_still;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
}

struct usbmedia *usbmedia_open(struct bmcw_daemon *d)
{
	struct usbmedia *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->d = d;
	m->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (m->mountinfo_fd < 0)
		bmcw_log(LOG_WARNING, "usb: no /proc/self/mountinfo (%s): the mount table is read every interval",
			 strerror(errno));
	m->n_bmc = usb_tab_read_bmc(m->bmc, USB_TAB_MAX_BMC);
	if (m->n_bmc < 0)
		m->n_bmc = 0;
	scan(m);		/* mounted before the daemon started: news too */
	return m;
}

void usbmedia_interval(struct usbmedia *m, const struct usb_tab_bmc *bmc,
		       int bmc_n)
{
	struct pollfd p;
	bool changed;

	if (!m)
		return;
	changed = bmc_changed(m, bmc, bmc_n);
	if (m->mountinfo_fd < 0) {
		changed = true;
	} else {
		p = (struct pollfd){ .fd = m->mountinfo_fd, .events = POLLPRI };
		/* the kernel clears the mark as it reports it */
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLPRI | POLLERR)))
			changed = true;
	}
	if (changed)
		scan(m);
}

void usbmedia_close(struct usbmedia *m)
{
	if (!m)
		return;
	if (m->mountinfo_fd >= 0)
		close(m->mountinfo_fd);
	free(m);
}
