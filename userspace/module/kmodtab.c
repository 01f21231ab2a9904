// SPDX-License-Identifier: GPL-2.0
/* See kmodtab.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmodtab.h"

/* The longest line worth reading: the module's rows are far shorter. */
#define LINE_MAX_LEN	1024

struct tok {
	const char *key, *val;
	size_t klen, vlen;
};

/* A value byte: visible, and not a space (the module turns those into '?'). */
static bool value_byte(unsigned char c)
{
	return c > ' ' && c != 0x7f;
}

/*
 * The next "key=value" token of line[*pos, len). 1 with *t set; 0 at the
 * end, or at a lone "#" (then *comment points after it); -1 malformed.
 */
static int next_tok(const char *line, size_t len, size_t *pos, struct tok *t,
		    const char **comment)
{
	size_t start, n;
	const char *eq;

	while (*pos < len && line[*pos] == ' ')
		(*pos)++;
	if (*pos >= len)
		return 0;
	start = *pos;
	while (*pos < len && line[*pos] != ' ')
		(*pos)++;
	n = *pos - start;
	if (n == 1 && line[start] == '#') {
		*comment = line + *pos;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!value_byte((unsigned char)line[start + i]))
			return -1;
	eq = memchr(line + start, '=', n);
	if (!eq || eq == line + start)
		return -1;
	t->key = line + start;
	t->klen = (size_t)(eq - t->key);
	t->val = eq + 1;
	t->vlen = n - t->klen - 1;
	return 1;
}

static bool key_is(const struct tok *t, const char *key)
{
	return t->klen == strlen(key) && !memcmp(t->key, key, t->klen);
}

