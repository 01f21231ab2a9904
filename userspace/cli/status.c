// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch status: one of three states, and the exit status says which:
 *  - down (exit 1): not watching. bmcwatch.ko is not loaded; the daemon
 *    named in the status file is not alive (pid with comm bmcwatchd) or
 *    does not keep rewriting the file (older than 3 intervals + 5 s); the
 *    pcie monitor (the core one) is not attached; or the daemon let the
 *    module go for an unload request.
 *  - degraded (exit 4): watching, with a blind spot the daemon reports: a
 *    kernel hook failed or went away with its module, or events were
 *    lost in the last 10 minutes. Each is listed with what is unseen.
 *  - healthy (exit 0): neither.
 * Monitors that could not be placed at start (absent hardware, missing
 * kernel symbols) are listed with the reason and do not fail the check.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "cli.h"
#include "sysfs_pci.h"
#include "parse.h"

#define MAX_PROBLEMS 8
#define EXIT_DEGRADED 4

struct health {
	bool module_loaded;
	char module_version[32];
	bool status_read;
	struct cli_status st;
	double age_s;
	bool daemon_alive;
	size_t n_problems;
	char problems[MAX_PROBLEMS][192];
};

static void problem(struct health *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct health *h, const char *fmt, ...)
{
	va_list ap;

	if (h->n_problems == MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(h->problems[h->n_problems++], sizeof(h->problems[0]), fmt, ap);
	va_end(ap);
}

static bool pid_is_daemon(int pid)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	return !read_line_file(path, comm, sizeof(comm)) && !strcmp(comm, "bmcwatchd");
}

static void check(struct health *h, const char *status_path)
{
	char *buf, err[256];
	struct timespec now;
	struct stat sb;
	size_t disabled = 0, n;
	bool pcie = false;
	FILE *f;

	h->module_loaded = !access("/sys/module/bmcwatch", F_OK);
	if (h->module_loaded)
		read_line_file("/sys/module/bmcwatch/version", h->module_version,
			   sizeof(h->module_version));
	else
		problem(h, "bmcwatch.ko is not loaded");

	f = fopen(status_path, "re");
	if (!f) {
		problem(h, "daemon status %s: %s", status_path, strerror(errno));
		return;
	}
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fstat(fileno(f), &sb);
	fclose(f);
	if (!buf || cli_status_parse(buf, n, &h->st, err, sizeof(err))) {
		problem(h, "daemon status %s: %s", status_path, buf ? err : "out of memory");
		free(buf);
		return;
	}
	free(buf);
	h->status_read = true;
	clock_gettime(CLOCK_REALTIME, &now);
	h->age_s = (now.tv_sec - sb.st_mtim.tv_sec) +
		   (now.tv_nsec - sb.st_mtim.tv_nsec) / 1e9;
	h->daemon_alive = pid_is_daemon(h->st.pid);
	if (!h->daemon_alive) {
		problem(h, "bmcwatchd (pid %d) is not running", h->st.pid);
	} else {
		unsigned int iv = h->st.interval_ms ? h->st.interval_ms : 1000;
		double limit = 3.0 * iv / 1000 + 5;

		if (h->age_s > limit)
			problem(h, "bmcwatchd (pid %d) has not updated its status for %.0f s (hung?)",
				h->st.pid, h->age_s);
	}
	if (h->st.degraded[0])
		problem(h, "bmcwatchd %s; nothing is watched until the module is back",
			h->st.degraded);
	for (size_t i = 0; i < h->st.n_monitors; i++) {
		if (!strcmp(h->st.mon[i].name, "pcie"))
			pcie = h->st.mon[i].enabled;
		if (!h->st.mon[i].enabled)
			disabled++;
	}
	if (!pcie)
		problem(h, "the pcie monitor is not attached");
	/* a daemon without the kernel view: its count of failed hooks */
	if (!h->st.has_kernel && h->st.hook_failures > disabled)
		problem(h, "%llu hook(s) lost after start (see health.hook_failed alerts)",
			(unsigned long long)(h->st.hook_failures - disabled));
}

static const char *state_of(const struct health *h)
{
	if (h->n_problems)
		return "down";
	return h->st.n_spots ? "degraded" : "healthy";
}

