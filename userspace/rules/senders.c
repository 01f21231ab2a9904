// SPDX-License-Identifier: GPL-2.0
/* Roles and senders in alert texts: see senders.h. */
#include <stdio.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "senders.h"

const char *fn_role(uint32_t flags)
{
	if (flags & BMCW_FN_BMC)
		return "BMC function";
	if (flags & BMCW_FN_BMC_ALIAS)
		return "DMA alias of a BMC function";
	if (flags & BMCW_FN_BMC_UPSTREAM)
		return "bridge above a BMC function";
	return "PCI function";
}

void alert_name_senders(struct bmcw_alert *al, const struct msi_senders *who,
			const char *aims, const char *none,
			const char *unknown)
{
	size_t n = strlen(al->message);
	char list[96] = "";
	size_t l = 0;

	if (!who || !who->looked) {
		alert_add_extra(al, "sender", "unknown (the module's MSI table was not readable)");
		return;
	}
	if (who->n == 1) {
		const struct msi_sender *s = &who->s[0];

		al->subject.has_device = 1;
		snprintf(al->subject.bdf, sizeof(al->subject.bdf), "%.15s", s->bdf);
		al->subject.vendor = s->vendor;
		al->subject.device = s->device;
		al->subject.fn_flags = s->fn_flags;
		snprintf(al->message + n, sizeof(al->message) - n,
			 "; rung by %s %s (%04x:%04x), whose MSI %s%s",
			 fn_role(s->fn_flags), s->bdf, s->vendor, s->device, aims,
			 s->by_kernel ? "" : ", enabled behind the kernel's back");
		alert_add_extra(al, "sender", "%s", s->bdf);
		alert_add_extra(al, "attributed_by", "msi capability");
		return;
	}
	for (unsigned int i = 0; i < who->n && i < MSI_SENDERS_MAX; i++)
		l += snprintf(list + l, l < sizeof(list) ? sizeof(list) - l : 0,
			      "%s%s", i ? "," : "", who->s[i].bdf);
	if (who->n > 1) {
		snprintf(al->message + n, sizeof(al->message) - n,
			 "; %u functions' MSI %s: %s%s", who->n, aims, list,
			 who->n > MSI_SENDERS_MAX ? ",..." : "");
		alert_add_extra(al, "candidates", "%s%s", list,
				who->n > MSI_SENDERS_MAX ? ",..." : "");
		alert_add_extra(al, "attributed_by", "msi capability");
		return;
	}
	snprintf(al->message + n, sizeof(al->message) - n,
		 "; no function's MSI %s%s", none,
		 who->msix ? " (MSI-X tables are not read)" : "");
	alert_add_extra(al, "sender", "%s", unknown);
	if (who->msix)
		alert_add_extra(al, "msix_functions", "%u", who->msix);
}
