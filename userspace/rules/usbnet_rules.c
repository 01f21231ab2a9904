// SPDX-License-Identifier: GPL-2.0
/*
 * Rules of the BMC's USB network interface. A BMC presents it to the host
 * (the DMTF's Redfish Host Interface, DSP0270) so that host software can
 * reach the BMC's Redfish service without credentials on the network:
 * connections go from the host to the BMC. The BMC opening one to a host
 * service, or sending to one, is no part of that.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "usbnet_rules.h"

const char *usbnet_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	default:
		snprintf(buf, len, "IP protocol %u", proto);
		return buf;
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

void usbnet_endpoint(const struct usbnet_conn_info *c, bool bmc, char *buf,
		     size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const uint8_t *addr = bmc ? c->bmc_addr : c->host_addr;
	uint16_t port = bmc ? c->bmc_port : c->host_port;

	inet_ntop(c->ipv6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	if (!has_ports(c->proto))
		snprintf(buf, len, "%s", a);
	else if (c->ipv6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

/* Fields both rules carry; the locus is the BMC's address on the link. */
static void common(const struct usbnet_conn_info *c,
		   const struct usbnet_iface *ifc, const char *proto,
		   const char *bmc_ep, struct bmcw_alert *out)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(c->ipv6 ? AF_INET6 : AF_INET, c->bmc_addr, a, sizeof(a));
	snprintf(out->subject.locus, sizeof(out->subject.locus),
		 "usbnet %.15s %s", ifc->ifname, a);
	alert_add_extra(out, "usb_device", "%s", ifc->usb_name);
	alert_add_extra(out, "usb_id", "%04x:%04x", ifc->vendor, ifc->product);
	alert_add_extra(out, "interface", "%s", ifc->ifname);
	alert_add_extra(out, "protocol", "%s", proto);
	alert_add_extra(out, "bmc_endpoint", "%s", bmc_ep);
	if (has_ports(c->proto))
		alert_add_extra(out, "host_port", "%u", c->host_port);
}

int usbnet_rules_conn(const struct usbnet_conn_info *c,
		      const struct usbnet_iface *ifc, struct bmcw_alert *out)
{
	char pbuf[24], bmc_ep[56], host_ep[56], who[48], verb[32];
	const char *proto = usbnet_proto_name(c->proto, pbuf, sizeof(pbuf));

	memset(out, 0, sizeof(*out));
	usbnet_endpoint(c, true, bmc_ep, sizeof(bmc_ep));
	usbnet_endpoint(c, false, host_ep, sizeof(host_ep));
	if (c->by_bmc) {
		out->rule = "usb.bmc_initiated_connection";
		if (c->proto == IPPROTO_TCP)
			snprintf(verb, sizeof(verb), "opened a TCP connection to");
		else
			snprintf(verb, sizeof(verb), "sent %s to", proto);
		snprintf(out->message, sizeof(out->message),
			 "the BMC at %.53s %.31s this host's %.53s over its USB network interface %.15s (USB %.15s %04x:%04x)",
			 bmc_ep, verb, host_ep, ifc->ifname, ifc->usb_name,
			 ifc->vendor, ifc->product);
		snprintf(out->why, sizeof(out->why),
			 "the host interface is for host software to reach the BMC's Redfish service; the BMC opening a connection to a host service is no part of it: a BMC reaching into the host, or scanning it");
		common(c, ifc, proto, bmc_ep, out);
		return 1;
	}
	out->rule = "usb.host_bmc_connection";
	if (c->tgid) {
		out->subject.has_process = 1;
		out->subject.pid = c->tgid;
		snprintf(out->subject.comm, sizeof(out->subject.comm), "%.15s",
			 c->comm);
		snprintf(out->subject.exe, sizeof(out->subject.exe), "%s",
			 c->exe);
		snprintf(who, sizeof(who), "process %.15s (pid %u)", c->comm,
			 c->tgid);
	} else {
		snprintf(who, sizeof(who), "the host");
	}
	snprintf(out->message, sizeof(out->message),
		 "%.47s %s the BMC's %.53s over its USB network interface %.15s (USB %.15s %04x:%04x)",
		 who, c->proto == IPPROTO_TCP ? "connected to" : "sent to",
		 bmc_ep, ifc->ifname, ifc->usb_name, ifc->vendor, ifc->product);
	snprintf(out->why, sizeof(out->why),
		 "host software reaching the BMC's service (Redfish) over the host interface: recorded, so that what on the host talks to the BMC is on record");
	common(c, ifc, proto, bmc_ep, out);
	alert_add_extra(out, "host_endpoint", "%s", host_ep);
	return 1;
}
