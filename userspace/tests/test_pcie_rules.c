// SPDX-License-Identifier: GPL-2.0
/* PCIe rules from hand-made config-space events. */
#include <string.h>

#include "pcie_rules.h"
#include "rules.h"
#include "tap.h"

static struct bmcw_cfg_access write_of(unsigned int cls, uint16_t off,
				       uint8_t size, uint32_t old,
				       uint32_t value, uint32_t flags,
				       uint8_t origin)
{
	struct bmcw_cfg_access a = {
		.bus = 0, .devfn = 1 << 3, .off = off, .size = size,
		.dir = BMCW_DIR_WRITE, .cls = cls, .origin = origin,
		.value = value, .old = old, .fn_flags = flags | BMCW_FN_KNOWN,
		.flags = BMCW_CFG_F_OLD,
	};

	if (origin != BMCW_ORIGIN_KERNEL) {
		a.pid = 42;
		strcpy(a.comm, "setpci");
	}
	return a;
}

static int has(const struct bmcw_alert *al, int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(al[i].rule, rule))
			return i + 1;
	return 0;
}

static const struct pcie_ctx ctx = { .vendor = 0x1234, .device = 0x11e8,
				     .exe = "/usr/bin/setpci" };

static void bus_master(void)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	struct bmcw_cfg_access a;
	int n, i;

	a = write_of(BMCW_CFG_COMMAND, 4, 2, 0x0002, 0x0006, BMCW_FN_BMC,
		     BMCW_ORIGIN_USER);
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "dma.bus_master_enabled");
	ok(i, "BME 0->1 on a BMC function by a process");
	if (i) {
		is_int(al[i - 1].severity, BMCW_SEV_CRITICAL,
		       "no driver bound: critical");
		is_str(al[i - 1].subject.comm, "setpci", "names the process");
		is_str(al[i - 1].subject.bdf, "0000:00:01.0", "names the BDF");
	}
	ok(has(al, n, "pcie.config_write"), "and the write itself");

	a = write_of(BMCW_CFG_COMMAND, 4, 2, 0x0006, 0x0006, BMCW_FN_BMC,
		     BMCW_ORIGIN_USER);
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(!has(al, n, "dma.bus_master_enabled"), "BME already on: no alert");

	a = write_of(BMCW_CFG_COMMAND, 4, 2, 0x0002, 0x0006, 0,
		     BMCW_ORIGIN_KERNEL);
	n = pcie_rules_cfg(&a, &ctx, al);
	is_int(n, 0, "kernel enabling BME on an ordinary device: nothing");

	a = write_of(BMCW_CFG_COMMAND, 4, 1, 0x02, 0x06,
		     BMCW_FN_BMC | BMCW_FN_DRIVER, BMCW_ORIGIN_KERNEL);
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "dma.bus_master_enabled");
	ok(i && al[i - 1].severity == BMCW_SEV_WARNING,
	   "driver enabling BME on a BMC function: warning");
}

static void msi(void)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	struct bmcw_cfg_access a;
	int n;

	a = write_of(BMCW_CFG_MSI, 0x44, 4, 0, 0x12345678, BMCW_FN_MSI64,
		     BMCW_ORIGIN_USER);
	a.cap_start = 0x40;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(has(al, n, "pcie.msi_hijack"), "MSI address outside FEE window");

	a.value = 0xfee01000;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(!has(al, n, "pcie.msi_hijack"), "MSI address inside the window");

	a = write_of(BMCW_CFG_MSI, 0x48, 4, 0, 0x1, BMCW_FN_MSI64,
		     BMCW_ORIGIN_KERNEL);
	a.cap_start = 0x40;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(has(al, n, "pcie.msi_hijack"), "64-bit MSI upper address non-zero");

	a = write_of(BMCW_CFG_MSI, 0x48, 4, 0, 0x4021, 0, BMCW_ORIGIN_KERNEL);
	a.cap_start = 0x40;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(!has(al, n, "pcie.msi_hijack"), "32-bit MSI: +8 is data, not address");

	a = write_of(BMCW_CFG_MSI, 0x4c, 2, 0x4021, 0x4022,
		     BMCW_FN_MSI64 | BMCW_FN_MSI_ON, BMCW_ORIGIN_USER);
	a.cap_start = 0x40;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(has(al, n, "pcie.msi_hijack"), "data rewritten by a process while vectors are owned");

	a.origin = BMCW_ORIGIN_KERNEL;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(!has(al, n, "pcie.msi_hijack"), "kernel retargeting its own vector");
}

static void config_write(void)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	struct bmcw_cfg_access a;
	int n, i;

	a = write_of(BMCW_CFG_BAR, 0x10, 4, 0, 0xfe000000, 0, BMCW_ORIGIN_VFIO);
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.vfio_config_write");
	ok(i && al[i - 1].severity == BMCW_SEV_INFO &&
	   !has(al, n, "pcie.config_write"),
	   "a VMM through vfio on an ordinary device: pcie.vfio_config_write");
	/* The pipeline takes the higher of this and the rule's default. */
	ok(rule_find("pcie.vfio_config_write")->severity == BMCW_SEV_INFO,
	   "pcie.vfio_config_write defaults to info");
	ok(i && al[i - 1].subject.has_process && al[i - 1].subject.pid == 42,
	   "and names the VMM's process");

	a.fn_flags |= BMCW_FN_BMC;
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.config_write");
	ok(i && al[i - 1].severity == BMCW_SEV_WARNING &&
	   !has(al, n, "pcie.vfio_config_write"),
	   "a VMM through vfio on a BMC function: pcie.config_write warning");
	a.fn_flags &= ~BMCW_FN_BMC;

	a.origin = BMCW_ORIGIN_USER;
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.config_write");
	ok(i && al[i - 1].severity == BMCW_SEV_NOTICE,
	   "a process rewriting a BAR directly: notice");

	a = write_of(BMCW_CFG_VENDOR, 0x50, 4, 0, 1, 0, BMCW_ORIGIN_USER);
	is_int(pcie_rules_cfg(&a, &ctx, al), 0,
	       "non-sensitive register of an ordinary device: nothing");

	a = write_of(BMCW_CFG_VENDOR, 0x50, 4, 0, 1, BMCW_FN_BMC_UPSTREAM,
		     BMCW_ORIGIN_USER);
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.config_write");
	ok(i && al[i - 1].severity == BMCW_SEV_WARNING,
	   "any write to a bridge above a BMC: warning");

	a.dir = BMCW_DIR_READ;
	is_int(pcie_rules_cfg(&a, &ctx, al), 0, "reads raise nothing");
}

