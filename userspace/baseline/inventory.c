// SPDX-License-Identifier: GPL-2.0
/* See inventory.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "inventory.h"
#include "errmsg.h"


static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Exactly @width hex digits (width 0: 1..16 digits), no sign, no prefix. */
static bool parse_hex(const char *s, size_t width, uint64_t *out)
{
	size_t n = strlen(s);

	if (width ? n != width : n < 1 || n > 16)
		return false;
	if (!is_hex(s, n))
		return false;
	*out = strtoull(s, NULL, 16);
	return true;
}

bool inventory_valid_bdf(const char *s)
{
	struct bdf b;

	/* "%04x:%02x:%02x.%u" with dev <= 0x1f and fn <= 7 */
	return !bdf_parse(s, &b);
}

int inventory_add(struct inventory *inv, const struct inv_fn *fn)
{
	if (inv->n == inv->cap) {
		size_t cap = inv->cap ? inv->cap * 2 : 32;
		struct inv_fn *v = realloc(inv->fn, cap * sizeof(*v));

		if (!v)
			return -1;
		inv->fn = v;
		inv->cap = cap;
	}
	inv->fn[inv->n++] = *fn;
	return 0;
}

static int cmp_fn(const void *a, const void *b)
{
	return strcmp(((const struct inv_fn *)a)->bdf, ((const struct inv_fn *)b)->bdf);
}

void inventory_sort(struct inventory *inv)
{
	if (inv->n)
		qsort(inv->fn, inv->n, sizeof(*inv->fn), cmp_fn);
}

const struct inv_fn *inventory_find(const struct inventory *inv, const char *bdf)
{
	struct inv_fn key = { 0 };

	if (!inv->n || strlen(bdf) >= sizeof(key.bdf))
		return NULL;
	strcpy(key.bdf, bdf);
	return bsearch(&key, inv->fn, inv->n, sizeof(*inv->fn), cmp_fn);
}

void inventory_free(struct inventory *inv)
{
	free(inv->fn);
	memset(inv, 0, sizeof(*inv));
}

/* Keys every function line must carry; others are accepted and ignored. */
enum { K_VENDOR, K_DEVICE, K_SUBSYS, K_CLASS, K_REV, K_HDR, K_FLAGS, K_FP,
       K_DRIVER, K_PATH, K_REQUIRED };
static const char *const required[K_REQUIRED] = {
	"vendor", "device", "subsys", "class", "rev", "hdr", "flags", "fp",
	"driver", "path",
};

static int parse_value(int k, const char *v, struct inv_fn *fn)
{
	uint64_t x, y;

	switch (k) {
	case K_VENDOR:
		if (!parse_hex(v, 4, &x))
			return -1;
		fn->vendor = x;
		return 0;
	case K_DEVICE:
		if (!parse_hex(v, 4, &x))
			return -1;
		fn->device = x;
		return 0;
	case K_SUBSYS: {
		char a[5], b[5];

		if (strlen(v) != 9 || v[4] != ':')
			return -1;
		memcpy(a, v, 4);
		a[4] = '\0';
		memcpy(b, v + 5, 4);
		b[4] = '\0';
		if (!parse_hex(a, 4, &x) || !parse_hex(b, 4, &y))
			return -1;
		fn->subvendor = x;
		fn->subdevice = y;
		return 0;
	}
	case K_CLASS:
		if (!parse_hex(v, 6, &x))
			return -1;
		fn->class = x;
		return 0;
	case K_REV:
		if (!parse_hex(v, 2, &x))
			return -1;
		fn->revision = x;
		return 0;
	case K_HDR:
		if (!parse_hex(v, 2, &x))
			return -1;
		fn->hdr_type = x;
		return 0;
	case K_FLAGS:
		if (strncmp(v, "0x", 2) || !parse_hex(v + 2, 0, &x) || x > 0xffffffffull)
			return -1;
		fn->flags = x;
		return 0;
	case K_FP:
		if (!parse_hex(v, 16, &x))
			return -1;
		fn->fingerprint = x;
		return 0;
	case K_DRIVER:
		if (!*v || strlen(v) >= sizeof(fn->driver))
			return -1;
		strcpy(fn->driver, v);
		return 0;
	case K_PATH:
		if (!*v || strlen(v) >= sizeof(fn->path))
			return -1;
		strcpy(fn->path, v);
		return 0;
	}
	return -1;
}

static bool valid_key(const char *k)
{
	if (!*k || strlen(k) > 32)
		return false;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return false;
	return true;
}

/* One function line, NUL-terminated and without its newline. */
static int parse_fn_line(char *line, struct inv_fn *fn, char *err, size_t errlen)
{
	unsigned int seen = 0;
	char *save = NULL, *tok;
	int k;

	memset(fn, 0, sizeof(*fn));
	tok = strtok_r(line, " ", &save);
	/* stored as the kernel prints it, so that lookups by text agree */
	if (!tok || bdf_canonical(tok, fn->bdf)) {
		errmsg_set(err, errlen, "'%.40s' is not a PCI address (DDDD:BB:DD.F)",
			tok ? tok : "");
		return -1;
	}
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			errmsg_set(err, errlen, "'%.40s' is not key=value", tok);
			return -1;
		}
		*eq = '\0';
		if (!valid_key(tok)) {
			errmsg_set(err, errlen, "bad key '%.40s'", tok);
			return -1;
		}
		for (k = 0; k < K_REQUIRED && strcmp(tok, required[k]); k++)
			;
		if (k == K_REQUIRED)
			continue;	/* a newer module's extra field */
		if (seen & (1u << k)) {
			errmsg_set(err, errlen, "key '%s' repeated", tok);
			return -1;
		}
		seen |= 1u << k;
		if (parse_value(k, eq + 1, fn)) {
			errmsg_set(err, errlen, "bad value for %s: '%.40s'", tok, eq + 1);
			return -1;
		}
	}
	for (k = 0; k < K_REQUIRED; k++) {
		if (!(seen & (1u << k))) {
			errmsg_set(err, errlen, "%s: missing key '%s'", fn->bdf, required[k]);
			return -1;
		}
	}
	return 0;
}

