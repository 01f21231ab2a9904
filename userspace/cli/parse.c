// SPDX-License-Identifier: GPL-2.0
/* See parse.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "parse.h"
#include "errmsg.h"


/* Whole buffer as one JSON object, or NULL with a message. */
static struct json_object *parse_object(const char *text, size_t len, char *err,
					size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	if (len > (16u << 20) || memchr(text, '\0', len)) {
		errmsg_set(err, errlen, "not JSON text");
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		errmsg_set(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!o) {
		errmsg_set(err, errlen, "not valid JSON at byte %zu: %s", end,
			json_tokener_get_error(tok) == json_tokener_continue ?
			"unexpected end" : json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		errmsg_set(err, errlen, "data after the JSON object at byte %zu", end);
		json_object_put(o);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		errmsg_set(err, errlen, "not a JSON object");
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *get(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

/* Dotted path lookup: "bmcwatch.device.bdf". */
static struct json_object *path(struct json_object *o, const char *p, enum json_type t)
{
	char key[64];

	while (o) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (!dot)
			return get(o, key, t);
		o = get(o, key, json_type_object);
		p = dot + 1;
	}
	return NULL;
}

static void copy(char *dst, size_t len, struct json_object *s)
{
	snprintf(dst, len, "%s", s ? json_object_get_string(s) : "");
}

static uint64_t u64(struct json_object *v)
{
	int64_t x = v ? json_object_get_int64(v) : 0;

	return x < 0 ? 0 : (uint64_t)x;
}

/* The "kernel" object; what is missing or mistyped is left empty. */
static void kernel_parse(struct json_object *k, struct cli_status *st)
{
	struct cli_status_kernel *kn = &st->kernel;
	struct json_object *arr, *v;

	if (!k)
		return;
	st->has_kernel = true;
	v = get(k, "loaded", json_type_boolean);
	kn->loaded = v && json_object_get_boolean(v);
	copy(kn->abi, sizeof(kn->abi), get(k, "abi", json_type_string));
	copy(kn->instance, sizeof(kn->instance), get(k, "instance", json_type_string));
	kn->replayed = u64(get(k, "health_replayed", json_type_int));
	kn->recovered = u64(get(k, "health_recovered", json_type_int));
	kn->lost = u64(get(k, "health_lost", json_type_int));
	arr = get(k, "hooks", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     kn->n_hooks < CLI_STATUS_MAX_HOOKS; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct cli_status_hook *h = &kn->hook[kn->n_hooks];

		if (!get(o, "hook", json_type_string) || !get(o, "state", json_type_string))
			continue;
		copy(h->hook, sizeof(h->hook), get(o, "hook", json_type_string));
		copy(h->monitor, sizeof(h->monitor), get(o, "monitor", json_type_string));
		copy(h->symbol, sizeof(h->symbol), get(o, "symbol", json_type_string));
		copy(h->state, sizeof(h->state), get(o, "state", json_type_string));
		v = get(o, "err", json_type_int);
		h->err = v ? json_object_get_int(v) : 0;
		h->missed = u64(get(o, "missed", json_type_int));
		copy(h->module, sizeof(h->module), get(o, "module", json_type_string));
		copy(h->unseen, sizeof(h->unseen), get(o, "unseen", json_type_string));
		if (!h->symbol[0])
			copy(h->symbol, sizeof(h->symbol), get(o, "hook", json_type_string));
		kn->n_hooks++;
	}
	arr = get(k, "losses", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     kn->n_losses < CLI_STATUS_MAX_KLOSSES; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!get(o, "cause", json_type_string))
			continue;
		copy(kn->loss[kn->n_losses].cause, sizeof(kn->loss[0].cause),
		     get(o, "cause", json_type_string));
		kn->loss[kn->n_losses].count = u64(get(o, "count", json_type_int));
		copy(kn->loss[kn->n_losses].what, sizeof(kn->loss[0].what),
		     get(o, "what", json_type_string));
		kn->n_losses++;
	}
	arr = get(k, "bpf_programs", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     kn->n_progs < CLI_STATUS_MAX_PROGS; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!get(o, "program", json_type_string))
			continue;
		copy(kn->prog[kn->n_progs].program, sizeof(kn->prog[0].program),
		     get(o, "program", json_type_string));
		kn->prog[kn->n_progs].misses = u64(get(o, "recursion_misses", json_type_int));
		kn->n_progs++;
	}
}

int cli_status_parse(const char *text, size_t len, struct cli_status *st,
		     char *err, size_t errlen)
{
	struct json_object *root, *v, *arr;
	char e[160];

	memset(st, 0, sizeof(*st));
	root = parse_object(text, len, e, sizeof(e));
	if (!root) {
		errmsg_set(err, errlen, "%s", e);
		return -1;
	}
	/* What status needs to decide health is required; the rest is shown if there. */
	if (!(v = get(root, "pid", json_type_int)) || json_object_get_int64(v) <= 0 ||
	    json_object_get_int64(v) > INT32_MAX) {
		errmsg_set(err, errlen, "no valid \"pid\"");
		goto fail;
	}
	st->pid = json_object_get_int(v);
	if (!(arr = get(root, "monitors", json_type_array))) {
		errmsg_set(err, errlen, "no \"monitors\" array");
		goto fail;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *m = json_object_array_get_idx(arr, i), *name, *en;

		name = get(m, "name", json_type_string);
		en = get(m, "enabled", json_type_boolean);
		if (!name || !en) {
			errmsg_set(err, errlen, "monitors[%zu]: needs \"name\" and \"enabled\"", i);
			goto fail;
		}
		if (st->n_monitors == CLI_STATUS_MAX_MONITORS)
			break;
		copy(st->mon[st->n_monitors].name, sizeof(st->mon[0].name), name);
		st->mon[st->n_monitors].enabled = json_object_get_boolean(en);
		copy(st->mon[st->n_monitors].why, sizeof(st->mon[0].why),
		     get(m, "why", json_type_string));
		st->n_monitors++;
	}
	copy(st->version, sizeof(st->version), get(root, "version", json_type_string));
	copy(st->host, sizeof(st->host), get(root, "host", json_type_string));
	copy(st->config, sizeof(st->config), get(root, "config", json_type_string));
	st->uptime_s = u64(get(root, "uptime_s", json_type_int));
	st->interval_ms = u64(get(root, "interval_ms", json_type_int));
	st->last_seq = u64(get(root, "last_seq", json_type_int));
	copy(st->degraded, sizeof(st->degraded), get(root, "degraded", json_type_string));
	if ((v = get(root, "rules", json_type_object)) &&
	    (v = get(v, "health.hook_failed", json_type_object)))
		st->hook_failures = u64(get(v, "occurrences", json_type_int));
	arr = get(root, "outputs", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     st->n_outputs < CLI_STATUS_MAX_OUTPUTS; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!get(o, "spec", json_type_string))
			continue;
		copy(st->out[st->n_outputs].spec, sizeof(st->out[0].spec),
		     get(o, "spec", json_type_string));
		st->out[st->n_outputs].emitted = u64(get(o, "emitted", json_type_int));
		st->out[st->n_outputs].errors = u64(get(o, "errors", json_type_int));
		st->out[st->n_outputs].spool_records = u64(get(o, "spool_records", json_type_int));
		v = get(o, "connected", json_type_boolean);
		st->out[st->n_outputs].connected = v && json_object_get_boolean(v);
		v = get(o, "remote", json_type_boolean);
		if (v && json_object_get_boolean(v)) {
			struct cli_status_output *so = &st->out[st->n_outputs];

			so->remote = true;
			so->spool_bytes = u64(get(o, "spool_bytes", json_type_int));
			so->in_flight = u64(get(o, "in_flight", json_type_int));
			so->replayed = u64(get(o, "replayed", json_type_int));
			so->resent = u64(get(o, "resent", json_type_int));
			so->connects = u64(get(o, "connects", json_type_int));
			copy(so->last_error, sizeof(so->last_error),
			     get(o, "last_error", json_type_string));
		}
		st->n_outputs++;
	}
	arr = get(root, "losses", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     st->n_losses < CLI_STATUS_MAX_LOSSES; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!get(o, "hop", json_type_string))
			continue;
		copy(st->loss[st->n_losses].hop, sizeof(st->loss[0].hop),
		     get(o, "hop", json_type_string));
		st->loss[st->n_losses].lost = u64(get(o, "lost", json_type_int));
		copy(st->loss[st->n_losses].what, sizeof(st->loss[0].what),
		     get(o, "what", json_type_string));
		st->n_losses++;
	}
	kernel_parse(get(root, "kernel", json_type_object), st);
	arr = get(root, "blind_spots", json_type_array);
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     st->n_spots < CLI_STATUS_MAX_SPOTS; i++) {
		v = json_object_array_get_idx(arr, i);
		if (v && json_object_is_type(v, json_type_string))
			copy(st->spot[st->n_spots++], sizeof(st->spot[0]), v);
	}
	json_object_put(root);
	return 0;
