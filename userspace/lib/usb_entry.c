// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <string.h>

#include "usb_entry.h"

static int hex4(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -1;
	return 0;
}

/* The device name's characters, then a dash and dotted port numbers. */
static int port_check(const char *p)
{
	const char *dash = strrchr(p, '-');
	size_t len = strlen(p);

	if (!len || len > USB_ENTRY_PORT_MAX || !dash || dash == p)
		return -1;
	for (const char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr(":.-_", *c))
			return -1;
	if (!isdigit((unsigned char)dash[1]))
		return -1;
	for (const char *c = dash + 1; *c; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return -1;
	return 0;
}

int usb_entry_check(const char *s)
{
	size_t len = strlen(s);

	if (!strncmp(s, "port:", 5))
		return port_check(s + 5);
	if ((len == 6 || len == 9) && !hex4(s) && s[4] == ':')
		return len == 6 ? (s[5] == '*' ? 0 : -1) : hex4(s + 5);
	return -1;
}
