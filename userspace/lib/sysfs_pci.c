// SPDX-License-Identifier: GPL-2.0
/* See sysfs_pci.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs_pci.h"

int read_line_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

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