fail:
	json_object_put(root);
	return -1;
}

const char *cli_status_json_log(const struct cli_status *st)
{
	for (size_t i = 0; i < st->n_outputs; i++)
		if (!strncmp(st->out[i].spec, "json:", 5) && strcmp(st->out[i].spec, "json:-"))
			return st->out[i].spec + 5;
	return NULL;
}

int cli_event_parse(const char *line, size_t len, struct cli_event *ev,
		    char *err, size_t errlen)
{
	struct json_object *root, *v, *pid;
	char e[160];

	memset(ev, 0, sizeof(*ev));
	root = parse_object(line, len, e, sizeof(e));
	if (!root) {
		errmsg_set(err, errlen, "%s", e);
		return -1;
	}
	v = path(root, "rule.name", json_type_string);
	if (!v || !path(root, "@timestamp", json_type_string)) {
		errmsg_set(err, errlen, "not a bmcwatch alert (no rule.name or @timestamp)");
		json_object_put(root);
		return -1;
	}
	copy(ev->rule, sizeof(ev->rule), v);
	copy(ev->time, sizeof(ev->time), path(root, "@timestamp", json_type_string));
	copy(ev->level, sizeof(ev->level), path(root, "log.level", json_type_string));
	copy(ev->message, sizeof(ev->message), path(root, "message", json_type_string));
	copy(ev->bdf, sizeof(ev->bdf), path(root, "bmcwatch.device.bdf", json_type_string));
	ev->seq = u64(path(root, "bmcwatch.seq", json_type_int));
	ev->count = u64(path(root, "bmcwatch.count", json_type_int));
	v = path(root, "process.name", json_type_string);
	pid = path(root, "process.pid", json_type_int);
	if (v || pid)
		snprintf(ev->process, sizeof(ev->process), "%.15s[%" PRId64 "]",
			 v ? json_object_get_string(v) : "?", pid ? json_object_get_int64(pid) : 0);
	json_object_put(root);
	return 0;
}