static bool parse_u64(const char *s, size_t n, int base, uint64_t *out)
{
	char buf[24], *end;
	unsigned long long v;

	/* strtoull would take a sign, spaces or "0x": the first byte is a digit */
	if (!n || n >= sizeof(buf) ||
	    !(base == 16 ? s[0] && strchr("0123456789abcdefABCDEF", s[0]) != NULL :
	      s[0] >= '0' && s[0] <= '9'))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_s32(const char *s, size_t n, int32_t *out)
{
	uint64_t v;
	bool neg = n && s[0] == '-';

	if (!parse_u64(s + neg, n - neg, 10, &v) || v > (neg ? 2147483648ULL : INT32_MAX))
		return false;
	*out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return true;
}

static bool parse_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, n, 10, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A value into a buffer; false when it does not fit. */
static bool copy_val(char *dst, size_t len, const char *s, size_t n)
{
	if (n >= len)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* The module writes "-" for an empty name. */
static bool copy_name(char *dst, size_t len, const char *s, size_t n)
{
	if (n == 1 && s[0] == '-') {
		dst[0] = '\0';
		return true;
	}
	return copy_val(dst, len, s, n);
}

/*
 * Free text (a comment, a detail) into a buffer: trimmed, control bytes
 * replaced, cut to fit (it is for people; its length is not a format).
 */
static void copy_text(char *dst, size_t len, const char *s, size_t n)
{
	size_t o = 0;

	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n && o + 1 < len; i++)
		dst[o++] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? '?' : s[i];
	dst[o] = '\0';
}

/* Length without the newline, or -1 when too long to be a row. */
static long line_len(const char *line)
{
	size_t len = strnlen(line, LINE_MAX_LEN + 1);

	if (len > LINE_MAX_LEN)
		return -1;
	if (len && line[len - 1] == '\n')
		len--;
	return (long)len;
}

static const char *const hook_states[KMODTAB_HOOK_STATES] = {
	[KMODTAB_HOOK_WAITING] = "waiting",
	[KMODTAB_HOOK_PLACED] = "placed",
	[KMODTAB_HOOK_FAILED] = "failed",
	[KMODTAB_HOOK_REMOVED] = "removed",
	[KMODTAB_HOOK_UNUSED] = "unused",
	[KMODTAB_HOOK_UNKNOWN] = "unknown",
};

const char *kmodtab_hook_state_name(enum kmodtab_hook_state s)
{
	return (unsigned int)s < KMODTAB_HOOK_STATES ? hook_states[s] : "unknown";
}

int kmodtab_hook_parse(const char *line, struct kmodtab_hook *h)
{
	const char *comment = NULL, *slash;
	size_t pos = 0;
	struct tok t;
	long len;
	int r;

	memset(h, 0, sizeof(*h));
	r = hooktab_parse_line(line, &h->row);
	if (r == HOOKTAB_OTHER) {
		memset(h, 0, sizeof(*h));
		return KMODTAB_OTHER;
	}
	if (r != HOOKTAB_ROW)
		goto bad;
	/* hooktab checked the line; what it does not keep is read here */
	len = line_len(line);
	while ((r = next_tok(line, (size_t)len, &pos, &t, &comment)) > 0) {
		if (key_is(&t, "kind") &&
		    !copy_val(h->kind, sizeof(h->kind), t.val, t.vlen))
			goto bad;
		if (key_is(&t, "module") &&
		    !copy_val(h->module, sizeof(h->module), t.val, t.vlen))
			goto bad;
	}
	if (r < 0)
		goto bad;
	if (comment)
		copy_text(h->unseen, sizeof(h->unseen), comment,
			  (size_t)(line + len - comment));
	h->state = KMODTAB_HOOK_UNKNOWN;
	for (int i = 0; i < KMODTAB_HOOK_UNKNOWN; i++)
		if (!strcmp(h->row.state, hook_states[i]))
			h->state = i;
	/* "monitor/symbol"; a name without a monitor is the symbol alone */
	slash = strchr(h->row.hook, '/');
	if (slash) {
		if (slash == h->row.hook || !slash[1] ||
		    !copy_val(h->monitor, sizeof(h->monitor), h->row.hook,
			      (size_t)(slash - h->row.hook)))
			goto bad;
		snprintf(h->symbol, sizeof(h->symbol), "%s", slash + 1);
	} else {
		snprintf(h->symbol, sizeof(h->symbol), "%s", h->row.hook);
	}
	return KMODTAB_ROW;
bad:
	memset(h, 0, sizeof(*h));
	return KMODTAB_BAD;
}

int kmodtab_loss_parse(const char *line, struct kmodtab_loss *l)
{
	const char *comment = NULL;
	bool have_count = false;
	long len = line_len(line);
	size_t pos = 0;
	struct tok t;
	int r;

	memset(l, 0, sizeof(*l));
	if (strncmp(line, "loss=", 5))
		return KMODTAB_OTHER;
	if (len < 0)
		return KMODTAB_BAD;
	while ((r = next_tok(line, (size_t)len, &pos, &t, &comment)) > 0) {
		if (key_is(&t, "loss")) {
			if (l->name[0] || !copy_val(l->name, sizeof(l->name), t.val, t.vlen))
				goto bad;
		} else if (key_is(&t, "count")) {
			if (have_count || !parse_u64(t.val, t.vlen, 10, &l->count))
				goto bad;
			have_count = true;
		}
	}
	if (r < 0 || !l->name[0] || !have_count)
		goto bad;
	if (comment)
		copy_text(l->what, sizeof(l->what), comment,
			  (size_t)(line + len - comment));
	return KMODTAB_ROW;
bad:
	memset(l, 0, sizeof(*l));
	return KMODTAB_BAD;
}

int kmodtab_health_head_parse(const char *line, struct kmodtab_health_head *h)
{
	const char *comment = NULL;
	bool inst = false, last = false, kept = false;
	long len = line_len(line);
	size_t pos = 2;
	uint64_t v;
	struct tok t;
	int r;

	memset(h, 0, sizeof(*h));
	if (strncmp(line, "# ", 2) || !strstr(line, "instance="))
		return KMODTAB_OTHER;
	if (len < 0)
		return KMODTAB_BAD;
	while ((r = next_tok(line, (size_t)len, &pos, &t, &comment)) > 0) {
		if (key_is(&t, "instance")) {
			/* all 16 digits: a short one is not this format */
			if (inst || t.vlen != 16 ||
			    !parse_u64(t.val, t.vlen, 16, &h->instance))
				goto bad;
			inst = true;
		} else if (key_is(&t, "last_seq")) {
			if (last || !parse_u64(t.val, t.vlen, 10, &h->last_seq))
				goto bad;
			last = true;
		} else if (key_is(&t, "kept")) {
			if (kept || !parse_u64(t.val, t.vlen, 10, &v) || v > UINT32_MAX)
				goto bad;
			h->kept = (unsigned int)v;
			kept = true;
		}
	}
	/* instance 0 would be "never loaded": the module never says it */
	if (r < 0 || !inst || !last || !kept || !h->instance)
		goto bad;
	return KMODTAB_ROW;
bad:
	memset(h, 0, sizeof(*h));
	return KMODTAB_BAD;
}

/* The keys of a health row, each required once. */
enum {
	HK_SEQ, HK_TS, HK_KIND, HK_MONITOR, HK_ERR, HK_COUNT, HK_DELIVERED,
	HK_PID, HK_COMM, HK_WHAT, HK_DETAIL, HK_N,
};

static const char *const health_keys[HK_N] = {
	"seq", "ts", "kind", "monitor", "err", "count", "delivered", "pid",
	"comm", "what", "detail",
};

static bool health_field(struct kmodtab_health_row *r, int k, const struct tok *t)
{
	uint32_t u;

	switch (k) {
	case HK_SEQ:
		return parse_u64(t->val, t->vlen, 10, &r->seq) && r->seq;
	case HK_TS:
		return parse_u64(t->val, t->vlen, 10, &r->ts_ns);
	case HK_KIND:
		return parse_u32(t->val, t->vlen, &r->kind);
	case HK_MONITOR:
		if (!parse_u32(t->val, t->vlen, &u) || u > UINT8_MAX)
			return false;
		r->monitor = (uint8_t)u;
		return true;
	case HK_ERR:
		return parse_s32(t->val, t->vlen, &r->err);
	case HK_COUNT:
		return parse_u64(t->val, t->vlen, 10, &r->count);
	case HK_DELIVERED:
		if (t->vlen != 1 || (t->val[0] != '0' && t->val[0] != '1'))
			return false;
		r->delivered = t->val[0] == '1';
		return true;
	case HK_PID:
		return parse_u32(t->val, t->vlen, &r->pid);
	case HK_COMM:
		return copy_name(r->comm, sizeof(r->comm), t->val, t->vlen);
	case HK_WHAT:
		return copy_name(r->what, sizeof(r->what), t->val, t->vlen);
	default:
		return false;
	}
}

int kmodtab_health_parse(const char *line, struct kmodtab_health_row *r)
{
	const char *comment = NULL;
	long len = line_len(line);
	unsigned int seen = 0;
	size_t pos = 0;
	struct tok t;
	int ret, k;

	memset(r, 0, sizeof(*r));
	if (strncmp(line, "seq=", 4))
		return KMODTAB_OTHER;
	if (len < 0)
		return KMODTAB_BAD;
	while ((ret = next_tok(line, (size_t)len, &pos, &t, &comment)) > 0) {
		for (k = 0; k < HK_N && !key_is(&t, health_keys[k]); k++)
			;
		if (k == HK_N)
			continue;	/* a newer module's key */
		if (seen & (1U << k))
			goto bad;
		seen |= 1U << k;
		if (k == HK_DETAIL) {
			/* the detail is text to the end of the line */
			copy_text(r->detail, sizeof(r->detail), t.val,
				  (size_t)(line + len - t.val));
			break;
		}
		if (!health_field(r, k, &t))
			goto bad;
	}
	/* a "#" would be a comment; a detail may hold one, but is last */
	if (ret < 0 || comment || seen != (1U << HK_N) - 1)
		goto bad;
	return KMODTAB_ROW;
bad:
	memset(r, 0, sizeof(*r));
	return KMODTAB_BAD;
}

int kmodtab_abi_parse(const char *text, unsigned int *major, unsigned int *minor)
{
	const char *dot = strchr(text, '.');
	size_t n = strnlen(text, 32);
	uint64_t a, b;

	if (n == 32 || !dot)
		return -1;
	if (n && text[n - 1] == '\n')
		n--;
	if (!parse_u64(text, (size_t)(dot - text), 10, &a) ||
	    (size_t)(dot + 1 - text) > n ||
	    !parse_u64(dot + 1, n - (size_t)(dot + 1 - text), 10, &b) ||
	    a > 0xffff || b > 0xffff)
		return -1;
	*major = (unsigned int)a;
	*minor = (unsigned int)b;
	return 0;
}

int kmodtab_abi_check(const char *text, unsigned int our_major, unsigned int our_minor,
		      unsigned int *minor, char *why, size_t len)
{
	unsigned int major;

	if (kmodtab_abi_parse(text, &major, minor)) {
		snprintf(why, len,
			 "bmcwatch.ko's ABI version '%.16s' is not MAJOR.MINOR: refusing to attach (install a matching module and daemon)",
			 text);
		return -1;
	}
	if (major != our_major) {
		snprintf(why, len,
			 "bmcwatch.ko speaks ABI %u.%u, this bmcwatchd ABI %u.%u: a different major means different event layouts; refusing to attach (install a matching module and daemon)",
			 major, *minor, our_major, our_minor);
		return -1;
	}
	return 0;
}
