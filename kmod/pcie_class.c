// SPDX-License-Identifier: GPL-2.0
/*
 * Register classes of configuration space: which byte of which function
 * belongs to the command register, a BAR, MSI, ACS, ... The layout of a
 * function's capabilities is read once, when the inventory learns about the
 * function, so that classifying an access in the config fast path is a table
 * lookup and a short scan.
 */
#include <linux/pci.h>
#include <linux/sort.h>
#include <uapi/linux/bmcwatch_names.h>
#include "bmcwatch.h"

#define H(c) BMCW_CFG_##c

/* Type 0 header, one class per byte offset 0x00-0x3f (from PCI 3.0 6.1). */
static const u8 hdr0[64] = {
	[0x00 ... 0x03] = H(ID),	[0x04 ... 0x05] = H(COMMAND),
	[0x06 ... 0x07] = H(STATUS),	[0x08 ... 0x0b] = H(ID),
	[0x0c ... 0x0f] = H(HEADER),	[0x10 ... 0x27] = H(BAR),
	[0x28 ... 0x2b] = H(HEADER),	[0x2c ... 0x2f] = H(ID),
	[0x30 ... 0x33] = H(ROM),	[0x34 ... 0x37] = H(CAPPTR),
	[0x38 ... 0x3b] = H(HEADER),	[0x3c ... 0x3d] = H(INTX),
	[0x3e ... 0x3f] = H(HEADER),
};

/* Type 1 (bridge) header. */
static const u8 hdr1[64] = {
	[0x00 ... 0x03] = H(ID),	[0x04 ... 0x05] = H(COMMAND),
	[0x06 ... 0x07] = H(STATUS),	[0x08 ... 0x0b] = H(ID),
	[0x0c ... 0x0f] = H(HEADER),	[0x10 ... 0x17] = H(BAR),
	[0x18 ... 0x1d] = H(BRIDGE),	[0x1e ... 0x1f] = H(STATUS),
	[0x20 ... 0x33] = H(BRIDGE),	[0x34 ... 0x37] = H(CAPPTR),
	[0x38 ... 0x3b] = H(ROM),	[0x3c ... 0x3d] = H(INTX),
	[0x3e ... 0x3f] = H(BRIDGE),	/* bridge control: secondary reset */
};

/*
 * Shared with the daemon and the CLI (bmcwatch_names.h); in enum order,
 * since the enum is made from the same list.
 */
#define CLASS_NAME(sfx, name)	name,
static const char * const class_names[BMCW_CFG_CLASS_MAX] = {
	BMCW_CFG_CLASSES(CLASS_NAME)
};

#undef CLASS_NAME

const char *bmcw_class_name(u8 cls)
{
	return cls < BMCW_CFG_CLASS_MAX ? class_names[cls] : "?";
}

struct cap_pos {
	u16 start;
	u16 id;
	bool ext;
};

static int cap_pos_cmp(const void *a, const void *b)
{
	const struct cap_pos *x = a, *y = b;

	return (int)x->start - (int)y->start;
}

static u8 cap_class(u16 id)
{
	switch (id) {
	case PCI_CAP_ID_PM:	return H(PM);
	case PCI_CAP_ID_MSI:	return H(MSI);
	case PCI_CAP_ID_MSIX:	return H(MSIX);
	case PCI_CAP_ID_EXP:	return H(PCIE);
	case PCI_CAP_ID_VNDR:	return H(VENDOR);
	default:		return H(OTHER_CAP);
	}
}

static u8 ecap_class(u16 id)
{
	switch (id) {
	case PCI_EXT_CAP_ID_ERR:	return H(AER);
	case PCI_EXT_CAP_ID_ACS:	return H(ACS);
	case PCI_EXT_CAP_ID_ATS:	return H(ATS);
	case PCI_EXT_CAP_ID_PRI:	return H(PRI);
	case PCI_EXT_CAP_ID_PASID:	return H(PASID);
	case PCI_EXT_CAP_ID_SRIOV:	return H(SRIOV);
	case PCI_EXT_CAP_ID_VNDR:
	case PCI_EXT_CAP_ID_DVSEC:	return H(VENDOR);
	default:			return H(OTHER_CAP);
	}
}

/* Length of a capability's registers where the spec fixes it; 0 = unknown. */
static u16 cap_len(struct pci_dev *pdev, const struct cap_pos *c)
{
	u16 flags;
	u8 len;
	u32 hdr;

	if (c->ext) {
		switch (c->id) {
		case PCI_EXT_CAP_ID_ERR:	return PCI_ERR_ROOT_ERR_SRC + 4;
		case PCI_EXT_CAP_ID_ACS:	return 8;	/* + egress vector */
		case PCI_EXT_CAP_ID_ATS:	return 8;
		case PCI_EXT_CAP_ID_PRI:	return 16;
		case PCI_EXT_CAP_ID_PASID:	return 8;
		case PCI_EXT_CAP_ID_SRIOV:	return PCI_SRIOV_VFM + 4;
		case PCI_EXT_CAP_ID_VNDR:
		case PCI_EXT_CAP_ID_DVSEC:
			if (pci_read_config_dword(pdev, c->start + 4, &hdr))
				return 0;
			return hdr >> 20;
		default:			return 0;
		}
	}
	switch (c->id) {
	case PCI_CAP_ID_PM:	return PCI_PM_SIZEOF;
	case PCI_CAP_ID_MSIX:	return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_EXP:	return PCI_EXP_SLTSTA2 + 2;
	case PCI_CAP_ID_MSI:
		if (pci_read_config_word(pdev, c->start + PCI_MSI_FLAGS, &flags))
			return 0;
		return (flags & PCI_MSI_FLAGS_64BIT ? 14 : 10) +
		       (flags & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);
	case PCI_CAP_ID_VNDR:
		if (pci_read_config_byte(pdev, c->start + 2, &len))
			return 0;
		return len;
	default:		return 0;
	}
}

