// SPDX-License-Identifier: GPL-2.0
/* The module's MSI table: see msi_tab.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "msi_tab.h"
#include "table_rows.h"

#define MSI_WINDOW		0xfeeULL	/* address bits 31:20 */
#define MSI_ADDR_REMAPPABLE	(1U << 4)	/* VT-d: bit 4, "interrupt format" */
#define MSI_ADDR_LOGICAL	(1U << 2)
#define MSI_DELIVERY_LOWEST	1
#define MSI_DELIVERY_NMI	4

void msi_decode(uint64_t addr, uint16_t data, struct msi_target *t)
{
	memset(t, 0, sizeof(*t));
	if (addr >> 32 || ((addr >> 20) & 0xfff) != MSI_WINDOW)
		return;
	if (addr & MSI_ADDR_REMAPPABLE) {
		t->format = MSI_REMAPPABLE;
		return;
	}
	t->format = MSI_COMPAT;
	/* bits 19:12, and Linux's extended destination ID in bits 11:5 */
	t->dest = ((addr >> 12) & 0xff) | ((addr >> 5) & 0x7f) << 8;
	t->logical = addr & MSI_ADDR_LOGICAL;
	t->vector = data & 0xff;
	t->delivery = (data >> 8) & 7;
}

/* @t may reach the CPU whose APIC ID is @apicid (or MSI_ANY_CPU). */
static bool may_reach(const struct msi_target *t, uint32_t apicid)
{
	return apicid == MSI_ANY_CPU || t->logical ||
	       t->delivery == MSI_DELIVERY_LOWEST || t->dest == apicid;
}

bool msi_may_ring(const struct msi_row *r, uint32_t apicid, unsigned int vector)
{
	struct msi_target t;

	if (!r->msi)
		return false;
	msi_decode(r->addr, r->data, &t);
	/* other delivery modes (NMI, SMI, INIT...) ignore the vector field */
	if (t.format != MSI_COMPAT || t.vector != vector ||
	    t.delivery > MSI_DELIVERY_LOWEST)
		return false;
	return may_reach(&t, apicid);
}

bool msi_may_nmi(const struct msi_row *r, uint32_t apicid)
{
	struct msi_target t;

	if (!r->msi)
		return false;
	msi_decode(r->addr, r->data, &t);
	return t.format == MSI_COMPAT && t.delivery == MSI_DELIVERY_NMI &&
	       may_reach(&t, apicid);
}

static bool parse_line(const char *line, void *row)
{
	struct msi_row *r = row;
	char bdf[24], msi[32], msix[8], kernel[8], tail;
	unsigned int data;
	uint64_t addr;
	int used = 0;

	if (sscanf(line, "%23s msi=%31s msix=%7s kernel=%7s %c", bdf, msi, msix,
		   kernel, &tail) != 4 || bdf_canonical(bdf, r->bdf))
		return false;
	if (!strcmp(msi, "-")) {
		r->msi = false;
		r->addr = 0;
		r->data = 0;
	} else if (strlen(msi) == 21 &&
		   sscanf(msi, "%16" SCNx64 ":%4x%n", &addr, &data, &used) == 2 &&
		   used == 21) {
		r->msi = true;
		r->addr = addr;
		r->data = data;
	} else {
		return false;
	}
	if (strcmp(msix, "on") && strcmp(msix, "off"))
		return false;
	if (strcmp(kernel, "yes") && strcmp(kernel, "no"))
		return false;
	r->msix = !strcmp(msix, "on");
	r->kernel = !strcmp(kernel, "yes");
	return true;
}

int msi_tab_parse(const char *text, size_t len, struct msi_row *rows, int max)
{
	return table_rows_parse(text, len, rows, sizeof(*rows), max, parse_line);
}

int msi_tab_read(const char *path, struct msi_row *rows, int max)
{
	return table_rows_read(path, rows, sizeof(*rows), max, parse_line);
}