/* snprintf that appends at *used and never runs past len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + n < len ? *used + n : len - 1;
}

size_t cli_status_outputs_text(const struct cli_status *st, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < st->n_outputs; i++) {
		const struct cli_status_output *o = &st->out[i];

		append(buf, len, &used, "%-10s %s: ", i ? "" : "outputs", o->spec);
		if (o->remote)
			append(buf, len, &used, "%s, ", o->connected ? "connected" : "NOT CONNECTED");
		append(buf, len, &used, "%" PRIu64 " emitted, %" PRIu64 " lost", o->emitted, o->errors);
		if (!o->remote) {
			append(buf, len, &used, "\n");
			continue;
		}
		append(buf, len, &used,
		       "\n%-10s   spool: %" PRIu64 " alerts pending (%" PRIu64 " bytes), %" PRIu64
		       " of them sent and awaiting acknowledgement\n",
		       "", o->spool_records, o->spool_bytes, o->in_flight);
		append(buf, len, &used,
		       "%-10s   %" PRIu64 " replayed from the spool, %" PRIu64 " resent, %" PRIu64
		       " connection%s\n", "", o->replayed, o->resent, o->connects,
		       o->connects == 1 ? "" : "s");
		if (o->last_error[0])
			append(buf, len, &used, "%-10s   last error: %s\n", "", o->last_error);
	}
	return used;
}

struct json_object *cli_status_outputs_json(const struct cli_status *st)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < st->n_outputs; i++) {
		const struct cli_status_output *so = &st->out[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "spec", json_object_new_string(so->spec));
		json_object_object_add(o, "emitted", json_object_new_uint64(so->emitted));
		json_object_object_add(o, "errors", json_object_new_uint64(so->errors));
		json_object_object_add(o, "spool_records", json_object_new_uint64(so->spool_records));
		if (so->remote) {
			json_object_object_add(o, "connected", json_object_new_boolean(so->connected));
			json_object_object_add(o, "spool_bytes", json_object_new_uint64(so->spool_bytes));
			json_object_object_add(o, "in_flight", json_object_new_uint64(so->in_flight));
			json_object_object_add(o, "replayed", json_object_new_uint64(so->replayed));
			json_object_object_add(o, "resent", json_object_new_uint64(so->resent));
			json_object_object_add(o, "connects", json_object_new_uint64(so->connects));
			if (so->last_error[0])
				json_object_object_add(o, "last_error",
						       json_object_new_string(so->last_error));
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *const hook_states[] = {
	"placed", "waiting", "unused", "removed", "failed",
};
#define N_HOOK_STATES	(sizeof(hook_states) / sizeof(hook_states[0]))

/* The monitors in the order the table has them, at most @max. */
static size_t hook_monitors(const struct cli_status_kernel *k, const char **out, size_t max)
{
	size_t n = 0, j;

	for (size_t i = 0; i < k->n_hooks; i++) {
		for (j = 0; j < n && strcmp(out[j], k->hook[i].monitor); j++)
			;
		if (j == n && n < max)
			out[n++] = k->hook[i].monitor;
	}
	return n;
}

