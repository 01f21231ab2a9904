// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch baseline save|diff.
 *   save: the module's inventory plus, when the daemon runs, a traffic
 *         profile from its pinned counters (config writes by function,
 *         register class and origin; total reads; rates with --sample).
 *         Refuses to replace an existing baseline without --force, and a
 *         corrupt one even with it: that file is evidence, move it away.
 *   diff: the inventory now against the baseline. Exit 0 when equal, 1 when
 *         different, 3 when they cannot be compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bmcwatch.h>

#include "baseline.h"
#include "cli.h"
#include "counts.h"
#include "output.h"
#include "pcie_rules.h"

#define EXIT_DIFF_ERROR	3

struct bl_args {
	const char *file, *inventory;
	bool force;
	unsigned long sample;
};

static int parse_args(const char *cmd, int argc, char **argv, struct bl_args *a)
{
	char *end;

	a->file = cli.policy.baseline;
	a->inventory = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			a->file = argv[++i];
		} else if (!strcmp(argv[i], "--inventory") && i + 1 < argc) {
			a->inventory = argv[++i];
		} else if (!strcmp(cmd, "save") && !strcmp(argv[i], "--force")) {
			a->force = true;
		} else if (!strcmp(cmd, "save") && !strcmp(argv[i], "--sample") && i + 1 < argc) {
			a->sample = strtoul(argv[++i], &end, 10);
			if (*end || a->sample > 3600)
				return cli_usage_err("baseline save: --sample: 0..3600 seconds");
		} else {
			return cli_usage_err("baseline %s: unexpected argument '%s'", cmd, argv[i]);
		}
	}
	return 0;
}

static void add_profile(struct baseline *b, unsigned long sample)
{
	struct percpu_sweep s;
	char err[512];

	if (cli_counts_open(&s, err, sizeof(err))) {
		cli_warn("no traffic profile in the baseline: %s", err);
		return;
	}
	if (percpu_sweep_run(&s) || (sample && (sleep(sample), percpu_sweep_run(&s)))) {
		cli_warn("no traffic profile in the baseline: cannot read the counters");
		cli_counts_close(&s);
		return;
	}
	b->has_profile = true;
	b->sample_s = sample;
	for (size_t i = 0; i < s.n; i++) {
		__u64 packed;
		struct bmcw_cfg_key key, *k = &key;
		struct baseline_counter c = { 0 };

		memcpy(&packed, s.keys + i * s.key_size, sizeof(packed));
		key = bmcw_cfg_key_unpack(packed);
		if (k->dir != BMCW_DIR_WRITE) {
			b->reads_total += s.sums[i];
			continue;
		}
		pcie_bdf(c.bdf, sizeof(c.bdf), k->seg, k->bus, k->devfn);
		snprintf(c.cls, sizeof(c.cls), "%s", pcie_class_name(k->cls));
		snprintf(c.dir, sizeof(c.dir), "write");
		snprintf(c.origin, sizeof(c.origin), "%s", pcie_origin_name(k->origin));
		c.count = s.sums[i];
		c.rate = sample ? (double)percpu_sweep_delta(&s, i) / sample : 0;
		baseline_add_counter(b, &c);
	}
	cli_counts_close(&s);
}

