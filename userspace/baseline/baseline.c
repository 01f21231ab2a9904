// SPDX-License-Identifier: GPL-2.0
/* See baseline.h: the model, and the file on disk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "baseline_priv.h"
#include "errmsg.h"
#include "mkdir_p.h"

void baseline_traffic_free(struct baseline_traffic *t)
{
	free(t->ipmi);
	free(t->irqs);
	memset(t, 0, sizeof(*t));
}

void baseline_free(struct baseline *b)
{
	inventory_free(&b->inv);
	free(b->counters);
	baseline_traffic_free(&b->traffic);
	free(b->usb);
	memset(b, 0, sizeof(*b));
}

/*
 * Append @elem (@size bytes) to the array *@arr of *@n elements, at most
 * BASELINE_MAX_ENTRIES: 0, or -1 (full, out of memory) leaving it as it was.
 */
int baseline_append(void *arr, size_t *n, size_t size, const void *elem)
{
	void **a = arr;
	char *v;

	if (*n >= BASELINE_MAX_ENTRIES)
		return -1;
	v = realloc(*a, (*n + 1) * size);
	if (!v)
		return -1;
	memcpy(v + *n * size, elem, size);
	*a = v;
	(*n)++;
	return 0;
}

int baseline_add_ipmi(struct baseline_traffic *t, const struct baseline_ipmi_cmd *c)
{
	return baseline_append(&t->ipmi, &t->n_ipmi, sizeof(*c), c);
}

int baseline_add_irq(struct baseline_traffic *t, const struct baseline_irq *q)
{
	return baseline_append(&t->irqs, &t->n_irqs, sizeof(*q), q);
}

static uint32_t ipmi_key(uint8_t netfn, uint8_t cmd, uint8_t dir, uint8_t origin)
{
	return (uint32_t)netfn << 24 | (uint32_t)cmd << 16 | (uint32_t)dir << 8 | origin;
}

int baseline_cmp_ipmi(const void *a, const void *b)
{
	const struct baseline_ipmi_cmd *x = a, *y = b;
	uint32_t kx = ipmi_key(x->netfn, x->cmd, x->dir, x->origin);
	uint32_t ky = ipmi_key(y->netfn, y->cmd, y->dir, y->origin);

	return kx < ky ? -1 : kx > ky;
}

int baseline_cmp_irq(const void *a, const void *b)
{
	const struct baseline_irq *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	return c ? c : x->vector < y->vector ? -1 : x->vector > y->vector;
}

void baseline_traffic_sort(struct baseline_traffic *t)
{
	if (t->n_ipmi)
		qsort(t->ipmi, t->n_ipmi, sizeof(*t->ipmi), baseline_cmp_ipmi);
	if (t->n_irqs)
		qsort(t->irqs, t->n_irqs, sizeof(*t->irqs), baseline_cmp_irq);
}

const struct baseline_ipmi_cmd *baseline_find_ipmi(const struct baseline_traffic *t,
						   uint8_t netfn, uint8_t cmd,
						   uint8_t dir, uint8_t origin)
{
	struct baseline_ipmi_cmd k = {
		.netfn = netfn, .cmd = cmd, .dir = dir, .origin = origin,
	};

	if (!t->n_ipmi)
		return NULL;
	return bsearch(&k, t->ipmi, t->n_ipmi, sizeof(k), baseline_cmp_ipmi);
}

const struct baseline_irq *baseline_find_irq(const struct baseline_traffic *t,
					     const char *bdf, unsigned int vector)
{
	struct baseline_irq k = { .vector = vector };

	if (!t->n_irqs || strlen(bdf) >= sizeof(k.bdf))
		return NULL;
	strcpy(k.bdf, bdf);
	return bsearch(&k, t->irqs, t->n_irqs, sizeof(k), baseline_cmp_irq);
}

const char *baseline_ident_name(enum baseline_ident_kind k)
{
	static const char *const names[BASELINE_ID_COUNT] = {
		"device_id", "device_guid", "system_guid",
	};

	return (unsigned int)k < BASELINE_ID_COUNT ? names[k] : "unknown";
}

int baseline_add_counter(struct baseline *b, const struct baseline_counter *c)
{
	return baseline_append(&b->counters, &b->n_counters, sizeof(*c), c);
}

/* --- files -------------------------------------------------------------- */

#define CORRUPT_HINT "fix or restore it, or move it away and relearn (bmcwatchd --learn)"

int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen)
{
	char e[512], *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, ret;

	memset(b, 0, sizeof(*b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		errmsg_set(err, errlen, "%s: %s%s", path, strerror(-ret),
			ret == -ENOENT ? " (no baseline learnt yet: bmcwatchd --learn or bmcwatch baseline save)" : "");
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		errmsg_set(err, errlen, "%s: not a regular file; " CORRUPT_HINT, path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > BASELINE_MAX_BYTES) {
		errmsg_set(err, errlen, "%s: corrupt baseline: larger than %u bytes; " CORRUPT_HINT,
			path, BASELINE_MAX_BYTES);
		close(fd);
		return -EFBIG;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		errmsg_set(err, errlen, "%s: short read", path);
		free(buf);
		return -EIO;
	}
	ret = baseline_parse(buf, n, b, e, sizeof(e));
	free(buf);
	if (ret) {
		errmsg_set(err, errlen, "%s: corrupt baseline: %s; " CORRUPT_HINT, path, e);
		return -EBADMSG;
	}
	return 0;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

int baseline_save(const char *path, const struct baseline *b, bool replace,
		  bool replace_corrupt, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], e[512], *slash, *json;
	struct baseline old;
	int fd, ret;

	ret = baseline_load(path, &old, e, sizeof(e));
	if (!ret) {
		baseline_free(&old);
		if (!replace) {
			errmsg_set(err, errlen, "%s exists; replacing a baseline takes --force", path);
			return -EEXIST;
		}
	} else if (ret != -ENOENT && !replace_corrupt) {
		errmsg_set(err, errlen, "%s; not replacing it", e);
		return ret;
	}
	json = baseline_to_json(b);
	if (!json)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		free(json);
		errmsg_set(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	/*
	 * bmcwatchd --learn by hand on a fresh host, before the unit (whose
	 * StateDirectory= makes it) ever ran: /var/lib/bmcwatch is not there.
	 */
	if (mkdir_p(dir, 0700)) {
		ret = -errno;
		errmsg_set(err, errlen, "%s: %s", dir, strerror(-ret));
		free(json);
		return ret;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		errmsg_set(err, errlen, "%s: %s", tmp, strerror(-ret));
		free(json);
		return ret;
	}
	if (write_all(fd, json, strlen(json)) || write_all(fd, "\n", 1) || fsync(fd)) {
		ret = -errno;
		errmsg_set(err, errlen, "%s: %s", tmp, strerror(-ret));
		close(fd);
		unlink(tmp);
		free(json);
		return ret;
	}
	free(json);
	close(fd);
	if (rename(tmp, path)) {
		ret = -errno;
		errmsg_set(err, errlen, "rename %s -> %s: %s", tmp, path, strerror(-ret));
		unlink(tmp);
		return ret;
	}
	/* The rename itself must survive a crash too. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
