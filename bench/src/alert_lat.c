// SPDX-License-Identifier: GPL-2.0
/*
 * Event-to-alert latency, as an operator sees it: cause one event, time
 * until the daemon's alert line is in its JSON log.
 *
 *   alert_lat cfg ALERTS BDF TRIALS GAP_MS
 *	each trial writes config byte 0x0d (latency timer, harmless) of
 *	BDF through sysfs and waits for the "pcie.config_write" alert: a
 *	ring-buffer event, handled as soon as the daemon wakes up.
 *   alert_lat irq ALERTS RAISE NIRQ TRIALS GAP_MS
 *	each trial writes NIRQ to RAISE (edu_irq's debugfs "raise": that
 *	many interrupts back to back) and waits for "doorbell.unexpected_irq":
 *	a summarised event, seen when the daemon sweeps the per-CPU
 *	interrupt counters, once per interval.
 *
 * Times are CLOCK_MONOTONIC (the clock of bpf_ktime_get_ns(), which
 * stamps ring-buffer records) from just before the triggering write to the
 * moment the alert line can be read (inotify wakes us when the daemon's
 * write(2) lands). The alert's "event.created" is the pipeline's
 * CLOCK_REALTIME when it made the alert, truncated to the millisecond
 * ("@timestamp" is the event's own time); it is compared with a
 * CLOCK_REALTIME reading taken next to the monotonic one.
 * One line per trial: "trial=I lat_ns=N stamp_ms=S cause_ns=D" (cause_ns:
 * how long the triggering write itself took). Trials are GAP_MS to
 * 2 x GAP_MS apart, at random: a fixed gap would lock each trigger to the
 * same phase of the daemon's interval, and summarised events would all
 * show the same part of their latency range.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS	15000

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct tail {
	int fd, ino;
	char buf[1 << 16];
	size_t len;
};

/* Skip everything written so far. */
static void tail_skip(struct tail *t)
{
	char tmp[4096];

	while (read(t->fd, tmp, sizeof(tmp)) > 0)
		;
	t->len = 0;
}

/*
 * Wait for a complete line containing @needle; copy it to @line. Returns 0,
 * or -ETIMEDOUT. Lines without it are dropped.
 */
static int tail_wait(struct tail *t, const char *needle, char *line,
		     size_t cap)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + TIMEOUT_MS * 1000000ULL;
	struct pollfd p = { .fd = t->ino, .events = POLLIN };
	char ev[4096];

	for (;;) {
		ssize_t n = read(t->fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len);
		char *nl;

		if (n > 0)
			t->len += n;
		t->buf[t->len] = '\0';
		while ((nl = memchr(t->buf, '\n', t->len))) {
			size_t l = nl - t->buf + 1;
			int hit;

			*nl = '\0';
			hit = strstr(t->buf, needle) != NULL;
			if (hit)
				snprintf(line, cap, "%s", t->buf);
			memmove(t->buf, t->buf + l, t->len - l);
			t->len -= l;
			if (hit)
				return 0;
		}
		if (t->len == sizeof(t->buf) - 1)
			t->len = 0;	/* a line longer than any alert */
		if (n > 0)
			continue;
		if (clock_ns(CLOCK_MONOTONIC) > deadline)
			return -ETIMEDOUT;
		if (poll(&p, 1, 100) > 0 && read(t->ino, ev, sizeof(ev)) < 0)
			return -errno;
	}
}

/* "created":"2026-11-30T01:02:03.456Z" (event.created) -> ms since the epoch */
static int64_t stamp_ms(const char *line)
{
	static const char key[] = "\"created\":\"";
	const char *p = strstr(line, key);
	struct tm tm = { 0 };
	char *end;

	if (!p)
		return -1;
	end = strptime(p + sizeof(key) - 1, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || *end != '.')
		return -1;
	return (int64_t)timegm(&tm) * 1000 + strtol(end + 1, NULL, 10);
}

static int write_str(int fd, const char *s)
{
	ssize_t n = pwrite(fd, s, strlen(s), 0);

	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct tail t;
	static char line[sizeof(t.buf)];
	int irq, trig, i, trials, gap_ms;
	const char *needle, *alerts;
	char path[256], arg[32];
	uint8_t val;

	irq = argc == 7 && !strcmp(argv[1], "irq");
	if (!irq && !(argc == 6 && !strcmp(argv[1], "cfg"))) {
		fprintf(stderr, "usage: alert_lat cfg ALERTS BDF TRIALS GAP_MS\n"
			"       alert_lat irq ALERTS RAISE NIRQ TRIALS GAP_MS\n");
		return 2;
	}
	alerts = argv[2];
	trials = atoi(argv[argc - 2]);
	gap_ms = atoi(argv[argc - 1]);
	if (irq) {
		needle = "\"name\":\"doorbell.unexpected_irq\"";
		snprintf(path, sizeof(path), "%s", argv[3]);
		snprintf(arg, sizeof(arg), "%s\n", argv[4]);
		trig = open(path, O_WRONLY | O_CLOEXEC);
	} else {
		needle = "\"name\":\"pcie.config_write\"";
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
			 argv[3]);
		trig = open(path, O_RDWR | O_CLOEXEC);
	}
	t.fd = open(alerts, O_RDONLY | O_CLOEXEC);
	t.ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (trig < 0 || t.fd < 0 || t.ino < 0 ||
	    inotify_add_watch(t.ino, alerts, IN_MODIFY) < 0) {
		fprintf(stderr, "alert_lat: %s / %s: %s\n", path, alerts,
			strerror(errno));
		return 1;
	}
	if (!irq && pread(trig, &val, 1, 0x0d) != 1)
		return 1;
	srandom((unsigned int)clock_ns(CLOCK_MONOTONIC) ^ (unsigned int)getpid());
	for (i = 0; i < trials; i++) {
		uint64_t m0, r0, m1, m2;
		int err;

		tail_skip(&t);
		m0 = clock_ns(CLOCK_MONOTONIC);
		r0 = clock_ns(CLOCK_REALTIME);
		if (irq) {
			err = write_str(trig, arg);
		} else {
			val ^= 0x08;	/* a new value each time */
			err = pwrite(trig, &val, 1, 0x0d) == 1 ? 0 : -1;
		}
		m1 = clock_ns(CLOCK_MONOTONIC);
		if (err) {
			fprintf(stderr, "alert_lat: trigger: %s\n", strerror(errno));
			return 1;
		}
		err = tail_wait(&t, needle, line, sizeof(line));
		m2 = clock_ns(CLOCK_MONOTONIC);
		if (err) {
			fprintf(stderr, "alert_lat: trial %d: no alert within %d ms\n",
				i, TIMEOUT_MS);
			return 1;
		}
		printf("trial=%d lat_ns=%llu stamp_ms=%.3f cause_ns=%llu\n", i,
		       (unsigned long long)(m2 - m0),
		       (double)(stamp_ms(line) * 1000000 - (int64_t)r0) / 1e6,
		       (unsigned long long)(m1 - m0));
		fflush(stdout);
		usleep((useconds_t)gap_ms * 1000 +
		       (useconds_t)(random() % ((long)gap_ms * 1000 + 1)));
	}
	return 0;
}