static int do_save(int argc, char **argv)
{
	struct bl_args a = { 0 };
	struct baseline b = { 0 };
	struct timespec ts;
	char err[1024];
	int ret = parse_args("save", argc, argv, &a);

	if (ret)
		return ret;
	if (inventory_read(a.inventory, &b.inv, err, sizeof(err)))
		return cli_err("%s", err);
	clock_gettime(CLOCK_REALTIME, &ts);
	format_rfc3339_ms((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec, b.created);
	if (gethostname(b.host, sizeof(b.host) - 1))
		strcpy(b.host, "-");
	add_profile(&b, a.sample);
	ret = baseline_save(a.file, &b, a.force, false, err, sizeof(err));
	if (ret) {
		baseline_free(&b);
		return cli_err("%s", err);
	}
	if (cli.json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", jsonw_str(a.file));
		json_object_object_add(o, "functions", json_object_new_uint64(b.inv.n));
		json_object_object_add(o, "profile", json_object_new_boolean(b.has_profile));
		jsonw_print(o);
	} else {
		printf("baseline of %zu PCI functions%s written to %s\n", b.inv.n,
		       b.has_profile ? " and the config-write profile" : "", a.file);
	}
	baseline_free(&b);
	return 0;
}

static void fn_line(const char *what, const struct inv_fn *f, const char *extra)
{
	printf("%-8s  %-12s  %04x:%04x  %06x  %02x   %s\n", what, f->bdf, f->vendor,
	       f->device, f->class, f->revision, extra);
}

static int do_diff(int argc, char **argv)
{
	struct bl_args a = { 0 };
	struct baseline b;
	struct inventory cur;
	struct baseline_change *ch = NULL;
	char err[1024];
	size_t n = 0;
	int ret = parse_args("diff", argc, argv, &a);

	if (ret)
		return ret;
	if (baseline_load(a.file, &b, err, sizeof(err))) {
		cli_err("%s", err);
		return EXIT_DIFF_ERROR;
	}
	if (inventory_read(a.inventory, &cur, err, sizeof(err))) {
		baseline_free(&b);
		cli_err("%s", err);
		return EXIT_DIFF_ERROR;
	}
	if (baseline_diff(&b.inv, &cur, &ch, &n)) {
		cli_err("out of memory");
		ret = EXIT_DIFF_ERROR;
		goto out;
	}
	if (cli.json) {
		struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
		char fp[24];

		json_object_object_add(root, "baseline", jsonw_str(a.file));
		json_object_object_add(root, "created", jsonw_str(b.created));
		snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)b.inv.host_fp);
		json_object_object_add(root, "host_fingerprint_then", jsonw_str(fp));
		snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)cur.host_fp);
		json_object_object_add(root, "host_fingerprint_now", jsonw_str(fp));
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "change", jsonw_str(baseline_change_name(ch[i].kind)));
			json_object_object_add(o, "bdf", jsonw_str(ch[i].kind == BASELINE_ADDED ?
								 ch[i].now.bdf : ch[i].was.bdf));
			if (ch[i].kind != BASELINE_ADDED)
				json_object_object_add(o, "was", inventory_fn_json(&ch[i].was));
			if (ch[i].kind != BASELINE_REMOVED)
				json_object_object_add(o, "now", inventory_fn_json(&ch[i].now));
			if (ch[i].kind == BASELINE_CHANGED)
				json_object_object_add(o, "fields", jsonw_str(ch[i].fields));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "changes", arr);
		jsonw_print(root);
	} else {
		printf("baseline %s (learnt %s on %s): %zu functions then, %zu now\n", a.file,
		       b.created, b.host, b.inv.n, cur.n);
		if (n)
			printf("%-8s  %-12s  %-9s  %-6s  %-3s  %s\n", "CHANGE", "BDF", "ID",
			       "CLASS", "REV", "DETAILS");
		for (size_t i = 0; i < n; i++) {
			char d[160];

			switch (ch[i].kind) {
			case BASELINE_ADDED:
				fn_line("added", &ch[i].now, "not in the baseline");
				break;
			case BASELINE_REMOVED:
				fn_line("removed", &ch[i].was, "gone");
				break;
			case BASELINE_CHANGED:
				snprintf(d, sizeof(d), "%s (was %04x:%04x %06x rev %02x)",
					 ch[i].fields, ch[i].was.vendor, ch[i].was.device,
					 ch[i].was.class, ch[i].was.revision);
				fn_line("changed", &ch[i].now, d);
				break;
			}
		}
		printf("%s\n", n ? "differences found" : "no differences");
	}
	ret = n ? 1 : 0;
out:
	free(ch);
	inventory_free(&cur);
	baseline_free(&b);
	return ret;
}

static const struct cli_cmd cmds[] = {
	{ "save",	do_save },
	{ "diff",	do_diff },
	{ }
};

int do_baseline(int argc, char **argv)
{
	return cli_dispatch("baseline", cmds, argc - 1, argv + 1);
}
