// SPDX-License-Identifier: GPL-2.0
/* See errmsg.h. */
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

void errmsg_set(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}
