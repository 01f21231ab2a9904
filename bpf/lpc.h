/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by lpc.bpf.c and its loader userspace/monitors/lpc.c. */
#ifndef BMCW_LPC_H
#define BMCW_LPC_H

#define LPC_MAX_RANGES		16	/* watched I/O port ranges */
#define LPC_RINGBUF_BYTES	(256 * 1024)	/* ~3000 port records */

/* A watched range of I/O ports, both ends included. */
struct lpc_range {
	__u16 lo;
	__u16 hi;
};

/* Indexes of the per-CPU stats array. */
enum lpc_stat {
	LPC_STAT_PORT_SEEN	= 0,	/* every grant and /dev/port transfer */
	LPC_STAT_PORT_WATCHED	= 1,	/* ... touching a watched range */
	LPC_STAT_MMIO_SEEN	= 2,
	LPC_STAT_MMIO_BMC	= 3,	/* ... of a BMC function */
	LPC_STAT_RB_FULL	= 4,
	LPC_STAT_READ_FAIL	= 5,
	LPC_STAT_RB_SENT	= 6,
	LPC_STAT_MAX		= 8,
};

#endif /* BMCW_LPC_H */