static void print_json(const struct health *h)
{
	struct json_object *root = json_object_new_object(), *o, *arr;

	json_object_object_add(root, "state", jsonw_str(state_of(h)));
	json_object_object_add(root, "healthy",
			       json_object_new_boolean(!strcmp(state_of(h), "healthy")));
	arr = json_object_new_array();
	for (size_t i = 0; i < h->n_problems; i++)
		json_object_array_add(arr, jsonw_str(h->problems[i]));
	json_object_object_add(root, "problems", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < h->st.n_spots; i++)
		json_object_array_add(arr, jsonw_str(h->st.spot[i]));
	json_object_object_add(root, "blind_spots", arr);
	o = json_object_new_object();
	json_object_object_add(o, "loaded", json_object_new_boolean(h->module_loaded));
	if (h->module_version[0])
		json_object_object_add(o, "version", jsonw_str(h->module_version));
	json_object_object_add(root, "module", o);
	o = json_object_new_object();
	json_object_object_add(o, "running", json_object_new_boolean(h->daemon_alive));
	if (h->status_read) {
		json_object_object_add(o, "pid", json_object_new_int(h->st.pid));
		json_object_object_add(o, "version", jsonw_str(h->st.version));
		json_object_object_add(o, "uptime_s", json_object_new_uint64(h->st.uptime_s));
		json_object_object_add(o, "status_age_s", json_object_new_double(h->age_s));
		json_object_object_add(o, "config", jsonw_str(h->st.config));
		json_object_object_add(o, "last_seq", json_object_new_uint64(h->st.last_seq));
	}
	json_object_object_add(root, "daemon", o);
	arr = json_object_new_array();
	for (size_t i = 0; i < h->st.n_monitors; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "name", jsonw_str(h->st.mon[i].name));
		json_object_object_add(o, "attached", json_object_new_boolean(h->st.mon[i].enabled));
		if (!h->st.mon[i].enabled)
			json_object_object_add(o, "why", jsonw_str(h->st.mon[i].why));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "monitors", arr);
	arr = cli_status_outputs_json(&h->st);
	json_object_object_add(root, "outputs", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < h->st.n_losses; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "hop", jsonw_str(h->st.loss[i].hop));
		json_object_object_add(o, "lost", json_object_new_uint64(h->st.loss[i].lost));
		if (h->st.loss[i].what[0])
			json_object_object_add(o, "what", jsonw_str(h->st.loss[i].what));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "losses", arr);
	if (h->st.has_kernel)
		json_object_object_add(root, "kernel", cli_status_kernel_json(&h->st));
	jsonw_print(root);
}

static void print_text(const struct health *h)
{
	const char *st = state_of(h);

	printf("bmcwatch: %s\n", !strcmp(st, "down") ? "NOT HEALTHY (down: not watching)" :
	       !strcmp(st, "degraded") ? "DEGRADED (watching, with blind spots)" : "healthy");
	for (size_t i = 0; i < h->n_problems; i++)
		printf("  problem: %s\n", h->problems[i]);
	for (size_t i = 0; i < h->st.n_spots; i++)
		printf("  blind spot: %s\n", h->st.spot[i]);
	printf("%-10s %s%s%s\n", "module", h->module_loaded ? "loaded" : "not loaded",
	       h->module_version[0] ? ", version " : "", h->module_version);
	if (!h->status_read)
		return;
	printf("%-10s %s, pid %d, version %s, up %llu s, status %.1f s old\n", "daemon",
	       h->daemon_alive ? "running" : "not running", h->st.pid, h->st.version,
	       (unsigned long long)h->st.uptime_s, h->age_s);
	printf("%-10s %s\n", "config", h->st.config);
	for (size_t i = 0; i < h->st.n_monitors; i++)
		printf("%-10s %-12s %s%s\n", i ? "" : "monitors", h->st.mon[i].name,
		       h->st.mon[i].enabled ? "attached" : "not placed: ",
		       h->st.mon[i].enabled ? "" : h->st.mon[i].why);
	{
		char buf[CLI_STATUS_MAX_OUTPUTS * 800];

		cli_status_outputs_text(&h->st, buf, sizeof(buf));
		fputs(buf, stdout);
	}
	/* Losses are shown, not a problem: the alerts said so when they happened. */
	for (size_t i = 0; i < h->st.n_losses; i++)
		printf("%-10s %s: %llu%s%s\n", i ? "" : "losses", h->st.loss[i].hop,
		       (unsigned long long)h->st.loss[i].lost,
		       h->st.loss[i].what[0] ? ", " : "", h->st.loss[i].what);
	if (h->st.has_kernel) {
		static char buf[CLI_STATUS_MAX_HOOKS * 400];

		cli_status_kernel_text(&h->st, buf, sizeof(buf));
		fputs(buf, stdout);
	}
	printf("%-10s %llu\n", "last seq", (unsigned long long)h->st.last_seq);
}

int do_status(int argc, char **argv)
{
	const char *path = cli.policy.status_file;
	struct health *h;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc)
			path = argv[++i];
		else
			return cli_usage_err("status: unexpected argument '%s'", argv[i]);
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return cli_err("out of memory");
	check(h, path);
	if (cli.json)
		print_json(h);
	else
		print_text(h);
	ret = h->n_problems ? 1 : h->st.n_spots ? EXIT_DEGRADED : 0;
	free(h);
	return ret;
}