/* Collect standard and extended capabilities; bounded against loops. */
static int collect_caps(struct bmcw_fn *fn, struct cap_pos *pos, int max)
{
	struct pci_dev *pdev = fn->pdev;
	int n = 0, ttl;
	u16 off;
	u8 ptr, id;
	u32 hdr;

	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &ptr))
		ptr = 0;
	for (ttl = 48; ptr >= 0x40 && ttl && n < max; ttl--) {
		ptr &= ~3;
		if (pci_read_config_byte(pdev, ptr, &id) || id == 0xff)
			break;
		pos[n++] = (struct cap_pos){ .start = ptr, .id = id };
		if (fn->nr_caps < BMCW_MAX_CAPS)
			fn->caps[fn->nr_caps++] = id;
		if (pci_read_config_byte(pdev, ptr + 1, &ptr))
			break;
	}

	if (pdev->cfg_size <= PCI_CFG_SPACE_SIZE)
		return n;
	off = PCI_CFG_SPACE_SIZE;
	for (ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	     ttl && n < max; ttl--) {
		if (pci_read_config_dword(pdev, off, &hdr) || !hdr ||
		    hdr == 0xffffffff)
			break;
		pos[n++] = (struct cap_pos){ .start = off,
					     .id = PCI_EXT_CAP_ID(hdr),
					     .ext = true };
		if (fn->nr_ecaps < BMCW_MAX_CAPS)
			fn->ecaps[fn->nr_ecaps++] = PCI_EXT_CAP_ID(hdr);
		off = PCI_EXT_CAP_NEXT(hdr);
		if (off < PCI_CFG_SPACE_SIZE)
			break;
	}
	return n;
}

static void add_region(struct bmcw_fn *fn, u16 start, u16 end, u16 cap,
		       u8 cls)
{
	if (fn->nr_regions >= BMCW_MAX_REGIONS || end <= start)
		return;
	fn->regions[fn->nr_regions++] = (struct bmcw_region){
		.start = start, .end = end, .cap = cap, .cls = cls };
}

/* Intel PCH LPC/eSPI bridge at 00:1f.0: I/O decode registers 0x80-0x9b. */
static bool is_intel_lpc(struct pci_dev *pdev)
{
	return pdev->vendor == PCI_VENDOR_ID_INTEL &&
	       pdev->bus->number == 0 && pdev->devfn == PCI_DEVFN(0x1f, 0) &&
	       (pdev->class >> 8) == PCI_CLASS_BRIDGE_ISA;
}

void bmcw_fn_build_regions(struct bmcw_fn *fn)
{
	struct cap_pos pos[2 * BMCW_MAX_CAPS];
	int i, n;

	fn->nr_regions = 0;
	fn->nr_caps = 0;
	fn->nr_ecaps = 0;
	if (is_intel_lpc(fn->pdev)) {
		fn->flags |= BMCW_FN_LPC_BRIDGE;
		add_region(fn, 0x80, 0x9c, 0, H(LPC_DECODE));
	}

	n = collect_caps(fn, pos, ARRAY_SIZE(pos));
	sort(pos, n, sizeof(pos[0]), cap_pos_cmp, NULL);
	for (i = 0; i < n; i++) {
		u16 space = pos[i].ext ? PCI_CFG_SPACE_EXP_SIZE :
					 PCI_CFG_SPACE_SIZE;
		u16 end = (i + 1 < n && pos[i + 1].ext == pos[i].ext) ?
			  pos[i + 1].start : space;
		u16 len = cap_len(fn->pdev, &pos[i]);
		u16 hdr = pos[i].ext ? 4 : 2;

		if (len && pos[i].start + len < end)
			end = pos[i].start + len;
		if (!pos[i].ext && pos[i].id == PCI_CAP_ID_MSI &&
		    len >= 14 && len != 20)	/* 14 or 24: 64-bit address */
			fn->flags |= BMCW_FN_MSI64;
		/* ID and next pointer are the capability list itself. */
		add_region(fn, pos[i].start, pos[i].start + hdr, pos[i].start,
			   H(CAPPTR));
		add_region(fn, pos[i].start + hdr, end, pos[i].start,
			   pos[i].ext ? ecap_class(pos[i].id) :
					cap_class(pos[i].id));
	}
}

/* Header bytes have no region entry; these stand in for them. */
struct bmcw_region bmcw_hdr_regions[2][64] __read_mostly;
const struct bmcw_region bmcw_unclaimed_region = { .cls = H(UNCLAIMED) };

void bmcw_class_init(void)
{
	int t, off;

	for (t = 0; t < 2; t++)
		for (off = 0; off < 64; off++)
			bmcw_hdr_regions[t][off] = (struct bmcw_region){
				.start = off, .end = off + 1,
				.cls = t ? hdr1[off] : hdr0[off] };
}
