/* SPDX-License-Identifier: GPL-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkdir_p.h"
#include "spool.h"

#define SPOOL_MAGIC	0x4c4f5053u	/* "SPOL" */
#define SPOOL_REC_MAX	(1u << 20)

struct spool_hdr {
	uint32_t magic;
	uint32_t len;
	uint64_t seq;
};

struct spool {
	int fd;
	bool fsync;
	char path[PATH_MAX];
	char pos_path[PATH_MAX];
	off_t head;		/* first undelivered record */
	off_t tail;		/* end of the last whole record */
	uint64_t records;
};

static int write_pos(struct spool *s)
{
	char tmp[PATH_MAX + 8], num[32];
	int fd, n, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->pos_path);
	n = snprintf(num, sizeof(num), "%lld\n", (long long)s->head);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, num, n) != n || (s->fsync && fdatasync(fd)))
		ret = -1;
	close(fd);
	if (!ret && rename(tmp, s->pos_path))
		ret = -1;
	return ret;
}

static off_t read_pos(const char *path)
{
	long long pos = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lld", &pos) != 1 || pos < 0)
		pos = 0;
	fclose(f);
	return pos;
}

/* Count records from head; cut a torn last record left by a crash. */
static int spool_scan(struct spool *s)
{
	struct spool_hdr h;
	off_t off = s->head;
	struct stat st;

	if (fstat(s->fd, &st))
		return -1;
	if (off > st.st_size)
		off = s->head = 0;
	s->records = 0;
	while (pread(s->fd, &h, sizeof(h), off) == (ssize_t)sizeof(h) &&
	       h.magic == SPOOL_MAGIC && h.len <= SPOOL_REC_MAX &&
	       off + (off_t)sizeof(h) + h.len <= st.st_size) {
		off += sizeof(h) + h.len;
		s->records++;
	}
	s->tail = off;
	if (off < st.st_size && ftruncate(s->fd, off))
		return -1;
	return 0;
}

struct spool *spool_open(const char *dir, const char *name, bool fsync,
			 char *err, size_t errlen)
{
	struct spool *s = calloc(1, sizeof(*s));
	char safe[128];
	size_t i;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; name[i] && i < sizeof(safe) - 1; i++)
		safe[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-",
				 name[i]) ? name[i] : '_';
	safe[i] = '\0';
	s->fsync = fsync;
	snprintf(s->path, sizeof(s->path), "%s/%s.spool", dir, safe);
	snprintf(s->pos_path, sizeof(s->pos_path), "%s/%s.pos", dir, safe);
	if (mkdir_p(dir, 0700)) {
		snprintf(err, errlen, "spool directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	s->fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		snprintf(err, errlen, "spool %s: %s", s->path, strerror(errno));
		goto fail;
	}
	s->head = read_pos(s->pos_path);
	if (spool_scan(s)) {
		snprintf(err, errlen, "spool %s: %s", s->path, strerror(errno));
		close(s->fd);
		goto fail;
	}
	return s;
fail:
	free(s);
	return NULL;
}

int spool_append(struct spool *s, uint64_t seq, const void *data, uint32_t len)
{
	struct spool_hdr h = { .magic = SPOOL_MAGIC, .len = len, .seq = seq };
	char buf[sizeof(h) + 8192];
	size_t n = sizeof(h) + len;

	if (len > sizeof(buf) - sizeof(h)) {
		errno = EMSGSIZE;
		return -1;
	}
	/* One pwrite at the tail: a crash leaves at most one torn record. */
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), data, len);
	if (pwrite(s->fd, buf, n, s->tail) != (ssize_t)n) {
		if (ftruncate(s->fd, s->tail))
			return -1;
		return -1;
	}
	if (s->fsync && fdatasync(s->fd))
		return -1;
	s->tail += n;
	s->records++;
	return 0;
}

int spool_peek(struct spool *s, uint64_t *seq, void *buf, size_t buflen,
	       uint32_t *len)
{
	struct spool_hdr h;

	if (!s->records)
		return 0;
	if (pread(s->fd, &h, sizeof(h), s->head) != (ssize_t)sizeof(h) ||
	    h.magic != SPOOL_MAGIC || h.len > buflen ||
	    pread(s->fd, buf, h.len, s->head + sizeof(h)) != (ssize_t)h.len) {
		errno = EIO;
		return -1;
	}
	*seq = h.seq;
	*len = h.len;
	return 1;
}

int spool_read_at(struct spool *s, uint64_t off, uint64_t *seq, void *buf,
		  size_t buflen, uint32_t *len, uint32_t *size)
{
	off_t at = s->head + (off_t)off;
	struct spool_hdr h;

	if (at >= s->tail)
		return 0;
	if (pread(s->fd, &h, sizeof(h), at) != (ssize_t)sizeof(h) ||
	    h.magic != SPOOL_MAGIC || h.len > buflen ||
	    at + (off_t)sizeof(h) + h.len > s->tail ||
	    pread(s->fd, buf, h.len, at + sizeof(h)) != (ssize_t)h.len) {
		errno = EIO;
		return -1;
	}
	*seq = h.seq;
	*len = h.len;
	*size = sizeof(h) + h.len;
	return 1;
}

int spool_drop(struct spool *s, uint64_t n)
{
	struct spool_hdr h;

	if (!n)
		return 0;
	if (n > s->records) {
		errno = EINVAL;
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (pread(s->fd, &h, sizeof(h), s->head) != (ssize_t)sizeof(h) ||
		    h.magic != SPOOL_MAGIC) {
			errno = EIO;
			return -1;
		}
		s->head += sizeof(h) + h.len;
		s->records--;
	}
	if (!s->records) {
		/* Drained: start over so the file does not grow forever. */
		if (ftruncate(s->fd, 0))
			return -1;
		s->head = s->tail = 0;
	}
	return write_pos(s);
}

int spool_pop(struct spool *s)
{
	return s->records ? spool_drop(s, 1) : 0;
}

uint64_t spool_records(const struct spool *s)
{
	return s->records;
}

uint64_t spool_bytes(const struct spool *s)
{
	return (uint64_t)(s->tail - s->head);
}

void spool_close(struct spool *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}
