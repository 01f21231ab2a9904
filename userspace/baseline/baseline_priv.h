/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the baseline's files (baseline.c: the model and the file;
 * baseline_json.c: to JSON; baseline_parse.c: from JSON, checked;
 * baseline_diff.c: inventory differences), not by its users.
 */
#ifndef BMCW_BASELINE_PRIV_H
#define BMCW_BASELINE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "baseline.h"

/* qsort() orders of the traffic profile's lists */
int baseline_cmp_ipmi(const void *a, const void *b);
int baseline_cmp_irq(const void *a, const void *b);
/* Append to one of the model's growable arrays (baseline.c). */
int baseline_append(void *arr, size_t *n, size_t size, const void *elem);
/* "request" or "response", as the file spells an IPMI direction */
const char *baseline_dir_name(uint8_t dir);

#endif /* BMCW_BASELINE_PRIV_H */
