// SPDX-License-Identifier: GPL-2.0
/* See baseline.h: a baseline as the JSON text of its file. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "baseline_priv.h"
#include "ipmi_rules.h"

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

const char *baseline_dir_name(uint8_t dir)
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
		add_str(o, "dir", baseline_dir_name(c->dir));
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
	if (b->has_usb) {
		arr = json_object_new_array();
		for (size_t i = 0; i < b->n_usb; i++) {
			const struct baseline_usb *u = &b->usb[i];

			o = json_object_new_object();
			add_str(o, "port", u->port);
			add_hex(o, "vendor", 4, u->vendor);
			add_hex(o, "product", 4, u->product);
			add_str(o, "role", u->role);
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "usb_devices", arr);
	}
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
