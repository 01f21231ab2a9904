/* SPDX-License-Identifier: GPL-2.0 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host_info.h"
#include "metrics.h"

static bool read_small(const char *dir, const char *name, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';		/* blanks around it go at labelling */
	return n > 0;
}

int host_info_read_dmi(struct host_info *hi, const char *dir)
{
	int n = 0;

	if (!dir)
		dir = HOST_INFO_DMI_DIR;
	n += read_small(dir, "sys_vendor", hi->vendor, sizeof(hi->vendor));
	n += read_small(dir, "product_name", hi->model, sizeof(hi->model));
	return n;
}

void host_info_set_fingerprint(struct host_info *hi, uint64_t fp)
{
	snprintf(hi->inventory_fp, sizeof(hi->inventory_fp), "%016" PRIx64, fp);
}

void host_info_set_bmc_identity(struct host_info *hi, const uint8_t *b, size_t len)
{
	if (len > HOST_INFO_ID_MAX)
		len = HOST_INFO_ID_MAX;
	for (size_t i = 0; i < len; i++)
		snprintf(hi->bmc_identity + 2 * i, 3, "%02x", b[i]);
	hi->bmc_identity[2 * len] = '\0';
}

int host_info_labels(const struct host_info *hi, const char *version,
		     const char *hostname, char *buf, size_t len)
{
	/* escaped, each at most twice its HOST_INFO_LABEL_MAX bytes */
	char ver[2 * 32 + 1], host[2 * HOST_INFO_LABEL_MAX + 1];
	char vendor[sizeof(host)], model[sizeof(host)];
	int n;

	if (metrics_label_value(version, 32, ver, sizeof(ver)) < 0 ||
	    metrics_label_value(hostname, HOST_INFO_LABEL_MAX, host, sizeof(host)) < 0 ||
	    metrics_label_value(hi->vendor, HOST_INFO_LABEL_MAX, vendor, sizeof(vendor)) < 0 ||
	    metrics_label_value(hi->model, HOST_INFO_LABEL_MAX, model, sizeof(model)) < 0)
		return -1;
	/* the fingerprint and identity are hex the daemon wrote: no escaping */
	n = snprintf(buf, len,
		     "version=\"%s\",host=\"%s\",vendor=\"%s\",model=\"%s\","
		     "inventory_fingerprint=\"%s\",bmc_identity=\"%s\"",
		     ver, host, vendor, model,
		     hi->inventory_fp[0] ? hi->inventory_fp : "unknown",
		     hi->bmc_identity[0] ? hi->bmc_identity : "unknown");
	return n < 0 || (size_t)n >= len ? -1 : n;
}

const char *host_health_state(bool watching, size_t blind_spots)
{
	if (!watching)
		return "down";
	return blind_spots ? "degraded" : "healthy";
}

void host_info_declare(struct metrics *m)
{
	metrics_declare(m, "bmcwatch_info", METRIC_GAUGE,
			"Always 1: version, host, hardware model (DMI sys_vendor, product_name), PCI inventory fingerprint, BMC Get Device ID (hex); unknown until known.");
	metrics_declare(m, "bmcwatch_health", METRIC_GAUGE,
			"1 for the daemon's state: healthy, degraded (watching with a blind spot) or down (not watching); 0 for the others.");
	metrics_declare(m, "bmcwatch_blind_spots", METRIC_GAUGE,
			"Blind spots now: hooks failed or removed, events lost in the last 10 minutes, daemon probes refused (bmcwatch status lists them).");
}

int host_info_export(struct metrics *m, const struct host_info *hi,
		     const char *version, const char *hostname)
{
	char labels[1024];

	if (host_info_labels(hi, version, hostname, labels, sizeof(labels)) < 0)
		return -1;
	return metrics_set_info(m, "bmcwatch_info", labels);
}

void host_health_export(struct metrics *m, bool watching, size_t blind_spots)
{
	static const char *const states[] = { "healthy", "degraded", "down" };
	const char *now = host_health_state(watching, blind_spots);
	char labels[32];

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		snprintf(labels, sizeof(labels), "state=\"%s\"", states[i]);
		metrics_set(m, "bmcwatch_health", labels, !strcmp(states[i], now));
	}
	metrics_set(m, "bmcwatch_blind_spots", "", (double)blind_spots);
}
