// SPDX-License-Identifier: GPL-2.0
/*
 * bmcwatch: entry point, global options and the top-level command table.
 * Global options (-j/--json, -p/--pretty, -c/--config FILE) are accepted
 * anywhere on the line and removed before the subcommand sees argv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "cli.h"
#include "output.h"

struct cli_globals cli;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-j|--json] [-p|--pretty] [-c|--config FILE] COMMAND ...\n"
		"\n"
		"  status                          is bmcwatch watching? exit 0 healthy,\n"
		"                                  4 degraded (a blind spot), 1 down\n"
		"  inventory                       PCI functions and USB devices the module knows\n"
		"  top [-i SEC] [-n N] [--reads]   busiest config-space counters\n"
		"  events [-f|--follow] [-n N] [--file PATH]\n"
		"                                  alerts from the daemon's JSON log\n"
		"  baseline save [--force] [--file PATH] [--sample SEC]\n"
		"  baseline diff [--file PATH]     inventory now vs the baseline\n"
		"  explain [RULE]                  what a rule means and what to do\n"
		"  help | version\n"
		"\n"
		"--json prints JSON on stdout (errors as {\"error\": ...}); see bmcwatch(8).\n",
		cli.prog);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (cli.json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "version", jsonw_str(BMCW_VERSION));
		json_object_object_add(o, "abi_major", json_object_new_int(BMCW_ABI_MAJOR));
		json_object_object_add(o, "abi_minor", json_object_new_int(BMCW_ABI_MINOR));
		jsonw_print(o);
	} else {
		printf("bmcwatch %s (ABI %d.%d)\n", BMCW_VERSION, BMCW_ABI_MAJOR,
		       BMCW_ABI_MINOR);
	}
	return 0;
}

static const struct cli_cmd commands[] = {
	{ "status",	do_status },
	{ "inventory",	do_inventory },
	{ "top",	do_top },
	{ "events",	do_events },
	{ "baseline",	do_baseline },
	{ "explain",	do_explain },
	{ "help",	do_help },
	{ "version",	do_version },
	{ }
};

int cli_dispatch(const char *what, const struct cli_cmd *cmds, int argc, char **argv)
{
	const struct cli_cmd *hit = NULL;

	if (argc < 1)
		return cli_usage_err("%s: missing command; try '%s help'", what, cli.prog);
	for (const struct cli_cmd *c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0]))
			return c->fn(argc, argv);
		if (!strncmp(c->name, argv[0], strlen(argv[0]))) {
			if (hit)
				return cli_usage_err("%s: '%s' is ambiguous", what, argv[0]);
			hit = c;
		}
	}
	if (!hit)
		return cli_usage_err("%s: unknown command '%s'; try '%s help'", what,
				     argv[0], cli.prog);
	return hit->fn(argc, argv);
}

int main(int argc, char **argv)
{
	struct policy_cli pc = { .interval_ms = -1 };
	const char *config = NULL;
	char err[4096];
	int n = 1, ret;

	cli.prog = "bmcwatch";
	/* Pull the global options out wherever they are. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			cli.json = cli.pretty = true;
		} else if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return cli_usage_err("%s needs a FILE", argv[i]);
			config = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			return do_version(0, NULL);
		} else {
			argv[n++] = argv[i];
		}
	}
	argc = n;
	argv[argc] = NULL;

	/* Paths (status file, baseline) come from the daemon's config. */
	pc.config = config;
	if (policy_load(&cli.policy, &pc, err, sizeof(err))) {
		if (config)
			return cli_err("%s", err);
		cli_warn("ignoring the config file, it does not load:\n%s", err);
		policy_free(&cli.policy);
		if (policy_init(&cli.policy))
			return cli_err("out of memory");
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = cli_dispatch(cli.prog, commands, argc - 1, argv + 1);
	policy_free(&cli.policy);
	return ret;
}
