/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules of the BMC's USB network interface (the Redfish Host Interface):
 * from a connection opened across it to the alert it deserves. Pure
 * functions, no I/O.
 */
#ifndef BMCW_USBNET_RULES_H
#define BMCW_USBNET_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

/* The interface a connection came over, as the loader knows it. */
struct usbnet_iface {
	unsigned int ifindex;
	char ifname[16];
	char usb_name[16];		/* the BMC's USB device: "1-1" */
	uint16_t vendor, product;
};

/* A connection opened across it (bpf/usbnet.h's record, decoded). */
struct usbnet_conn_info {
	bool by_bmc;			/* else by the host */
	bool ipv6;
	uint8_t proto;			/* IPPROTO_* */
	uint8_t host_addr[16], bmc_addr[16];
	uint16_t host_port, bmc_port;
	uint32_t tgid;			/* host TCP connects: the process */
	char comm[16];
	char exe[256];			/* the loader's reading, or "" */
};

/* "tcp", "udp", "icmp", "ipv6-icmp" or "proto N" */
const char *usbnet_proto_name(uint8_t proto, char *buf, size_t len);
/* "169.254.95.2:22", "[fe80::1]:443", or the address alone without ports */
void usbnet_endpoint(const struct usbnet_conn_info *c, bool bmc, char *buf,
		     size_t len);

/* 0 or 1 alert; @ifc is the interface. */
int usbnet_rules_conn(const struct usbnet_conn_info *c,
		      const struct usbnet_iface *ifc, struct bmcw_alert *out);

#endif /* BMCW_USBNET_RULES_H */
