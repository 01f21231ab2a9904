/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json:PATH: one JSON object per line, Elastic Common Schema field names as
 * nested objects, bmcwatch-specific fields under "bmcwatch". "@timestamp"
 * is when it happened (the last occurrence: the kernel's time of the
 * event where known, see bmcwatch.time_source), "event.created" when the
 * daemon made the alert.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "output.h"
#include "output_file.h"
#include "rules.h"

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static struct json_object *add_obj(struct json_object *o, const char *key)
{
	struct json_object *child = json_object_new_object();

	json_object_object_add(o, key, child);
	return child;
}

static void add_time(struct json_object *o, const char *key, uint64_t ns)
{
	char ts[32];

	format_rfc3339_ms(ns, ts);
	add_str(o, key, ts);
}

static struct json_object *alert_to_json(const struct bmcw_alert *a,
					 const char *hostname)
{
	const struct bmcw_rule *rule = rule_find(a->rule);
	const struct bmcw_subject *s = &a->subject;
	struct json_object *root = json_object_new_object();
	struct json_object *o, *b;
	char hex[8], id[16];

	add_time(root, "@timestamp", a->last_ns);
	o = add_obj(root, "event");
	add_str(o, "kind", rule && rule->cls == BMCW_CLASS_HEALTH ? "event" : "alert");
	json_object_object_add(o, "severity",
			       json_object_new_int(severity_ecs(a->severity)));
	add_str(o, "module", "bmcwatch");
	if (a->created_ns)
		add_time(o, "created", a->created_ns);
	o = add_obj(root, "log");
	add_str(o, "level", severity_name(a->severity));
	o = add_obj(root, "rule");
	add_str(o, "name", a->rule);
	snprintf(id, sizeof(id), "%u", rule ? rule->id : 0);
	add_str(o, "id", id);
	add_str(o, "category", rule ? rule_class_name(rule->cls) : "unknown");
	if (rule)
		add_str(o, "description", rule->summary);
	add_str(root, "message", a->message);
	o = add_obj(root, "host");
	add_str(o, "name", hostname);
	if (s->has_process) {
		o = add_obj(root, "process");
		json_object_object_add(o, "pid", json_object_new_int(s->pid));
		if (s->comm[0])
			add_str(o, "name", s->comm);
		if (s->exe[0])
			add_str(o, "executable", s->exe);
	}
	if (rule && rule->technique) {
		o = add_obj(root, "threat");
		add_str(o, "framework", "MITRE ATT&CK");
		o = add_obj(o, "technique");
		add_str(o, "id", rule->technique);
	}

	b = add_obj(root, "bmcwatch");
	add_str(b, "class", rule ? rule_class_name(rule->cls) : "unknown");
	if (s->has_device) {
		o = add_obj(b, "device");
		add_str(o, "bdf", s->bdf);
		snprintf(hex, sizeof(hex), "%04x", s->vendor);
		add_str(o, "vendor", hex);
		snprintf(hex, sizeof(hex), "%04x", s->device);
		add_str(o, "device", hex);
		json_object_object_add(o, "flags", json_object_new_int64(s->fn_flags));
	}
	json_object_object_add(b, "count", json_object_new_uint64(a->count));
	add_time(b, "first", a->first_ns);
	add_time(b, "last", a->last_ns);
	add_str(b, "time_source", time_src_name(a->time_src));
	if (a->why[0])
		add_str(b, "why", a->why);
	if (rule)
		add_str(b, "response", rule->response);
	json_object_object_add(b, "seq", json_object_new_uint64(a->seq));
	if (s->locus[0])
		add_str(b, "locus", s->locus);
	if (a->n_extra) {
		o = add_obj(b, "extra");
		for (unsigned int i = 0; i < a->n_extra && i < BMCW_ALERT_MAX_EXTRA; i++)
			add_str(o, a->extra[i].key, a->extra[i].value);
	}
	return root;
}

int format_json(const struct bmcw_alert *a, const char *hostname,
		char *buf, size_t len)
{
	struct json_object *root = alert_to_json(a, hostname);
	const char *s = json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	int ret = -1;

	if (n < len) {
		memcpy(buf, s, n + 1);
		ret = (int)n;
	}
	json_object_put(root);
	return ret;
}

static int json_emit(struct output *o, const struct bmcw_alert *a)
{
	char line[OUTPUT_LINE_MAX];
	int n = format_json(a, o->hostname, line, sizeof(line));

	return n < 0 ? -1 : file_sink_write(o, line, n);
}

const struct output_ops output_json_ops = {
	.scheme = "json",
	.open = file_sink_open,
	.emit = json_emit,
	.close = file_sink_close,
};
