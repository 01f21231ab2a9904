// SPDX-License-Identifier: GPL-2.0
/* bmcwatchd's command line: what it overrides of the config file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/bmcwatch.h>

#include "daemon.h"
#include "output.h"

static const struct option long_opts[] = {
	{ "config",	required_argument, NULL, 'c' },
	{ "foreground",	no_argument,	   NULL, 'f' },
	{ "interval",	required_argument, NULL, 'i' },
	{ "bmc-device",	required_argument, NULL, 'b' },
	{ "output",	required_argument, NULL, 'o' },
	{ "learn",	no_argument,	   NULL, 'l' },
	{ "learn-seconds", required_argument, NULL, 'L' },
	{ "baseline",	required_argument, NULL, 'B' },
	{ "metrics",	required_argument, NULL, 'm' },
	{ "tls-ca",	required_argument, NULL, 'A' },
	{ "tls-cert",	required_argument, NULL, 'C' },
	{ "tls-key",	required_argument, NULL, 'K' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bmcwatchd [OPTIONS]\n"
		"Watch the host<->BMC channels and raise explained alerts.\n\n"
		"  -c, --config FILE          config file (default " BMCW_DEFAULT_CONFIG ")\n"
		"      --foreground           log to stderr instead of syslog\n"
		"      --interval MS          polling interval (overrides [daemon] interval_ms)\n"
		"      --bmc-device ID        VENDOR:DEVICE or [DOMAIN:]BUS:DEV.FN of a BMC\n"
		"                             function; repeatable, replaces the [bmc] list\n"
		"      --output SPEC          json:PATH|cef:PATH|syslog|journal|\n"
		"                             syslog+unix:PATH|syslog+udp://HOST:PORT|\n"
		"                             syslog+tcp://HOST:PORT|syslog+tls://HOST:PORT;\n"
		"                             repeatable, replaces the [output] list;\n"
		"                             journal: the systemd journal, with fields\n"
		"                             BMCWATCH_RULE, _RULE_ID, _CLASS, _SEVERITY,\n"
		"                             _DEVICE, _PID, _COMM, _EXE, _SEQ and _JSON\n"
		"      --tls-ca FILE          CAs that syslog+tls trusts (PEM; overrides\n"
		"                             [output] tls_ca; default: the system's)\n"
		"      --tls-cert FILE        client certificate for syslog+tls (PEM)\n"
		"      --tls-key FILE         its private key (PEM)\n"
		"      --metrics SPEC         off|http:ADDRESS:PORT|textfile:/PATH\n"
		"                             (overrides [daemon] metrics); http serves\n"
		"                             GET /metrics, refreshed every interval\n"
		"      --learn                write the baseline and exit: the PCI inventory,\n"
		"                             and with learn seconds the traffic profile\n"
		"      --learn-seconds N      learn the traffic profile for N seconds\n"
		"                             (overrides [baseline] learn_seconds)\n"
		"      --baseline PATH        baseline file (overrides [daemon] baseline)\n"
		"  -h, --help                 this help\n"
		"      --version              print the version and the kernel ABI version\n");
}

int parse_args(int argc, char **argv, struct policy_cli *cli)
{
	char *end;
	int c;

	cli->interval_ms = -1;
	while ((c = getopt_long(argc, argv, "c:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli->config = optarg;
			break;
		case 'f':
			cli->foreground = true;
			break;
		case 'i':
			errno = 0;
			cli->interval_ms = strtol(optarg, &end, 10);
			if (errno || *end || cli->interval_ms < 0) {
				fprintf(stderr, "bmcwatchd: --interval: invalid value '%s'\n", optarg);
				return 2;
			}
			break;
		case 'b':
			if (strlist_add(&cli->bmc_devices, optarg))
				return 1;
			break;
		case 'o':
			if (strlist_add(&cli->outputs, optarg))
				return 1;
			break;
		case 'l':
			cli->learn = true;
			break;
		case 'L':
			errno = 0;
			cli->learn_seconds = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-') {
				fprintf(stderr, "bmcwatchd: --learn-seconds: invalid value '%s'\n", optarg);
				return 2;
			}
			cli->learn_seconds_set = true;
			break;
		case 'B':
			cli->baseline = optarg;
			break;
		case 'm':
			cli->metrics = optarg;
			break;
		case 'A':
			cli->tls_ca = optarg;
			break;
		case 'C':
			cli->tls_cert = optarg;
			break;
		case 'K':
			cli->tls_key = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("bmcwatchd %s (ABI %d.%d)\n", BMCW_VERSION,
			       BMCW_ABI_MAJOR, BMCW_ABI_MINOR);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bmcwatchd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}
