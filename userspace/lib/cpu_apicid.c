// SPDX-License-Identifier: GPL-2.0
/* CPU number to APIC ID: see cpu_apicid.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_apicid.h"

/* "KEY<spaces/tabs>: VALUE" at @p (a line of @n bytes): VALUE, or -1. */
static long field(const char *p, size_t n, const char *key)
{
	size_t k = strlen(key);
	char num[16];
	char *end;
	long v;

	if (n <= k || memcmp(p, key, k) || (p[k] != ' ' && p[k] != '\t'))
		return -1;
	for (p += k, n -= k; n && (*p == ' ' || *p == '\t'); p++, n--)
		;
	if (n < 2 || p[0] != ':' || p[1] != ' ')
		return -1;
	p += 2;
	n -= 2;
	if (!n || n >= sizeof(num))
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	v = strtol(num, &end, 10);
	return end == num || *end || v < 0 || v > UINT32_MAX ? -1 : v;
}

int cpu_apicid_from(FILE *f, unsigned int cpu, uint32_t *apicid)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long cur = -1, v;
	int r = -1;

	while (r && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		v = field(line, n, "processor");
		if (v >= 0)
			cur = v;
		v = field(line, n, "apicid");
		if (v >= 0 && cur == (long)cpu) {
			*apicid = v;
			r = 0;
		}
	}
	free(line);
	return r;
}

int cpu_apicid(unsigned int cpu, uint32_t *apicid)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	int r;

	if (!f)
		return -1;
	r = cpu_apicid_from(f, cpu, apicid);
	fclose(f);
	return r;
}
