// SPDX-License-Identifier: GPL-2.0
/* See prev_run.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "prev_run.h"

#define STATUS_MAX_BYTES	(1u << 20)

int prev_run_unclean(const char *text, size_t len, pid_t self,
		     bool (*alive)(pid_t pid), pid_t *pid)
{
	struct json_tokener *tok;
	struct json_object *root, *st, *p;
	int ret = 0;
	int64_t v;

	if (!len || len > STATUS_MAX_BYTES || memchr(text, '\0', len))
		return 0;
	tok = json_tokener_new();
	if (!tok)
		return 0;
	root = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (!root)
		return 0;
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "state", &st) &&
	    json_object_is_type(st, json_type_string) &&
	    !strcmp(json_object_get_string(st), "running") &&
	    json_object_object_get_ex(root, "pid", &p) &&
	    json_object_is_type(p, json_type_int)) {
		v = json_object_get_int64(p);
		if (v > 0 && v <= 0x3fffffff && (pid_t)v != self &&
		    !alive((pid_t)v)) {
			*pid = (pid_t)v;
			ret = 1;
		}
	}
	json_object_put(root);
	return ret;
}

bool prev_run_daemon_alive(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	/* A reused pid belongs to something else: the daemon is gone. */
	return !strcmp(comm, "bmcwatchd\n");
}

int prev_run_check(const char *path, char *msg, size_t len)
{
	static char buf[STATUS_MAX_BYTES];
	struct stat sb;
	char when[40] = "?";
	struct tm tm;
	ssize_t n;
	pid_t pid;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0 || fstat(fd, &sb)) {
		close(fd);
		return 0;
	}
	close(fd);
	if (!prev_run_unclean(buf, (size_t)n, getpid(), prev_run_daemon_alive, &pid))
		return 0;
	if (gmtime_r(&sb.st_mtime, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(msg, len,
		 "previous bmcwatchd (pid %d) died without stopping cleanly; last status at %s, nothing was watched since",
		 (int)pid, when);
	return 1;
}

static void kernel_counters(struct json_object *arr, const char *key,
			    const char *count_key, const char *prefix,
			    struct prev_kernel *pk)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr) &&
	     pk->n < PREV_KERNEL_MAX; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *name, *count;
		int64_t v;

		if (!json_object_object_get_ex(o, key, &name) ||
		    !json_object_is_type(name, json_type_string) ||
		    !json_object_object_get_ex(o, count_key, &count) ||
		    !json_object_is_type(count, json_type_int))
			continue;
		v = json_object_get_int64(count);
		if (v < 0)
			continue;
		snprintf(pk->c[pk->n].name, sizeof(pk->c[0].name), "%s%s", prefix,
			 json_object_get_string(name));
		pk->c[pk->n++].count = (uint64_t)v;
	}
}

int prev_run_kernel(const char *text, size_t len, struct prev_kernel *pk)
{
	struct json_object *root, *k, *v, *arr;
	struct json_tokener *tok;
	unsigned long long inst;
	char *end;
	int ret = -1;

	memset(pk, 0, sizeof(*pk));
	if (!len || len > STATUS_MAX_BYTES || memchr(text, '\0', len))
		return -1;
	tok = json_tokener_new();
	if (!tok)
		return -1;
	root = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (!root)
		return -1;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "kernel", &k) ||
	    !json_object_is_type(k, json_type_object) ||
	    !json_object_object_get_ex(k, "instance", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) != 16)
		goto out;
	inst = strtoull(json_object_get_string(v), &end, 16);
	if (*end || !inst)
		goto out;
	pk->instance = inst;
	if (json_object_object_get_ex(k, "health_seq", &v) &&
	    json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
		pk->health_seq = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(k, "losses", &arr) &&
	    json_object_is_type(arr, json_type_array))
		kernel_counters(arr, "cause", "reported", "loss:", pk);
	if (json_object_object_get_ex(k, "hooks", &arr) &&
	    json_object_is_type(arr, json_type_array))
		kernel_counters(arr, "hook", "missed_reported", "hook:", pk);
	ret = 0;
out:
	json_object_put(root);
	if (ret)
		memset(pk, 0, sizeof(*pk));
	return ret;
}

int prev_run_load_kernel(const char *path, struct prev_kernel *pk)
{
	static char buf[STATUS_MAX_BYTES];
	ssize_t n;
	int fd;

	memset(pk, 0, sizeof(*pk));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 ? prev_run_kernel(buf, (size_t)n, pk) : -1;
}

uint64_t prev_kernel_count(const struct prev_kernel *pk, const char *name)
{
	for (size_t i = 0; i < pk->n; i++)
		if (!strcmp(pk->c[i].name, name))
			return pk->c[i].count;
	return 0;
}
