/* SPDX-License-Identifier: GPL-2.0 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "monitor.h"

size_t monitors_start(struct bmcw_daemon *d, const struct bmcw_monitor_ops *const *table,
		      size_t n, struct monitor_slot *slots)
{
	size_t enabled = 0;

	for (size_t i = 0; i < n; i++) {
		struct monitor_slot *s = &slots[i];
		int err = 0;

		memset(s, 0, sizeof(*s));
		s->ops = table[i];
		s->fd = -1;
		if (s->ops->init)
			err = s->ops->init(d, &s->state);
		if (err) {
			struct bmcw_alert a = { .rule = "health.hook_failed" };

			snprintf(s->why, sizeof(s->why), "init failed: %s",
				 strerror(err < 0 ? -err : err));
			snprintf(a.message, sizeof(a.message), "monitor %s disabled: %s",
				 s->ops->name, s->why);
			snprintf(a.why, sizeof(a.why),
				 "what monitor %s watches is not watched on this host",
				 s->ops->name);
			snprintf(a.subject.locus, sizeof(a.subject.locus), "monitor %s",
				 s->ops->name);
			alert_add_extra(&a, "monitor", "%s", s->ops->name);
			alert_add_extra(&a, "error", "%d", err);
			pipeline_submit(d->pipeline, &a);
			bmcw_log(LOG_WARNING, "%s", a.message);
			/* What it got before failing; the daemon may start it again. */
			if (s->ops->fini && s->state)
				s->ops->fini(s->state);
			s->state = NULL;
			continue;
		}
		s->enabled = true;
		s->fd = s->ops->fd ? s->ops->fd(s->state) : -1;
		enabled++;
	}
	return enabled;
}

void monitors_stop(struct monitor_slot *slots, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (slots[i].enabled && slots[i].ops->fini)
			slots[i].ops->fini(slots[i].state);
		slots[i].enabled = false;
	}
}

void daemon_blind_spot(struct bmcw_daemon *d, const char *what, const char *err,
		       const char *unseen)
{
	size_t len = strlen(what), i;

	for (i = 0; i < d->n_spots; i++)
		if (!strncmp(d->spots[i], what, len) && d->spots[i][len] == ' ')
			break;
	if (i == DAEMON_SPOTS_MAX)
		return;
	snprintf(d->spots[i], sizeof(d->spots[i]), "%s not in place (%s): %s unseen",
		 what, err, unseen);
	if (i == d->n_spots)
		d->n_spots++;
}
