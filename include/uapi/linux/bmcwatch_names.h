/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * bmcwatch names: the tables that bmcwatch.ko (debugfs), the daemon and the
 * CLI print, kept in one place so that the two sides cannot drift apart
 * again (they once had "reset_watchdog" against "reset_watchdog_timer").
 *
 * Each table is an X-macro: a user defines X to expand one row, then
 * writes the list's name with X as its argument, for instance
 *
 *	#define NAME(sfx, name) [BMCW_CFG_##sfx] = name,
 *	static const char *const names[] = { BMCW_CFG_CLASSES(NAME) };
 *	#undef NAME
 *
 * Only macros: no types, so it compiles in the kernel, in BPF programs and
 * in userspace alike.
 *
 * ABI: tables whose rows make an enum of bmcwatch.h (register classes,
 * origins, IPMI kinds and IPMI origins) are in enum order, starting at 0;
 * a row is only ever appended, never moved or removed (see
 * ABI_VERSIONING). The names themselves are for people, not an ABI.
 */
#ifndef _UAPI_LINUX_BMCWATCH_NAMES_H
#define _UAPI_LINUX_BMCWATCH_NAMES_H

/* X(SUFFIX, "name"): enum bmcw_origin BMCW_ORIGIN_<SUFFIX>, from 0 */
#define BMCW_ORIGINS(X)				\
	X(KERNEL,	"kernel")		\
	X(USER,		"user")			\
	X(VFIO,		"vfio")			\
	X(ACPI,		"acpi")

/* X(SUFFIX, "name"): enum bmcw_cfg_class BMCW_CFG_<SUFFIX>, from 0 */
#define BMCW_CFG_CLASSES(X)			\
	X(ID,		"id")			\
	X(COMMAND,	"command")		\
	X(STATUS,	"status")		\
	X(BAR,		"bar")			\
	X(ROM,		"rom")			\
	X(CAPPTR,	"capptr")		\
	X(HEADER,	"header")		\
	X(BRIDGE,	"bridge")		\
	X(INTX,		"intx")			\
	X(MSI,		"msi")			\
	X(MSIX,		"msix")			\
	X(PM,		"pm")			\
	X(PCIE,		"pcie")			\
	X(ACS,		"acs")			\
	X(ATS,		"ats")			\
	X(PRI,		"pri")			\
	X(PASID,	"pasid")		\
	X(SRIOV,	"sriov")		\
	X(VENDOR,	"vendor")		\
	X(AER,		"aer")			\
	X(LPC_DECODE,	"lpc_decode")		\
	X(OTHER_CAP,	"other_cap")		\
	X(UNCLAIMED,	"unclaimed")

/* X(SUFFIX, "name"): enum bmcw_ipmi_kind BMCW_IPMI_<SUFFIX>, from 0 */
#define BMCW_IPMI_KINDS(X)			\
	X(XACT,		"transaction")		\
	X(ATTN,		"attention")		\
	X(HOSED,	"hosed")		\
	X(ABORT,	"abort")		\
	X(MSG_REQ,	"request")		\
	X(MSG_RSP,	"response")		\
	X(PRETIMEOUT,	"pretimeout")		\
	X(UNKNOWN_NMI,	"unknown_nmi")

/* X(SUFFIX, "name"): enum bmcw_ipmi_origin BMCW_IPMI_ORIG_<SUFFIX>, from 0 */
#define BMCW_IPMI_ORIGINS(X)			\
	X(SI,		"ipmi_si")		\
	X(MSGHANDLER,	"ipmi_msghandler")	\
	X(USER,		"process")		\
	X(WATCHDOG,	"ipmi_watchdog")	\
	X(POWEROFF,	"ipmi_poweroff")	\
	X(ACPI,		"acpi_ipmi")		\
	X(KERNEL,	"kernel")		\
	X(BMC,		"bmc")

/*
 * X(netfn, "name"): request network functions (even values; the response
 * is netfn + 1). 0x30-0x3e are OEM ("oem"); everything else is reserved.
 */
