/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Over 600 lines: the config file's keys and the checks of their values
 * are one table-less handler; split, each key would be two places to read.
 *
 * Config loading with inih. inih does the INI syntax; this file only knows
 * which sections and keys exist and what values they take. Every problem is
 * reported as "FILE:LINE: ..." and makes the load fail: a daemon that
 * guessed what a typo meant would watch something else than the operator
 * asked for.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ini.h>

#include "bdf.h"
#include "metrics.h"
#include "output.h"
#include "policy.h"
#include "usb_entry.h"

#define SEVERITY_CHOICES	"info|notice|warning|critical"

struct conf_parse {
	struct policy *p;
	const char *path;
	FILE *f;
	int line;		/* line of the text inih is handling */
	int next_line;
	char *err;
	size_t errlen;
	int nerr;
	int tls_cert_line, tls_key_line;	/* where they were set, 0 if not */
};

static void conf_error(struct conf_parse *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void conf_error(struct conf_parse *c, const char *fmt, ...)
{
	size_t used = strlen(c->err);
	va_list ap;

	if (used + 1 >= c->errlen)
		return;
	used += snprintf(c->err + used, c->errlen - used, "%s%s:%d: ",
			 c->nerr ? "\n" : "", c->path, c->line);
	if (used < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + used, c->errlen - used, fmt, ap);
		va_end(ap);
	}
	c->nerr++;
}

static bool conf_has_error_at(const struct conf_parse *c, int line)
{
	char tag[PATH_MAX + 16];

	snprintf(tag, sizeof(tag), "%s:%d: ", c->path, line);
	return strstr(c->err, tag) != NULL;
}

/*
 * inih reads through this so we know the line each key came from (the
 * packaged inih is built without the handler's lineno argument). A line
 * longer than inih's buffer arrives in pieces; only a piece ending in a
 * newline finishes a line.
 */
static char *conf_read_line(char *str, int num, void *stream)
{
	struct conf_parse *c = stream;
	char *s = fgets(str, num, c->f);

	if (!s)
		return NULL;
	c->line = c->next_line;
	if (strchr(s, '\n'))
		c->next_line++;
	return s;
}

static int parse_uint(const char *v, unsigned long min, unsigned long max,
		      unsigned int *out)
{
	unsigned long n;
	char *end;

	if (!*v || *v == '-' || *v == '+')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return -1;
}

static int copy_path(char *dst, size_t len, const char *v)
{
	if (*v != '/' || strlen(v) >= len)
		return -1;
	strcpy(dst, v);
	return 0;
}

int bmc_match_parse(const char *s, struct bmc_match *m)
{
	unsigned int a, b, c, d;
	struct bdf f;
	int n = 0;

	memset(m, 0, sizeof(*m));
	/* VENDOR:DEVICE, both exactly 4 hex digits */
	if (strlen(s) == 9 && sscanf(s, "%4x:%4x%n", &a, &b, &n) == 2 && n == 9) {
		m->vendor = a;
		m->device = b;
		return 0;
	}
	/* DOMAIN:BUS:DEV.FN, the domain 4 to 8 digits (VMD: 10000 and up) */
	if (!bdf_parse(s, &f)) {
		m->by_bdf = true;
		m->seg = f.domain;
		m->bus = f.bus;
		m->devfn = f.devfn;
		return 0;
	}
	/* BUS:DEV.FN in domain 0 */
	if (sscanf(s, "%2x:%2x.%1x%n", &b, &c, &d, &n) == 3 &&
	    !s[n] && n == 7 && c < 32 && d < 8) {
		m->by_bdf = true;
		m->bus = b;
		m->devfn = c << 3 | d;
		return 0;
	}
	return -1;
}

static int parse_port(const char *s, char **end, uint16_t *port)
{
	unsigned long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoul(s, end, 0);
	if (errno || n > 0xffff)
		return -1;
	*port = n;
	return 0;
}

int lpc_range_parse(const char *s, struct lpc_port_range *r)
{
	char *end;

	if (parse_port(s, &end, &r->lo))
		return -1;
	r->hi = r->lo;
	if (*end == '-' && parse_port(end + 1, &end, &r->hi))
		return -1;
	return *end || r->hi < r->lo ? -1 : 0;
}

