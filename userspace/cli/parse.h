/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers of what the CLI reads from the daemon: the status file and the
 * lines of the JSON alert log. Pure functions over a buffer (no I/O), so
 * that unit tests and fuzzers drive them directly.
 */
#ifndef BMCW_CLI_PARSE_H
#define BMCW_CLI_PARSE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdf.h"

#define CLI_STATUS_MAX_MONITORS	32
#define CLI_STATUS_MAX_OUTPUTS	16
#define CLI_STATUS_MAX_LOSSES	8
#define CLI_STATUS_MAX_HOOKS	96
#define CLI_STATUS_MAX_KLOSSES	16
#define CLI_STATUS_MAX_PROGS	32
#define CLI_STATUS_MAX_SPOTS	16

struct cli_status {
	char version[32];
	int pid;
	char host[256];
	uint64_t uptime_s;
	unsigned int interval_ms;	/* 0 if an older daemon did not say */
	uint64_t last_seq;
	char config[PATH_MAX];
	size_t n_monitors;
	struct {
		char name[32];
		bool enabled;
		char why[128];
	} mon[CLI_STATUS_MAX_MONITORS];
	size_t n_outputs;
	struct cli_status_output {
		char spec[256];
		uint64_t emitted, errors, spool_records;
		bool connected;
		/* remote outputs (syslog+tcp, syslog+tls) only */
		bool remote;
		uint64_t spool_bytes, in_flight, replayed, resent, connects;
		char last_error[192];
	} out[CLI_STATUS_MAX_OUTPUTS];
	uint64_t hook_failures;		/* health.hook_failed occurrences */
	char degraded[256];		/* why the daemon let the module go, "" */
	size_t n_losses;		/* hops that lost events since start */
	struct {
		char hop[32];
		uint64_t lost;
		char what[160];		/* "" unless the daemon says */
	} loss[CLI_STATUS_MAX_LOSSES];
	/* bmcwatch.ko as the daemon sees it ("kernel"); absent from older daemons */
	bool has_kernel;
	struct cli_status_kernel {
		bool loaded;
		char abi[16];			/* "" if unknown */
		char instance[20];
		uint64_t replayed, recovered, lost;
		size_t n_hooks;
		struct cli_status_hook {
			char hook[96];		/* "ipmi/sender" */
			char monitor[16];
			char symbol[96];
			char state[24];		/* placed, waiting, failed, removed, unused */
			int err;
			uint64_t missed;
			char module[64];
			char unseen[160];
		} hook[CLI_STATUS_MAX_HOOKS];
		size_t n_losses;
		struct {
			char cause[32];
			uint64_t count;
			char what[160];
		} loss[CLI_STATUS_MAX_KLOSSES];
		size_t n_progs;
		struct {
			char program[24];
			uint64_t misses;
		} prog[CLI_STATUS_MAX_PROGS];
	} kernel;
	/* why the watch is partial now: the daemon's "blind_spots" */
	size_t n_spots;
	char spot[CLI_STATUS_MAX_SPOTS][192];
};

int cli_status_parse(const char *text, size_t len, struct cli_status *st,
		     char *err, size_t errlen);
/*
 * The outputs as bmcwatch status shows them: one line per output, and for
 * remote ones the spool (pending, in flight, replayed) and the last error
 * (text), or one object per output (JSON). Pure, for golden-file tests.
 */
size_t cli_status_outputs_text(const struct cli_status *st, char *buf, size_t len);
struct json_object;
struct json_object *cli_status_outputs_json(const struct cli_status *st);

/*
 * The module's side as bmcwatch status shows it: per monitor how many hooks
 * are in each state, each hook that is not placed (or missed calls) with
 * what is unseen, the module's losses and the BPF programs' recursion
 * misses (text), or the same as one object (JSON). Pure, for tests.
 */
size_t cli_status_kernel_text(const struct cli_status *st, char *buf, size_t len);
struct json_object *cli_status_kernel_json(const struct cli_status *st);

/* The first json:PATH output (not json:-), or NULL. */
const char *cli_status_json_log(const struct cli_status *st);

struct cli_event {
	char time[40];
	uint64_t seq, count;
	char level[16];
	char rule[48];
	char bdf[BDF_STR_MAX];			/* "" if none */
	char process[40];		/* "comm[pid]" or "" */
	char message[256];
};

/* One line of the json: output (without the newline). */
int cli_event_parse(const char *line, size_t len, struct cli_event *ev,
		    char *err, size_t errlen);

#endif /* BMCW_CLI_PARSE_H */
