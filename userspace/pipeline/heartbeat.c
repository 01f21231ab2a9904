/* SPDX-License-Identifier: GPL-2.0 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "heartbeat.h"
#include "pipeline.h"

void heartbeat_init(struct heartbeat *hb, unsigned int minutes, uint64_t now_ns)
{
	char fp[sizeof(hb->fingerprint)];

	memcpy(fp, hb->fingerprint, sizeof(fp));	/* survives a reload */
	memset(hb, 0, sizeof(*hb));
	memcpy(hb->fingerprint, fp, sizeof(fp));
	hb->period_ns = (uint64_t)minutes * 60 * 1000000000ull;
	hb->next_ns = now_ns + hb->period_ns;
}

void heartbeat_set_fingerprint(struct heartbeat *hb, const char *fingerprint)
{
	snprintf(hb->fingerprint, sizeof(hb->fingerprint), "%s", fingerprint);
}

int heartbeat_tick(struct heartbeat *hb, struct pipeline *p, uint64_t now_ns)
{
	struct bmcw_alert a = { .rule = "health.heartbeat" };

	if (!hb->period_ns || now_ns < hb->next_ns)
		return 0;
	/* After a long stall, one heartbeat, not a burst of missed ones. */
	while (hb->next_ns <= now_ns)
		hb->next_ns += hb->period_ns;
	hb->sent++;
	snprintf(a.message, sizeof(a.message), "bmcwatch alive, inventory %s",
		 hb->fingerprint[0] ? hb->fingerprint : "unknown");
	alert_add_extra(&a, "fingerprint", "%s",
			hb->fingerprint[0] ? hb->fingerprint : "unknown");
	alert_add_extra(&a, "heartbeat", "%" PRIu64, hb->sent);
	pipeline_submit(p, &a);
	return 1;
}
