/* SPDX-License-Identifier: GPL-2.0 */
/* Error messages into a caller's buffer, the convention of every parser. */
#ifndef BMCW_ERRMSG_H
#define BMCW_ERRMSG_H

#include <stddef.h>

/* Format into err[0..len); does nothing when len is 0. */
void errmsg_set(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* BMCW_ERRMSG_H */