static int parse_header(const char *line, struct inventory *inv, unsigned long *nfns)
{
	char fp[17];
	int used = 0;

	if (sscanf(line, "# functions=%lu host_fp=%16[0-9a-f]%n", nfns, fp, &used) != 2 ||
	    line[used] != '\0' || strlen(fp) != 16 || !isdigit((unsigned char)line[12]))
		return -1;
	inv->has_host_fp = true;
	inv->host_fp = strtoull(fp, NULL, 16);
	return 0;
}

int inventory_parse(const char *text, size_t len, struct inventory *inv,
		    char *err, size_t errlen)
{
	char line[INVENTORY_MAX_LINE + 1], e[256];
	unsigned long declared = 0;
	size_t pos = 0, lineno = 0;
	bool header = false;

	memset(inv, 0, sizeof(*inv));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct inv_fn fn;

		lineno++;
		if (!nl) {
			errmsg_set(err, errlen, "line %zu: truncated (no newline at the end)", lineno);
			goto fail;
		}
		if (n > INVENTORY_MAX_LINE) {
			errmsg_set(err, errlen, "line %zu: longer than %d bytes", lineno,
				INVENTORY_MAX_LINE);
			goto fail;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		for (size_t i = 0; i < n; i++) {
			if (line[i] < ' ' || line[i] > '~') {
				errmsg_set(err, errlen, "line %zu: byte 0x%02x at column %zu",
					lineno, (unsigned char)line[i], i + 1);
				goto fail;
			}
		}
		if (line[0] == '#') {
			if (header || lineno != 1 || parse_header(line, inv, &declared)) {
				errmsg_set(err, errlen,
					"line %zu: expected the header '# functions=N host_fp=HEX' on line 1 only",
					lineno);
				goto fail;
			}
			header = true;
			continue;
		}
		if (parse_fn_line(line, &fn, e, sizeof(e))) {
			errmsg_set(err, errlen, "line %zu: %s", lineno, e);
			goto fail;
		}
		if (inv->n >= INVENTORY_MAX_FNS) {
			errmsg_set(err, errlen, "line %zu: more than %d functions", lineno,
				INVENTORY_MAX_FNS);
			goto fail;
		}
		if (inventory_add(inv, &fn)) {
			errmsg_set(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (!header) {
		errmsg_set(err, errlen, "no '# functions=N host_fp=HEX' header: not a bmcwatch inventory");
		goto fail;
	}
	if (declared != inv->n) {
		errmsg_set(err, errlen, "header announces %lu functions, %zu listed", declared, inv->n);
		goto fail;
	}
	inventory_sort(inv);
	for (size_t i = 1; i < inv->n; i++) {
		if (!strcmp(inv->fn[i].bdf, inv->fn[i - 1].bdf)) {
			errmsg_set(err, errlen, "%s listed twice", inv->fn[i].bdf);
			goto fail;
		}
	}
	return 0;
fail:
	inventory_free(inv);
	return -1;
}

int inventory_read(const char *path, struct inventory *inv, char *err, size_t errlen)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), e[256];
	FILE *f;
	int ret;

	memset(inv, 0, sizeof(*inv));
	if (!path)
		path = INVENTORY_PATH;
	if (!buf)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		errmsg_set(err, errlen, "%s: %s%s", path, strerror(-ret),
			ret == -ENOENT ? " (is bmcwatch.ko loaded and debugfs mounted?)" :
			ret == -EACCES ? " (needs root)" : "");
		free(buf);
		return ret;
	}
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (len < cap)
			break;
		if (cap >= (64u << 20)) {
			errmsg_set(err, errlen, "%s: larger than 64 MiB", path);
			fclose(f);
			free(buf);
			return -EFBIG;
		}
		cap *= 2;
		char *nb = realloc(buf, cap);

		if (!nb) {
			fclose(f);
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
	}
	fclose(f);
	ret = inventory_parse(buf, len, inv, e, sizeof(e));
	if (ret)
		errmsg_set(err, errlen, "%s: %s", path, e);
	free(buf);
	return ret;
}

void inventory_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ BMCW_FN_BMC, "bmc" }, { BMCW_FN_BMC_UPSTREAM, "bmc-upstream" },
		{ BMCW_FN_BMC_ALIAS, "bmc-alias" }, { BMCW_FN_MSI_ON, "msi" },
		{ BMCW_FN_DRIVER, "driver" }, { BMCW_FN_LPC_BRIDGE, "lpc" },
		{ BMCW_FN_VFIO, "vfio" }, { BMCW_FN_MSI64, "msi64" },
		{ BMCW_FN_VIRTFN, "virtfn" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 names[i].name);

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
	if (!used)
		snprintf(buf, len, "-");
}
