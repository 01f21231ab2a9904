/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cef:PATH: ArcSight Common Event Format lines,
 *   CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension
 * Header fields escape '\' and '|'; extension values escape '\', '=' and
 * line breaks (CEF implementation standard, "Character Encoding"). Times:
 * rt (and end) the last occurrence, start the first, as the kernel stamped
 * the event where known (cs6 timeSource); deviceCustomDate1 "created" when
 * the daemon made the alert.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "textbuf.h"
#include "output.h"
#include "output_file.h"
#include "rules.h"

static int cef_escape(const char *src, char *dst, size_t len, const char *special,
		      bool newlines_escaped)
{
	size_t o = 0;

	for (; *src; src++) {
		char c = *src, out[3] = { c, 0, 0 };

		if (c == '\n' || c == '\r') {
			if (newlines_escaped) {
				out[0] = '\\';
				out[1] = c == '\n' ? 'n' : 'r';
			} else {
				out[0] = ' ';	/* the header is one line */
			}
		} else if (strchr(special, c)) {
			out[0] = '\\';
			out[1] = c;
		}
		for (int i = 0; out[i]; i++) {
			if (o + 1 >= len)
				return -1;
			dst[o++] = out[i];
		}
	}
	if (o >= len)
		return -1;
	dst[o] = '\0';
	return (int)o;
}

int cef_escape_header(const char *src, char *dst, size_t len)
{
	return cef_escape(src, dst, len, "\\|", false);
}

int cef_escape_ext(const char *src, char *dst, size_t len)
{
	return cef_escape(src, dst, len, "\\=", true);
}

static void cef_header(struct textbuf *b, const char *v)
{
	char esc[1024];

	if (cef_escape_header(v, esc, sizeof(esc)) < 0)
		b->overflow = true;
	else
		textbuf_put(b, esc);
	textbuf_put(b, "|");
}

/* Appends " key=value" (or "key=value" first); empty values are skipped. */
static void cef_ext(struct textbuf *b, const char *key, const char *v)
{
	char esc[1024];

	if (!v || !*v)
		return;
	if (cef_escape_ext(v, esc, sizeof(esc)) < 0) {
		b->overflow = true;
		return;
	}
	if (b->buf[b->used - 1] != '|')
		textbuf_put(b, " ");
	textbuf_put(b, key);
	textbuf_put(b, "=");
	textbuf_put(b, esc);
}

static void cef_ext_u64(struct textbuf *b, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	cef_ext(b, key, num);
}

int format_cef(const struct bmcw_alert *a, const char *hostname,
	       char *buf, size_t len)
{
	const struct bmcw_rule *rule = rule_find(a->rule);
	const struct bmcw_subject *s = &a->subject;
	struct textbuf b = { .buf = buf, .len = len };
	char tmp[64];

	if (len)
		buf[0] = '\0';
	textbuf_put(&b, "CEF:0|");
	cef_header(&b, "bmcwatch");
	cef_header(&b, BMCW_APP_NAME);
	cef_header(&b, BMCW_VERSION);
	cef_header(&b, a->rule);
	cef_header(&b, a->message);
	snprintf(tmp, sizeof(tmp), "%d", severity_cef(a->severity));
	cef_header(&b, tmp);

	cef_ext_u64(&b, "rt", a->last_ns / 1000000);
	cef_ext(&b, "dvchost", hostname);
	cef_ext(&b, "cat", rule ? rule_class_name(rule->cls) : "unknown");
	cef_ext_u64(&b, "cnt", a->count);
	cef_ext_u64(&b, "start", a->first_ns / 1000000);
	cef_ext_u64(&b, "end", a->last_ns / 1000000);
	cef_ext_u64(&b, "externalId", a->seq);
	if (a->created_ns) {
		cef_ext(&b, "deviceCustomDate1Label", "created");
		cef_ext_u64(&b, "deviceCustomDate1", a->created_ns / 1000000);
	}
	cef_ext(&b, "msg", a->why);
	if (s->has_process) {
		cef_ext_u64(&b, "spid", (uint64_t)s->pid);
		cef_ext(&b, "sproc", s->comm);
		cef_ext(&b, "filePath", s->exe);
	}
	if (s->has_device) {
		cef_ext(&b, "cs1Label", "bdf");
		cef_ext(&b, "cs1", s->bdf);
		snprintf(tmp, sizeof(tmp), "%04x:%04x", s->vendor, s->device);
		cef_ext(&b, "cs2Label", "pciId");
		cef_ext(&b, "cs2", tmp);
	}
	if (s->locus[0]) {
		cef_ext(&b, "cs3Label", "locus");
		cef_ext(&b, "cs3", s->locus);
	}
	if (rule && rule->technique) {
		cef_ext(&b, "cs4Label", "mitreTechnique");
		cef_ext(&b, "cs4", rule->technique);
	}
	if (rule) {
		snprintf(tmp, sizeof(tmp), "%u", rule->id);
		cef_ext(&b, "cs5Label", "ruleId");
		cef_ext(&b, "cs5", tmp);
	}
	cef_ext(&b, "cs6Label", "timeSource");
	cef_ext(&b, "cs6", time_src_name(a->time_src));
	return b.overflow ? -1 : (int)b.used;
}

static int cef_emit(struct output *o, const struct bmcw_alert *a)
{
	char line[OUTPUT_LINE_MAX];
	int n = format_cef(a, o->hostname, line, sizeof(line));

	return n < 0 ? -1 : file_sink_write(o, line, n);
}

const struct output_ops output_cef_ops = {
	.scheme = "cef",
	.open = file_sink_open,
	.emit = cef_emit,
	.close = file_sink_close,
};
