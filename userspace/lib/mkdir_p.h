/* SPDX-License-Identifier: GPL-2.0 */
/* A directory and its missing parents, as mkdir -p. */
#ifndef BMCW_MKDIR_P_H
#define BMCW_MKDIR_P_H

#include <sys/types.h>

/* 0, or -1 with errno; existing directories are left as they are. */
int mkdir_p(const char *dir, mode_t mode);
/* The same for the directory that holds @path (none for a bare name). */
int mkdir_parent(const char *path, mode_t mode);

#endif /* BMCW_MKDIR_P_H */