/* The BMC's host-side I/O ports (IPMI 2.0 KCS/SMIC/BT defaults, SuperIO). */
static const struct lpc_port_range lpc_default_watch[] = {
	{ 0x2e, 0x2f }, { 0x4e, 0x4f },		/* SuperIO index/data */
	{ 0xca2, 0xca3 },			/* KCS */
	{ 0xe4, 0xe6 },				/* BT */
	{ 0xca9, 0xcab },			/* SMIC */
	{ 0x80, 0x80 },				/* POST codes */
};

/*
 * metrics = off | http:ADDRESS:PORT | textfile:/ABS/PATH.prom
 * The HTTP endpoint has no authentication: one address (loopback, or a
 * management interface's), never a wildcard.
 */
#define METRICS_CHOICES "off|http:ADDRESS:PORT|textfile:/PATH; ADDRESS is 127.0.0.1 or one interface's address, not a wildcard"

static int metrics_spec_ok(const char *v)
{
	struct sockaddr_storage ss;
	unsigned int len;

	if (!strcmp(v, "off"))
		return 0;
	if (!strncmp(v, "http:", 5))
		return metrics_http_addr(v, &ss, &len);
	if (!strncmp(v, "textfile:/", 10))
		return 0;
	return -1;
}

static void bad_value(struct conf_parse *c, const char *name, const char *value,
		      const char *expected)
{
	conf_error(c, "key '%s': invalid value '%s' (expected %s)", name, value,
		   expected);
}

/* [usb] device lines: the module's list of BMC USB devices, written at start. */
static void usb_key(struct conf_parse *c, const char *name, const char *value)
{
	if (strcmp(name, "device"))
		conf_error(c, "section [usb]: unknown key '%s'", name);
	else if (usb_entry_check(value))
		bad_value(c, name, value,
			  "VENDOR:PRODUCT, VENDOR:* (4 hex digits each) or port:CONTROLLER-DEVPATH / port:BUS-DEVPATH");
	else if (c->p->usb_devices.n == USB_ENTRY_MAX)
		conf_error(c, "section [usb]: more than %d device lines (what bmcwatch.ko's list holds)",
			   USB_ENTRY_MAX);
	else if (strlist_add(&c->p->usb_devices, value))
		conf_error(c, "out of memory");
	else
		c->p->usb_devices_set = true;
}

static void lpc_key(struct conf_parse *c, const char *name, const char *value)
{
	struct policy *p = c->p;
	struct lpc_port_range r;

	if (strcmp(name, "watch")) {
		conf_error(c, "section [lpc]: unknown key '%s'", name);
	} else if (lpc_range_parse(value, &r)) {
		bad_value(c, name, value, "PORT or LO-HI within 0..0xffff");
	} else {
		if (!p->lpc_watch_set) {
			p->lpc_watch_set = true;
			p->lpc_nwatch = 0;
		}
		if (p->lpc_nwatch >= POLICY_LPC_MAX_WATCH)
			conf_error(c, "key 'watch': more than %d ranges",
				   POLICY_LPC_MAX_WATCH);
		else
			p->lpc_watch[p->lpc_nwatch++] = r;
	}
}

static void daemon_key(struct conf_parse *c, const char *name, const char *value)
{
	struct policy *p = c->p;

	if (!strcmp(name, "interval_ms")) {
		if (parse_uint(value, 10, 3600000, &p->interval_ms))
			bad_value(c, name, value, "an integer in 10..3600000");
	} else if (!strcmp(name, "baseline")) {
		if (copy_path(p->baseline, sizeof(p->baseline), value))
			bad_value(c, name, value, "an absolute path");
	} else if (!strcmp(name, "heartbeat_minutes")) {
		if (parse_uint(value, 0, 1440, &p->heartbeat_minutes))
			bad_value(c, name, value, "an integer in 0..1440");
	} else if (!strcmp(name, "aggregation_window_s")) {
		if (parse_uint(value, 0, 86400, &p->aggregation_window_s))
			bad_value(c, name, value, "an integer in 0..86400");
	} else if (!strcmp(name, "rate_limit")) {
		if (parse_uint(value, 0, 100000, &p->rate_limit))
			bad_value(c, name, value, "an integer in 0..100000");
	} else if (!strcmp(name, "spool_dir")) {
		if (copy_path(p->spool_dir, sizeof(p->spool_dir), value))
			bad_value(c, name, value, "an absolute path");
	} else if (!strcmp(name, "spool_fsync")) {
		if (parse_bool(value, &p->spool_fsync))
			bad_value(c, name, value, "true|false");
	} else if (!strcmp(name, "status_file")) {
		if (copy_path(p->status_file, sizeof(p->status_file), value))
			bad_value(c, name, value, "an absolute path");
	} else if (!strcmp(name, "metrics")) {
		if (metrics_spec_ok(value))
			bad_value(c, name, value, METRICS_CHOICES);
		else
			snprintf(p->metrics, sizeof(p->metrics), "%s", value);
	} else {
		conf_error(c, "section [daemon]: unknown key '%s'", name);
	}
}

