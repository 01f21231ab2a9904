// SPDX-License-Identifier: GPL-2.0
/* The kernel lockdown state, as securityfs tells it. */
#include <stdio.h>
#include <string.h>

#include "lockdown.h"

int lockdown_parse(const char *text, char *buf, size_t len)
{
	const char *open = strchr(text, '['), *close;

	if (open) {
		close = strchr(open, ']');
		if (!close)
			return -1;
		snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
	} else {
		snprintf(buf, len, "%.*s", (int)strcspn(text, " \n"), text);
	}
	return buf[0] ? 0 : -1;
}

static int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, len, f))
		ret = 0;
	fclose(f);
	return ret;
}

/*
 * securityfs only: asking the LSM (bmcwatch.ko's retired sysfs file did)
 * makes it log a "Lockdown: ... is restricted" line each time it refuses,
 * a kernel log line per status write on a Secure Boot host.
 */
const char *lockdown_state(char *buf, size_t len)
{
	char line[128];

	if (read_first_line(LOCKDOWN_PATH, line, sizeof(line))) {
		snprintf(buf, len, "unknown (securityfs not mounted)");
		return buf;
	}
	if (lockdown_parse(line, buf, len))
		snprintf(buf, len, "unknown");
	return buf;
}
