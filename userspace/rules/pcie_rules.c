// SPDX-License-Identifier: GPL-2.0
/*
 * PCIe config-space rules. The facts they rest on:
 *  - command register bit 2 is Bus Master Enable (PCI 3.0 6.2.2);
 *  - an MSI is a DMA write to 0xFEE00000-0xFEEFFFFF (Intel SDM vol. 3,
 *    10.11.1); MSI address low is at capability + 4, the upper address at
 *    + 8 when the capability is 64-bit, the data after it;
 *  - Intel PCH LPC/eSPI 00:1f.0 0x80-0x9B decides which I/O ranges reach
 *    the LPC bus, where the BMC's SuperIO, KCS and BT ports live.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/bmcwatch_names.h>

#include "pcie_rules.h"
#include "senders.h"

/* shared with bmcwatch.ko's debugfs tables; in enum bmcw_cfg_class order */
#define CLASS_NAME(sfx, name) [BMCW_CFG_##sfx] = name,
static const char *const class_names[BMCW_CFG_CLASS_MAX] = {
	BMCW_CFG_CLASSES(CLASS_NAME)
};
#undef CLASS_NAME

const char *pcie_class_name(unsigned int cls)
{
	return cls < BMCW_CFG_CLASS_MAX ? class_names[cls] : "unknown";
}

const char *pcie_origin_name(unsigned int origin)
{
#define ORIGIN_NAME(sfx, name) name,
	static const char *const names[BMCW_ORIGIN_MAX] = { BMCW_ORIGINS(ORIGIN_NAME) };
#undef ORIGIN_NAME

	return origin < BMCW_ORIGIN_MAX ? names[origin] : "unknown";
}

void pcie_bdf(char *buf, size_t len, uint32_t seg, uint8_t bus, uint8_t devfn)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", seg, bus, devfn >> 3, devfn & 7);
}

#define BMC_RELATED (BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM | BMCW_FN_BMC_ALIAS)

static bool sensitive_class(unsigned int cls)
{
	switch (cls) {
	case BMCW_CFG_COMMAND: case BMCW_CFG_BAR: case BMCW_CFG_ROM:
	case BMCW_CFG_MSI: case BMCW_CFG_MSIX: case BMCW_CFG_BRIDGE:
	case BMCW_CFG_ACS: case BMCW_CFG_ATS: case BMCW_CFG_PRI:
	case BMCW_CFG_PASID: case BMCW_CFG_SRIOV: case BMCW_CFG_LPC_DECODE:
		return true;
	default:
		return false;
	}
}

/*
 * Whether the write carries the value before it. The module reads it
 * only for the classes whose rules compare (COMMAND, MSI, LPC decode):
 * reads have side effects on some registers. Where it is missing, a rule
 * that compares takes the write as a change.
 */
static bool has_old(const struct bmcw_cfg_access *a)
{
	return a->flags & BMCW_CFG_F_OLD;
}

static struct bmcw_alert *start(struct bmcw_alert *out, int *n,
				const char *rule, enum bmcw_severity sev,
				const struct bmcw_cfg_access *a,
				const struct pcie_ctx *c)
{
	struct bmcw_alert *al = &out[(*n)++];
	struct bmcw_subject *s = &al->subject;

	memset(al, 0, sizeof(*al));
	al->rule = rule;
	al->severity = sev;
	s->has_device = 1;
	pcie_bdf(s->bdf, sizeof(s->bdf), a->seg, a->bus, a->devfn);
	s->vendor = c->vendor;
	s->device = c->device;
	s->fn_flags = a->fn_flags;
	if (a->pid) {
		s->has_process = 1;
		s->pid = a->pid;
		memcpy(s->comm, a->comm, sizeof(s->comm) - 1);
		snprintf(s->exe, sizeof(s->exe), "%s", c->exe ? c->exe : "");
	}
	snprintf(s->locus, sizeof(s->locus), "cfg 0x%03x/%u %s", a->off,
		 a->size, pcie_class_name(a->cls));
	alert_add_extra(al, "origin", "%s", pcie_origin_name(a->origin));
	alert_add_extra(al, "value", "0x%08x", a->value);
	if (has_old(a))
		alert_add_extra(al, "old", "0x%08x", a->old);
	return al;
}

/* Who did it, for messages: "setpci (pid 42)" or "the kernel". */
static void actor(char *buf, size_t len, const struct bmcw_cfg_access *a)
{
	if (a->origin == BMCW_ORIGIN_ACPI)
		snprintf(buf, len, "ACPI firmware code (AML, in %.16s)", a->comm);
	else if (a->origin == BMCW_ORIGIN_KERNEL)
		snprintf(buf, len, "the kernel%s%.16s%s", a->pid ? " (in " : "",
			 a->pid ? a->comm : "", a->pid ? ")" : "");
	else
		snprintf(buf, len, "%.16s (pid %u%s)", a->comm, a->pid,
			 a->origin == BMCW_ORIGIN_VFIO ? ", through vfio-pci" : "");
}

