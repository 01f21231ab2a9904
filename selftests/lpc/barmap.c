// SPDX-License-Identifier: GPL-2.0
/*
 * Map a PCI BAR the way a P2A tool does (sysfs resourceN, or /dev/mem at
 * the BAR's physical address) and read its first dword:
 *   barmap FILE [OFFSET]      e.g. /sys/bus/pci/devices/BDF/resource0
 * Prints our pid, then the dword read.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	off_t off = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	volatile uint32_t *p;
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [OFFSET]\n", argv[0]);
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("0x%08x\n", p[0]);
	munmap((void *)p, page);
	close(fd);
	return 0;
}
