/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel lockdown state: under lockdown the raw paths the LPC monitor
 * watches (/dev/port, ioperm/iopl, /dev/mem, PCI BAR mmap) are closed.
 */
#ifndef BMCW_LOCKDOWN_H
#define BMCW_LOCKDOWN_H

#include <stddef.h>

#define LOCKDOWN_PATH	"/sys/kernel/security/lockdown"

/*
 * "none", "integrity" or "confidentiality" from securityfs; "unknown
 * (securityfs not mounted)" when it cannot be read (a kernel without the
 * lockdown LSM has no such file either).
 */
const char *lockdown_state(char *buf, size_t len);
/* securityfs text "none [integrity] confidentiality" -> "integrity" */
int lockdown_parse(const char *text, char *buf, size_t len);

#endif /* BMCW_LOCKDOWN_H */
