/* SPDX-License-Identifier: GPL-2.0 */
/* A growable list of owned strings, for repeatable config keys. */
#ifndef BMCW_STRLIST_H
#define BMCW_STRLIST_H

#include <stddef.h>

struct strlist {
	char **v;
	size_t n;
};

int strlist_add(struct strlist *l, const char *s);
int strlist_copy(struct strlist *dst, const struct strlist *src);
void strlist_free(struct strlist *l);

#endif /* BMCW_STRLIST_H */
