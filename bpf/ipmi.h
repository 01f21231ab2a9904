/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by ipmi.bpf.c and its loader userspace/monitors/ipmi.c. */
#ifndef BMCW_IPMI_BPF_H
#define BMCW_IPMI_BPF_H

/* netfn x cmd x cc x dir x origin x kind actually seen: a few hundred */
#define IPMI_MAX_KEYS		8192
#define IPMI_RINGBUF_BYTES	(256 * 1024)

/* ipmi_sensitive_cmds: one entry per netfn pair (request and response) */
#define IPMI_NETFNS		32
struct ipmi_cmd_bits {
	__u64 bits[4];		/* bit cmd: the policy may call it sensitive */
};

/* ipmi_identity: 0 Get Device ID, 1 Get Device GUID, 2 Get System GUID */
#define IPMI_ID_SLOTS		3
struct ipmi_id_seen {
	__u64 rsp[BMCW_IPMI_DATA / 8];
	__u16 len;
	__u8 valid;
	__u8 pad[5];
};

/* Indexes of the IPMI per-CPU stats array. */
enum ipmi_stat {
	IPMI_STAT_SEEN		= 0,
	IPMI_STAT_MAP_FULL	= 1,	/* counter key could not be added */
	IPMI_STAT_RB_FULL	= 2,	/* ring buffer reservation failed */
	IPMI_STAT_READ_FAIL	= 3,	/* bpf_probe_read_kernel failed */
	IPMI_STAT_RB_SENT	= 4,
	IPMI_STAT_ATTN		= 5,	/* attentions seen (drift check) */
	IPMI_STAT_MAX		= 8,
};

/* IPMI 2.0 netfns and App commands the fast path must recognise. */
#define IPMI_NETFN_CHASSIS	0x00
#define IPMI_NETFN_APP		0x06
#define IPMI_NETFN_FIRMWARE	0x08
#define IPMI_NETFN_TRANSPORT	0x0c
#define IPMI_NETFN_GROUP	0x2c
#define IPMI_NETFN_OEM_GROUP	0x2e
#define IPMI_NETFN_OEM_FIRST	0x30
#define IPMI_CMD_GET_DEVICE_ID	0x01
#define IPMI_CMD_GET_DEVICE_GUID 0x08
#define IPMI_CMD_SET_WATCHDOG	0x24
#define IPMI_CMD_GET_MSG_FLAGS	0x31
#define IPMI_CMD_GET_MSG	0x33
#define IPMI_CMD_SEND_MSG	0x34
#define IPMI_CMD_READ_EVENT	0x35
#define IPMI_CMD_GET_SYSTEM_GUID 0x37
#define IPMI_CMD_SET_GLOBAL_ENABLES 0x2e
#define IPMI_CMD_GET_GLOBAL_ENABLES 0x2f
/* completion code "node busy / initialisation in progress" (IPMI 2.0 5.2) */
#define IPMI_CC_INIT_IN_PROGRESS 0xd2

#endif /* BMCW_IPMI_BPF_H */
