// SPDX-License-Identifier: GPL-2.0
/* Who may have sent an interrupt or an NMI: see msi_senders.h. */
#include <string.h>

#include <linux/bmcwatch.h>

#include "cpu_apicid.h"
#include "msi_senders.h"

#define MSI_TABLE	BMCW_DEBUGFS_DIR "/msi"
#define INVENTORY	BMCW_DEBUGFS_DIR "/inventory"

void msi_senders_match(const struct msi_row *rows, int n, uint32_t apicid,
		       int vector, const struct dma_inv *inv,
		       struct msi_senders *who)
{
	memset(who, 0, sizeof(*who));
	who->looked = true;
	for (int i = 0; i < n; i++) {
		const struct msi_row *r = &rows[i];
		const struct dma_fn *fn;
		struct msi_sender *s;

		who->msix += r->msix;
		if (vector == MSI_SENT_NMI ? !msi_may_nmi(r, apicid) :
		    !msi_may_ring(r, apicid, vector))
			continue;
		if (who->n++ >= MSI_SENDERS_MAX)
			continue;
		s = &who->s[who->n - 1];
		memcpy(s->bdf, r->bdf, sizeof(s->bdf));	/* both BDF_STR_MAX */
		s->by_kernel = r->kernel;
		fn = inv ? dma_inv_find(inv, r->bdf) : NULL;
		if (fn) {
			s->vendor = fn->vendor;
			s->device = fn->device;
			s->fn_flags = fn->flags;
		}
	}
}

int msi_senders_read(struct msi_row *rows)
{
	return msi_tab_read(MSI_TABLE, rows, MSI_TABLE_ROWS);
}

void msi_senders_for_cpu(const struct msi_row *rows, int n, unsigned int cpu,
			 int vector, const struct dma_inv *inv,
			 struct msi_senders *who)
{
	struct dma_inv own = { 0 };
	uint32_t apicid;
	char err[128];

	memset(who, 0, sizeof(*who));
	if (n < 0)
		return;
	/* an unknown APIC ID: every function aiming there is a candidate */
	if (cpu_apicid(cpu, &apicid))
		apicid = MSI_ANY_CPU;
	if (!inv && !dma_inv_read(INVENTORY, &own, err, sizeof(err)))
		inv = &own;
	msi_senders_match(rows, n, apicid, vector, inv, who);
	dma_inv_free(&own);
}

void msi_senders_find(unsigned int cpu, int vector, const struct dma_inv *inv,
		      struct msi_senders *who)
{
	static struct msi_row rows[MSI_TABLE_ROWS];

	msi_senders_for_cpu(rows, msi_senders_read(rows), cpu, vector, inv, who);
}
