/* SPDX-License-Identifier: GPL-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include <linux/bmcwatch.h>

#include "kmod_state.h"
#include "lockdown.h"
#include "output.h"
#include "rules.h"
#include "status.h"

static struct json_object *status_json(const struct bmcw_daemon *d,
				       const struct monitor_slot *slots,
				       size_t n_slots, uint64_t now_ns)
{
	struct json_object *root = json_object_new_object(), *arr, *o;
	const struct bmcw_rule *r;
	size_t i;

	json_object_object_add(root, "version", json_object_new_string(BMCW_VERSION));
	json_object_object_add(root, "abi", json_object_new_int(BMCW_ABI_VERSION));
	json_object_object_add(root, "pid", json_object_new_int(getpid()));
	/* "running" left behind by a dead pid tells the next daemon it was killed */
	json_object_object_add(root, "state",
			       json_object_new_string(d->stopping ? "stopped" : "running"));
	/* Running but blind: the module was let go for an unload request. */
	if (d->released)
		json_object_object_add(root, "degraded",
				       json_object_new_string(d->released_why));
	json_object_object_add(root, "host", json_object_new_string(d->hostname));
	json_object_object_add(root, "uptime_s",
			       json_object_new_uint64((now_ns - d->started_ns) / 1000000000ull));
	json_object_object_add(root, "config",
			       json_object_new_string(d->policy->path[0] ? d->policy->path : "(defaults)"));
	json_object_object_add(root, "interval_ms", json_object_new_int(d->policy->interval_ms));
	json_object_object_add(root, "baseline", json_object_new_string(d->policy->baseline));
	{
		char ld[48];

		/* Lockdown closes the LPC/MMIO paths the lpc monitor watches */
		json_object_object_add(root, "lockdown",
				       json_object_new_string(lockdown_state(ld, sizeof(ld))));
	}
	json_object_object_add(root, "last_seq",
			       json_object_new_uint64(pipeline_last_seq(d->pipeline)));
	/*
	 * The module itself: its hooks, losses and health numbering (the
	 * next daemon goes on from these), and what is unseen right now.
	 */
	arr = json_object_new_array();
	if (d->kmod) {
		char spots[32][192];
		size_t n = kmod_state_blind_spots(d->kmod, spots, 32);

		json_object_object_add(root, "kernel", kmod_state_json(d->kmod));
		for (i = 0; i < n; i++)
			json_object_array_add(arr, json_object_new_string(spots[i]));
	}
	/* and the daemon's own */
	for (i = 0; i < d->n_spots; i++)
		json_object_array_add(arr, json_object_new_string(d->spots[i]));
	json_object_object_add(root, "blind_spots", arr);

	arr = json_object_new_array();
	for (i = 0; i < n_slots; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(slots[i].ops->name));
		json_object_object_add(o, "enabled", json_object_new_boolean(slots[i].enabled));
		if (!slots[i].enabled)
			json_object_object_add(o, "why", json_object_new_string(slots[i].why));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "monitors", arr);

	arr = json_object_new_array();
	for (i = 0; i < pipeline_output_count(d->pipeline); i++) {
		const struct output *out = pipeline_output(d->pipeline, i);

		o = json_object_new_object();
		json_object_object_add(o, "spec", json_object_new_string(out->spec));
		json_object_object_add(o, "emitted", json_object_new_uint64(out->stats.emitted));
		json_object_object_add(o, "errors", json_object_new_uint64(out->stats.errors));
		json_object_object_add(o, "spool_records",
				       json_object_new_uint64(out->stats.spool_records));
		json_object_object_add(o, "spool_bytes",
				       json_object_new_uint64(out->stats.spool_bytes));
		json_object_object_add(o, "connected", json_object_new_boolean(out->stats.connected));
		if (out->stats.remote) {
			/* The spool's state and its replay, for the operator and the tests. */
			json_object_object_add(o, "remote", json_object_new_boolean(true));
			json_object_object_add(o, "in_flight",
					       json_object_new_uint64(out->stats.in_flight));
			json_object_object_add(o, "replayed",
					       json_object_new_uint64(out->stats.replayed));
			json_object_object_add(o, "resent",
					       json_object_new_uint64(out->stats.resent));
			json_object_object_add(o, "connects",
					       json_object_new_uint64(out->stats.connects));
			if (out->stats.last_error[0])
				json_object_object_add(o, "last_error",
						       json_object_new_string(out->stats.last_error));
		}
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "outputs", arr);

	/* Losses since start, by hop; some say what was lost where. */
	arr = json_object_new_array();
	for (i = 0;; i++) {
		uint64_t total;
		const char *hop = pipeline_loss_at(d->pipeline, i, &total), *what;

		if (!hop)
			break;
		o = json_object_new_object();
		json_object_object_add(o, "hop", json_object_new_string(hop));
		json_object_object_add(o, "lost", json_object_new_uint64(total));
		what = pipeline_loss_what(hop);
		if (what)
			json_object_object_add(o, "what", json_object_new_string(what));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "losses", arr);

	o = json_object_new_object();
	rule_for_each(r, i) {
		const struct pipeline_rule_stats *st = pipeline_stats(d->pipeline, r);
		struct json_object *ro = json_object_new_object();
		uint64_t emitted = 0;

		for (int s = 0; s < BMCW_SEV_COUNT; s++)
			emitted += st->emitted[s];
		json_object_object_add(ro, "enabled",
				       json_object_new_boolean(policy_rule_enabled(d->policy, r)));
		json_object_object_add(ro, "occurrences", json_object_new_uint64(st->occurrences));
		json_object_object_add(ro, "alerts", json_object_new_uint64(emitted));
		json_object_object_add(ro, "suppressed", json_object_new_uint64(st->suppressed_alerts));
		json_object_object_add(ro, "allowed", json_object_new_uint64(st->allowed));
		json_object_object_add(o, r->name, ro);
	}
	json_object_object_add(root, "rules", o);
	return root;
}

int status_write(const char *path, const struct bmcw_daemon *d,
		 const struct monitor_slot *slots, size_t n_slots, uint64_t now_ns)
{
	struct json_object *root = status_json(d, slots, n_slots, now_ns);
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	size_t len = strlen(s);
	int fd, ret = 0;

	/* /run is a tmpfs: the directory is gone after a reboot. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, s, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		ret = -1;
	if (fd >= 0)
		close(fd);
	if (!ret && rename(tmp, path))
		ret = -1;
	json_object_put(root);
	return ret;
}
