// SPDX-License-Identifier: GPL-2.0
/* See baseline.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "errmsg.h"


void baseline_free(struct baseline *b)
{
	inventory_free(&b->inv);
	free(b->counters);
	memset(b, 0, sizeof(*b));
}

int baseline_add_counter(struct baseline *b, const struct baseline_counter *c)
{
	struct baseline_counter *v = realloc(b->counters, (b->n_counters + 1) * sizeof(*v));

	if (!v)
		return -1;
	b->counters = v;
	b->counters[b->n_counters++] = *c;
	return 0;
}

/* --- serialising -------------------------------------------------------- */

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_hex(struct json_object *o, const char *k, int width, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%0*" PRIx64, width, v);
	add_str(o, k, buf);
}

char *baseline_to_json(const struct baseline *b)
{
	struct json_object *root = json_object_new_object(), *arr, *o;
	char buf[16], *out;

	add_str(root, "format", BASELINE_FORMAT);
	json_object_object_add(root, "version", json_object_new_int(BASELINE_VERSION));
	add_str(root, "created", b->created);
	add_str(root, "host", b->host);
	add_hex(root, "host_fingerprint", 16, b->inv.host_fp);
	arr = json_object_new_array();
	for (size_t i = 0; i < b->inv.n; i++) {
		const struct inv_fn *f = &b->inv.fn[i];

		o = json_object_new_object();
		add_str(o, "bdf", f->bdf);
		add_hex(o, "vendor", 4, f->vendor);
		add_hex(o, "device", 4, f->device);
		snprintf(buf, sizeof(buf), "%04x:%04x", f->subvendor, f->subdevice);
		add_str(o, "subsystem", buf);
		add_hex(o, "class", 6, f->class);
		add_hex(o, "revision", 2, f->revision);
		add_hex(o, "header", 2, f->hdr_type);
		json_object_object_add(o, "flags", json_object_new_int64(f->flags));
		add_hex(o, "fingerprint", 16, f->fingerprint);
		add_str(o, "driver", f->driver);
		add_str(o, "path", f->path);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "functions", arr);
	if (b->has_profile) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "sample_s", json_object_new_int(b->sample_s));
		json_object_object_add(p, "config_reads", json_object_new_uint64(b->reads_total));
		arr = json_object_new_array();
		for (size_t i = 0; i < b->n_counters; i++) {
			const struct baseline_counter *c = &b->counters[i];

			o = json_object_new_object();
			add_str(o, "bdf", c->bdf);
			add_str(o, "class", c->cls);
			add_str(o, "dir", c->dir);
			add_str(o, "origin", c->origin);
			json_object_object_add(o, "count", json_object_new_uint64(c->count));
			json_object_object_add(o, "rate", json_object_new_double(c->rate));
			json_object_array_add(arr, o);
		}
		json_object_object_add(p, "config_writes", arr);
		json_object_object_add(root, "profile", p);
	}
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}

/* --- parsing ------------------------------------------------------------ */

struct pctx {
	char *err;
	size_t errlen;
};

static struct json_object *member(struct pctx *c, struct json_object *o, const char *where,
				  const char *key, enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v) {
		errmsg_set(c->err, c->errlen, "%s%s%s: missing", where, *where ? "." : "", key);
		return NULL;
	}
	if (!json_object_is_type(v, type) &&
	    !(type == json_type_double && json_object_is_type(v, json_type_int))) {
		errmsg_set(c->err, c->errlen, "%s%s%s: expected %s, found %s", where,
			*where ? "." : "", key, json_type_to_name(type),
			json_type_to_name(json_object_get_type(v)));
		return NULL;
	}
	return v;
}

static int get_str(struct pctx *c, struct json_object *o, const char *where,
		   const char *key, char *dst, size_t len)
{
	struct json_object *v = member(c, o, where, key, json_type_string);

	if (!v)
		return -1;
	if ((size_t)json_object_get_string_len(v) >= len) {
		errmsg_set(c->err, c->errlen, "%s%s%s: longer than %zu bytes", where, *where ? "." : "",
			key, len - 1);
		return -1;
	}
	strcpy(dst, json_object_get_string(v));
	return 0;
}

