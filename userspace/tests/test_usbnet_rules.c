/* SPDX-License-Identifier: GPL-2.0 */
/* Rules of the BMC's USB network interface: who opened a connection. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "usbnet_rules.h"
#include "tap.h"

static const char *extra(const struct bmcw_alert *a, const char *key)
{
	for (unsigned int i = 0; i < a->n_extra; i++)
		if (!strcmp(a->extra[i].key, key))
			return a->extra[i].value;
	return "";
}

static const struct usbnet_iface ifc = {
	.ifindex = 3, .ifname = "usb0", .usb_name = "1-1",
	.vendor = 0x0525, .product = 0xa4a2,
};

static struct usbnet_conn_info v4(bool by_bmc, uint8_t proto)
{
	struct usbnet_conn_info c = {
		.by_bmc = by_bmc, .proto = proto,
		.host_port = 22, .bmc_port = 41234,
	};

	inet_pton(AF_INET, "169.254.95.15", c.host_addr);
	inet_pton(AF_INET, "169.254.95.2", c.bmc_addr);
	return c;
}

static void bmc_initiated(void)
{
	struct usbnet_conn_info c = v4(true, IPPROTO_TCP);
	struct bmcw_alert al;

	is_int(usbnet_rules_conn(&c, &ifc, &al), 1,
	       "the BMC opening a TCP connection: one alert");
	is_str(al.rule, "usb.bmc_initiated_connection", "... usb.bmc_initiated_connection");
	is_str(al.message,
	       "the BMC at 169.254.95.2:41234 opened a TCP connection to this host's 169.254.95.15:22 over its USB network interface usb0 (USB 1-1 0525:a4a2)",
	       "... the message names both ends, the interface and the device");
	is_str(al.subject.locus, "usbnet usb0 169.254.95.2",
	       "... its locus is the BMC's address: a scan is one subject");
	is_str(extra(&al, "host_port"), "22", "... the host port reached");
	is_str(extra(&al, "bmc_endpoint"), "169.254.95.2:41234", "... the BMC's end");
	is_str(extra(&al, "protocol"), "TCP", "... the protocol");
	is_str(extra(&al, "usb_id"), "0525:a4a2", "... the BMC's USB device");
	ok(strstr(al.why, "no part of it") != NULL, "... and why it is unexpected: %s",
	   al.why);
	ok(!al.subject.has_process, "... and no process: the BMC opened it");
	is_int(rule_find(al.rule)->severity, BMCW_SEV_WARNING,
	       "... a warning by default");

	c = v4(true, IPPROTO_UDP);
	c.host_port = 161;
	usbnet_rules_conn(&c, &ifc, &al);
	is_str(al.message,
	       "the BMC at 169.254.95.2:41234 sent UDP to this host's 169.254.95.15:161 over its USB network interface usb0 (USB 1-1 0525:a4a2)",
	       "UDP from the BMC: 'sent UDP to'");

	c = v4(true, IPPROTO_ICMP);
	usbnet_rules_conn(&c, &ifc, &al);
	is_str(al.message,
	       "the BMC at 169.254.95.2 sent ICMP to this host's 169.254.95.15 over its USB network interface usb0 (USB 1-1 0525:a4a2)",
	       "ICMP: addresses without ports");
	is_str(extra(&al, "host_port"), "", "... and no host_port");

	c = v4(true, IPPROTO_TCP);
	c.ipv6 = true;
	memset(c.bmc_addr, 0, 16);
	memset(c.host_addr, 0, 16);
	inet_pton(AF_INET6, "fe80::1", c.bmc_addr);
	inet_pton(AF_INET6, "fe80::2", c.host_addr);
	usbnet_rules_conn(&c, &ifc, &al);
	is_str(extra(&al, "bmc_endpoint"), "[fe80::1]:41234", "IPv6 endpoints bracketed");
	is_str(al.subject.locus, "usbnet usb0 fe80::1", "... the locus the address alone");
}

static void host_initiated(void)
{
	struct usbnet_conn_info c = v4(false, IPPROTO_TCP);
	struct bmcw_alert al;

	c.host_port = 50000;
	c.bmc_port = 443;
	c.tgid = 1234;
	strcpy(c.comm, "curl");
	strcpy(c.exe, "/usr/bin/curl");
	is_int(usbnet_rules_conn(&c, &ifc, &al), 1, "a host process connecting: one alert");
	is_str(al.rule, "usb.host_bmc_connection", "... usb.host_bmc_connection");
	is_str(al.message,
	       "process curl (pid 1234) connected to the BMC's 169.254.95.2:443 over its USB network interface usb0 (USB 1-1 0525:a4a2)",
	       "... naming the process");
	ok(al.subject.has_process && al.subject.pid == 1234 &&
	   !strcmp(al.subject.exe, "/usr/bin/curl"), "... as the alert's subject");
	is_str(extra(&al, "host_endpoint"), "169.254.95.15:50000", "... from the host's end");
	is_int(rule_find(al.rule)->severity, BMCW_SEV_INFO, "... info by default");

	c.tgid = 0;
	c.proto = IPPROTO_UDP;
	usbnet_rules_conn(&c, &ifc, &al);
	ok(!strncmp(al.message, "the host sent to the BMC's 169.254.95.2:443", 43),
	   "no process known: 'the host': %s", al.message);
	ok(!al.subject.has_process, "... and no process subject");
}

int main(void)
{
	bmc_initiated();
	host_initiated();
	return tap_done();
}
