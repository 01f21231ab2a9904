// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA monitor's posture checks: for each BMC function of the module's
 * inventory, what confines its DMA (IOMMU, its group's domain type,
 * interrupt remapping, bus mastering, ATS, ACS on the bridges above it),
 * read from sysfs and a few config-space registers, and compared with the
 * previous scan by dma_rules.c.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dma_mon.h"
#include "log.h"
#include "posture_tab.h"
#include "sysfs_pci.h"

static void read_link_base(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];
	ssize_t n = readlink(path, tmp, sizeof(tmp) - 1);
	const char *b;

	buf[0] = '\0';
	if (n <= 0)
		return;
	tmp[n] = '\0';
	b = strrchr(tmp, '/');
	b = b ? b + 1 : tmp;
	if (strlen(b) < len)	/* a name that does not fit is not ours */
		memcpy(buf, b, strlen(b) + 1);
}

/*
 * Config space of @bdf opened for the few reads below. Only the registers
 * the posture needs are read, never the whole space: some functions have
 * registers whose reads act (index/data windows, clear-on-read status),
 * and a BMC function is exactly where such windows live.
 */
static int open_config(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", bdf);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* One byte at @off, or -1 (beyond the function's config space). */
static int cfg_byte(int fd, unsigned int off)
{
	uint8_t b;

	return pread(fd, &b, 1, off) == 1 ? b : -1;
}

/* Offset of extended capability @id (PCIe 6.0, 7.6), 0 if absent. */
static unsigned int find_ecap(int fd, unsigned int id)
{
	unsigned int off = 0x100, hops = 0;
	uint8_t h4[4];

	while (off >= 0x100 && hops++ < 64) {
		uint32_t h;

		if (pread(fd, h4, 4, off) != 4)
			return 0;
		h = h4[0] | h4[1] << 8 | h4[2] << 16 | (uint32_t)h4[3] << 24;
		if (!h || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

#define POSTURE_TABLE	BMCW_DEBUGFS_DIR "/posture"

#define PCI_COMMAND_BYTE	0x04
#define ECAP_ACS	0x000d
#define ECAP_ATS	0x000f
/* ACS control (cap + 6): source validation, request/completion redirect,
 * upstream forwarding (PCIe 6.0, 7.7.11). */
#define ACS_NEEDED	(0x01 | 0x04 | 0x08 | 0x10)

static void scan_posture(const struct dma_fn *fn, int iommu, int intremap,
			 const struct posture_row *rows, int nrows,
			 struct dma_posture *p)
{
	const struct posture_row *row;
	char path[PATH_MAX], grp[32], *save = NULL, *br, bridges[128];
	unsigned int off;
	int fd;

	memset(p, 0, sizeof(*p));
	/* dma_rules.h's copy holds 15 characters: domains up to 0xfffffff */
	snprintf(p->bdf, sizeof(p->bdf), "%.*s", (int)sizeof(p->bdf) - 1, fn->bdf);
	p->vendor = fn->vendor;
	p->device = fn->device;
	p->fn_flags = fn->flags;
	p->iommu = iommu;
	p->intremap = intremap;
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", fn->bdf);
	read_link_base(path, grp, sizeof(grp));
	if (grp[0]) {
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type",
			 grp);
		if (read_line_file(path, p->domain, sizeof(p->domain)))
			snprintf(p->domain, sizeof(p->domain), "unknown");
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", fn->bdf);
	read_link_base(path, p->driver, sizeof(p->driver));
	/*
	 * ATS and ACS from the module's table (posture_tab.h) where it lists
	 * the function, else from sysfs (a module older than the table).
	 */
	row = posture_tab_find(rows, nrows, fn->bdf);
	if (row)	/* ATS control, bit 15: enable */
		p->ats = row->ats >= 0 && (row->ats & 0x8000);
	fd = open_config(fn->bdf);
	if (fd >= 0) {
		int cmd = cfg_byte(fd, PCI_COMMAND_BYTE), ats = -1;

		p->bus_master = cmd > 0 && (cmd & 0x04);
		if (!row) {
			off = find_ecap(fd, ECAP_ATS);
			if (off)
				ats = cfg_byte(fd, off + 7);
			p->ats = ats > 0 && (ats & 0x80);
		}
		close(fd);
	}
	snprintf(bridges, sizeof(bridges), "%s", fn->path);
	for (br = strtok_r(bridges, ",", &save); br;
	     br = strtok_r(NULL, ",", &save)) {
		int acs = -1;

		row = posture_tab_find(rows, nrows, br);
		if (row) {
			acs = row->acs;		/* control */
		} else if ((fd = open_config(br)) >= 0) {
			off = find_ecap(fd, ECAP_ACS);
			acs = off ? cfg_byte(fd, off + 6) : -1;
			close(fd);
		}
		if (acs < 0 || (acs & ACS_NEEDED) != ACS_NEEDED) {
			snprintf(p->acs_gap, sizeof(p->acs_gap), "%s", br);
			break;
		}
	}
}

/* Interrupt remapping is on when the kernel's MSI chips are "IR-". */
static int intremap_on(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[512];
	int on = 0;

	if (!f)
		return 0;
	while (!on && fgets(line, sizeof(line), f))
		on = strstr(line, " IR-") != NULL;
	fclose(f);
	return on;
}

static int iommu_present(void)
{
	DIR *d = opendir("/sys/class/iommu");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n > 0;
}

/* Posture of every BMC function, compared with the previous scan. */
void dma_scan(struct dma_mon *st, uint64_t now)
{
	struct bmcw_alert al[DMA_RULES_MAX_ALERTS];
	int iommu = iommu_present(), ir = intremap_on();
	uint64_t interval = st->last_ns ? now - st->last_ns : 0;
	struct posture_row rows[DMA_POSTURE_ROWS];
	unsigned int k;
	size_t i;
	int nrows;

	dma_load_inventory(st);
	nrows = posture_tab_read(POSTURE_TABLE, rows, DMA_POSTURE_ROWS);
	for (i = 0; i < st->inv.n; i++) {
		const struct dma_fn *fn = &st->inv.fn[i];
		struct dma_posture cur;
		struct bmc_fn *b = NULL;

		if (!(fn->flags & BMCW_FN_BMC))
			continue;
		/* (as far as the posture's own copy of the address goes) */
		for (k = 0; k < st->nbmc; k++)
			if (!strncmp(st->bmc[k].posture.bdf, fn->bdf,
				     sizeof(st->bmc[k].posture.bdf) - 1))
				b = &st->bmc[k];
		if (!b) {
			/* every BMC function is checked: no fixed cap */
			struct bmc_fn *v = realloc(st->bmc, (st->nbmc + 1) * sizeof(*v));

			if (!v) {
				bmcw_log(LOG_ERR, "dma: out of memory for BMC function %s: not checked",
					 fn->bdf);
				continue;
			}
			st->bmc = v;
			b = &st->bmc[st->nbmc++];
			memset(b, 0, sizeof(*b));
		}
		scan_posture(fn, iommu, ir, rows, nrows, &cur);
		/* a change happened since the last scan (none: the state at start) */
		dma_submit_window(st, al, dma_rules_posture(b->have_posture ?
							    &b->posture : NULL, &cur,
							    al),
				  b->have_posture ? st->last_ns : 0, now);
		b->posture = cur;
		b->have_posture = 1;
		dma_check_irqs(st, b, now, interval);
	}
	st->last_ns = now;
}