static int get_hex(struct pctx *c, struct json_object *o, const char *where,
		   const char *key, size_t width, uint64_t *out)
{
	char buf[24];
	size_t n;

	if (get_str(c, o, where, key, buf, sizeof(buf)))
		return -1;
	n = strlen(buf);
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)buf[i]))
			n = 0;
	if (n != width) {
		errmsg_set(c->err, c->errlen, "%s%s%s: '%s' is not %zu hex digits", where,
			*where ? "." : "", key, buf, width);
		return -1;
	}
	*out = strtoull(buf, NULL, 16);
	return 0;
}

static int get_u64(struct pctx *c, struct json_object *o, const char *where,
		   const char *key, uint64_t max, uint64_t *out)
{
	struct json_object *v = member(c, o, where, key, json_type_int);
	int64_t x;

	if (!v)
		return -1;
	x = json_object_get_int64(v);
	/* json-c saturates large values at INT64_MAX; uint64 counters rarely get there */
	if (x < 0 || (uint64_t)x > max) {
		errmsg_set(c->err, c->errlen, "%s%s%s: %" PRId64 " out of range", where,
			*where ? "." : "", key, x);
		return -1;
	}
	*out = (uint64_t)x;
	return 0;
}

static int parse_fn(struct pctx *c, struct json_object *o, size_t i, struct inv_fn *f)
{
	char where[32], subsys[16];
	uint64_t v;

	snprintf(where, sizeof(where), "functions[%zu]", i);
	if (!json_object_is_type(o, json_type_object)) {
		errmsg_set(c->err, c->errlen, "%s: expected object", where);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	if (get_str(c, o, where, "bdf", f->bdf, sizeof(f->bdf)))
		return -1;
	if (!inventory_valid_bdf(f->bdf)) {
		errmsg_set(c->err, c->errlen, "%s.bdf: '%s' is not a PCI address (DDDD:BB:DD.F)",
			where, f->bdf);
		return -1;
	}
	if (get_hex(c, o, where, "vendor", 4, &v))
		return -1;
	f->vendor = v;
	if (get_hex(c, o, where, "device", 4, &v))
		return -1;
	f->device = v;
	if (get_str(c, o, where, "subsystem", subsys, sizeof(subsys)))
		return -1;
	if (strlen(subsys) != 9 || subsys[4] != ':' ||
	    strspn(subsys, "0123456789abcdefABCDEF") != 4 ||
	    strspn(subsys + 5, "0123456789abcdefABCDEF") != 4) {
		errmsg_set(c->err, c->errlen, "%s.subsystem: '%s' is not VVVV:DDDD", where, subsys);
		return -1;
	}
	f->subvendor = strtoul(subsys, NULL, 16);
	f->subdevice = strtoul(subsys + 5, NULL, 16);
	if (get_hex(c, o, where, "class", 6, &v))
		return -1;
	f->class = v;
	if (get_hex(c, o, where, "revision", 2, &v))
		return -1;
	f->revision = v;
	if (get_hex(c, o, where, "header", 2, &v))
		return -1;
	f->hdr_type = v;
	if (get_u64(c, o, where, "flags", UINT32_MAX, &v))
		return -1;
	f->flags = v;
	if (get_hex(c, o, where, "fingerprint", 16, &f->fingerprint))
		return -1;
	if (get_str(c, o, where, "driver", f->driver, sizeof(f->driver)) ||
	    get_str(c, o, where, "path", f->path, sizeof(f->path)))
		return -1;
	return 0;
}

static int parse_profile(struct pctx *c, struct json_object *p, struct baseline *b)
{
	struct json_object *arr;
	uint64_t v;

	if (get_u64(c, p, "profile", "sample_s", 86400 * 365, &v))
		return -1;
	b->sample_s = v;
	if (get_u64(c, p, "profile", "config_reads", UINT64_MAX, &b->reads_total))
		return -1;
	arr = member(c, p, "profile", "config_writes", json_type_array);
	if (!arr)
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *r;
		struct baseline_counter bc = { 0 };
		char where[48];

		snprintf(where, sizeof(where), "profile.config_writes[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			errmsg_set(c->err, c->errlen, "%s: expected object", where);
			return -1;
		}
		if (get_str(c, o, where, "bdf", bc.bdf, sizeof(bc.bdf)) ||
		    get_str(c, o, where, "class", bc.cls, sizeof(bc.cls)) ||
		    get_str(c, o, where, "dir", bc.dir, sizeof(bc.dir)) ||
		    get_str(c, o, where, "origin", bc.origin, sizeof(bc.origin)) ||
		    get_u64(c, o, where, "count", UINT64_MAX, &bc.count))
			return -1;
		r = member(c, o, where, "rate", json_type_double);
		if (!r)
			return -1;
		bc.rate = json_object_get_double(r);
		if (baseline_add_counter(b, &bc)) {
			errmsg_set(c->err, c->errlen, "out of memory");
			return -1;
		}
	}
	b->has_profile = true;
	return 0;
}

