/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel lockdown state: under lockdown the raw paths the LPC monitor
 * watches (/dev/port, ioperm/iopl, /dev/mem, PCI BAR mmap) are closed.
 */
#ifndef BMCW_LOCKDOWN_H
#define BMCW_LOCKDOWN_H

#include <stddef.h>

/*
 * "none", "integrity" or "confidentiality" from bmcwatch.ko's sysfs file,
 * else from securityfs; "unknown" when neither can be read.
 */
const char *lockdown_state(char *buf, size_t len);
/* securityfs text "none [integrity] confidentiality" -> "integrity" */
int lockdown_parse(const char *text, char *buf, size_t len);

#endif /* BMCW_LOCKDOWN_H */
