/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a fleet compares hosts by, and the daemon's own verdict on itself,
 * as metrics:
 *
 *   bmcwatch_info{version,host,vendor,model,inventory_fingerprint,bmc_identity} 1
 *   bmcwatch_health{state="healthy"|"degraded"|"down"}  1 for the current state
 *   bmcwatch_blind_spots                                  how many
 *
 * vendor and model are the system's DMI sys_vendor and product_name (the
 * hardware model peers are grouped by), inventory_fingerprint bmcwatch.ko's
 * host fingerprint of the PCI inventory (16 hex digits), bmc_identity the
 * BMC's Get Device ID answer in hex (device, revision, firmware, IPMI
 * version, manufacturer, product: no serial number or GUID, so that hosts
 * of one model and firmware answer alike). Each is "unknown" until known.
 * The fleet's alerting rules (packaging/prometheus) flag a host whose
 * fingerprint or BMC identity differs from most of its model's.
 */
#ifndef BMCW_HOST_INFO_H
#define BMCW_HOST_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metrics;

#define HOST_INFO_DMI_DIR	"/sys/class/dmi/id"
/* at most this many bytes of a DMI string or host name in a label */
#define HOST_INFO_LABEL_MAX	96
#define HOST_INFO_ID_MAX	16	/* bytes of BMC identity kept */

struct host_info {
	char vendor[HOST_INFO_LABEL_MAX + 1];	/* raw, "" if unknown */
	char model[HOST_INFO_LABEL_MAX + 1];
	char inventory_fp[17];			/* 16 hex digits, "" if unknown */
	char bmc_identity[2 * HOST_INFO_ID_MAX + 1];	/* hex, "" if unknown */
};

/*
 * sys_vendor and product_name of DIR (NULL: HOST_INFO_DMI_DIR). A file
 * that is missing or unreadable (no DMI: some ARM servers, containers)
 * leaves its field empty. Returns how many of the two were read.
 */
int host_info_read_dmi(struct host_info *hi, const char *dir);
void host_info_set_fingerprint(struct host_info *hi, uint64_t fp);
void host_info_set_bmc_identity(struct host_info *hi, const uint8_t *b, size_t len);

/* The labels of bmcwatch_info, escaped; -1 if they did not fit. */
int host_info_labels(const struct host_info *hi, const char *version,
		     const char *hostname, char *buf, size_t len);

/* "down" unless watching, else "degraded" with a blind spot, else "healthy". */
const char *host_health_state(bool watching, size_t blind_spots);

/* Declare the families once (HELP, TYPE). */
void host_info_declare(struct metrics *m);
/* Set bmcwatch_info (replacing the last one if anything changed). */
int host_info_export(struct metrics *m, const struct host_info *hi,
		     const char *version, const char *hostname);
/* Set bmcwatch_health (all three states) and bmcwatch_blind_spots. */
void host_health_export(struct metrics *m, bool watching, size_t blind_spots);

#endif /* BMCW_HOST_INFO_H */
