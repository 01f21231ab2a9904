// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the BMC USB network watch. Two tc programs sit on the
 * ingress and egress of each network interface a BMC's USB device
 * presents (the Redfish Host Interface): every packet is counted per flow,
 * direction and who opened the flow, in a per-CPU map the daemon sweeps.
 * Who opened a flow: for TCP the side that sent the SYN, for other IP
 * protocols the side that sent its first packet, remembered in an LRU
 * table. A flow opened is rare: one record goes through the ring buffer.
 * Host-initiated TCP connections are taken where the connecting process
 * is current (fentry on tcp_connect, for the BMC's interfaces only), so
 * the record names it; tc runs where no process is.
 * Every failure to count or send is counted. Packets always pass.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "usbnet.h"
#include "bmcw.bpf.h"

#define TC_PASS		0	/* TC_ACT_OK */
#define ETH_HLEN_	14
#define ETH_P_IP_	0x0800
#define ETH_P_IPV6_	0x86dd
#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define TCP_SYN		0x02
#define TCP_ACK		0x10
#define AF_INET_	2
#define AF_INET6_	10

/* Set by the loader once the tcp_connect hook is attached. */
volatile __u32 connect_hook_on;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, USBNET_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} usbnet_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, USBNET_FLOW_KEYS);
	__type(key, struct usbnet_flow_key);
	__type(value, __u64);
} usbnet_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, USBNET_CONNS);
	__type(key, struct usbnet_flow);
	__type(value, struct usbnet_conn_state);
} usbnet_conns SEC(".maps");

/* The BMC's interfaces (ifindex -> 1), kept by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, USBNET_IFACES);
	__type(key, __u32);
	__type(value, __u8);
} usbnet_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, USBNET_RINGBUF_BYTES);
} usbnet_events SEC(".maps");

static __always_inline void send_conn(const struct usbnet_flow *f, __u8 by,
				      __u8 tcp_flags, bool with_task)
{
	struct usbnet_conn *c;

	c = bpf_ringbuf_reserve(&usbnet_events, sizeof(*c), 0);
	if (!c) {
		bmcw_stat_inc(&usbnet_stats, USBNET_STAT_RB_FULL);
		return;
	}
	__builtin_memset(c, 0, sizeof(*c));
	c->ts_ns = bpf_ktime_get_ns();
	c->f = *f;
	c->initiator = by;
	c->tcp_flags = tcp_flags;
	if (with_task) {
		c->tgid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(c->comm, sizeof(c->comm));
	}
	bpf_ringbuf_submit(c, 0);
	bmcw_stat_inc(&usbnet_stats, USBNET_STAT_RB_SENT);
}

static __always_inline void count(struct usbnet_flow_key *k, __u8 kind,
				  __u64 n)
{
	k->kind = kind;
	bmcw_count(&usbnet_flows, k, n, &usbnet_stats, USBNET_STAT_MAP_FULL);
}

/*
 * Who opened the flow of this packet, learning it when the packet opens
 * one. @syn: a TCP SYN without ACK; @opens: a packet that opens a flow
 * when none is known (not TCP: TCP flows open only with a SYN).
 */
static __always_inline __u8 initiator(const struct usbnet_flow *f, __u8 dir,
				      bool syn, bool opens, bool multicast,
				      __u8 tcp_flags)
{
	__u8 by = dir == USBNET_FROM_BMC ? USBNET_BY_BMC : USBNET_BY_HOST;
	struct usbnet_conn_state *s, st = {};

	s = bpf_map_lookup_elem(&usbnet_conns, f);
	if (s && !(syn && s->initiator != by))
		return s->initiator;	/* known, or a SYN sent again */
	if (!syn && !opens)
		return USBNET_BY_UNKNOWN;
	st.first_ns = bpf_ktime_get_ns();
	st.initiator = by;
	bpf_map_update_elem(&usbnet_conns, f, &st, BPF_ANY);
	/*
	 * A host connect() was recorded with its process by the tcp_connect
	 * hook; frames to a group (ARP, mDNS, DHCP offers) open nothing worth
	 * a record, they are counted.
	 */
	if (!multicast && !(syn && by == USBNET_BY_HOST && connect_hook_on))
		send_conn(f, by, tcp_flags, false);
	return by;
}