static unsigned int hooks_in(const struct cli_status_kernel *k, const char *monitor,
			     const char *state)
{
	unsigned int n = 0;

	for (size_t i = 0; i < k->n_hooks; i++)
		n += !strcmp(k->hook[i].monitor, monitor) && !strcmp(k->hook[i].state, state);
	return n;
}

static bool known_state(const char *state)
{
	for (size_t s = 0; s < N_HOOK_STATES; s++)
		if (!strcmp(state, hook_states[s]))
			return true;
	return false;
}

size_t cli_status_kernel_text(const struct cli_status *st, char *buf, size_t len)
{
	const struct cli_status_kernel *k = &st->kernel;
	const char *mons[CLI_STATUS_MAX_HOOKS];
	size_t used = 0, nm = hook_monitors(k, mons, CLI_STATUS_MAX_HOOKS);
	bool first = true;

	if (len)
		buf[0] = '\0';
	if (!st->has_kernel)
		return 0;
	append(buf, len, &used, "%-10s bmcwatch.ko %s", "kernel",
	       k->loaded ? "loaded" : "not loaded");
	if (k->abi[0])
		append(buf, len, &used, ", ABI %s", k->abi);
	if (k->instance[0])
		append(buf, len, &used, ", instance %s", k->instance);
	append(buf, len, &used, "; health events replayed %" PRIu64 ", recovered %"
	       PRIu64 ", lost %" PRIu64 "\n", k->replayed, k->recovered, k->lost);
	for (size_t m = 0; m < nm; m++) {
		bool sep = false;

		append(buf, len, &used, "%-10s %-6s", m ? "" : "hooks", mons[m][0] ? mons[m] : "-");
		for (size_t s = 0; s < N_HOOK_STATES; s++) {
			unsigned int n = hooks_in(k, mons[m], hook_states[s]);

			if (n)
				append(buf, len, &used, "%s %u %s", sep ? "," : "", n,
				       hook_states[s]);
			sep |= n != 0;
		}
		append(buf, len, &used, "\n");
	}
	/* each hook that leaves something unseen, or missed calls */
	for (size_t i = 0; i < k->n_hooks; i++) {
		const struct cli_status_hook *h = &k->hook[i];
		bool blind = !strcmp(h->state, "failed") || !strcmp(h->state, "removed") ||
			     !known_state(h->state);

		if (!blind && !h->missed)
			continue;
		append(buf, len, &used, "%-10s   %s %s", "", h->hook, h->state);
		if (!strcmp(h->state, "failed"))
			append(buf, len, &used, " (error %d)", h->err);
		if (!strcmp(h->state, "removed") && h->module[0])
			append(buf, len, &used, " with %s", h->module);
		if (h->missed)
			append(buf, len, &used, ", missed %" PRIu64 " calls", h->missed);
		if (h->unseen[0])
			append(buf, len, &used, ": %s%s", h->unseen, blind ? " unseen" : "");
		append(buf, len, &used, "\n");
	}
	for (size_t i = 0; i < k->n_losses; i++) {
		if (!k->loss[i].count)
			continue;
		append(buf, len, &used, "%-10s %s: %" PRIu64 "%s%s\n",
		       first ? "kmod loss" : "", k->loss[i].cause, k->loss[i].count,
		       k->loss[i].what[0] ? ", " : "", k->loss[i].what);
		first = false;
	}
	for (size_t i = 0; i < k->n_progs; i++)
		if (k->prog[i].misses)
			append(buf, len, &used, "%-10s BPF program %s skipped %" PRIu64
			       " times (already running on that CPU)\n", "",
			       k->prog[i].program, k->prog[i].misses);
	return used;
}

