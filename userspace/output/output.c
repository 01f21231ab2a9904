/* SPDX-License-Identifier: GPL-2.0 */
/* The output registry: spec parsing and the generic emit/tick/close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"

static const struct output_ops *const output_types[] = {
	&output_json_ops,
	&output_cef_ops,
	&output_syslog_ops,
	&output_journal_ops,
	&output_syslog_unix_ops,
	&output_syslog_udp_ops,
	&output_syslog_tcp_ops,
	&output_syslog_tls_ops,
};

#define OUTPUT_CHOICES "json:PATH|cef:PATH|syslog|journal|syslog+unix:PATH|syslog+udp://HOST:PORT|syslog+tcp://HOST:PORT|syslog+tls://HOST:PORT"

/* Splits spec into its type and argument; the argument may be "". */
static const struct output_ops *output_lookup(const char *spec, const char **arg)
{
	size_t n = strcspn(spec, ":");

	for (size_t i = 0; i < sizeof(output_types) / sizeof(output_types[0]); i++) {
		const char *s = output_types[i]->scheme;

		if (strlen(s) == n && !strncmp(s, spec, n)) {
			*arg = spec[n] ? spec + n + 1 : "";
			return output_types[i];
		}
	}
	return NULL;
}

static bool is_network(const struct output_ops *ops)
{
	return ops == &output_syslog_udp_ops || ops == &output_syslog_tcp_ops ||
	       ops == &output_syslog_tls_ops;
}

int output_spec_check(const char *spec, char *why, size_t whylen)
{
	const struct output_ops *ops;
	const char *arg = "";
	const char *colon;

	ops = output_lookup(spec, &arg);
	if (!ops) {
		snprintf(why, whylen, "unknown output type; expected " OUTPUT_CHOICES);
		return -1;
	}
	/* "journal:" too: the colon alone is no argument */
	if (ops == &output_syslog_ops || ops == &output_journal_ops) {
		if (*arg) {
			snprintf(why, whylen, "%s takes no argument", ops->scheme);
			return -1;
		}
		return 0;
	}
	if (is_network(ops)) {
		colon = strrchr(arg, ':');
		if (strncmp(arg, "//", 2) || !colon || colon == arg + 2 ||
		    !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535) {
			snprintf(why, whylen, "expected %s://HOST:PORT", ops->scheme);
			return -1;
		}
		return 0;
	}
	if (!(strcmp(arg, "-") == 0 && ops != &output_syslog_unix_ops) && arg[0] != '/') {
		snprintf(why, whylen, "expected %s:/ABSOLUTE/PATH%s", ops->scheme,
			 ops == &output_syslog_unix_ops ? "" : " or -");
		return -1;
	}
	return 0;
}

struct output *output_new(const struct output_ops *ops, void *priv,
			  const struct output_env *env)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->ops = ops;
	o->priv = priv;
	o->env = *env;
	o->pid = env->pid;
	snprintf(o->hostname, sizeof(o->hostname), "%s",
		 env->hostname && *env->hostname ? env->hostname : "-");
	o->env.hostname = o->hostname;
	snprintf(o->spec, sizeof(o->spec), "%s", ops->scheme);
	return o;
}

struct output *output_open(const char *spec, const struct output_env *env,
			   char *err, size_t errlen)
{
	const struct output_ops *ops;
	const char *arg = "";
	struct output *o;
	char why[160];

	if (output_spec_check(spec, why, sizeof(why))) {
		snprintf(err, errlen, "output '%s': %s", spec, why);
		return NULL;
	}
	ops = output_lookup(spec, &arg);
	o = output_new(ops, NULL, env);
	if (!o) {
		snprintf(err, errlen, "output '%s': out of memory", spec);
		return NULL;
	}
	snprintf(o->spec, sizeof(o->spec), "%s", spec);
	if (ops->open(o, arg)) {
		/* Outputs that know better say why in last_error. */
		snprintf(err, errlen, "output '%s': cannot open: %s", spec,
			 o->stats.last_error[0] ? o->stats.last_error : strerror(errno));
		free(o);
		return NULL;
	}
	return o;
}

int output_emit(struct output *o, const struct bmcw_alert *a)
{
	int ret = o->ops->emit(o, a);

	o->stats.emitted++;
	if (ret)
		o->stats.errors++;
	return ret;
}

void output_tick(struct output *o)
{
	if (o->ops->tick)
		o->ops->tick(o);
}

void output_close(struct output *o)
{
	if (!o)
		return;
	if (o->ops->close)
		o->ops->close(o);
	free(o);
}

void format_rfc3339_ms(uint64_t ns, char buf[32])
{
	time_t secs = ns / 1000000000ull;
	struct tm tm;

	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, 32 - n, ".%03uZ", (unsigned int)(ns / 1000000 % 1000));
}

/* ECS event.severity follows the usual risk-score buckets. */
int severity_ecs(enum bmcw_severity sev)
{
	static const int map[BMCW_SEV_COUNT] = { 21, 47, 73, 99 };

	return (unsigned int)sev < BMCW_SEV_COUNT ? map[sev] : 0;
}

int severity_syslog(enum bmcw_severity sev)
{
	/* info 6, notice 5, warning 4, critical 2 */
	static const int map[BMCW_SEV_COUNT] = { 6, 5, 4, 2 };

	return (unsigned int)sev < BMCW_SEV_COUNT ? map[sev] : 6;
}

int severity_cef(enum bmcw_severity sev)
{
	/* CEF: 0-3 low, 4-6 medium, 7-8 high, 9-10 very high */
	static const int map[BMCW_SEV_COUNT] = { 3, 5, 7, 10 };

	return (unsigned int)sev < BMCW_SEV_COUNT ? map[sev] : 0;
}
