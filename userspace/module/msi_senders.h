/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions that may have sent an interrupt no handler owns, or an
 * NMI no handler claims: those whose MSI capability, as the module's MSI
 * table shows it now (msi_tab.h), aims at that vector (or delivers NMIs)
 * on that CPU, with their IDs and BMC role from the module's inventory.
 */
#ifndef BMCW_MSI_SENDERS_H
#define BMCW_MSI_SENDERS_H

#include <stdbool.h>
#include <stdint.h>

#include "bdf.h"
#include "dma_inv.h"
#include "msi_tab.h"

#define MSI_SENDERS_MAX	4
#define MSI_SENT_NMI	(-1)	/* for @vector: an NMI, not a vector */

struct msi_sender {
	char bdf[BDF_STR_MAX];
	uint16_t vendor, device;
	uint32_t fn_flags;		/* BMCW_FN_*; 0 when not in the inventory */
	bool by_kernel;			/* its MSI was enabled by the kernel */
};

struct msi_senders {
	bool looked;			/* the MSI table was read */
	unsigned int n;			/* candidates (beyond the first few too) */
	struct msi_sender s[MSI_SENDERS_MAX];
	unsigned int msix;		/* functions with MSI-X on (tables not read) */
};

/*
 * Pure: the rows of @rows (@n) whose MSI may have sent @vector (or
 * MSI_SENT_NMI) to the CPU with APIC ID @apicid (MSI_ANY_CPU: any), named
 * from @inv (NULL: BDFs only).
 */
void msi_senders_match(const struct msi_row *rows, int n, uint32_t apicid,
		       int vector, const struct dma_inv *inv,
		       struct msi_senders *who);
#define MSI_TABLE_ROWS	1024
/* The module's MSI table now into @rows (MSI_TABLE_ROWS): rows, or -1. */
int msi_senders_read(struct msi_row *rows);
/*
 * @rows (@n; -1: the table was not readable) matched for CPU @cpu, its
 * APIC ID read now; @inv NULL: the module's inventory is read for names.
 */
void msi_senders_for_cpu(const struct msi_row *rows, int n, unsigned int cpu,
			 int vector, const struct dma_inv *inv,
			 struct msi_senders *who);
/* Both, for one alert. */
void msi_senders_find(unsigned int cpu, int vector, const struct dma_inv *inv,
		      struct msi_senders *who);

#endif /* BMCW_MSI_SENDERS_H */