struct json_object *cli_status_kernel_json(const struct cli_status *st)
{
	const struct cli_status_kernel *k = &st->kernel;
	struct json_object *o = json_object_new_object(), *mons, *arr, *h;
	const char *names[CLI_STATUS_MAX_HOOKS];
	size_t nm = hook_monitors(k, names, CLI_STATUS_MAX_HOOKS);

	json_object_object_add(o, "loaded", json_object_new_boolean(k->loaded));
	if (k->abi[0])
		json_object_object_add(o, "abi", json_object_new_string(k->abi));
	if (k->instance[0])
		json_object_object_add(o, "instance", json_object_new_string(k->instance));
	json_object_object_add(o, "health_replayed", json_object_new_uint64(k->replayed));
	json_object_object_add(o, "health_recovered", json_object_new_uint64(k->recovered));
	json_object_object_add(o, "health_lost", json_object_new_uint64(k->lost));
	/* per monitor: how many hooks in each state, by name */
	mons = json_object_new_object();
	for (size_t m = 0; m < nm; m++) {
		struct json_object *mo = json_object_new_object();

		for (size_t s = 0; s < N_HOOK_STATES; s++) {
			arr = json_object_new_array();
			for (size_t i = 0; i < k->n_hooks; i++)
				if (!strcmp(k->hook[i].monitor, names[m]) &&
				    !strcmp(k->hook[i].state, hook_states[s]))
					json_object_array_add(arr,
						json_object_new_string(k->hook[i].symbol));
			json_object_object_add(mo, hook_states[s], arr);
		}
		json_object_object_add(mons, names[m][0] ? names[m] : "-", mo);
	}
	json_object_object_add(o, "monitors", mons);
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_hooks; i++) {
		const struct cli_status_hook *kh = &k->hook[i];

		h = json_object_new_object();
		json_object_object_add(h, "hook", json_object_new_string(kh->hook));
		json_object_object_add(h, "monitor", json_object_new_string(kh->monitor));
		json_object_object_add(h, "state", json_object_new_string(kh->state));
		json_object_object_add(h, "err", json_object_new_int(kh->err));
		json_object_object_add(h, "missed", json_object_new_uint64(kh->missed));
		if (kh->module[0])
			json_object_object_add(h, "module", json_object_new_string(kh->module));
		if (kh->unseen[0])
			json_object_object_add(h, "unseen", json_object_new_string(kh->unseen));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "hooks", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_losses; i++) {
		h = json_object_new_object();
		json_object_object_add(h, "cause", json_object_new_string(k->loss[i].cause));
		json_object_object_add(h, "count", json_object_new_uint64(k->loss[i].count));
		if (k->loss[i].what[0])
			json_object_object_add(h, "what", json_object_new_string(k->loss[i].what));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "losses", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < k->n_progs; i++) {
		h = json_object_new_object();
		json_object_object_add(h, "program", json_object_new_string(k->prog[i].program));
		json_object_object_add(h, "recursion_misses",
				       json_object_new_uint64(k->prog[i].misses));
		json_object_array_add(arr, h);
	}
	json_object_object_add(o, "bpf_programs", arr);
	return o;
}
