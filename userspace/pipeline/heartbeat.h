/* SPDX-License-Identifier: GPL-2.0 */
/*
 * health.heartbeat every N minutes, so that silence in the SIEM means a dead
 * or blinded daemon. It carries the host inventory fingerprint, which the
 * daemon's loop reads from bmcwatch.ko's inventory every minute (loop.c).
 */
#ifndef BMCW_HEARTBEAT_H
#define BMCW_HEARTBEAT_H

#include <stdint.h>

struct pipeline;

struct heartbeat {
	uint64_t period_ns;		/* 0 = off */
	uint64_t next_ns;
	uint64_t sent;
	char fingerprint[128];
};

void heartbeat_init(struct heartbeat *hb, unsigned int minutes, uint64_t now_ns);
void heartbeat_set_fingerprint(struct heartbeat *hb, const char *fingerprint);
/* Emits a heartbeat if one is due; returns 1 if it did. */
int heartbeat_tick(struct heartbeat *hb, struct pipeline *p, uint64_t now_ns);

#endif /* BMCW_HEARTBEAT_H */
