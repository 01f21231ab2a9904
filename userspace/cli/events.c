// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch events [-f] [-n N] [--file PATH]: the alerts in the daemon's
 * JSON log (the first json:PATH output in the status file, or --file), as
 * a table or, with --json, one JSON object per line. --follow keeps
 * reading as the daemon appends and reopens the file when it is rotated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"

static unsigned long bad_lines;

static void show(const char *line, size_t len, unsigned long lineno)
{
	struct cli_event ev;
	char err[192];

	if (cli_event_parse(line, len, &ev, err, sizeof(err))) {
		bad_lines++;
		cli_warn("line %lu: %s, skipped", lineno, err);
		return;
	}
	if (cli.json) {
		struct json_object *o = json_tokener_parse(line);

		if (o)
			jsonw_print_line(o);
		return;
	}
	/* A table row stays one line whatever the message holds. */
	for (char *c = ev.message; *c; c++)
		if ((unsigned char)*c < ' ')
			*c = ' ';
	/* "2024-05-01T12:00:02.123Z" -> "2024-05-01 12:00:02" */
	if (strlen(ev.time) >= 19) {
		ev.time[10] = ' ';
		ev.time[19] = '\0';
	}
	printf("%-19s  %6llu  %-8s  %-30s  %-12s  %-20s  %s", ev.time,
	       (unsigned long long)ev.seq, ev.level, ev.rule, ev.bdf[0] ? ev.bdf : "-",
	       ev.process[0] ? ev.process : "-", ev.message);
	if (ev.count > 1)
		printf(" (x%llu)", (unsigned long long)ev.count);
	putchar('\n');
	fflush(stdout);
}

static const char *log_path(void)
{
	static struct cli_status st;
	char *buf, err[256];
	size_t n;
	FILE *f = fopen(cli.policy.status_file, "re");

	if (!f) {
		cli_err("%s: %s; is bmcwatchd running? (or pass --file PATH)",
			cli.policy.status_file, strerror(errno));
		return NULL;
	}
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf || cli_status_parse(buf, n, &st, err, sizeof(err))) {
		cli_err("%s: %s", cli.policy.status_file, buf ? err : "out of memory");
		free(buf);
		return NULL;
	}
	free(buf);
	if (!cli_status_json_log(&st)) {
		cli_err("bmcwatchd has no json:PATH output; add one to [output] or pass --file PATH");
		return NULL;
	}
	return cli_status_json_log(&st);
}

int do_events(int argc, char **argv)
{
	unsigned long limit = 50, lineno = 0, first;
	const char *path = NULL;
	bool follow = false;
	char **ring = NULL, *line = NULL, *end;
	size_t *ring_len = NULL, cap = 0, count = 0;
	struct stat st, now;
	FILE *f;
	ssize_t n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			follow = true;
		} else if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "--limit")) && i + 1 < argc) {
			limit = strtoul(argv[++i], &end, 10);
			if (*end)
				return cli_usage_err("events: --limit: a number (0 = all)");
		} else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			path = argv[++i];
		} else {
			return cli_usage_err("events: unexpected argument '%s'", argv[i]);
		}
	}
	if (!path && !(path = log_path()))
		return 1;
	f = fopen(path, "re");
	if (!f)
		return cli_err("%s: %s", path, strerror(errno));
	if (!cli.json)
		printf("%-19s  %6s  %-8s  %-30s  %-12s  %-20s  %s\n", "TIME (UTC)", "SEQ",
		       "SEVERITY", "RULE", "DEVICE", "PROCESS", "MESSAGE");
	/* The last @limit complete lines: a ring of them. */
	if (limit) {
		ring = calloc(limit, sizeof(*ring));
		ring_len = calloc(limit, sizeof(*ring_len));
		if (!ring || !ring_len) {
			fclose(f);
			return cli_err("out of memory");
		}
	}
	for (;;) {
		long pos = ftell(f);

		n = getline(&line, &cap, f);
		if (n <= 0)
			break;
		if (line[n - 1] != '\n') {
			/* Being written right now: leave it for --follow. */
			fseek(f, pos, SEEK_SET);
			break;
		}
		line[--n] = '\0';
		lineno++;
		if (!limit) {
			show(line, n, lineno);
			continue;
		}
		free(ring[count % limit]);
		ring[count % limit] = strdup(line);
		ring_len[count % limit] = n;
		count++;
	}
	first = count > limit ? count - limit : 0;
	for (size_t i = first; limit && i < count; i++)
		if (ring[i % limit])
			show(ring[i % limit], ring_len[i % limit], lineno - (count - i) + 1);
	for (size_t i = 0; i < limit; i++)
		free(ring[i]);
	free(ring);
	free(ring_len);
	fflush(stdout);

	while (follow) {
		long pos = ftell(f);

		clearerr(f);
		n = getline(&line, &cap, f);
		if (n > 0 && line[n - 1] == '\n') {
			line[--n] = '\0';
			show(line, n, ++lineno);
			continue;
		}
		fseek(f, pos, SEEK_SET);
		usleep(200 * 1000);
		/* Rotated (a new file at the path) or truncated: start over. */
		if (fstat(fileno(f), &st) == 0 && stat(path, &now) == 0 &&
		    (st.st_ino != now.st_ino || now.st_size < pos)) {
			FILE *nf = fopen(path, "re");

			if (nf) {
				fclose(f);
				f = nf;
				lineno = 0;
			}
		}
	}
	free(line);
	fclose(f);
	return bad_lines && !follow ? 1 : 0;
}
