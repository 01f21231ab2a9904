// SPDX-License-Identifier: GPL-2.0
/* See baseline.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
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
#include "ipmi_rules.h"

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
	memset(b, 0, sizeof(*b));
}

int baseline_add_ipmi(struct baseline_traffic *t, const struct baseline_ipmi_cmd *c)
{
	struct baseline_ipmi_cmd *v;

	if (t->n_ipmi >= BASELINE_MAX_ENTRIES)
		return -1;
	v = realloc(t->ipmi, (t->n_ipmi + 1) * sizeof(*v));
	if (!v)
		return -1;
	t->ipmi = v;
	t->ipmi[t->n_ipmi++] = *c;
	return 0;
}

int baseline_add_irq(struct baseline_traffic *t, const struct baseline_irq *q)
{
	struct baseline_irq *v;

	if (t->n_irqs >= BASELINE_MAX_ENTRIES)
		return -1;
	v = realloc(t->irqs, (t->n_irqs + 1) * sizeof(*v));
	if (!v)
		return -1;
	t->irqs = v;
	t->irqs[t->n_irqs++] = *q;
	return 0;
}

static uint32_t ipmi_key(uint8_t netfn, uint8_t cmd, uint8_t dir, uint8_t origin)
{
	return (uint32_t)netfn << 24 | (uint32_t)cmd << 16 | (uint32_t)dir << 8 | origin;
}

static int cmp_ipmi(const void *a, const void *b)
{
	const struct baseline_ipmi_cmd *x = a, *y = b;
	uint32_t kx = ipmi_key(x->netfn, x->cmd, x->dir, x->origin);
	uint32_t ky = ipmi_key(y->netfn, y->cmd, y->dir, y->origin);

	return kx < ky ? -1 : kx > ky;
}

static int cmp_irq(const void *a, const void *b)
{
	const struct baseline_irq *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	return c ? c : x->vector < y->vector ? -1 : x->vector > y->vector;
}

void baseline_traffic_sort(struct baseline_traffic *t)
{
	if (t->n_ipmi)
		qsort(t->ipmi, t->n_ipmi, sizeof(*t->ipmi), cmp_ipmi);
	if (t->n_irqs)
		qsort(t->irqs, t->n_irqs, sizeof(*t->irqs), cmp_irq);
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
	return bsearch(&k, t->ipmi, t->n_ipmi, sizeof(k), cmp_ipmi);
}

const struct baseline_irq *baseline_find_irq(const struct baseline_traffic *t,
					     const char *bdf, unsigned int vector)
{
	struct baseline_irq k = { .vector = vector };

	if (!t->n_irqs || strlen(bdf) >= sizeof(k.bdf))
		return NULL;
	strcpy(k.bdf, bdf);
	return bsearch(&k, t->irqs, t->n_irqs, sizeof(k), cmp_irq);
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

static void add_rate(struct json_object *o, const struct baseline_rate *r)
{
	char buf[48];

	json_object_object_add(o, "count", json_object_new_uint64(r->count));
	json_object_object_add(o, "max_per_window", json_object_new_uint64(r->max));
	/* three decimals: readable, and the same text after a round trip */
	snprintf(buf, sizeof(buf), "%.3f", r->mean);
	json_object_object_add(o, "mean_per_window", json_object_new_double_s(r->mean, buf));
}

static const char *dir_name(uint8_t dir)
{
	return dir ? "response" : "request";
}

static struct json_object *traffic_to_json(const struct baseline_traffic *t)
{
	struct json_object *tr = json_object_new_object(), *arr, *o;
	char name[64], hex[3 * BASELINE_ID_BYTES + 1];

