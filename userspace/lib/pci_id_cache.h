/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Vendor and device ids of PCI functions by address, read from sysfs once
 * while the function stays: each config event would otherwise cost two
 * file reads (eight system calls). The owner forgets an address whenever
 * the module reports its function added, removed or changed: another
 * function may come at the same address.
 */
#ifndef BMCW_PCI_ID_CACHE_H
#define BMCW_PCI_ID_CACHE_H

#include <stdint.h>

#define PCI_ID_CACHE_SLOTS	64

struct pci_id_cache {
	struct {
		char bdf[16];
		uint16_t vendor, device;
	} e[PCI_ID_CACHE_SLOTS];
	unsigned int n, next;		/* used slots; the next to replace */
	uint64_t hits, misses;
	/* sysfs_pci_ids() unless set (tests) */
	int (*read)(const char *bdf, uint16_t *vendor, uint16_t *device);
};

/* Like sysfs_pci_ids(): 0 and the ids, or -1 (0, 0) for a function gone. */
int pci_id_cache_get(struct pci_id_cache *c, const char *bdf,
		     uint16_t *vendor, uint16_t *device);
void pci_id_cache_forget(struct pci_id_cache *c, const char *bdf);

#endif /* BMCW_PCI_ID_CACHE_H */
