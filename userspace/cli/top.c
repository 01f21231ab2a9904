// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch top: the config-space counters the daemon pins
 * (/sys/fs/bpf/bmcwatch/cfg_counts), busiest first. With -i SEC it sweeps
 * twice and sorts by the rate over that interval instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bmcwatch.h>

#include "bdf.h"
#include "cli.h"
#include "counts.h"
#include "pcie_rules.h"

int cli_counts_open(struct percpu_sweep *s, char *err, size_t errlen)
{
	const char *path = BMCW_PIN_DIR "/cfg_counts";
	int fd = bpf_obj_get(path), ret;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(-ret),
			 ret == -ENOENT ? " (is bmcwatchd running?)" :
			 ret == -EPERM || ret == -EACCES ? " (needs root)" : "");
		return ret;
	}
	ret = percpu_sweep_init(s, fd, sizeof(__u64));	/* packed key */
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		close(fd);
	}
	return ret;
}

void cli_counts_close(struct percpu_sweep *s)
{
	int fd = s->map_fd;

	percpu_sweep_free(s);
	close(fd);
}

struct row {
	struct bmcw_cfg_key key;
	uint64_t count, delta;
};

static int by_delta;

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t vx = by_delta ? x->delta : x->count, vy = by_delta ? y->delta : y->count;

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

int do_top(int argc, char **argv)
{
	unsigned long interval = 0, limit = 20;
	bool reads = true;
	struct percpu_sweep s;
	struct row *rows;
	char err[512], bdf[BDF_STR_MAX], *end;
	size_t n = 0;
	int ret;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-i") || !strcmp(argv[i], "--interval")) && i + 1 < argc) {
			interval = strtoul(argv[++i], &end, 10);
			if (*end || interval > 3600)
				return cli_usage_err("top: --interval: 0..3600 seconds");
		} else if ((!strcmp(argv[i], "-n") || !strcmp(argv[i], "--limit")) && i + 1 < argc) {
			limit = strtoul(argv[++i], &end, 10);
			if (*end)
				return cli_usage_err("top: --limit: a number");
		} else if (!strcmp(argv[i], "--writes")) {
			reads = false;
		} else {
			return cli_usage_err("top: unexpected argument '%s'", argv[i]);
		}
	}
	ret = cli_counts_open(&s, err, sizeof(err));
	if (ret)
		return cli_err("%s", err);
	ret = percpu_sweep_run(&s);
	if (!ret && interval) {
		sleep(interval);
		ret = percpu_sweep_run(&s);
	}
	if (ret) {
		cli_counts_close(&s);
		return cli_err("reading the counters: %s", strerror(-ret));
	}
	rows = calloc(s.n ? s.n : 1, sizeof(*rows));
	if (!rows) {
		cli_counts_close(&s);
		return cli_err("out of memory");
	}
	for (size_t i = 0; i < s.n; i++) {
		struct row *r = &rows[n];
		__u64 packed;

		memcpy(&packed, s.keys + i * s.key_size, sizeof(packed));
		r->key = bmcw_cfg_key_unpack(packed);
		if (!reads && r->key.dir != BMCW_DIR_WRITE)
			continue;
		r->count = s.sums[i];
		r->delta = interval ? percpu_sweep_delta(&s, i) : 0;
		n++;
	}
	by_delta = interval != 0;
	qsort(rows, n, sizeof(*rows), cmp_row);
	if (limit && n > limit)
		n = limit;
	if (cli.json) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();
			const struct row *r = &rows[i];

			pcie_bdf(bdf, sizeof(bdf), r->key.seg, r->key.bus, r->key.devfn);
			json_object_object_add(o, "bdf", jsonw_str(bdf));
			json_object_object_add(o, "class", jsonw_str(pcie_class_name(r->key.cls)));
			json_object_object_add(o, "dir", jsonw_str(r->key.dir == BMCW_DIR_WRITE ?
								  "write" : "read"));
			json_object_object_add(o, "origin", jsonw_str(pcie_origin_name(r->key.origin)));
			json_object_object_add(o, "count", json_object_new_uint64(r->count));
			if (interval)
				json_object_object_add(o, "rate",
						       json_object_new_double((double)r->delta / interval));
			json_object_array_add(arr, o);
		}
		jsonw_print(arr);
	} else {
		printf("%-12s  %-10s  %-5s  %-7s  %12s%s\n", "BDF", "CLASS", "DIR", "ORIGIN",
		       "COUNT", interval ? "        RATE/s" : "");
		for (size_t i = 0; i < n; i++) {
			const struct row *r = &rows[i];

			pcie_bdf(bdf, sizeof(bdf), r->key.seg, r->key.bus, r->key.devfn);
			printf("%-12s  %-10s  %-5s  %-7s  %12llu", bdf, pcie_class_name(r->key.cls),
			       r->key.dir == BMCW_DIR_WRITE ? "write" : "read",
			       pcie_origin_name(r->key.origin), (unsigned long long)r->count);
			if (interval)
				printf("  %12.1f", (double)r->delta / interval);
			putchar('\n');
		}
	}
	free(rows);
	cli_counts_close(&s);
	return 0;
}
