/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule catalogue. Ids are grouped per class (1xx pcie, 2xx lpc, 3xx dma,
 * 4xx doorbell, 5xx ipmi, 6xx usb, 9xx health) and never reused.
 */
#include <string.h>

#include "rules.h"

static const struct bmcw_rule rules[] = {
	{
		.id = 101, .name = "pcie.config_write",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_WARNING,
		.summary = "Write to the PCI configuration space of a BMC function",
		.explanation = "A process or kernel path wrote a register of a BMC PCI function (or the bridge above it) outside driver probe. Such writes can re-enable a disabled bridge (e.g. the ASPEED P2A window) or redirect its BARs.",
		.false_positives = "Hardware inventory or firmware update tools (setpci, vendor utilities), driver rebinding, VMMs passing the device through with vfio-pci.",
		.response = "Identify the process and register; if no maintenance was scheduled, isolate the host and compare the BMC firmware against the fleet baseline.",
		.technique = "T1542.002",
	},
	{
		.id = 102, .name = "pcie.msi_hijack",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_CRITICAL,
		.summary = "MSI/MSI-X address or data of a BMC function rewritten",
		.explanation = "The message address or data of a BMC function's MSI/MSI-X capability changed without the kernel's interrupt code doing it; the device can then inject interrupts the host does not expect.",
		.false_positives = "Interrupt affinity changes done by the kernel itself are filtered; a VMM programming MSI through vfio can trigger it.",
		.response = "Treat as compromise of the BMC or of host root: capture the config space (lspci -xxxx), preserve logs, isolate the host.",
		.technique = "T1542.002",
	},
	{
		.id = 103, .name = "pcie.device_added",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_WARNING,
		.summary = "A PCI function appeared after boot",
		.explanation = "A PCI function was added that is not in the baseline inventory; a BMC can expose new functions (virtual USB, NIC, storage) to the host at run time.",
		.false_positives = "Hot-plug of NVMe or NICs, SR-IOV virtual functions being created, BMC virtual media being attached by an operator.",
		.response = "Check the vendor/device id against the approved hardware list and the change calendar; unexpected BMC functions warrant a firmware check.",
		.technique = "T1200",
	},
	{
		.id = 104, .name = "pcie.device_removed",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_NOTICE,
		.summary = "A PCI function disappeared",
		.explanation = "A PCI function present in the inventory was removed; removing a monitored BMC function blinds bmcwatch to it.",
		.false_positives = "Hot-unplug, SR-IOV virtual functions being destroyed, driver-initiated device removal.",
		.response = "Confirm the removal was planned; if a BMC function vanished, check the BMC's state out of band.",
		.technique = "T1562",
	},
	{
		.id = 105, .name = "pcie.device_changed",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_WARNING,
		.summary = "A PCI function changed identity",
		.explanation = "The vendor, device, subsystem, class or revision of a function differs from the baseline, which happens when BMC firmware is replaced or a device is swapped.",
		.false_positives = "Planned firmware updates, hardware replacement, a baseline learnt on a different hardware revision.",
		.response = "Match against the firmware change log; relearn the baseline after an approved update (bmcwatchd --learn).",
		.technique = "T1542.002",
	},
	{
		.id = 106, .name = "pcie.bmc_mmio_map",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_WARNING,
		.summary = "A process mapped a BAR of a BMC function",
		.explanation = "User space mapped BMC memory (resourceN in sysfs or /dev/mem); the ASPEED P2A window and similar bridges give read/write access to the BMC's own address space.",
		.false_positives = "X servers or fbdev tools on the BMC VGA function, vendor diagnostics.",
		.response = "Identify the process; unless it is a known graphics or vendor tool, kill it and inspect the BMC.",
		.technique = "T1542.002",
	},
	{
		.id = 107, .name = "pcie.aer_error",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_NOTICE,
		.summary = "PCIe AER error reported on a BMC path",
		.explanation = "Advanced Error Reporting logged an error (e.g. unsupported request, completer abort, malformed TLP) on a BMC function or its upstream bridge; probing or malformed DMA can cause these.",
		.false_positives = "Marginal links and correctable errors on healthy hardware; firmware resets of the BMC.",
		.response = "Look at the error type and rate; a burst of uncorrectable errors without hardware faults deserves investigation.",
		.technique = NULL,
	},
	{
		.id = 108, .name = "pcie.vfio_config_write",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_INFO,
		.summary = "A VMM wrote the configuration space of a device it passes through",
		.explanation = "A process wrote a register of a PCI function bound to vfio-pci through the device's VFIO config region, as a hypervisor does while its guest drives a passed-through device; vfio-pci filters and virtualises what reaches the device. Recorded so that a hypervisor's normal traffic is attributed to its process, never raised as an alarm; writes to BMC functions raise pcie.config_write instead.",
		.false_positives = "This is the normal traffic of a hypervisor host.",
		.response = "None; check that the process is the host's VMM if it is unexpected.",
		.technique = NULL,
	},
	{
		.id = 109, .name = "pcie.vf_added",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_INFO,
		.summary = "An SR-IOV virtual function was created",
		.explanation = "The kernel enabled SR-IOV on a physical function (sriov_numvfs) and added one of its virtual functions; the kernel, not the device, creates these, so a VF is not an unannounced device.",
		.false_positives = "This is the normal traffic of a virtualisation host.",
		.response = "None; a VF of a BMC function raises pcie.device_added instead.",
		.technique = NULL,
	},
	{
		.id = 110, .name = "pcie.vf_removed",
		.cls = BMCW_CLASS_PCIE, .severity = BMCW_SEV_INFO,
		.summary = "An SR-IOV virtual function was destroyed",
		.explanation = "The kernel disabled SR-IOV or lowered sriov_numvfs and removed one of its virtual functions.",
		.false_positives = "This is the normal traffic of a virtualisation host.",
		.response = "None; a VF of a BMC function raises pcie.device_removed instead.",
		.technique = NULL,
	},
	{
		.id = 201, .name = "lpc.decode_change",
		.cls = BMCW_CLASS_LPC, .severity = BMCW_SEV_WARNING,
		.summary = "LPC/eSPI bridge I/O decode ranges changed",
		.explanation = "The PCH LPC bridge's I/O decode enables or generic decode ranges (0x80-0x93) changed after boot, opening or moving a window to BMC I/O ports such as SuperIO 0x2E/0x4E or KCS 0xCA2.",
		.false_positives = "Firmware runtime services (SMM) and some platform drivers reprogramming decode ranges.",
		.response = "Compare with the boot-time value; an unexplained change exposing SuperIO should be treated as an attempt to reach the BMC.",
		.technique = "T1542.002",
	},
	{
		.id = 202, .name = "lpc.superio_unlock",
		.cls = BMCW_CLASS_LPC, .severity = BMCW_SEV_CRITICAL,
		.summary = "SuperIO configuration unlock sequence written",
		.explanation = "The unlock sequence (0xA5 0xA5 for ASPEED, 0x87 0x87 for Nuvoton-style parts) was written to the SuperIO index port; on ASPEED BMCs this can enable iLPC2AHB, which reads and writes BMC memory.",
		.false_positives = "Vendor hardware monitoring tools and sensors-detect probing SuperIO chips.",
		.response = "Identify the process at once; outside a known tool, isolate the host and verify the BMC firmware.",
		.technique = "T1542.002",
	},
	{
		.id = 203, .name = "lpc.port_access",
		.cls = BMCW_CLASS_LPC, .severity = BMCW_SEV_NOTICE,
		.summary = "User-space access to BMC I/O ports",
		.explanation = "A process used /dev/port, ioperm or iopl to touch I/O ports belonging to the BMC (SuperIO, KCS, BT, mailbox).",
		.false_positives = "ipmitool with the open interface does not do this; some vendor tools and sensors-detect do.",
		.response = "Check the process; enable kernel lockdown where raw port access is not needed.",
		.technique = "T1542.002",
	},
	{
		.id = 301, .name = "dma.bus_master_enabled",
		.cls = BMCW_CLASS_DMA, .severity = BMCW_SEV_WARNING,
		.summary = "Bus mastering enabled on a BMC function",
		.explanation = "The Bus Master Enable bit of a BMC function was set; with it the BMC can DMA into host memory.",
		.false_positives = "A driver binding to the function (e.g. the graphics driver of the BMC VGA).",
		.response = "Check which driver is bound; a function with no driver should never become a bus master.",
		.technique = "T1200",
	},
	{
		.id = 302, .name = "dma.iommu_fault",
		.cls = BMCW_CLASS_DMA, .severity = BMCW_SEV_CRITICAL,
		.summary = "IOMMU blocked DMA from a BMC function",
		.explanation = "The IOMMU faulted a DMA request whose source id is a BMC function or its DMA alias: the BMC tried to read or write host memory it was not given.",
		.false_positives = "Driver bugs or a device reset racing a DMA unmap; learnt benign sources.",
		.response = "Record the fault address and reason; repeated faults from a BMC mean the BMC is probing host memory: isolate.",
		.technique = "T1200",
	},
	{
		.id = 303, .name = "dma.unconfined",
		.cls = BMCW_CLASS_DMA, .severity = BMCW_SEV_WARNING,
		.summary = "A BMC function is not confined by the IOMMU",
		.explanation = "The IOMMU is off, in passthrough, or the BMC function's group has an identity domain: its DMA reaches all host memory unchecked.",
		.false_positives = "Deliberate iommu=pt for performance on trusted hosts.",
		.response = "Enable the IOMMU in translated mode (intel_iommu=on, no iommu=pt) or put the BMC function in a DMA domain.",
		.technique = "T1562",
	},
	{
		.id = 401, .name = "doorbell.unexpected_irq",
		.cls = BMCW_CLASS_DOORBELL, .severity = BMCW_SEV_NOTICE,
		.summary = "Interrupt from a BMC function that no handler claimed",
		.explanation = "A BMC interrupt arrived that no handler claimed, or on a vector with no handler; a BMC can use interrupts to signal or to disturb the host.",
		.false_positives = "Shared legacy interrupt lines, spurious interrupts after a device reset.",
		.response = "Watch the rate; a sustained stream points at misbehaving BMC firmware.",
		.technique = "T1498",
	},
	{
		.id = 402, .name = "doorbell.interrupt_remap_fault",
		.cls = BMCW_CLASS_DOORBELL, .severity = BMCW_SEV_CRITICAL,
		.summary = "Interrupt remapping blocked a message from a BMC function",
		.explanation = "The IOMMU's interrupt remapping rejected an MSI write (bad index, compatibility format or source-id mismatch) from a BMC function: it tried to raise an interrupt it does not own.",
		.false_positives = "Chipset devices with learnt benign faults; BMC functions whose driver was just unbound.",
		.response = "Correlate with pcie.msi_hijack and dma.* alerts; treat repeated faults as an attack on the host.",
		.technique = "T1200",
	},
	{
		.id = 403, .name = "doorbell.unknown_nmi",
		.cls = BMCW_CLASS_DOORBELL, .severity = BMCW_SEV_WARNING,
		.summary = "Unknown NMI received",
		.explanation = "An NMI arrived that no handler claimed; a BMC can raise NMIs (IPMI chassis control, watchdog pre-timeout) to crash or disturb the host.",
		.false_positives = "Hardware errors, perf counters on some CPUs, an operator pressing the NMI button from the BMC UI.",
		.response = "Check the BMC's event log and audit log for a diagnostic interrupt command.",
		.technique = "T1498",
	},
	{
		.id = 501, .name = "ipmi.unsolicited_attention",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_NOTICE,
		.summary = "BMC raised SMS_ATN without a pending host request",
		.explanation = "The KCS SMS_ATN bit was set while the host had no outstanding request, making the IPMI driver fetch messages from the BMC, or attentions came faster than the baseline's learnt rate (without one: more than 20 in 10 s).",
		.false_positives = "Watchdog pre-timeouts, event buffer full, BMC-to-host messages used by some OEM agents.",
		.response = "Look at the message flags that followed; unexplained repeated attention should be investigated on the BMC.",
		.technique = NULL,
	},
	{
		.id = 502, .name = "ipmi.bmc_initiated_message",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_WARNING,
		.summary = "BMC delivered a message the host did not ask for",
		.explanation = "A message arrived from the BMC through Get Message / Read Event Message Buffer that does not answer a host request; it is a BMC-to-host channel.",
		.false_positives = "OEM host agents that talk to the BMC via the receive message queue; platform events.",
		.response = "Inspect the netfn/cmd; check the BMC for unexpected users or scripts.",
		.technique = NULL,
	},
	{
		.id = 503, .name = "ipmi.protocol_violation",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_WARNING,
		.summary = "BMC broke the IPMI KCS/response protocol",
		.explanation = "A response's netfn/cmd did not match its request (on any interface: KCS, BT or SSIF, which the alert's locus names), a message exceeded the maximum length, or the KCS state machine saw an illegal transition; malformed responses can target parser bugs in the host driver. A BMC that reset itself is reported here too: global enables read back without what the host set, 'initialisation in progress' answers, or KCS errors followed by recovery.",
		.false_positives = "Buggy BMC firmware versions, BMC resets in the middle of a transaction.",
		.response = "Collect the frames; report to the BMC vendor; if new after a firmware change, roll it back.",
		.technique = NULL,
	},
	{
		.id = 504, .name = "ipmi.sensitive_command",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_WARNING,
		.summary = "Host sent a sensitive IPMI command to the BMC",
		.explanation = "A host process sent a command that changes BMC users, passwords, LAN or SOL configuration, boot options, firmware, or uses master write-read / OEM commands; from the host these need no BMC credentials.",
		.false_positives = "Provisioning and firmware update tools run by operators (ipmitool, vendor utilities).",
		.response = "Confirm the change was scheduled; verify BMC users and network settings out of band.",
		.technique = "T1556",
	},
	{
		.id = 505, .name = "ipmi.identity_change",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_WARNING,
		.summary = "The BMC's identity (Get Device ID) changed",
		.explanation = "The device id, firmware revision, IPMI version or manufacturer reported by the BMC differs from the baseline.",
		.false_positives = "Planned BMC firmware updates.",
		.response = "Match against the change log; relearn the baseline after an approved update.",
		.technique = "T1542.002",
	},
	{
		.id = 506, .name = "ipmi.new_command",
		.cls = BMCW_CLASS_IPMI, .severity = BMCW_SEV_INFO,
		.summary = "An IPMI command never seen while the baseline was learnt",
		.explanation = "A host request (netfn/cmd) came from an origin (a process through /dev/ipmiN, ipmi_si, the watchdog, ...) that never sent it during the learning period of the baseline's traffic profile. Sensitive commands have their own rule.",
		.false_positives = "New management software or kernel drivers, an operator running ipmitool commands not run while learning, a learning period too short to see periodic jobs.",
		.response = "Check which process sent it; relearn (bmcwatchd --learn --learn-seconds N) when the new traffic is expected.",
		.technique = "T1082",
	},
	{
		.id = 601, .name = "usb.bmc_device_added",
		.cls = BMCW_CLASS_USB, .severity = BMCW_SEV_WARNING,
		.summary = "A BMC's USB device appeared on the host",
		.explanation = "The BMC presented a USB device to the host at run time: a virtual keyboard and mouse (remote KVM), virtual media (CD/DVD, disk, floppy) or a USB network interface. A BMC that types on the console or inserts a boot disk needs no DMA: this is how it acts on the host through USB. The alert names the device's interfaces and how it was recognised as the BMC's (built-in table, or the operator's usb_bmc_devices by id or port).",
		.false_positives = "An administrator opening the BMC's remote console or mounting virtual media for maintenance or an installation; some BMCs attach their virtual keyboard at every BMC reboot.",
		.response = "Ask who is logged in to the BMC (its web, Redfish and IPMI session logs) and whether maintenance was planned; unexpected virtual media on a server is a boot-time or install-time attack: check the boot order and the BMC's accounts.",
		.technique = "T1200",
	},
	{
		.id = 602, .name = "usb.bmc_device_removed",
		.cls = BMCW_CLASS_USB, .severity = BMCW_SEV_NOTICE,
		.summary = "A BMC's USB device disappeared from the host",
		.explanation = "A USB device recognised as the BMC's went away: a remote console closed, virtual media ejected, or the BMC rebooted. With the matching usb.bmc_device_added it brackets what the BMC could do in between.",
		.false_positives = "The end of a planned remote-console or virtual-media session; a BMC reboot or firmware update.",
		.response = "Match it with its usb.bmc_device_added and with the BMC's own session log.",
		.technique = NULL,
	},
	{
		.id = 603, .name = "usb.bmc_input",
		.cls = BMCW_CLASS_USB, .severity = BMCW_SEV_WARNING,
		.summary = "Input from a BMC keyboard or mouse while no remote-console session was declared",
		.explanation = "A keyboard or mouse the BMC presents over USB sent key presses or pointer movements to the host, and no remote-console session was declared (/sys/kernel/bmcwatch/console_session). Someone or something at the BMC is typing on this host's console. bmcwatch counts presses and movements and when they happened; it never records which keys.",
		.false_positives = "An administrator using the BMC's remote console (KVM) without declaring the session first; a BMC that sends a key at attach time.",
		.response = "Find who holds a remote-console session on the BMC (its session log) and confirm it was planned; if nobody should be there, look at what was typed on the console (shell history, login records), disable the BMC's virtual keyboard or the BMC account, and check the BMC firmware. Declare planned sessions: echo SECONDS > /sys/kernel/bmcwatch/console_session.",
		.technique = "T1219",
	},
	{
		.id = 604, .name = "usb.bmc_input_session",
		.cls = BMCW_CLASS_USB, .severity = BMCW_SEV_INFO,
		.summary = "Input from a BMC keyboard or mouse during a declared remote-console session",
		.explanation = "A keyboard or mouse the BMC presents over USB was used while an operator-declared remote-console session was open: recorded (counts and times, never which keys) so that the session's activity stays on the host's record.",
		.false_positives = "This is the expected use of a declared session.",
		.response = "None; the knob_changed event of console_session names who declared the session.",
		.technique = NULL,
	},
	{
		.id = 605, .name = "usb.bmc_console_attached",
		.cls = BMCW_CLASS_USB, .severity = BMCW_SEV_INFO,
		.summary = "A BMC keyboard or mouse appeared during a declared remote-console session",
		.explanation = "The BMC attached its virtual keyboard or mouse while an operator-declared remote-console session was open, as it does when someone opens its remote console: recorded, not alarmed. Virtual media and network devices raise usb.bmc_device_added whatever the session.",
		.false_positives = "This is the expected start of a declared session.",
		.response = "None; the knob_changed event of console_session names who declared the session.",
		.technique = NULL,
	},
	{
		.id = 901, .name = "health.events_lost",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "bmcwatch dropped or suppressed events",
		.explanation = "Events were lost (a full BPF map or ring buffer, a full queue) or alerts were suppressed by the rate limit; the counts say how many and where.",
		.false_positives = "Rate-limit summaries during legitimate bursts, e.g. a firmware update.",
		.response = "If losses are not rate-limit summaries, raise buffer sizes; investigate what produced the burst.",
		.technique = NULL,
	},
	{
		.id = 902, .name = "health.hook_failed",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "A monitor or kernel hook could not be started",
		.explanation = "A monitor failed to initialise or a kernel hook failed to attach; part of the host is not watched.",
		.false_positives = "Kernels without the needed tracepoint or BTF; missing hardware (no KCS, no IOMMU).",
		.response = "Read the error; fix the kernel configuration or disable the monitor explicitly.",
		.technique = "T1562",
	},
	{
		.id = 903, .name = "health.monitor_stopped",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_NOTICE,
		.summary = "bmcwatch monitoring stopped",
		.explanation = "The daemon or the kernel module is stopping; nothing is watched until it starts again.",
		.false_positives = "Service restarts and package upgrades.",
		.response = "Make sure a health.monitor_started follows; a stop without restart outside maintenance is suspicious.",
		.technique = "T1562.001",
	},
	{
		.id = 904, .name = "health.monitor_started",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_INFO,
		.summary = "bmcwatch monitoring started",
		.explanation = "The daemon started and lists which monitors are enabled.",
		.false_positives = "None.",
		.response = "None; check the enabled monitors match the fleet policy.",
		.technique = NULL,
	},
	{
		.id = 905, .name = "health.heartbeat",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_INFO,
		.summary = "Periodic heartbeat with the host inventory fingerprint",
		.explanation = "Sent every heartbeat_minutes so a missing heartbeat reveals a stopped or blinded daemon; carries the host inventory fingerprint.",
		.false_positives = "None.",
		.response = "Alert in the SIEM when a host's heartbeat is missing or its fingerprint changes unexpectedly.",
		.technique = NULL,
	},
	{
		.id = 906, .name = "health.counter_drift",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "Independent counters disagree",
		.explanation = "Counters that should agree (e.g. kernel interrupt counts and the events bmcwatch saw) drifted apart: events are being missed or hidden.",
		.false_positives = "Counter sampling races right after load; counters reset by driver reloads.",
		.response = "Check health.events_lost and hook status; a persistent drift may mean a hook was bypassed.",
		.technique = "T1562",
	},
	/* 907-913: what bmcwatch.ko reports about itself (ABI 1.2 health events) */
	{
		.id = 907, .name = "health.hook_removed",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_NOTICE,
		.summary = "Kernel hooks went away with the module they sit in",
		.explanation = "A driver module that bmcwatch.ko hooks (ipmi_si, ipmi_msghandler) was unloaded, and the hooks in it went with it; the alert names the process that unloaded it and what is unseen until it is loaded again. The module places the hooks again by itself when the driver is loaded (health.hook_placed).",
		.false_positives = "Maintenance: a driver reload (rmmod/modprobe), a driver upgrade, the IPMI service restarting its driver.",
		.response = "If no maintenance was scheduled, find out who ran the named process; check that health.hook_placed follows once the driver is back, and that the driver is back at all (lsmod).",
		.technique = "T1562.001",
	},
	{
		.id = 908, .name = "health.hook_placed",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_INFO,
		.summary = "Kernel hooks placed again: their module is back",
		.explanation = "A driver module that bmcwatch.ko hooks was loaded, and the module placed its hooks in it before the driver's first call; what they see is watched again. It closes the window a health.hook_removed opened.",
		.false_positives = "None; it is the good news after a driver reload.",
		.response = "None; the interval since the matching health.hook_removed is the time that channel was unwatched.",
		.technique = NULL,
	},
	{
		.id = 909, .name = "health.knob_changed",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_INFO,
		.summary = "An operator knob of bmcwatch.ko was written",
		.explanation = "A process wrote /sys/kernel/bmcwatch/enabled or bmc_devices; the alert names it and says what changed. It is a warning when it turns watching down: enabled 1 -> 0 (config-space and LPC events are no longer traced), or the BMC list written by any process but bmcwatchd itself (a function dropped from the list is watched as an ordinary device). bmcwatchd writing its own [bmc] list at start is info.",
		.false_positives = "An operator pausing tracing for a benchmark or a debugging session; configuration management writing the BMC list.",
		.response = "Ask who ran the named process; set enabled back to 1 and restart bmcwatchd (it writes its [bmc] list again) unless the change was planned.",
		.technique = "T1562.001",
	},
	{
		.id = 910, .name = "health.pci_ops_foreign",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "Another module intercepts PCI configuration space on a bus",
		.explanation = "bmcwatch.ko found another pci_ops wrapper stacked on its own on a PCI bus: every config access there passes through that module's code before bmcwatch sees it, and it can hide or change accesses. The message names the bus and the wrapper's function.",
		.false_positives = "aer_inject (PCIe error-injection testing); another monitoring or tracing module.",
		.response = "Find the module that owns the named function (lsmod, /proc/kallsyms); unless it is aer_inject in a test window, treat the host as compromised. Unload such a wrapper before bmcwatch.",
		.technique = "T1014",
	},
	{
		.id = 911, .name = "health.pci_ops_lost",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "A PCI bus lost bmcwatch's config hook and was hooked again",
		.explanation = "A module that had wrapped a bus's pci_ops restored the ops it found when it was unloaded, which dropped bmcwatch's wrapper; bmcwatch.ko hooked the bus again. Config accesses on that bus between the two were not seen.",
		.false_positives = "Unloading aer_inject or another wrapper module after a test.",
		.response = "Check which module was unloaded and by whom (the alert names them); outside a test window investigate that module.",
		.technique = "T1562.001",
	},
	{
		.id = 912, .name = "health.blind_spot",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_WARNING,
		.summary = "A hook is placed but cannot see every call",
		.explanation = "bmcwatch.ko placed a hook, but some calls of the hooked code run through a copy the compiler inlined elsewhere, which the hook does not see: part of what it watches goes unseen.",
		.false_positives = "None: it is a property of the running kernel's build.",
		.response = "Report the kernel version with the message; a module built for this kernel may use another probe point.",
		.technique = NULL,
	},
	{
		.id = 913, .name = "health.module_event",
		.cls = BMCW_CLASS_HEALTH, .severity = BMCW_SEV_NOTICE,
		.summary = "bmcwatch.ko reported a health event this daemon does not know",
		.explanation = "The module is newer than the daemon and reported a kind of health event added after it; the alert carries the module's own text.",
		.false_positives = "None; the daemon is older than the module.",
		.response = "Read the message; upgrade bmcwatchd to the module's version.",
		.technique = NULL,
	},
};

size_t rule_count(void)
{
	return sizeof(rules) / sizeof(rules[0]);
}

const struct bmcw_rule *rule_at(size_t index)
{
	return index < rule_count() ? &rules[index] : NULL;
}

size_t rule_index(const struct bmcw_rule *rule)
{
	return (size_t)(rule - rules);
}

const struct bmcw_rule *rule_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < rule_count(); i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

static const char *const class_names[BMCW_CLASS_COUNT] = {
	[BMCW_CLASS_PCIE]	= "pcie",
	[BMCW_CLASS_LPC]	= "lpc",
	[BMCW_CLASS_DMA]	= "dma",
	[BMCW_CLASS_DOORBELL]	= "doorbell",
	[BMCW_CLASS_IPMI]	= "ipmi",
	[BMCW_CLASS_USB]	= "usb",
	[BMCW_CLASS_HEALTH]	= "health",
};

const char *rule_class_name(enum bmcw_rule_class cls)
{
	return (unsigned int)cls < BMCW_CLASS_COUNT ? class_names[cls] : "unknown";
}
