/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rules say about a PCI function's role, and about who sent a
 * doorbell (msi_senders.h): shared by the DMA and IPMI rules.
 */
#ifndef BMCW_SENDERS_H
#define BMCW_SENDERS_H

#include <stdint.h>

#include "alert.h"
#include "msi_senders.h"

/* "BMC function", "bridge above a BMC function", ... "PCI function". */
const char *fn_role(uint32_t fn_flags);

/*
 * Append who sent it to @al: the one function (the alert's subject, "rung
 * by ROLE BDF (VVVV:DDDD), whose MSI @aims"), the candidates, or none
 * ("no function's MSI @none"), with @unknown as the sender then; how it
 * knows in extra.attributed_by. @who NULL or not looked: the table was
 * not readable, and the alert says so.
 */
void alert_name_senders(struct bmcw_alert *al, const struct msi_senders *who,
			const char *aims, const char *none,
			const char *unknown);

#endif /* BMCW_SENDERS_H */
