/* SPDX-License-Identifier: GPL-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "output_file.h"
#include "mkdir_p.h"

int file_sink_open(struct output *o, const char *arg)
{
	int fd;

	if (!strcmp(arg, "-")) {
		fd = STDOUT_FILENO;
	} else {
		fd = open(arg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		/*
		 * bmcwatchd --learn by hand on a fresh host, before the unit
		 * (whose LogsDirectory= makes it) ever ran: no /var/log/bmcwatch.
		 */
		if (fd < 0 && errno == ENOENT && !mkdir_parent(arg, 0750))
			fd = open(arg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	}
	if (fd < 0)
		return -1;
	o->priv = (void *)(intptr_t)fd;
	return 0;
}

int file_sink_write(struct output *o, const char *line, int len)
{
	int fd = (int)(intptr_t)o->priv;
	char buf[OUTPUT_LINE_MAX + 1];
	ssize_t n;

	if (len < 0 || len >= OUTPUT_LINE_MAX)
		return -1;
	memcpy(buf, line, len);
	buf[len++] = '\n';
	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n == len ? 0 : -1;
}

void file_sink_close(struct output *o)
{
	int fd = (int)(intptr_t)o->priv;

	if (fd > STDERR_FILENO)
		close(fd);
}