static __always_inline void watch(struct __sk_buff *skb, __u8 dir)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct usbnet_flow_key k = {};
	struct usbnet_flow *f = &k.f;
	__u8 *eth = data, *l4 = 0, *host, *bmc;
	bool syn = false, opens = false, multicast;
	__u8 tcp_flags = 0;

	bmcw_stat_inc(&usbnet_stats, USBNET_STAT_PACKETS);
	f->ifindex = skb->ifindex;
	k.dir = dir;
	if (data + ETH_HLEN_ > end) {
		bmcw_stat_inc(&usbnet_stats, USBNET_STAT_UNPARSED);
		goto counted;
	}
	f->ethertype = (eth[12] << 8) | eth[13];
	multicast = eth[0] & 1;		/* group bit of the destination */
	if (f->ethertype == ETH_P_IP_) {
		struct iphdr *ip = data + ETH_HLEN_;

		if ((void *)(ip + 1) > end) {
			bmcw_stat_inc(&usbnet_stats, USBNET_STAT_UNPARSED);
			goto counted;
		}
		f->proto = ip->protocol;
		host = dir == USBNET_FROM_BMC ? (__u8 *)&ip->daddr : (__u8 *)&ip->saddr;
		bmc = dir == USBNET_FROM_BMC ? (__u8 *)&ip->saddr : (__u8 *)&ip->daddr;
		__builtin_memcpy(f->host_addr, host, 4);
		__builtin_memcpy(f->bmc_addr, bmc, 4);
		/* ports only in the first fragment */
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			l4 = (__u8 *)ip + ip->ihl * 4;
	} else if (f->ethertype == ETH_P_IPV6_) {
		struct ipv6hdr *ip6 = data + ETH_HLEN_;

		if ((void *)(ip6 + 1) > end) {
			bmcw_stat_inc(&usbnet_stats, USBNET_STAT_UNPARSED);
			goto counted;
		}
		/* extension headers are not walked: their flows have no ports */
		f->proto = ip6->nexthdr;
		host = dir == USBNET_FROM_BMC ? (__u8 *)&ip6->daddr : (__u8 *)&ip6->saddr;
		bmc = dir == USBNET_FROM_BMC ? (__u8 *)&ip6->saddr : (__u8 *)&ip6->daddr;
		__builtin_memcpy(f->host_addr, host, 16);
		__builtin_memcpy(f->bmc_addr, bmc, 16);
		l4 = (__u8 *)(ip6 + 1);
	} else {
		goto counted;		/* ARP and the like: counted by ethertype */
	}
	opens = f->proto != PROTO_TCP;
	if (l4 && (f->proto == PROTO_TCP || f->proto == PROTO_UDP)) {
		__u16 sport, dport;

		if (l4 + 14 > (__u8 *)end) {
			/* a UDP header is 8 bytes: look no further than it */
			if (f->proto == PROTO_TCP || l4 + 8 > (__u8 *)end) {
				bmcw_stat_inc(&usbnet_stats, USBNET_STAT_UNPARSED);
				goto decided;
			}
		} else if (f->proto == PROTO_TCP) {
			tcp_flags = l4[13];
			syn = (tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
		}
		sport = (l4[0] << 8) | l4[1];
		dport = (l4[2] << 8) | l4[3];
		f->host_port = dir == USBNET_FROM_BMC ? dport : sport;
		f->bmc_port = dir == USBNET_FROM_BMC ? sport : dport;
	}
decided:
	k.initiator = initiator(f, dir, syn, opens, multicast, tcp_flags);
counted:
	count(&k, USBNET_PACKETS, 1);
	count(&k, USBNET_BYTES, skb->len);
}

SEC("tc")
int usbnet_ingress(struct __sk_buff *skb)
{
	watch(skb, USBNET_FROM_BMC);
	return TC_PASS;
}

SEC("tc")
int usbnet_egress(struct __sk_buff *skb)
{
	watch(skb, USBNET_TO_BMC);
	return TC_PASS;
}

/*
 * A host process connecting over one of the BMC's interfaces: the route
 * is chosen (sk_dst_cache) before tcp_connect() sends the SYN, in the
 * process's own context.
 */
SEC("fentry/tcp_connect")
int BPF_PROG(usbnet_connect, struct sock *sk)
{
	struct usbnet_flow f = {};
	__u32 ifindex;
	__u16 family;

	ifindex = BPF_CORE_READ(sk, sk_dst_cache, dev, ifindex);
	if (!bpf_map_lookup_elem(&usbnet_ifaces, &ifindex))
		return 0;
	bmcw_stat_inc(&usbnet_stats, USBNET_STAT_CONNECTS);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	f.ifindex = ifindex;
	f.proto = PROTO_TCP;
	f.host_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	f.bmc_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET_) {
		f.ethertype = ETH_P_IP_;
		bpf_core_read(f.host_addr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(f.bmc_addr, 4, &sk->__sk_common.skc_daddr);
	} else if (family == AF_INET6_) {
		f.ethertype = ETH_P_IPV6_;
		bpf_core_read(f.host_addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(f.bmc_addr, 16, &sk->__sk_common.skc_v6_daddr);
	} else {
		return 0;
	}
	send_conn(&f, USBNET_BY_HOST, TCP_SYN, true);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
