/* SPDX-License-Identifier: GPL-2.0 */
/* Small facts about devices and processes read from sysfs and procfs. */
#ifndef BMCW_SYSFS_PCI_H
#define BMCW_SYSFS_PCI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* First line of a small file (sysfs, procfs), newline cut; 0 or -errno. */
int read_line_file(const char *path, char *buf, size_t len);

/* Vendor and device id of @bdf from sysfs (no config access); 0 if gone. */
int sysfs_pci_ids(const char *bdf, uint16_t *vendor, uint16_t *device);
/* Executable of @pid, "" if it exited or cannot be read. */
int proc_exe(pid_t pid, char *buf, size_t len);

#endif /* BMCW_SYSFS_PCI_H */
