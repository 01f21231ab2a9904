/* SPDX-License-Identifier: GPL-2.0 */
/* PCI ids by address: read once while the function stays. */
#include <stdio.h>
#include <string.h>

#include "pci_id_cache.h"
#include "tap.h"

static int reads;
static uint16_t next_device = 0x11e8;

static int fake_read(const char *bdf, uint16_t *vendor, uint16_t *device)
{
	reads++;
	if (!strcmp(bdf, "0000:00:09.0")) {	/* gone */
		*vendor = *device = 0;
		return -1;
	}
	*vendor = 0x1234;
	*device = next_device;
	return 0;
}

int main(void)
{
	static struct pci_id_cache c = { .read = fake_read };
	uint16_t v = 0, d = 0;
	char bdf[16];

	is_int(pci_id_cache_get(&c, "0000:00:03.0", &v, &d), 0, "a present function");
	ok(v == 0x1234 && d == 0x11e8 && reads == 1, "... read once: %04x:%04x", v, d);
	for (int i = 0; i < 10; i++)
		pci_id_cache_get(&c, "0000:00:03.0", &v, &d);
	is_int(reads, 1, "ten more events: no more reads");
	ok(c.hits == 10 && c.misses == 1, "... 10 hits, 1 miss");

	is_int(pci_id_cache_get(&c, "0000:00:09.0", &v, &d), -1, "a function gone: -1");
	pci_id_cache_get(&c, "0000:00:09.0", &v, &d);
	is_int(reads, 3, "... not kept: asked again each time");

	next_device = 0x0010;
	pci_id_cache_forget(&c, "0000:00:03.0");
	pci_id_cache_get(&c, "0000:00:03.0", &v, &d);
	ok(d == 0x0010 && reads == 4, "forgotten (added, removed, changed): read again, the new device %04x", d);

	for (int i = 0; i < PCI_ID_CACHE_SLOTS + 8; i++) {
		snprintf(bdf, sizeof(bdf), "0000:%02x:00.0", i + 1);
		pci_id_cache_get(&c, bdf, &v, &d);
	}
	ok(c.n == PCI_ID_CACHE_SLOTS, "full: %u slots, the oldest replaced", c.n);
	reads = 0;
	pci_id_cache_get(&c, bdf, &v, &d);
	is_int(reads, 0, "... the newest still cached");
	return tap_done();
}
