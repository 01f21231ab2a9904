/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's MSI table (debugfs "msi", kmod/pcie_registers.c): the MSI
 * address and data of each function whose MSI or MSI-X is enabled, read
 * from the hardware when the table is read, and what they aim at. The
 * daemon looks there for the function that may have rung a vector no
 * handler owns. Pure but for msi_tab_read().
 */
#ifndef BMCW_MSI_TAB_H
#define BMCW_MSI_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdf.h"

struct msi_row {
	char bdf[BDF_STR_MAX];
	bool msi;		/* MSI enabled: addr and data hold its message */
	uint64_t addr;
	uint16_t data;
	bool msix;		/* MSI-X enabled: its table (in a BAR) is not read */
	bool kernel;		/* the kernel enabled it (else: behind its back) */
};

/* What an MSI message does (Intel SDM vol. 3, 11.11; VT-d 5.1.5.2). */
enum msi_format {
	MSI_NOT_INTERRUPT = 0,	/* not aimed at the interrupt window */
	MSI_REMAPPABLE,		/* an interrupt-remapping handle, no vector */
	MSI_COMPAT,		/* a vector, delivered as it is */
};

struct msi_target {
	enum msi_format format;
	uint32_t dest;		/* APIC ID, with Linux's extended bits */
	bool logical;		/* destination mode: a set of CPUs */
	uint8_t vector;
	uint8_t delivery;	/* 0 fixed, 1 lowest priority, 4 NMI, ... */
};

void msi_decode(uint64_t addr, uint16_t data, struct msi_target *t);
#define MSI_ANY_CPU	UINT32_MAX	/* an APIC ID not known */

/*
 * Whether @r's MSI can land on @vector of the CPU whose APIC ID is
 * @apicid (or MSI_ANY_CPU): compatibility format, that vector, and that
 * CPU or (logical destination mode, lowest priority) possibly it.
 */
bool msi_may_ring(const struct msi_row *r, uint32_t apicid, unsigned int vector);
/* Whether @r's MSI delivers NMIs (delivery mode 4) that may reach @apicid. */
bool msi_may_nmi(const struct msi_row *r, uint32_t apicid);

/*
 * Rows of @len bytes of table text ("BDF msi=ADDR:DATA|- msix=on|off
 * kernel=yes|no" lines), at most @max; a line that is not one is skipped.
 */
int msi_tab_parse(const char *text, size_t len, struct msi_row *rows, int max);
/* Read and parse @path: the number of rows, or -1 (no such table). */
int msi_tab_read(const char *path, struct msi_row *rows, int max);

#endif /* BMCW_MSI_TAB_H */
