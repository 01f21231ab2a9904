/* SPDX-License-Identifier: GPL-2.0 */
/*
 * journal: alerts as systemd journal entries with fields of their own,
 * which an operator filters on: journalctl BMCWATCH_RULE=pcie.config_write,
 * BMCWATCH_DEVICE=0000:03:00.0, or by priority (journalctl -p warning).
 *
 *   MESSAGE            "RULE: message", one line
 *   PRIORITY           syslog level of the severity (6, 5, 4, 2)
 *   SYSLOG_IDENTIFIER  bmcwatchd
 *   SYSLOG_FACILITY    3 (daemon), as the syslog outputs
 *   BMCWATCH_RULE, BMCWATCH_RULE_ID, BMCWATCH_CLASS, BMCWATCH_SEVERITY
 *   BMCWATCH_DEVICE    the PCI function's BDF, if the alert has one
 *   BMCWATCH_PID, BMCWATCH_COMM, BMCWATCH_EXE   the process, where known
 *   BMCWATCH_EVENT_TIME  when it happened (RFC 3339, UTC, ms; the last
 *                      occurrence), as the json: output's @timestamp; the
 *                      entry's own time is when the journal received it
 *   BMCWATCH_TIME_SOURCE event (the kernel's stamp), window (a sweep's
 *                      end) or daemon (the daemon's clock)
 *   BMCWATCH_SEQ       the daemon's sequence number
 *   BMCWATCH_JSON      the alert as the json: output writes it
 *
 * Building the entry is pure (journal_entry), sending it is not.
 */
#ifndef BMCW_OUTPUT_JOURNAL_H
#define BMCW_OUTPUT_JOURNAL_H

#include <stddef.h>
#include <sys/uio.h>

#include "output.h"

#define JOURNAL_FIELDS_MAX	20

/* Fields "NAME=value" in order, each NUL-terminated in buf (not in iov_len). */
struct journal_entry {
	struct iovec field[JOURNAL_FIELDS_MAX];
	size_t n;
	char buf[OUTPUT_LINE_MAX + 2048];
};

/* 0, or -1 if the alert did not fit (no field is ever cut short). */
int journal_entry(const struct bmcw_alert *a, const char *hostname,
		  struct journal_entry *e);

#endif /* BMCW_OUTPUT_JOURNAL_H */