static bool covers(const struct bmcw_cfg_access *a, unsigned int reg)
{
	return a->off <= reg && reg < (unsigned int)a->off + a->size;
}

/* Byte @reg of the written value. */
static uint8_t byte_at(uint32_t v, const struct bmcw_cfg_access *a,
		       unsigned int reg)
{
	return v >> (8 * (reg - a->off));
}

static int rule_bus_master(const struct bmcw_cfg_access *a,
			   const struct pcie_ctx *c, struct bmcw_alert *out,
			   int n, const char *who)
{
	struct bmcw_alert *al;

	if (a->cls != BMCW_CFG_COMMAND || !(a->fn_flags & BMCW_FN_BMC) ||
	    !covers(a, 0x04) || (has_old(a) && (byte_at(a->old, a, 0x04) & 0x04)) ||
	    !(byte_at(a->value, a, 0x04) & 0x04))
		return n;
	al = start(out, &n, "dma.bus_master_enabled", BMCW_SEV_WARNING, a, c);
	snprintf(al->message, sizeof(al->message),
		 "bus mastering turned on for BMC function %s by %s",
		 al->subject.bdf, who);
	snprintf(al->why, sizeof(al->why),
		 "a BMC function with bus mastering can DMA into host memory; %s",
		 a->fn_flags & BMCW_FN_DRIVER ? "a driver is bound" :
		 "no driver is bound, so nothing on the host asked for it");
	if (!(a->fn_flags & BMCW_FN_DRIVER) || a->origin != BMCW_ORIGIN_KERNEL)
		al->severity = BMCW_SEV_CRITICAL;
	return n;
}

static int rule_msi(const struct bmcw_cfg_access *a, const struct pcie_ctx *c,
		    struct bmcw_alert *out, int n, const char *who)
{
	unsigned int rel = a->off - a->cap_start;
	bool is64 = a->fn_flags & BMCW_FN_MSI64;
	unsigned int data = is64 ? 12 : 8;
	struct bmcw_alert *al;
	const char *why = NULL;

	if (a->cls != BMCW_CFG_MSI || !a->cap_start)
		return n;
	if (rel == 4 && a->size == 4 && (a->value & 0xfff00000) != 0xfee00000 &&
	    (a->value || a->origin != BMCW_ORIGIN_KERNEL))
		why = "the MSI address is outside the interrupt window 0xFEE00000-0xFEEFFFFF, so the device's 'interrupts' become DMA writes to that address";
	else if (is64 && rel == 8 && a->size == 4 && a->value)
		why = "the MSI upper address is not zero, so the device's 'interrupts' become DMA writes above 4 GiB instead of interrupts";
	else if ((a->fn_flags & BMCW_FN_MSI_ON) &&
		 a->origin != BMCW_ORIGIN_KERNEL && rel >= 4 && rel < data + 2 &&
		 (!has_old(a) || a->value != a->old))
		why = "the MSI address or data changed while the device owns interrupt vectors, and not by the kernel";
	if (!why)
		return n;
	al = start(out, &n, "pcie.msi_hijack", BMCW_SEV_CRITICAL, a, c);
	snprintf(al->message, sizeof(al->message),
		 "MSI %s of a %s %s written with 0x%08x by %s",
		 rel == 4 ? "address" : rel == 8 && is64 ? "upper address" :
		 "data", fn_role(a->fn_flags), al->subject.bdf, a->value, who);
	snprintf(al->why, sizeof(al->why), "%s", why);
	return n;
}

static int rule_lpc_decode(const struct bmcw_cfg_access *a,
			   const struct pcie_ctx *c, struct bmcw_alert *out,
			   int n, const char *who)
{
	struct bmcw_alert *al;
	char was[16] = "?";

	if (a->cls != BMCW_CFG_LPC_DECODE || (has_old(a) && a->value == a->old))
		return n;
	if (has_old(a))
		snprintf(was, sizeof(was), "0x%08x", a->old);
	al = start(out, &n, "lpc.decode_change", BMCW_SEV_WARNING, a, c);
	snprintf(al->message, sizeof(al->message),
		 "LPC/eSPI I/O decode register 0x%02x of %s changed %s -> 0x%08x by %s",
		 a->off, al->subject.bdf, was, a->value, who);
	snprintf(al->why, sizeof(al->why),
		 "the decode ranges decide which I/O ports reach the BMC's SuperIO, KCS and BT interfaces; firmware sets them at boot and nothing changes them at run time");
	return n;
}

