// SPDX-License-Identifier: GPL-2.0
/*
 * Byte I/O through /dev/port, one transfer per byte (like culvert's
 * "devmem" I/O backend), printing our pid first:
 *   devport w PORT BYTE...   write each BYTE to PORT (index/data sequences
 *                            are several calls: "w 0x2e 0xa5 0xa5")
 *   devport r PORT           read PORT, print the value
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	off_t port;
	int fd, i;

	if (argc < 3 || (strcmp(argv[1], "w") && strcmp(argv[1], "r")) ||
	    (argv[1][0] == 'w' && argc < 4)) {
		fprintf(stderr, "usage: %s w PORT BYTE... | %s r PORT\n",
			argv[0], argv[0]);
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	port = strtol(argv[2], NULL, 0);
	fd = open("/dev/port", argv[1][0] == 'w' ? O_WRONLY : O_RDONLY);
	if (fd < 0) {
		perror("/dev/port");
		return 1;
	}
	if (argv[1][0] == 'r') {
		unsigned char v;

		if (pread(fd, &v, 1, port) != 1) {
			perror("pread");
			return 1;
		}
		printf("0x%02x\n", v);
		return 0;
	}
	for (i = 3; i < argc; i++) {
		unsigned char v = strtoul(argv[i], NULL, 0);

		if (pwrite(fd, &v, 1, port) != 1) {
			perror("pwrite");
			return 1;
		}
	}
	close(fd);
	return 0;
}
