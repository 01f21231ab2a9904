/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatch.ko's list knobs (/sys/kernel/bmcwatch/bmc_devices,
 * usb_bmc_devices): the module takes the whole list in one write and
 * replaces its own with it, or refuses the write and keeps its own.
 */
#ifndef BMCW_KNOB_H
#define BMCW_KNOB_H

#include "strlist.h"

/* Write @l, space-separated, to knob @name. 0, or -errno (logged). */
int knob_write_list(const char *name, const struct strlist *l,
		    const char *what);

#endif /* BMCW_KNOB_H */