int baseline_parse(const char *text, size_t len, struct baseline *b,
		   char *err, size_t errlen)
{
	struct pctx c = { err, errlen };
	struct json_tokener *tok;
	struct json_object *root = NULL, *v, *arr;
	char format[32];
	uint64_t u;
	size_t end;

	memset(b, 0, sizeof(*b));
	if (len == 0) {
		errmsg_set(err, errlen, "empty file (an interrupted write by another tool?)");
		return -1;
	}
	if (len > BASELINE_MAX_BYTES) {
		errmsg_set(err, errlen, "larger than %u bytes", BASELINE_MAX_BYTES);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		errmsg_set(err, errlen, "contains a NUL byte at byte %zu: not a text file",
			(size_t)((const char *)memchr(text, '\0', len) - text));
		return -1;
	}
	tok = json_tokener_new();
	if (!tok) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!root) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		errmsg_set(err, errlen, "not valid JSON at byte %zu: %s", end,
			je == json_tokener_continue ? "unexpected end of file (truncated?)" :
			json_tokener_error_desc(je));
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	for (; end < len; end++) {
		if (!isspace((unsigned char)text[end])) {
			errmsg_set(err, errlen, "not valid JSON at byte %zu: data after the end of the baseline",
				end);
			goto fail;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		errmsg_set(err, errlen, "expected a JSON object, found %s",
			json_type_to_name(json_object_get_type(root)));
		goto fail;
	}
	if (get_str(&c, root, "", "format", format, sizeof(format)))
		goto fail;
	if (strcmp(format, BASELINE_FORMAT)) {
		errmsg_set(err, errlen, "format is '%s', not '" BASELINE_FORMAT "'", format);
		goto fail;
	}
	if (get_u64(&c, root, "", "version", INT32_MAX, &u))
		goto fail;
	if (u != BASELINE_VERSION) {
		errmsg_set(err, errlen, "version %" PRIu64 " is not supported (this bmcwatch reads version %d)",
			u, BASELINE_VERSION);
		goto fail;
	}
	if (get_str(&c, root, "", "created", b->created, sizeof(b->created)) ||
	    get_str(&c, root, "", "host", b->host, sizeof(b->host)) ||
	    get_hex(&c, root, "", "host_fingerprint", 16, &b->inv.host_fp))
		goto fail;
	b->inv.has_host_fp = true;
	arr = member(&c, root, "", "functions", json_type_array);
	if (!arr)
		goto fail;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct inv_fn f;

		if (parse_fn(&c, json_object_array_get_idx(arr, i), i, &f))
			goto fail;
		if (inventory_add(&b->inv, &f)) {
			errmsg_set(err, errlen, "out of memory");
			goto fail;
		}
	}
	inventory_sort(&b->inv);
	for (size_t i = 1; i < b->inv.n; i++) {
		if (!strcmp(b->inv.fn[i].bdf, b->inv.fn[i - 1].bdf)) {
			errmsg_set(err, errlen, "functions: %s listed twice", b->inv.fn[i].bdf);
			goto fail;
		}
	}
	if (json_object_object_get_ex(root, "profile", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_object)) {
			errmsg_set(err, errlen, "profile: expected object");
			goto fail;
		}
		if (parse_profile(&c, v, b))
			goto fail;
	}
	json_object_put(root);
	return 0;
fail:
	json_object_put(root);
	baseline_free(b);
	return -1;
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

/* --- differences -------------------------------------------------------- */

const char *baseline_change_name(enum baseline_change_kind k)
{
	switch (k) {
	case BASELINE_ADDED:	return "added";
	case BASELINE_REMOVED:	return "removed";
	case BASELINE_CHANGED:	return "changed";
	}
	return "unknown";
}

