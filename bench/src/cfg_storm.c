// SPDX-License-Identifier: GPL-2.0
/*
 * cfg_storm BDF SECONDS: a sustained event storm for the daemon: writes
 * config byte 0x0d (latency timer, harmless) of BDF through sysfs as fast
 * as it can for SECONDS. On a BMC function each write is a ring-buffer
 * event and a pcie.config_write occurrence. Prints "writes=N ns=T".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t t0, end, n = 0;
	char path[256];
	uint8_t v;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: cfg_storm BDF SECONDS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", argv[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pread(fd, &v, 1, 0x0d) != 1) {
		perror(path);
		return 1;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(atof(argv[2]) * 1e9);
	do {
		v ^= 0x08;
		if (pwrite(fd, &v, 1, 0x0d) != 1) {
			perror(path);
			return 1;
		}
		n++;
	} while (now_ns() < end);
	printf("writes=%llu ns=%llu\n", (unsigned long long)n,
	       (unsigned long long)(now_ns() - t0));
	return 0;
}
