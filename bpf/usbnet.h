/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by usbnet.bpf.c and its loader userspace/monitors/usbnet.c: the
 * traffic on a BMC's USB network interface (the Redfish Host Interface),
 * counted per flow and direction, and the connections opened across it.
 */
#ifndef BMCW_USBNET_H
#define BMCW_USBNET_H

#define USBNET_FLOW_KEYS	4096	/* flows x direction x initiator x kind */
#define USBNET_CONNS		4096	/* connections remembered (LRU) */
#define USBNET_IFACES		16	/* BMC network interfaces watched */
#define USBNET_RINGBUF_BYTES	(64 * 1024)	/* ~600 connection records */

/* Which way a packet went. */
enum usbnet_dir {
	USBNET_FROM_BMC	= 0,	/* ingress on the BMC's interface */
	USBNET_TO_BMC	= 1,	/* egress */
};

/* Who opened the flow a packet belongs to. */
enum usbnet_initiator {
	USBNET_BY_UNKNOWN = 0,	/* opened before the program was attached */
	USBNET_BY_HOST	= 1,
	USBNET_BY_BMC	= 2,
};

/* What a counter of the per-CPU flow map counts. */
enum usbnet_kind {
	USBNET_PACKETS	= 0,
	USBNET_BYTES	= 1,
};

/*
 * One flow seen from the host: the BMC's end and the host's end, whatever
 * the direction of the packet. Addresses are IPv4 (first 4 bytes) or IPv6
 * by ethertype; ports are host order, 0 for protocols without them.
 * Frames that are not IP count under their ethertype alone.
 */
struct usbnet_flow {
	__u32 ifindex;
	__u16 ethertype;	/* 0x0800, 0x86dd, or the frame's own */
	__u8 proto;		/* IPPROTO_TCP, _UDP, _ICMP, ... */
	__u8 pad;
	__u16 host_port;
	__u16 bmc_port;
	__u8 host_addr[16];
	__u8 bmc_addr[16];
};

/* Key of the per-CPU flow counters. */
struct usbnet_flow_key {
	struct usbnet_flow f;
	__u8 dir;		/* enum usbnet_dir */
	__u8 initiator;		/* enum usbnet_initiator */
	__u8 kind;		/* enum usbnet_kind */
	__u8 pad[5];
};

/* A connection opened across the interface (ring buffer record). */
struct usbnet_conn {
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	struct usbnet_flow f;
	__u8 initiator;		/* USBNET_BY_HOST or USBNET_BY_BMC */
	__u8 tcp_flags;		/* of the opening segment (SYN) */
	__u8 pad[2];
	__u32 tgid;		/* host-initiated TCP: the connecting process */
	char comm[16];
};

/* What the connection table holds of a flow. */
struct usbnet_conn_state {
	__u64 first_ns;
	__u8 initiator;
	__u8 pad[7];
};

/* Indexes of the per-CPU stats array. */
enum usbnet_stat {
	USBNET_STAT_PACKETS	= 0,	/* every packet the programs saw */
	USBNET_STAT_MAP_FULL	= 1,	/* a flow counter could not be added */
	USBNET_STAT_RB_FULL	= 2,
	USBNET_STAT_RB_SENT	= 3,
	USBNET_STAT_UNPARSED	= 4,	/* headers beyond the linear data */
	USBNET_STAT_CONNECTS	= 5,	/* host connects seen (any interface) */
	USBNET_STAT_MAX		= 8,
};

#endif /* BMCW_USBNET_H */