static void baseline_key(struct conf_parse *c, const char *name, const char *value)
{
	struct policy *p = c->p;

	if (!strcmp(name, "learn_seconds")) {
		if (parse_uint(value, 0, 30 * 86400, &p->learn_seconds))
			bad_value(c, name, value, "an integer in 0..2592000");
	} else if (!strcmp(name, "window_seconds")) {
		if (parse_uint(value, 1, 86400, &p->window_seconds))
			bad_value(c, name, value, "an integer in 1..86400");
	} else if (!strcmp(name, "rate_factor")) {
		if (parse_uint(value, 1, 1000, &p->rate_factor))
			bad_value(c, name, value, "an integer in 1..1000");
	} else if (!strcmp(name, "rate_floor")) {
		if (parse_uint(value, 0, 1000000, &p->rate_floor))
			bad_value(c, name, value, "an integer in 0..1000000");
	} else {
		conf_error(c, "section [baseline]: unknown key '%s'", name);
	}
}

/* [output] keys besides output: the stream outputs' connection and TLS. */
static void output_key(struct conf_parse *c, const char *name, const char *value)
{
	struct policy *p = c->p;
	char *path = !strcmp(name, "tls_ca") ? p->tls_ca :
		     !strcmp(name, "tls_cert") ? p->tls_cert :
		     !strcmp(name, "tls_key") ? p->tls_key : NULL;

	if (path) {
		if (copy_path(path, PATH_MAX, value))
			bad_value(c, name, value, "an absolute path");
		else if (path == p->tls_cert)
			c->tls_cert_line = c->line;
		else if (path == p->tls_key)
			c->tls_key_line = c->line;
	} else if (!strcmp(name, "connect_timeout_ms")) {
		if (parse_uint(value, 100, 600000, &p->connect_timeout_ms))
			bad_value(c, name, value, "an integer in 100..600000");
	} else if (!strcmp(name, "retry_max_ms")) {
		if (parse_uint(value, 100, 3600000, &p->retry_max_ms))
			bad_value(c, name, value, "an integer in 100..3600000");
	} else if (!strcmp(name, "ack_timeout_ms")) {
		if (parse_uint(value, 1000, 3600000, &p->ack_timeout_ms))
			bad_value(c, name, value, "an integer in 1000..3600000");
	} else {
		conf_error(c, "section [output]: unknown key '%s'", name);
	}
}

static void rule_key(struct conf_parse *c, const struct bmcw_rule *rule,
		     const char *name, const char *value)
{
	struct policy_rule *pr = &c->p->rules[rule_index(rule)];

	if (!strcmp(name, "severity")) {
		if (severity_parse(value, &pr->severity))
			conf_error(c, "key 'severity': unknown value '%s' (expected "
				   SEVERITY_CHOICES ")", value);
		else
			pr->severity_set = true;
	} else if (!strcmp(name, "enabled")) {
		if (parse_bool(value, &pr->enabled))
			bad_value(c, name, value, "true|false");
	} else if (!strcmp(name, "threshold")) {
		if (parse_uint(value, 1, 1000000, &pr->threshold))
			bad_value(c, name, value, "an integer in 1..1000000");
	} else if (!strcmp(name, "allow_process")) {
		if (!*value || strpbrk(value, " \t"))
			bad_value(c, name, value, "a process name or an absolute path");
		else if (strlist_add(&pr->allow_process, value))
			conf_error(c, "out of memory");
	} else {
		conf_error(c, "section [rule \"%s\"]: unknown key '%s'",
			   rule->name, name);
	}
}

