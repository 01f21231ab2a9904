// SPDX-License-Identifier: GPL-2.0
/* See prev_run.h. */
#include <fcntl.h>
#include <stdio.h>
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