static int rule_config_write(const struct bmcw_cfg_access *a,
			     const struct pcie_ctx *c, struct bmcw_alert *out,
			     int n, const char *who)
{
	bool bmc = a->fn_flags & BMC_RELATED;
	const char *rule = "pcie.config_write";
	enum bmcw_severity sev;
	struct bmcw_alert *al;

	/* The kernel configuring devices is the normal case: counted only. */
	if (a->origin == BMCW_ORIGIN_KERNEL)
		return n;
	if (bmc) {
		sev = BMCW_SEV_WARNING;
	} else if (a->origin == BMCW_ORIGIN_VFIO) {
		/*
		 * A VMM driving its passed-through device: recorded with its
		 * process under a rule of its own, whose default is info
		 * (the pipeline never lowers a rule's default severity).
		 */
		rule = "pcie.vfio_config_write";
		sev = BMCW_SEV_INFO;
	} else if (sensitive_class(a->cls)) {
		sev = BMCW_SEV_NOTICE;
	} else {
		return n;
	}
	al = start(out, &n, rule, sev, a, c);
	snprintf(al->message, sizeof(al->message),
		 "%s wrote 0x%0*x to %s register 0x%03x of a %s %s",
		 who, a->size * 2, a->value, pcie_class_name(a->cls), a->off,
		 fn_role(a->fn_flags), al->subject.bdf);
	snprintf(al->why, sizeof(al->why), "%s",
		 bmc ? "a host process reprogrammed a BMC-related function's configuration; the BMC's own tools do not need this on a running host" :
		 a->origin == BMCW_ORIGIN_VFIO ? "a hypervisor programs the devices it passes through to its guests; vfio-pci filters what reaches the device" :
		 "a host process changed a security-relevant register directly through config space, bypassing the driver");
	return n;
}

int pcie_rules_cfg(const struct bmcw_cfg_access *a, const struct pcie_ctx *c,
		   struct bmcw_alert *out)
{
	char who[64];
	int n = 0;

	if (a->dir != BMCW_DIR_WRITE || a->result != 0)
		return 0;
	actor(who, sizeof(who), a);
	n = rule_bus_master(a, c, out, n, who);
	n = rule_msi(a, c, out, n, who);
	n = rule_lpc_decode(a, c, out, n, who);
	n = rule_config_write(a, c, out, n, who);
	return n;
}

int pcie_rules_dev(const struct bmcw_dev_event *e, struct bmcw_alert *out)
{
	struct bmcw_alert *al = out;
	struct bmcw_subject *s = &al->subject;
	bool bmc = e->fn_flags & BMC_RELATED;
	/* VFs exist because the kernel enabled SR-IOV: not news */
	bool vf = (e->fn_flags & BMCW_FN_VIRTFN) && !bmc;

	if (e->change != BMCW_DEV_ADDED && e->change != BMCW_DEV_REMOVED &&
	    e->change != BMCW_DEV_CHANGED)
		return 0;
	memset(al, 0, sizeof(*al));
	s->has_device = 1;
	pcie_bdf(s->bdf, sizeof(s->bdf), e->seg, e->bus, e->devfn);
	s->vendor = e->vendor;
	s->device = e->device;
	s->fn_flags = e->fn_flags;
	alert_add_extra(al, "class", "0x%06x", e->class);
	alert_add_extra(al, "fingerprint", "%016llx",
			(unsigned long long)e->fingerprint);
	alert_add_extra(al, "host_fingerprint", "%016llx",
			(unsigned long long)e->host_fingerprint);
	if (e->change == BMCW_DEV_CHANGED) {
		al->rule = "pcie.device_changed";
		al->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(al->message, sizeof(al->message),
			 "PCI function %s came back as another device (%04x:%04x class %06x, fingerprint %016llx)",
			 s->bdf, e->vendor, e->device, e->class,
			 (unsigned long long)e->fingerprint);
		snprintf(al->why, sizeof(al->why),
			 "the function at this address was removed and a function with a different identity took its place");
	} else if (vf) {
		bool added = e->change == BMCW_DEV_ADDED;

		al->rule = added ? "pcie.vf_added" : "pcie.vf_removed";
		al->severity = BMCW_SEV_INFO;
		snprintf(al->message, sizeof(al->message),
			 "SR-IOV virtual function %s (%04x:%04x class %06x) %s",
			 s->bdf, e->vendor, e->device, e->class,
			 added ? "created" : "destroyed");
		snprintf(al->why, sizeof(al->why),
			 "the kernel %s SR-IOV virtual functions of their physical function (sriov_numvfs)",
			 added ? "created" : "removed");
	} else if (e->change == BMCW_DEV_ADDED) {
		al->rule = "pcie.device_added";
		al->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(al->message, sizeof(al->message),
			 "PCI function %s (%04x:%04x class %06x) appeared at run time",
			 s->bdf, e->vendor, e->device, e->class);
		snprintf(al->why, sizeof(al->why),
			 "a device added to a running host can be an implant or a BMC exposing a new function; nothing announced it");
	} else {
		al->rule = "pcie.device_removed";
		al->severity = bmc ? BMCW_SEV_WARNING : BMCW_SEV_NOTICE;
		snprintf(al->message, sizeof(al->message),
			 "PCI function %s (%04x:%04x class %06x) disappeared",
			 s->bdf, e->vendor, e->device, e->class);
		snprintf(al->why, sizeof(al->why),
			 "a function leaving a running host outside maintenance means hot removal, a surprise link down or a device hiding itself");
	}
	return 1;
}