/* [rule "NAME"] or [rule.NAME]; returns the rule name or NULL. */
static const char *rule_section_name(const char *section, char *buf, size_t len)
{
	size_t n;

	if (!strncmp(section, "rule.", 5))
		return section + 5;
	if (strncmp(section, "rule \"", 6))
		return NULL;
	n = strlen(section + 6);
	if (n < 1 || section[6 + n - 1] != '"' || n >= len)
		return NULL;
	memcpy(buf, section + 6, n - 1);
	buf[n - 1] = '\0';
	return buf;
}

static int conf_handler(void *user, const char *section, const char *name,
			const char *value)
{
	struct conf_parse *c = user;
	const char *rname;
	char rbuf[128], why[160];

	if (!*section) {
		conf_error(c, "key '%s' outside any section", name);
	} else if (!strcmp(section, "daemon")) {
		daemon_key(c, name, value);
	} else if (!strcmp(section, "bmc")) {
		struct bmc_match m;

		if (strcmp(name, "device"))
			conf_error(c, "section [bmc]: unknown key '%s'", name);
		else if (bmc_match_parse(value, &m))
			bad_value(c, name, value, "VENDOR:DEVICE or [DOMAIN:]BUS:DEV.FN");
		else if (strlist_add(&c->p->bmc_devices, value))
			conf_error(c, "out of memory");
	} else if (!strcmp(section, "usb")) {
		usb_key(c, name, value);
	} else if (!strcmp(section, "lpc")) {
		lpc_key(c, name, value);
	} else if (!strcmp(section, "baseline")) {
		baseline_key(c, name, value);
	} else if (!strcmp(section, "dma")) {
		if (!strcmp(name, "irq_probe")) {
			if (parse_bool(value, &c->p->dma_irq_probe))
				bad_value(c, name, value, "yes|no");
		} else if (!strcmp(name, "vector_log")) {
			if (!strcmp(value, "auto"))
				c->p->dma_vector_log = DMA_VLOG_AUTO;
			else if (!strcmp(value, "console"))
				c->p->dma_vector_log = DMA_VLOG_CONSOLE;
			else if (!strcmp(value, "kmsg"))
				c->p->dma_vector_log = DMA_VLOG_KMSG;
			else
				bad_value(c, name, value, "auto|console|kmsg");
		} else if (!strcmp(name, "vector_count")) {
			if (!strcmp(value, "messages"))
				c->p->dma_vector_count = DMA_VCOUNT_MESSAGES;
			else if (!strcmp(value, "exact"))
				c->p->dma_vector_count = DMA_VCOUNT_EXACT;
			else
				bad_value(c, name, value, "messages|exact");
		} else if (!strcmp(name, "vector_probe")) {
			conf_error(c, "section [dma]: 'vector_probe' was removed (its kprobe in interrupt entry was not safe on every kernel); 'vector_count = exact' counts those interrupts with a trampoline");
		} else {
			conf_error(c, "section [dma]: unknown key '%s'", name);
		}
	} else if (!strcmp(section, "output")) {
		if (strcmp(name, "output"))
			output_key(c, name, value);
		else if (output_spec_check(value, why, sizeof(why)))
			conf_error(c, "key 'output': invalid value '%s' (%s)", value, why);
		else if (strlist_add(&c->p->outputs, value))
			conf_error(c, "out of memory");
	} else if ((rname = rule_section_name(section, rbuf, sizeof(rbuf)))) {
		const struct bmcw_rule *rule = rule_find(rname);

		if (!rule)
			conf_error(c, "unknown rule '%s'", rname);
		else
			rule_key(c, rule, name, value);
	} else {
		conf_error(c, "unknown section '[%s]'", section);
	}
	return 1;	/* keep going: report every error at once */
}

static int policy_parse_bmc(struct policy *p)
{
	free(p->bmc);
	p->bmc = calloc(p->bmc_devices.n + 1, sizeof(*p->bmc));
	if (!p->bmc)
		return -1;
	for (size_t i = 0; i < p->bmc_devices.n; i++)
		if (bmc_match_parse(p->bmc_devices.v[i], &p->bmc[i]))
			return -1;
	return 0;
}

int policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->interval_ms = 1000;
	p->heartbeat_minutes = 15;
	p->aggregation_window_s = 60;
	p->rate_limit = 30;
	p->spool_fsync = true;
	p->window_seconds = 60;
	p->rate_factor = 4;
	p->rate_floor = 10;
	strcpy(p->baseline, BMCW_DEFAULT_BASELINE);
	strcpy(p->spool_dir, BMCW_DEFAULT_SPOOL_DIR);
	strcpy(p->status_file, BMCW_DEFAULT_STATUS);
	strcpy(p->metrics, "off");
	memcpy(p->lpc_watch, lpc_default_watch, sizeof(lpc_default_watch));
	p->lpc_nwatch = sizeof(lpc_default_watch) / sizeof(lpc_default_watch[0]);
	p->rules = calloc(rule_count(), sizeof(*p->rules));
	if (!p->rules)
		return -1;
	for (size_t i = 0; i < rule_count(); i++) {
		p->rules[i].enabled = true;
		p->rules[i].threshold = 1;
	}
	return policy_parse_bmc(p);
}

void policy_free(struct policy *p)
{
	if (p->rules)
		for (size_t i = 0; i < rule_count(); i++)
			strlist_free(&p->rules[i].allow_process);
	free(p->rules);
	free(p->bmc);
	strlist_free(&p->bmc_devices);
	strlist_free(&p->usb_devices);
	strlist_free(&p->outputs);
	memset(p, 0, sizeof(*p));
}

