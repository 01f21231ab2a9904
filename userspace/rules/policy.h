/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy: the daemon's configuration (/etc/bmcwatch/bmcwatch.conf, INI)
 * merged with command-line overrides, and the per-rule decisions derived
 * from it (enabled, severity, threshold, allowed processes).
 */
#ifndef BMCW_POLICY_H
#define BMCW_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "alert.h"
#include "rules.h"
#include "strlist.h"

#define BMCW_DEFAULT_CONFIG	"/etc/bmcwatch/bmcwatch.conf"
#define BMCW_DEFAULT_SPOOL_DIR	"/var/lib/bmcwatch/spool"
#define BMCW_DEFAULT_BASELINE	"/var/lib/bmcwatch/baseline.json"
#define BMCW_DEFAULT_STATUS	"/run/bmcwatch/status.json"

/* How a [bmc] device line identifies a BMC function. */
struct bmc_match {
	bool by_bdf;
	uint16_t vendor, device;	/* by_bdf == false */
	uint32_t seg;			/* by_bdf == true */
	uint8_t bus, devfn;
};

/* A range of I/O ports, both ends included ([lpc] watch = LO-HI). */
struct lpc_port_range {
	uint16_t lo, hi;
};

#define POLICY_LPC_MAX_WATCH	16	/* what the BPF filter holds */

struct policy_rule {
	bool enabled;
	bool severity_set;		/* else the rule's default applies */
	enum bmcw_severity severity;
	unsigned int threshold;		/* occurrences per window before alerting */
	struct strlist allow_process;	/* comm or absolute exe path */
};

struct policy {
	char path[PATH_MAX];		/* config file read, "" if none */
	/* [daemon] */
	unsigned int interval_ms;
	char baseline[PATH_MAX];
	unsigned int heartbeat_minutes;	/* 0 = no heartbeat */
	unsigned int aggregation_window_s; /* 0 = no aggregation */
	unsigned int rate_limit;	/* alerts per rule per minute, 0 = off */
	char spool_dir[PATH_MAX];
	bool spool_fsync;		/* fdatasync after each spooled record */
	char metrics[PATH_MAX];		/* "off", "http:ADDRESS:PORT", "textfile:PATH" */
	char status_file[PATH_MAX];
	/* [bmc] */
	struct strlist bmc_devices;	/* as written, validated */
	struct bmc_match *bmc;		/* parsed, bmc_devices.n entries */
	/*
	 * [usb] device: bmcwatch.ko's usb_bmc_devices, written at start when
	 * the file has the section's lines (else the module's list, from its
	 * parameter, is left as it is)
	 */
	struct strlist usb_devices;
	bool usb_devices_set;
	/* [output] */
	struct strlist outputs;
	/* syslog+tls: PEM files, "" = system trust store / no client certificate */
	char tls_ca[PATH_MAX];
	char tls_cert[PATH_MAX];
	char tls_key[PATH_MAX];
	/* syslog+tcp and syslog+tls: connection handling, 0 = built-in default */
	unsigned int connect_timeout_ms;
	unsigned int retry_max_ms;
	unsigned int ack_timeout_ms;
	/*
	 * [dma] irq_probe: count the unclaimed interrupts of BMC functions
	 * exactly and per CPU with a BPF program on irq_handler_exit. Off by
	 * default: it runs for every interrupt of every device. Without it
	 * the counts come from the kernel's own accounting (kstat per CPU,
	 * exact; the spurious-interrupt detector, exact unless it restarted
	 * within an interval) at no cost to the interrupt path.
	 */
	bool dma_irq_probe;
	/*
	 * [dma] vector_log: where the kernel's messages about interrupts on
	 * vectors with no handler are read: the console tracepoint (BPF, no
	 * access to the kernel log needed), /dev/kmsg (CAP_SYSLOG where
	 * dmesg_restrict is set), or the tracepoint with /dev/kmsg in reserve.
	 */
	enum dma_vector_log {
		DMA_VLOG_AUTO = 0,
		DMA_VLOG_CONSOLE,
		DMA_VLOG_KMSG,
	} dma_vector_log;
	/*
	 * [dma] vector_count: how interrupts on vectors no handler owns are
	 * counted: from those messages (rate-limited by the kernel: a lower
	 * bound, nothing in the interrupt path), or each one, by a trampoline
	 * on __common_interrupt that every interrupt pays.
	 */
	enum dma_vector_count {
		DMA_VCOUNT_MESSAGES = 0,
		DMA_VCOUNT_EXACT,
	} dma_vector_count;
	/* [lpc]: watched I/O ports; the file's list replaces the defaults */
	struct lpc_port_range lpc_watch[POLICY_LPC_MAX_WATCH];
	unsigned int lpc_nwatch;
	bool lpc_watch_set;		/* the file gave a list */
	/*
	 * [baseline]: learning the traffic profile (--learn runs learn_seconds,
	 * 0 = the PCI inventory only) in windows of window_seconds; enforcing
	 * it flags a window above max(learnt largest x rate_factor, rate_floor).
	 */
	unsigned int learn_seconds;
	unsigned int window_seconds;
	unsigned int rate_factor;
	unsigned int rate_floor;
	/* [rule ...], indexed by rule_index() */
	struct policy_rule *rules;
	/* command line only */
	bool foreground;
	bool learn;
};

/* Command-line values; NULL/-1/empty mean "not given". */
struct policy_cli {
	const char *config;		/* -c */
	bool foreground;
	bool learn;
	bool learn_seconds_set;		/* --learn-seconds given */
	unsigned long learn_seconds;
	long interval_ms;		/* -1 if not given */
	const char *baseline;
	struct strlist bmc_devices;	/* replaces the file's [bmc] list */
	struct strlist outputs;		/* replaces the file's [output] list */
	const char *metrics;		/* replaces [daemon] metrics */
	const char *tls_ca, *tls_cert, *tls_key;	/* replace [output] tls_* */
};

/* Fill *p with built-in defaults. Returns 0, or -1 out of memory. */
int policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * Read a config file into *p (which policy_init() prepared). On error,
 * returns -1 with every problem, one per line, "FILE:LINE: ..." in err.
 */
int policy_load_file(struct policy *p, const char *path, char *err, size_t errlen);

/*
 * The daemon's whole load: defaults, the file (cli->config, else the
 * default path if it exists), then the command line on top.
 */
int policy_load(struct policy *p, const struct policy_cli *cli,
		char *err, size_t errlen);

/* Parse "PORT" or "LO-HI" (C integer syntax, 0..0xffff, LO <= HI). */
int lpc_range_parse(const char *s, struct lpc_port_range *r);

/* Parse "VENDOR:DEVICE" or "[DOMAIN:]BUS:DEV.FN"; 0 on success. */
int bmc_match_parse(const char *s, struct bmc_match *m);

/* Is the process allowed to do what rule triggers on? comm or exe match. */
bool policy_process_allowed(const struct policy *p, const struct bmcw_rule *rule,
			    const char *comm, const char *exe);
enum bmcw_severity policy_severity(const struct policy *p,
				   const struct bmcw_rule *rule,
				   enum bmcw_severity requested);
bool policy_rule_enabled(const struct policy *p, const struct bmcw_rule *rule);
unsigned int policy_rule_threshold(const struct policy *p,
				   const struct bmcw_rule *rule);

#endif /* BMCW_POLICY_H */
