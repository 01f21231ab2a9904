// SPDX-License-Identifier: GPL-2.0
/* PCI ids by address, cached: see pci_id_cache.h. */
#include <stdio.h>
#include <string.h>

#include "pci_id_cache.h"
#include "sysfs_pci.h"

int pci_id_cache_get(struct pci_id_cache *c, const char *bdf,
		     uint16_t *vendor, uint16_t *device)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].bdf, bdf)) {
			c->hits++;
			*vendor = c->e[i].vendor;
			*device = c->e[i].device;
			return 0;
		}
	c->misses++;
	if ((c->read ? c->read : sysfs_pci_ids)(bdf, vendor, device))
		return -1;		/* gone: nothing to keep */
	if (c->n < PCI_ID_CACHE_SLOTS) {
		i = c->n++;
	} else {
		i = c->next;
		c->next = (c->next + 1) % PCI_ID_CACHE_SLOTS;
	}
	snprintf(c->e[i].bdf, sizeof(c->e[i].bdf), "%s", bdf);
	c->e[i].vendor = *vendor;
	c->e[i].device = *device;
	return 0;
}

void pci_id_cache_forget(struct pci_id_cache *c, const char *bdf)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].bdf, bdf)) {
			c->e[i] = c->e[--c->n];
			if (c->next >= c->n)
				c->next = 0;
			return;
		}
}