static void lpc_decode(void)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	struct bmcw_cfg_access a;
	int n;

	a = write_of(BMCW_CFG_LPC_DECODE, 0x84, 4, 0x00fc0ca1, 0x00fc0e01,
		     BMCW_FN_LPC_BRIDGE, BMCW_ORIGIN_USER);
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(has(al, n, "lpc.decode_change"), "generic decode range changed");
	a.value = a.old;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(!has(al, n, "lpc.decode_change"), "same value rewritten: no change");
}

static const char *extra(const struct bmcw_alert *a, const char *key)
{
	for (unsigned int i = 0; i < a->n_extra; i++)
		if (!strcmp(a->extra[i].key, key))
			return a->extra[i].value;
	return NULL;
}

/* ABI 1.2: the module reads the old value only where rules compare. */
static void old_value(void)
{
	struct bmcw_alert al[PCIE_RULES_MAX_ALERTS];
	struct bmcw_cfg_access a;
	int n, i;

	a = write_of(BMCW_CFG_BAR, 0x10, 4, 0, 0xfe000000, BMCW_FN_BMC,
		     BMCW_ORIGIN_USER);
	a.flags = 0;
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.config_write");
	ok(i && !extra(&al[i - 1], "old"), "BAR write without the old value: no extra.old");
	ok(i && extra(&al[i - 1], "value"), "but the value");
	a.flags = BMCW_CFG_F_OLD;
	a.old = 0xfd000000;
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "pcie.config_write");
	is_str(i ? extra(&al[i - 1], "old") : NULL, "0xfd000000",
	       "with BMCW_CFG_F_OLD: extra.old");

	/* without it, comparing rules take the write as a change */
	a = write_of(BMCW_CFG_COMMAND, 4, 2, 0x0006, 0x0006, BMCW_FN_BMC,
		     BMCW_ORIGIN_USER);
	a.flags = 0;
	n = pcie_rules_cfg(&a, &ctx, al);
	ok(has(al, n, "dma.bus_master_enabled"),
	   "COMMAND with BME and no old value: reported (cannot tell it was on)");
	a = write_of(BMCW_CFG_LPC_DECODE, 0x84, 4, 0x00fc0ca1, 0x00fc0ca1,
		     BMCW_FN_LPC_BRIDGE, BMCW_ORIGIN_USER);
	a.flags = 0;
	n = pcie_rules_cfg(&a, &ctx, al);
	i = has(al, n, "lpc.decode_change");
	ok(i && strstr(al[i - 1].message, "changed ? -> 0x00fc0ca1"),
	   "LPC decode without the old value: reported, old shown as '?'");
}

static void dev_events(void)
{
	struct bmcw_dev_event e = {
		.bus = 1, .devfn = 0, .vendor = 0x1234, .device = 0x11e8,
		.class = 0xff00, .change = BMCW_DEV_ADDED,
	};
	struct bmcw_alert al;

	ok(pcie_rules_dev(&e, &al) == 1 && !strcmp(al.rule, "pcie.device_added"),
	   "hot-add raises pcie.device_added");
	is_str(al.subject.bdf, "0000:01:00.0", "with the new function's BDF");
	e.change = BMCW_DEV_REMOVED;
	ok(pcie_rules_dev(&e, &al) == 1 &&
	   !strcmp(al.rule, "pcie.device_removed"), "removal");
	e.change = BMCW_DEV_CHANGED;
	ok(pcie_rules_dev(&e, &al) == 1 &&
	   !strcmp(al.rule, "pcie.device_changed"), "identity change at an address");
	e.change = BMCW_DEV_PRESENT;
	is_int(pcie_rules_dev(&e, &al), 0, "inventory at load raises nothing");

	e.fn_flags = BMCW_FN_VIRTFN;
	e.change = BMCW_DEV_ADDED;
	ok(pcie_rules_dev(&e, &al) == 1 && !strcmp(al.rule, "pcie.vf_added") &&
	   al.severity == BMCW_SEV_INFO &&
	   rule_find("pcie.vf_added")->severity == BMCW_SEV_INFO,
	   "an SR-IOV VF created: pcie.vf_added, info");
	e.change = BMCW_DEV_REMOVED;
	ok(pcie_rules_dev(&e, &al) == 1 && !strcmp(al.rule, "pcie.vf_removed") &&
	   rule_find("pcie.vf_removed")->severity == BMCW_SEV_INFO,
	   "an SR-IOV VF destroyed: pcie.vf_removed, info");
	e.fn_flags |= BMCW_FN_BMC;
	e.change = BMCW_DEV_ADDED;
	ok(pcie_rules_dev(&e, &al) == 1 && !strcmp(al.rule, "pcie.device_added"),
	   "a VF of a BMC function: pcie.device_added");
}

int main(void)
{
	bus_master();
	msi();
	config_write();
	lpc_decode();
	old_value();
	dev_events();
	return tap_done();
}
