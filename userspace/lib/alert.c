/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers around struct bmcw_alert and severities. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"

static const char *const severity_names[BMCW_SEV_COUNT] = {
	[BMCW_SEV_INFO]		= "info",
	[BMCW_SEV_NOTICE]	= "notice",
	[BMCW_SEV_WARNING]	= "warning",
	[BMCW_SEV_CRITICAL]	= "critical",
};

const char *severity_name(enum bmcw_severity sev)
{
	if ((unsigned int)sev >= BMCW_SEV_COUNT)
		return "unknown";
	return severity_names[sev];
}

int severity_parse(const char *name, enum bmcw_severity *sev)
{
	for (int i = 0; i < BMCW_SEV_COUNT; i++) {
		if (!strcmp(name, severity_names[i])) {
			*sev = i;
			return 0;
		}
	}
	return -1;
}

int alert_add_extra(struct bmcw_alert *a, const char *key, const char *fmt, ...)
{
	struct bmcw_kv *kv;
	va_list ap;

	if (a->n_extra >= BMCW_ALERT_MAX_EXTRA)
		return -1;
	kv = &a->extra[a->n_extra++];
	snprintf(kv->key, sizeof(kv->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(kv->value, sizeof(kv->value), fmt, ap);
	va_end(ap);
	return 0;
}

static const char *const time_src_names[BMCW_TIME_SRC_COUNT] = {
	[BMCW_TIME_DAEMON]	= "daemon",
	[BMCW_TIME_WINDOW]	= "window",
	[BMCW_TIME_EVENT]	= "event",
};

const char *time_src_name(enum bmcw_time_src src)
{
	if ((unsigned int)src >= BMCW_TIME_SRC_COUNT)
		return "unknown";
	return time_src_names[src];
}

void alert_set_time(struct bmcw_alert *a, enum bmcw_time_src src,
		    uint64_t first_ns, uint64_t last_ns)
{
	a->time_src = src;
	a->first_ns = first_ns;
	a->last_ns = last_ns;
}
