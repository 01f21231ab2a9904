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