	json_object_object_add(tr, "window_s", json_object_new_int(t->window_s));
	json_object_object_add(tr, "windows", json_object_new_int(t->windows));
	o = json_object_new_object();
	add_rate(o, &t->attention);
	json_object_object_add(tr, "attention", o);
	arr = json_object_new_array();
	for (size_t i = 0; i < t->n_ipmi; i++) {
		const struct baseline_ipmi_cmd *c = &t->ipmi[i];

		o = json_object_new_object();
		add_hex(o, "netfn", 2, c->netfn);
		add_hex(o, "cmd", 2, c->cmd);
		/* for the reader only: parsing goes by netfn and cmd */
		snprintf(name, sizeof(name), "%s/%s", ipmi_netfn_name(c->netfn),
			 ipmi_cmd_name(c->netfn, c->cmd));
		add_str(o, "name", name);
		add_str(o, "dir", dir_name(c->dir));
		add_str(o, "origin", ipmi_origin_name(c->origin));
		add_rate(o, &c->r);
		json_object_array_add(arr, o);
	}
	json_object_object_add(tr, "ipmi_commands", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < t->n_irqs; i++) {
		const struct baseline_irq *q = &t->irqs[i];

		o = json_object_new_object();
		add_str(o, "bdf", q->bdf);
		json_object_object_add(o, "vector", json_object_new_int(q->vector));
		json_object_object_add(o, "irq", json_object_new_int(q->irq));
		add_rate(o, &q->r);
		json_object_array_add(arr, o);
	}
	json_object_object_add(tr, "interrupts", arr);
	o = json_object_new_object();
	for (int k = 0; k < BASELINE_ID_COUNT; k++) {
		size_t off = 0;

		if (!t->id[k].seen)
			continue;
		hex[0] = '\0';
		for (unsigned int i = 0; i < t->id[k].len; i++)
			off += snprintf(hex + off, sizeof(hex) - off, "%s%02x",
					i ? " " : "", t->id[k].b[i]);
		add_str(o, baseline_ident_name(k), hex);
	}
	json_object_object_add(tr, "identity", o);
	return tr;
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
	if (b->has_traffic)
		json_object_object_add(root, "traffic", traffic_to_json(&b->traffic));
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
	if (bdf_canonical(f->bdf, f->bdf)) {
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

static int parse_rate(struct pctx *c, struct json_object *o, const char *where,
		      unsigned int windows, struct baseline_rate *r)
{
	struct json_object *m;

	if (get_u64(c, o, where, "count", UINT64_MAX, &r->count) ||
	    get_u64(c, o, where, "max_per_window", UINT64_MAX, &r->max))
		return -1;
	m = member(c, o, where, "mean_per_window", json_type_double);
	if (!m)
		return -1;
	r->mean = json_object_get_double(m);
	if (!isfinite(r->mean) || r->mean < 0) {
		errmsg_set(c->err, c->errlen, "%s.mean_per_window: not a finite number >= 0",
			where);
		return -1;
	}
	/* What learning cannot have produced: a file edited by hand, or worse. */
	if (r->max > r->count || (!windows && r->count) ||
	    r->mean > (double)r->max * (1 + 1e-9) + 0.001) {
		errmsg_set(c->err, c->errlen,
			"%s: %" PRIu64 " events, at most %" PRIu64 " and %g on average per window, in %u windows: inconsistent",
			where, r->count, r->max, r->mean, windows);
		return -1;
	}
	return 0;
}

static int parse_origin(struct pctx *c, const char *where, const char *name, uint8_t *out)
{
	for (unsigned int o = 0; o < BMCW_IPMI_ORIG_MAX; o++) {
		if (!strcmp(name, ipmi_origin_name(o))) {
			*out = o;
			return 0;
		}
	}
	errmsg_set(c->err, c->errlen, "%s.origin: '%s' is not an IPMI origin class", where, name);
	return -1;
}

static struct json_object *list(struct pctx *c, struct json_object *o, const char *key)
{
	struct json_object *arr = member(c, o, "traffic", key, json_type_array);

	if (arr && json_object_array_length(arr) > BASELINE_MAX_ENTRIES) {
		errmsg_set(c->err, c->errlen, "traffic.%s: more than %d entries", key,
			BASELINE_MAX_ENTRIES);
		return NULL;
	}
	return arr;
}

static int parse_ipmi_cmd(struct pctx *c, struct json_object *o, size_t i,
			  unsigned int windows, struct baseline_traffic *t)
{
	struct baseline_ipmi_cmd bc = { 0 };
	char where[48], buf[16];
	uint64_t v;

	snprintf(where, sizeof(where), "traffic.ipmi_commands[%zu]", i);
	if (!json_object_is_type(o, json_type_object)) {
		errmsg_set(c->err, c->errlen, "%s: expected object", where);
		return -1;
	}
	if (get_hex(c, o, where, "netfn", 2, &v))
		return -1;
	if (v & 0xc1) {
		errmsg_set(c->err, c->errlen, "%s.netfn: '%02" PRIx64 "' is not a request netfn (even, below 0x40)",
			where, v);
		return -1;
	}
	bc.netfn = v;
	if (get_hex(c, o, where, "cmd", 2, &v))
		return -1;
	bc.cmd = v;
	if (get_str(c, o, where, "dir", buf, sizeof(buf)))
		return -1;
	if (strcmp(buf, "request") && strcmp(buf, "response")) {
		errmsg_set(c->err, c->errlen, "%s.dir: '%s' is not request|response", where, buf);
		return -1;
	}
	bc.dir = !strcmp(buf, "response");
	if (get_str(c, o, where, "origin", buf, sizeof(buf)) ||
	    parse_origin(c, where, buf, &bc.origin) ||
	    parse_rate(c, o, where, windows, &bc.r))
		return -1;
	if (baseline_add_ipmi(t, &bc)) {
		errmsg_set(c->err, c->errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int parse_irq(struct pctx *c, struct json_object *o, size_t i,
		     unsigned int windows, struct baseline_traffic *t)
{
	struct baseline_irq q = { 0 };
	char where[48];
	uint64_t v;

	snprintf(where, sizeof(where), "traffic.interrupts[%zu]", i);
	if (!json_object_is_type(o, json_type_object)) {
		errmsg_set(c->err, c->errlen, "%s: expected object", where);
		return -1;
	}
	if (get_str(c, o, where, "bdf", q.bdf, sizeof(q.bdf)))
		return -1;
	if (bdf_canonical(q.bdf, q.bdf)) {
		errmsg_set(c->err, c->errlen, "%s.bdf: '%s' is not a PCI address (DDDD:BB:DD.F)",
			where, q.bdf);
		return -1;
	}
	if (get_u64(c, o, where, "vector", 4095, &v))
		return -1;
	q.vector = v;
	if (get_u64(c, o, where, "irq", INT32_MAX, &v))
		return -1;
	q.irq = v;
	if (parse_rate(c, o, where, windows, &q.r))
		return -1;
	if (baseline_add_irq(t, &q)) {
		errmsg_set(c->err, c->errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int parse_ident(struct pctx *c, struct json_object *id, struct baseline_traffic *t)
{
	for (int k = 0; k < BASELINE_ID_COUNT; k++) {
		struct baseline_ident *d = &t->id[k];
		char where[48], buf[3 * BASELINE_ID_BYTES + 1];
		struct json_object *v;
		const char *p;

		if (!json_object_object_get_ex(id, baseline_ident_name(k), &v))
			continue;
		snprintf(where, sizeof(where), "traffic.identity");
		if (get_str(c, id, where, baseline_ident_name(k), buf, sizeof(buf)))
			return -1;
		/* "hh hh hh": 1..16 bytes, single spaces, lower or upper case */
		for (p = buf; *p; ) {
			if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
			    (p[2] && p[2] != ' ') || (p[2] == ' ' && !p[3]) ||
			    d->len == BASELINE_ID_BYTES) {
				errmsg_set(c->err, c->errlen,
					"traffic.identity.%s: '%s' is not 1 to %d hex bytes separated by spaces",
					baseline_ident_name(k), buf, BASELINE_ID_BYTES);
				return -1;
			}
			d->b[d->len++] = strtoul((char[3]){ p[0], p[1], 0 }, NULL, 16);
			p += p[2] ? 3 : 2;
		}
		if (!d->len) {
			errmsg_set(c->err, c->errlen, "traffic.identity.%s: empty",
				baseline_ident_name(k));
			return -1;
		}
		d->seen = true;
	}
	return 0;
}

static int parse_traffic(struct pctx *c, struct json_object *tr, struct baseline *b)
{
	struct baseline_traffic *t = &b->traffic;
	struct json_object *arr, *o;
	uint64_t v;

	if (!json_object_is_type(tr, json_type_object)) {
		errmsg_set(c->err, c->errlen, "traffic: expected object");
		return -1;
	}
	if (get_u64(c, tr, "traffic", "window_s", 86400, &v))
		return -1;
	if (!v) {
		errmsg_set(c->err, c->errlen, "traffic.window_s: 0 is not a window");
		return -1;
	}
	t->window_s = v;
	if (get_u64(c, tr, "traffic", "windows", 1000000, &v))
		return -1;
	t->windows = v;
	o = member(c, tr, "traffic", "attention", json_type_object);
	if (!o || parse_rate(c, o, "traffic.attention", t->windows, &t->attention))
		return -1;
	arr = list(c, tr, "ipmi_commands");
	if (!arr)
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (parse_ipmi_cmd(c, json_object_array_get_idx(arr, i), i, t->windows, t))
			return -1;
	arr = list(c, tr, "interrupts");
	if (!arr)
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (parse_irq(c, json_object_array_get_idx(arr, i), i, t->windows, t))
			return -1;
	baseline_traffic_sort(t);
	for (size_t i = 1; i < t->n_ipmi; i++) {
		if (!cmp_ipmi(&t->ipmi[i - 1], &t->ipmi[i])) {
			errmsg_set(c->err, c->errlen,
				"traffic.ipmi_commands: netfn %02x cmd %02x %s from %s listed twice",
				t->ipmi[i].netfn, t->ipmi[i].cmd, dir_name(t->ipmi[i].dir),
				ipmi_origin_name(t->ipmi[i].origin));
			return -1;
		}
	}
	for (size_t i = 1; i < t->n_irqs; i++) {
		if (!cmp_irq(&t->irqs[i - 1], &t->irqs[i])) {
			errmsg_set(c->err, c->errlen, "traffic.interrupts: %s vector %u listed twice",
				t->irqs[i].bdf, t->irqs[i].vector);
			return -1;
		}
	}
	o = member(c, tr, "traffic", "identity", json_type_object);
	if (!o || parse_ident(c, o, t))
		return -1;
	b->has_traffic = true;
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
	if (u < BASELINE_MIN_VERSION || u > BASELINE_VERSION) {
		errmsg_set(err, errlen, "version %" PRIu64 " is not supported (this bmcwatch reads versions %d to %d)%s",
			u, BASELINE_MIN_VERSION, BASELINE_VERSION,
			u > BASELINE_VERSION ? ": written by a newer bmcwatch" : "");
		goto fail;
	}
	b->version = u;
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
	/* Version 1 had no traffic profile: a "traffic" there is not ours. */
	if (b->version >= 2 && json_object_object_get_ex(root, "traffic", &v) &&
	    !json_object_is_type(v, json_type_null) && parse_traffic(&c, v, b))
		goto fail;
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
	/* SR-IOV VFs come and go with sriov_numvfs, as they do live */
	if (c->kind != BASELINE_CHANGED && (f->flags & BMCW_FN_VIRTFN) && !bmc) {
		bool added = c->kind == BASELINE_ADDED;

		a->rule = added ? "pcie.vf_added" : "pcie.vf_removed";
		a->severity = BMCW_SEV_INFO;
		snprintf(a->message, sizeof(a->message),
			 "SR-IOV virtual function %s (%04x:%04x class %06x) %s the baseline",
			 f->bdf, f->vendor, f->device, f->class,
			 added ? "is not in" : "in the baseline is gone from");
		snprintf(a->why, sizeof(a->why),
			 "the kernel creates and removes virtual functions when SR-IOV is configured (sriov_numvfs)");
		return;
	}
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
