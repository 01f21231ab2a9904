/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APIC ID of a CPU, as /proc/cpuinfo lists it ("processor : N" then
 * "apicid : M"): an MSI names its destination by APIC ID, the kernel's
 * messages by CPU number, and the two differ on real hosts (sparse IDs,
 * sockets, SMT).
 */
#ifndef BMCW_CPU_APICID_H
#define BMCW_CPU_APICID_H

#include <stdint.h>
#include <stdio.h>

/* 0 and *apicid set, or -1 when @f does not list @cpu with its ID. */
int cpu_apicid_from(FILE *f, unsigned int cpu, uint32_t *apicid);
/* The same from /proc/cpuinfo. */
int cpu_apicid(unsigned int cpu, uint32_t *apicid);

#endif /* BMCW_CPU_APICID_H */