int policy_load_file(struct policy *p, const char *path, char *err, size_t errlen)
{
	struct conf_parse c = {
		.p = p, .path = path, .next_line = 1, .err = err, .errlen = errlen,
	};
	int ret;

	err[0] = '\0';
	c.f = fopen(path, "r");
	if (!c.f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/* One key per physical line, so every error has one line number. */
	ini_allow_multiline = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 8192;	/* allow_process may be a long path */
	ret = ini_parse_stream(conf_read_line, &c, conf_handler, &c);
	fclose(c.f);
	if (ret > 0 && !conf_has_error_at(&c, ret)) {
		/*
		 * inih itself rejected a line (no '=' or no ']'); it returns
		 * the first such line. Report it first: later complaints may
		 * follow from it.
		 */
		char rest[2048];

		snprintf(rest, sizeof(rest), "%s", err);
		err[0] = '\0';
		c.nerr = 0;
		c.line = ret;
		conf_error(&c, "syntax error (expected '[section]' or 'key = value')");
		if (rest[0])
			snprintf(err + strlen(err), errlen - strlen(err), "\n%s", rest);
	} else if (ret < 0) {
		snprintf(err, errlen, "%s: cannot parse: out of memory", path);
		return -1;
	}
	/* A certificate without its key (or the reverse) cannot authenticate. */
	if (!c.tls_cert_line != !c.tls_key_line) {
		c.line = c.tls_cert_line ? c.tls_cert_line : c.tls_key_line;
		conf_error(&c, "key '%s' needs '%s' too", c.tls_cert_line ? "tls_cert" : "tls_key",
			   c.tls_cert_line ? "tls_key" : "tls_cert");
	}
	if (c.nerr)
		return -1;
	snprintf(p->path, sizeof(p->path), "%s", path);
	return policy_parse_bmc(p);
}

int policy_load(struct policy *p, const struct policy_cli *cli,
		char *err, size_t errlen)
{
	const char *path = cli->config;

	err[0] = '\0';
	if (policy_init(p)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!path && access(BMCW_DEFAULT_CONFIG, F_OK) == 0)
		path = BMCW_DEFAULT_CONFIG;
	if (path && policy_load_file(p, path, err, errlen))
		return -1;

	p->foreground = cli->foreground;
	p->learn = cli->learn;
	if (cli->learn_seconds_set) {
		if (cli->learn_seconds > 30 * 86400) {
			snprintf(err, errlen, "--learn-seconds: invalid value '%lu' (expected an integer in 0..2592000)",
				 cli->learn_seconds);
			return -1;
		}
		p->learn_seconds = cli->learn_seconds;
	}
	if (p->learn && p->learn_seconds && p->learn_seconds < p->window_seconds) {
		snprintf(err, errlen, "learning %u s is shorter than one window of %u s ([baseline] window_seconds)",
			 p->learn_seconds, p->window_seconds);
		return -1;
	}
	if (cli->interval_ms >= 0) {
		if (cli->interval_ms < 10 || cli->interval_ms > 3600000) {
			snprintf(err, errlen, "--interval: invalid value '%ld' (expected an integer in 10..3600000)",
				 cli->interval_ms);
			return -1;
		}
		p->interval_ms = cli->interval_ms;
	}
	if (cli->baseline &&
	    snprintf(p->baseline, sizeof(p->baseline), "%s", cli->baseline) >=
	    (int)sizeof(p->baseline)) {
		snprintf(err, errlen, "--baseline: path too long");
		return -1;
	}
	/* A list on the command line replaces the file's list. */
	for (size_t i = 0; i < cli->bmc_devices.n; i++) {
		struct bmc_match m;

		if (bmc_match_parse(cli->bmc_devices.v[i], &m)) {
			snprintf(err, errlen, "--bmc-device: invalid value '%s' (expected VENDOR:DEVICE or [DOMAIN:]BUS:DEV.FN)",
				 cli->bmc_devices.v[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < cli->outputs.n; i++) {
		char why[160];

		if (output_spec_check(cli->outputs.v[i], why, sizeof(why))) {
			snprintf(err, errlen, "--output: invalid value '%s' (%s)",
				 cli->outputs.v[i], why);
			return -1;
		}
	}
	if (cli->metrics) {
		if (metrics_spec_ok(cli->metrics)) {
			snprintf(err, errlen, "--metrics: invalid value '%s' (expected %s)",
				 cli->metrics, METRICS_CHOICES);
			return -1;
		}
		snprintf(p->metrics, sizeof(p->metrics), "%s", cli->metrics);
	}
	{
		const char *names[] = { "--tls-ca", "--tls-cert", "--tls-key" };
		const char *vals[] = { cli->tls_ca, cli->tls_cert, cli->tls_key };
		char *dst[] = { p->tls_ca, p->tls_cert, p->tls_key };

		for (int i = 0; i < 3; i++) {
			if (!vals[i])
				continue;
			if (copy_path(dst[i], PATH_MAX, vals[i])) {
				snprintf(err, errlen, "%s: invalid value '%s' (expected an absolute path)",
					 names[i], vals[i]);
				return -1;
			}
		}
		if (!p->tls_cert[0] != !p->tls_key[0]) {
			snprintf(err, errlen, "%s needs %s too (a client certificate and its key)",
				 p->tls_cert[0] ? "--tls-cert/tls_cert" : "--tls-key/tls_key",
				 p->tls_cert[0] ? "--tls-key/tls_key" : "--tls-cert/tls_cert");
			return -1;
		}
	}
	if (cli->bmc_devices.n) {
		strlist_free(&p->bmc_devices);
		if (strlist_copy(&p->bmc_devices, &cli->bmc_devices))
			goto nomem;
	}
	if (cli->outputs.n) {
		strlist_free(&p->outputs);
		if (strlist_copy(&p->outputs, &cli->outputs))
			goto nomem;
	}
	/* Alerts must go somewhere: local syslog unless told otherwise. */
	if (!p->outputs.n && strlist_add(&p->outputs, "syslog"))
		goto nomem;
	if (policy_parse_bmc(p))
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* comm is what the kernel keeps: at most 15 characters of the name. */
static bool comm_matches(const char *entry, const char *comm)
{
	size_t n = strlen(entry);

	if (n > 15)
		n = 15;
	return !strncmp(entry, comm, n) && strlen(comm) == n;
}

bool policy_process_allowed(const struct policy *p, const struct bmcw_rule *rule,
			    const char *comm, const char *exe)
{
	const struct strlist *allow = &p->rules[rule_index(rule)].allow_process;

	for (size_t i = 0; i < allow->n; i++) {
		const char *e = allow->v[i];

		if (e[0] == '/' ? (exe && !strcmp(e, exe)) :
				  (comm && *comm && comm_matches(e, comm)))
			return true;
	}
	return false;
}

enum bmcw_severity policy_severity(const struct policy *p,
				   const struct bmcw_rule *rule,
				   enum bmcw_severity requested)
{
	const struct policy_rule *pr = &p->rules[rule_index(rule)];

	if (pr->severity_set)
		return pr->severity;
	return requested > rule->severity ? requested : rule->severity;
}

bool policy_rule_enabled(const struct policy *p, const struct bmcw_rule *rule)
{
	return p->rules[rule_index(rule)].enabled;
}

unsigned int policy_rule_threshold(const struct policy *p,
				   const struct bmcw_rule *rule)
{
	return p->rules[rule_index(rule)].threshold;
}
