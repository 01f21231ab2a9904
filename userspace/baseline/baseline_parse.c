// SPDX-License-Identifier: GPL-2.0
/* See baseline.h: the JSON text of a baseline file, parsed and checked. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "baseline_priv.h"
#include "errmsg.h"
#include "ipmi_rules.h"

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
		if (!baseline_cmp_ipmi(&t->ipmi[i - 1], &t->ipmi[i])) {
			errmsg_set(c->err, c->errlen,
				"traffic.ipmi_commands: netfn %02x cmd %02x %s from %s listed twice",
				t->ipmi[i].netfn, t->ipmi[i].cmd, baseline_dir_name(t->ipmi[i].dir),
				ipmi_origin_name(t->ipmi[i].origin));
			return -1;
		}
	}
	for (size_t i = 1; i < t->n_irqs; i++) {
		if (!baseline_cmp_irq(&t->irqs[i - 1], &t->irqs[i])) {
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

/* "usb_devices": the BMC's USB devices when it was learnt. */
static int parse_usb(struct pctx *c, struct json_object *arr, struct baseline *b)
{
	char where[40];
	uint64_t v;

	if (!json_object_is_type(arr, json_type_array)) {
		errmsg_set(c->err, c->errlen, "usb_devices: expected array");
		return -1;
	}
	if (json_object_array_length(arr) > BASELINE_MAX_ENTRIES) {
		errmsg_set(c->err, c->errlen, "usb_devices: more than %d entries",
			   BASELINE_MAX_ENTRIES);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct baseline_usb u = { 0 };

		snprintf(where, sizeof(where), "usb_devices[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			errmsg_set(c->err, c->errlen, "%s: expected object", where);
			return -1;
		}
		if (get_str(c, o, where, "port", u.port, sizeof(u.port)))
			return -1;
		if (!u.port[0]) {
			errmsg_set(c->err, c->errlen, "%s.port: empty", where);
			return -1;
		}
		if (get_hex(c, o, where, "vendor", 4, &v))
			return -1;
		u.vendor = v;
		if (get_hex(c, o, where, "product", 4, &v))
			return -1;
		u.product = v;
		if (get_str(c, o, where, "role", u.role, sizeof(u.role)))
			return -1;
		if (baseline_add_usb(b, &u)) {
			errmsg_set(c->err, c->errlen, "out of memory");
			return -1;
		}
	}
	baseline_usb_sort(b);
	for (size_t i = 1; i < b->n_usb; i++)
		/* sorted: a device listed twice is next to itself (port, ids) */
		if (!memcmp(&b->usb[i], &b->usb[i - 1], offsetof(struct baseline_usb, role))) {
			errmsg_set(c->err, c->errlen, "usb_devices: %04x:%04x at %s listed twice",
				   b->usb[i].vendor, b->usb[i].product, b->usb[i].port);
			return -1;
		}
	b->has_usb = true;
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
	if (b->version >= 2 && json_object_object_get_ex(root, "usb_devices", &v) &&
	    !json_object_is_type(v, json_type_null) && parse_usb(&c, v, b))
		goto fail;
	json_object_put(root);
	return 0;
fail:
	json_object_put(root);
	baseline_free(b);
	return -1;
}
