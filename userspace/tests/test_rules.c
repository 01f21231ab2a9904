/* SPDX-License-Identifier: GPL-2.0 */
/* The rule catalogue: complete, unique, and classes match the names. */
#include <string.h>

#include "rules.h"
#include "tap.h"

static const char *const expected[] = {
	"pcie.config_write", "pcie.msi_hijack", "pcie.device_added",
	"pcie.device_removed", "pcie.device_changed", "pcie.bmc_mmio_map",
	"pcie.aer_error", "pcie.vfio_config_write", "pcie.vf_added",
	"pcie.vf_removed", "lpc.decode_change", "lpc.superio_unlock",
	"lpc.port_access", "dma.bus_master_enabled", "dma.iommu_fault",
	"dma.unconfined", "doorbell.unexpected_irq",
	"doorbell.interrupt_remap_fault", "doorbell.unknown_nmi",
	"ipmi.unsolicited_attention", "ipmi.bmc_initiated_message",
	"ipmi.protocol_violation", "ipmi.sensitive_command",
	"ipmi.identity_change", "ipmi.new_command", "usb.bmc_device_added",
	"usb.bmc_device_removed", "usb.bmc_input", "usb.bmc_input_session",
	"usb.bmc_console_attached", "usb.bmc_initiated_connection",
	"usb.host_bmc_connection", "usb.bmc_media_mounted", "usb.bmc_device_known",
	"health.events_lost",
	"health.hook_failed",
	"health.monitor_stopped", "health.monitor_started", "health.heartbeat",
	"health.counter_drift", "health.hook_removed", "health.hook_placed",
	"health.knob_changed", "health.pci_ops_foreign", "health.pci_ops_lost",
	"health.blind_spot", "health.module_event",
};

int main(void)
{
	size_t n = sizeof(expected) / sizeof(expected[0]), i, j;
	const struct bmcw_rule *r;
	int dup = 0, bad = 0, incomplete = 0;

	is_int(rule_count(), n, "catalogue has %zu rules", n);
	for (i = 0; i < n; i++)
		ok(rule_find(expected[i]), "rule %s exists", expected[i]);
	ok(!rule_find("pcie.nope") && !rule_find(NULL), "unknown names are not found");

	rule_for_each(r, i) {
		const char *cls = rule_class_name(r->cls);

		for (j = i + 1; j < rule_count(); j++)
			if (rule_at(j)->id == r->id || !strcmp(rule_at(j)->name, r->name))
				dup++;
		if (strncmp(r->name, cls, strlen(cls)) || r->name[strlen(cls)] != '.')
			bad++;
		if (!r->summary[0] || !r->explanation[0] || !r->false_positives[0] ||
		    !r->response[0] || strchr(r->summary, '\n'))
			incomplete++;
		if (rule_index(r) != i)
			bad++;
	}
	is_int(dup, 0, "names and ids are unique");
	is_int(bad, 0, "every name starts with its class; index round-trips");
	is_int(incomplete, 0, "every rule has summary, explanation, false positives, response");
	is_int(rule_find("pcie.config_write")->id, 101, "ids are stable (pcie.config_write = 101)");
	ok(rule_find("health.hook_failed")->id == 902 &&
	   rule_find("health.hook_removed")->id == 907 &&
	   rule_find("health.module_event")->id == 913,
	   "health ids are stable (hook_failed 902, hook_removed 907, module_event 913)");
	is_str(rule_find("lpc.superio_unlock")->technique, "T1542.002",
	       "technique id of lpc.superio_unlock");
	return tap_done();
}
