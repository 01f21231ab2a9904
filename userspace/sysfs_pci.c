// SPDX-License-Identifier: GPL-2.0
/* See sysfs_pci.h. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sysfs_pci.h"

static int read_hex(const char *bdf, const char *attr, uint16_t *out)
{
	char path[128], buf[16], *end;
	unsigned long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	v = strtoul(buf, &end, 16);
	if (end == buf || v > 0xffff)
		return -1;
	*out = v;
	return 0;
}

int sysfs_pci_ids(const char *bdf, uint16_t *vendor, uint16_t *device)
{
	*vendor = *device = 0;
	if (read_hex(bdf, "vendor", vendor) || read_hex(bdf, "device", device))
		return -1;
	return 0;
}

int proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -1;
}
