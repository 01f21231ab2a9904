/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bmcwatch, the command-line tool. Modelled on bpftool: one file per
 * subcommand, each with a table of its own commands; --json (-j) anywhere
 * switches every command to JSON on stdout, and errors then come as
 * {"error": "..."} on stdout instead of "Error: ..." on stderr.
 *
 * Exit status: 0 success; 1 failure (or "unhealthy" for status, "differs"
 * for baseline diff); 2 usage error.
 */
#ifndef BMCW_CLI_H
#define BMCW_CLI_H

#include <stdbool.h>

#include <json-c/json.h>

#include "policy.h"

#define EXIT_USAGE	2

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the command name */
};

struct cli_globals {
	bool json;
	bool pretty;
	const char *prog;
	struct policy policy;			/* config file, or defaults */
};

extern struct cli_globals cli;

/* Run the command of @cmds that argv[0] names (unique prefixes allowed). */
int cli_dispatch(const char *what, const struct cli_cmd *cmds, int argc, char **argv);
/* Report an error in the current mode; returns 1 (or EXIT_USAGE via cli_usage_err). */
int cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The shared JSON writer: prints @o (pretty with -p) and a newline, drops it. */
void jsonw_print(struct json_object *o);
/* One JSON line, always compact (streams such as events --follow). */
void jsonw_print_line(struct json_object *o);
struct json_object *jsonw_str(const char *s);

struct inv_fn;
/* inventory.c: one function as JSON (inventory, baseline diff). */
struct json_object *inventory_fn_json(const struct inv_fn *f);

/* Subcommands, one file each. */
int do_status(int argc, char **argv);
int do_inventory(int argc, char **argv);
int do_top(int argc, char **argv);
int do_events(int argc, char **argv);
int do_baseline(int argc, char **argv);
int do_explain(int argc, char **argv);

#endif /* BMCW_CLI_H */