static void changed_fields(const struct inv_fn *a, const struct inv_fn *b, char *buf,
			   size_t len)
{
	size_t used = 0;

#define FIELD(cond, name) do {						\
	if ((cond) && used < len)					\
		used += snprintf(buf + used, len - used, "%s%s",	\
				 used ? "," : "", name);		\
} while (0)
	buf[0] = '\0';
	FIELD(a->vendor != b->vendor, "vendor");
	FIELD(a->device != b->device, "device");
	FIELD(a->subvendor != b->subvendor || a->subdevice != b->subdevice, "subsystem");
	FIELD(a->class != b->class, "class");
	FIELD(a->revision != b->revision, "revision");
	FIELD(a->hdr_type != b->hdr_type, "header");
	/* BARs, capabilities, link or the path above: only the hash says so */
	FIELD(a->fingerprint != b->fingerprint, "fingerprint");
#undef FIELD
}

static int push(struct baseline_change **v, size_t *n, size_t *cap,
		const struct baseline_change *c)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct baseline_change *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *c;
	return 0;
}

int baseline_diff(const struct inventory *old, const struct inventory *cur,
		  struct baseline_change **out, size_t *n)
{
	size_t i = 0, j = 0, cap = 0;
	struct baseline_change *v = NULL;

	*n = 0;
	/* Both are sorted by bdf: one merge pass. */
	while (i < old->n || j < cur->n) {
		struct baseline_change c = { 0 };
		int cmp = i == old->n ? 1 : j == cur->n ? -1 :
			  strcmp(old->fn[i].bdf, cur->fn[j].bdf);

		if (cmp < 0) {
			c.kind = BASELINE_REMOVED;
			c.was = old->fn[i++];
		} else if (cmp > 0) {
			c.kind = BASELINE_ADDED;
			c.now = cur->fn[j++];
		} else {
			c.kind = BASELINE_CHANGED;
			c.was = old->fn[i++];
			c.now = cur->fn[j++];
			changed_fields(&c.was, &c.now, c.fields, sizeof(c.fields));
			if (!c.fields[0])
				continue;
		}
		if (push(&v, n, &cap, &c)) {
			free(v);
			*n = 0;
			return -1;
		}
	}
	*out = v;
	return 0;
}

#define BMC_RELATED (BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM | BMCW_FN_BMC_ALIAS)

void baseline_change_alert(const struct baseline_change *c, struct bmcw_alert *a)
{
	const struct inv_fn *f = c->kind == BASELINE_REMOVED ? &c->was : &c->now;
	struct bmcw_subject *s = &a->subject;
	bool bmc = (c->was.flags | c->now.flags) & BMC_RELATED;

	memset(a, 0, sizeof(*a));
	s->has_device = 1;
	snprintf(s->bdf, sizeof(s->bdf), "%s", f->bdf);
	s->vendor = f->vendor;
	s->device = f->device;
	s->fn_flags = f->flags;
	snprintf(s->locus, sizeof(s->locus), "baseline");
	alert_add_extra(a, "class", "0x%06x", f->class);
	alert_add_extra(a, "fingerprint", "%016" PRIx64, f->fingerprint);
	switch (c->kind) {
	case BASELINE_ADDED:
		a->rule = "pcie.device_added";
		a->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s (%04x:%04x class %06x) is not in the baseline",
			 f->bdf, f->vendor, f->device, f->class);
		snprintf(a->why, sizeof(a->why),
			 "the function appeared since the baseline was learnt; an implant or a BMC exposing a new function looks like this");
		break;
	case BASELINE_REMOVED:
		a->rule = "pcie.device_removed";
		a->severity = bmc ? BMCW_SEV_WARNING : BMCW_SEV_NOTICE;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s (%04x:%04x class %06x) in the baseline is gone",
			 f->bdf, f->vendor, f->device, f->class);
		snprintf(a->why, sizeof(a->why),
			 "a function disappeared since the baseline was learnt: removed hardware, a changed BIOS setting or a device hiding itself");
		break;
	case BASELINE_CHANGED:
		a->rule = "pcie.device_changed";
		a->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s changed since the baseline (%s): was %04x:%04x class %06x rev %02x, now %04x:%04x class %06x rev %02x",
			 f->bdf, c->fields, c->was.vendor, c->was.device, c->was.class,
			 c->was.revision, c->now.vendor, c->now.device, c->now.class,
			 c->now.revision);
		snprintf(a->why, sizeof(a->why),
			 "its identity (ids, class, BARs, capabilities or the bridges above it) differs from the baseline: replaced firmware or hardware");
		alert_add_extra(a, "changed", "%s", c->fields);
		alert_add_extra(a, "old_fingerprint", "%016" PRIx64, c->was.fingerprint);
		break;
	}
}
