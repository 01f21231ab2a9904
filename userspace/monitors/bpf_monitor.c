// SPDX-License-Identifier: GPL-2.0
/* See bpf_monitor.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_monitor.h"
#include "log.h"
#include "percpu_sweep.h"

static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	char buf[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	bmcw_log(level == LIBBPF_WARN ? LOG_WARNING : LOG_INFO, "libbpf: %s",
		 buf);
	return 0;
}

void bpfmon_libbpf_logging(void)
{
	libbpf_set_print(libbpf_log);
}

int bpfmon_pin(struct bpf_map *map, const char *name)
{
	char path[PATH_MAX];

	if (mkdir(BMCW_PIN_DIR, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", BMCW_PIN_DIR, name);
	unlink(path);	/* a previous daemon's */
	return bpf_map__pin(map, path) ? -errno : 0;
}

int bpfmon_fd(void *state)
{
	return ring_buffer__epoll_fd(((struct bpfmon *)state)->rb);
}

int bpfmon_on_readable(void *state)
{
	int n = ring_buffer__consume(((struct bpfmon *)state)->rb);

	return n < 0 ? n : 0;
}

int bpfmon_report_losses(struct pipeline *p, int stats_fd, unsigned int n,
			 const struct bpfmon_hop *hops, size_t nhops,
			 uint64_t *prev, uint64_t *now)
{
	if (percpu_array_sum(stats_fd, n, now))
		return -1;
	for (size_t i = 0; i < nhops; i++)
		pipeline_report_loss(p, hops[i].hop,
				     now[hops[i].idx] - prev[hops[i].idx]);
	memcpy(prev, now, n * sizeof(*now));
	return 0;
}