#define BMCW_IPMI_NETFN_OEM_FIRST	0x30
#define BMCW_IPMI_NETFN_OEM_LAST	0x3e
#define BMCW_IPMI_NETFNS(X)			\
	X(0x00,	"chassis")			\
	X(0x02,	"bridge")			\
	X(0x04,	"sensor")			\
	X(0x06,	"app")				\
	X(0x08,	"firmware")			\
	X(0x0a,	"storage")			\
	X(0x0c,	"transport")			\
	X(0x2c,	"group_ext")			\
	X(0x2e,	"oem_group")

/* X(netfn, cmd, "name"): commands, by request netfn, as IPMI 2.0 names them */
#define BMCW_IPMI_CMDS(X)					\
	X(0x00, 0x00, "get_chassis_capabilities")		\
	X(0x00, 0x01, "get_chassis_status")			\
	X(0x00, 0x02, "chassis_control")			\
	X(0x00, 0x04, "chassis_identify")			\
	X(0x00, 0x08, "set_system_boot_options")		\
	X(0x00, 0x09, "get_system_boot_options")		\
	X(0x04, 0x20, "get_device_sdr_info")			\
	X(0x04, 0x21, "get_device_sdr")				\
	X(0x04, 0x22, "reserve_device_sdr_repository")		\
	X(0x04, 0x27, "get_sensor_thresholds")			\
	X(0x04, 0x2d, "get_sensor_reading")			\
	X(0x06, 0x01, "get_device_id")				\
	X(0x06, 0x02, "cold_reset")				\
	X(0x06, 0x03, "warm_reset")				\
	X(0x06, 0x04, "get_self_test_results")			\
	X(0x06, 0x08, "get_device_guid")			\
	X(0x06, 0x22, "reset_watchdog_timer")			\
	X(0x06, 0x24, "set_watchdog_timer")			\
	X(0x06, 0x25, "get_watchdog_timer")			\
	X(0x06, 0x2e, "set_bmc_global_enables")			\
	X(0x06, 0x2f, "get_bmc_global_enables")			\
	X(0x06, 0x30, "clear_message_flags")			\
	X(0x06, 0x31, "get_message_flags")			\
	X(0x06, 0x33, "get_message")				\
	X(0x06, 0x34, "send_message")				\
	X(0x06, 0x35, "read_event_message_buffer")		\
	X(0x06, 0x37, "get_system_guid")			\
	X(0x06, 0x40, "set_channel_access")			\
	X(0x06, 0x41, "get_channel_access")			\
	X(0x06, 0x42, "get_channel_info")			\
	X(0x06, 0x43, "set_user_access")			\
	X(0x06, 0x44, "get_user_access")			\
	X(0x06, 0x45, "set_user_name")				\
	X(0x06, 0x46, "get_user_name")				\
	X(0x06, 0x47, "set_user_password")			\
	X(0x06, 0x52, "master_write_read")			\
	X(0x0a, 0x10, "get_fru_inventory_area_info")		\
	X(0x0a, 0x11, "read_fru_data")				\
	X(0x0a, 0x12, "write_fru_data")				\
	X(0x0a, 0x20, "get_sdr_repository_info")		\
	X(0x0a, 0x22, "reserve_sdr_repository")			\
	X(0x0a, 0x23, "get_sdr")				\
	X(0x0a, 0x40, "get_sel_info")				\
	X(0x0a, 0x42, "reserve_sel")				\
	X(0x0a, 0x43, "get_sel_entry")				\
	X(0x0a, 0x47, "clear_sel")				\
	X(0x0a, 0x48, "get_sel_time")				\
	X(0x0c, 0x01, "set_lan_configuration")			\
	X(0x0c, 0x02, "get_lan_configuration")			\
	X(0x0c, 0x21, "set_sol_configuration")			\
	X(0x0c, 0x22, "get_sol_configuration")

#endif /* _UAPI_LINUX_BMCWATCH_NAMES_H */
