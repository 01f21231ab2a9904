/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An on-disk FIFO of records for one remote output, so alerts survive a
 * peer that is down (and a daemon restart while it is). Two files under the
 * spool directory:
 *   NAME.spool  append-only records: header (magic, len, seq) + bytes
 *   NAME.pos    offset of the first record not yet delivered, replaced
 *               atomically (write + rename) after each delivery
 * When everything is delivered both are reset to empty.
 */
#ifndef BMCW_SPOOL_H
#define BMCW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spool;

/* name is any string; it is turned into a safe file name. */
struct spool *spool_open(const char *dir, const char *name, bool fsync,
			 char *err, size_t errlen);
int spool_append(struct spool *s, uint64_t seq, const void *data, uint32_t len);
/* The oldest record: 1 and filled in, 0 if empty, -1 on error. */
int spool_peek(struct spool *s, uint64_t *seq, void *buf, size_t buflen,
	       uint32_t *len);
/* Drop the oldest record (it was delivered). */
int spool_pop(struct spool *s);
/*
 * Records past the oldest, for outputs that keep sent records until the
 * peer acknowledges them: the record starting off bytes after the oldest
 * one (0 = the oldest). 1 and filled in, with *size its size on disk (the
 * next record starts at off + *size); 0 if off is the end; -1 on error.
 */
int spool_read_at(struct spool *s, uint64_t off, uint64_t *seq, void *buf,
		  size_t buflen, uint32_t *len, uint32_t *size);
/* Drop the n oldest records at once (one position update). */
int spool_drop(struct spool *s, uint64_t n);
uint64_t spool_records(const struct spool *s);
uint64_t spool_bytes(const struct spool *s);	/* undelivered bytes */
void spool_close(struct spool *s);

#endif /* BMCW_SPOOL_H */
