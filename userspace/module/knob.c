// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <linux/bmcwatch.h>

#include "knob.h"
#include "log.h"

/* @what names the list in the log: "[bmc] list", "[usb] list". */
int knob_write_list(const char *name, const struct strlist *l,
		    const char *what)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", BMCW_SYSFS_DIR, name);
	f = fopen(path, "we");
	if (!f) {
		err = -errno;
	} else {
		for (size_t i = 0; i < l->n; i++)
			fprintf(f, "%s%s", i ? " " : "", l->v[i]);
		fputc('\n', f);
		/* the module's verdict comes with the flush */
		if (fclose(f))
			err = -errno;
	}
	if (err)
		bmcw_log(LOG_ERR, "%s rejected the %s: %s", path, what,
			 strerror(-err));
	return err;
}
