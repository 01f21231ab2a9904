// SPDX-License-Identifier: GPL-2.0
/*
 * Take I/O port access the way a SuperIO tool does, and print our pid:
 *   ioperm FROM NUM     ioperm(FROM, NUM, 1)
 *   ioperm iopl LEVEL   iopl(LEVEL)
 * Never touches the ports: after the grant in/out would be invisible to the
 * kernel anyway, the grant is what bmcwatch flags.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FROM NUM | %s iopl LEVEL\n", argv[0],
			argv[0]);
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	if (!strcmp(argv[1], "iopl"))
		ret = iopl(strtol(argv[2], NULL, 0));
	else
		ret = ioperm(strtoul(argv[1], NULL, 0),
			     strtoul(argv[2], NULL, 0), 1);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
