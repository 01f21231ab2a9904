/* SPDX-License-Identifier: GPL-2.0 */
/* Config loading, its error messages, CLI overrides and rule decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"

static const struct {
	const char *file;
	const char *want;	/* %s is the file name */
} bad[] = {
	{ "bad_severity.conf", "%s:6: key 'severity': unknown value 'hgih' (expected info|notice|warning|critical)" },
	{ "unknown_key.conf", "%s:3: section [daemon]: unknown key 'intervall_ms'" },
	{ "unknown_section.conf", "%s:3: unknown section '[deamon]'" },
	{ "unknown_rule.conf", "%s:3: unknown rule 'pcie.config_wirte'" },
	{ "bad_number.conf", "%s:3: key 'interval_ms': invalid value 'fast' (expected an integer in 10..3600000)" },
	{ "out_of_range.conf", "%s:3: key 'interval_ms': invalid value '5' (expected an integer in 10..3600000)" },
	{ "bad_device.conf", "%s:3: key 'device': invalid value '1a03-2000' (expected VENDOR:DEVICE or [DOMAIN:]BUS:DEV.FN)" },
	{ "bad_output.conf", "%s:3: key 'output': invalid value 'kafka://127.0.0.1:9092' (unknown output type; expected json:PATH|cef:PATH|syslog|syslog+unix:PATH|syslog+udp://HOST:PORT|syslog+tcp://HOST:PORT)" },
	{ "bad_output_port.conf", "%s:3: key 'output': invalid value 'syslog+tcp://127.0.0.1' (expected syslog+tcp://HOST:PORT)" },
	{ "bad_bool.conf", "%s:3: key 'enabled': invalid value 'maybe' (expected true|false)" },
	{ "bad_metrics.conf", "%s:3: key 'metrics': invalid value 'http:0.0.0.0:9477' (expected off|http:127.0.0.1:PORT|textfile:/PATH)" },
	{ "syntax.conf", "%s:3: syntax error (expected '[section]' or 'key = value')\n"
			 "%s:4: key 'interval_ms' outside any section" },
	{ "no_section.conf", "%s:2: key 'interval_ms' outside any section" },
	{ "two_errors.conf", "%s:4: key 'rate_limit': invalid value '-1' (expected an integer in 0..100000)\n"
			     "%s:5: key 'heartbeat_minutes': invalid value '99999' (expected an integer in 0..1440)" },
	{ "bad_allow.conf", "%s:3: key 'allow_process': invalid value 'two words' (expected a process name or an absolute path)" },
	{ "missing.conf", "%s: cannot open: No such file or directory" },
	{ "bad_lpc.conf", "%s:4: key 'watch': invalid value '0x30-0x2f' (expected PORT or LO-HI within 0..0xffff)\n"
			  "%s:5: section [lpc]: unknown key 'watch_ports'" },
};

static void test_good(void)
{
	const struct bmcw_rule *cw = rule_find("pcie.config_write");
	const struct bmcw_rule *sc = rule_find("ipmi.sensitive_command");
	const struct bmcw_rule *iommu = rule_find("dma.iommu_fault");
	struct policy p;
	char err[2048];

	policy_init(&p);
	is_int(policy_load_file(&p, "conf/good.conf", err, sizeof(err)), 0,
	       "good.conf loads");
	if (err[0])
		diag("%s", err);
	is_int(p.interval_ms, 250, "interval_ms");
	is_int(p.heartbeat_minutes, 5, "heartbeat_minutes");
	is_int(p.aggregation_window_s, 30, "aggregation_window_s");
	is_int(p.rate_limit, 10, "rate_limit");
	ok(!p.spool_fsync, "spool_fsync = false");
	is_str(p.spool_dir, "/tmp/bmcw-spool", "spool_dir");
	is_str(p.metrics, "http:127.0.0.1:9477", "metrics");
	is_int(p.bmc_devices.n, 3, "three [bmc] devices");
	ok(!p.bmc[0].by_bdf && p.bmc[0].vendor == 0x1a03 && p.bmc[0].device == 0x2000,
	   "device by vendor:device");
	ok(p.bmc[1].by_bdf && p.bmc[1].bus == 3 && p.bmc[1].devfn == 0, "device by full BDF");
	ok(p.bmc[2].by_bdf && p.bmc[2].seg == 0 && p.bmc[2].bus == 4 && p.bmc[2].devfn == 1,
	   "device by short BDF");
	is_int(p.outputs.n, 2, "two outputs");

	is_int(policy_severity(&p, cw, BMCW_SEV_INFO), BMCW_SEV_CRITICAL,
	       "configured severity overrides the default");
	is_int(policy_severity(&p, iommu, BMCW_SEV_INFO), BMCW_SEV_CRITICAL,
	       "unconfigured rule keeps its default");
	is_int(policy_severity(&p, rule_find("pcie.aer_error"), BMCW_SEV_WARNING),
	       BMCW_SEV_WARNING, "a monitor may raise above the default");
	is_int(policy_severity(&p, rule_find("pcie.aer_error"), BMCW_SEV_INFO),
	       BMCW_SEV_NOTICE, "but not lower it");
	is_int(policy_rule_threshold(&p, cw), 3, "threshold");
	ok(!policy_rule_enabled(&p, sc), "[rule.NAME] section form disables a rule");
	ok(policy_rule_enabled(&p, cw), "other rules stay enabled");
	ok(policy_process_allowed(&p, cw, "setpci", "/usr/bin/setpci"), "allowed by comm");
	ok(policy_process_allowed(&p, cw, "fwupdate", "/usr/sbin/fwupdate"), "allowed by exe");
	ok(!policy_process_allowed(&p, cw, "fwupdate", "/tmp/fwupdate"),
	   "an absolute entry does not match a lookalike comm");
	ok(!policy_process_allowed(&p, cw, "setpcix", "/tmp/setpcix"), "comm must match exactly");
	ok(!policy_process_allowed(&p, iommu, "setpci", "/usr/bin/setpci"),
	   "allow lists are per rule");
	policy_free(&p);
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256], want[1024], err[2048];
		struct policy p;

		snprintf(path, sizeof(path), "conf/%s", bad[i].file);
		snprintf(want, sizeof(want), bad[i].want, path, path);
		policy_init(&p);
		ok(policy_load_file(&p, path, err, sizeof(err)) == -1, "%s is refused", bad[i].file);
		is_str(err, want, "%s: exact message", bad[i].file);
		policy_free(&p);
	}
}

static void test_long_line(void)
{
	char path[] = "/tmp/bmcw-long-XXXXXX", exe[600], err[1024];
	struct policy p;
	FILE *f;
	int fd = mkstemp(path);

	memset(exe, 'a', sizeof(exe));
	exe[0] = '/';
	exe[sizeof(exe) - 1] = '\0';
	f = fdopen(fd, "w");
	fprintf(f, "[rule \"lpc.port_access\"]\nallow_process = %s\n[daemon]\nrate_limit = x\n", exe);
	fclose(f);
	policy_init(&p);
	policy_load_file(&p, path, err, sizeof(err));
	ok(strstr(err, ":4: key 'rate_limit'") != NULL,
	   "a line longer than inih's default buffer keeps line numbers right");
	policy_free(&p);
	policy_init(&p);
	f = fopen(path, "w");
	fprintf(f, "[rule \"lpc.port_access\"]\nallow_process = %s\n", exe);
	fclose(f);
	is_int(policy_load_file(&p, path, err, sizeof(err)), 0, "long allow_process loads");
	ok(policy_process_allowed(&p, rule_find("lpc.port_access"), "x", exe),
	   "long allow_process is kept whole");
	policy_free(&p);
	unlink(path);
}

static void test_cli(void)
{
	struct policy_cli cli = { .config = "conf/good.conf", .interval_ms = 50,
				  .foreground = true };
	struct policy p;
	char err[1024];

	strlist_add(&cli.outputs, "json:-");
	strlist_add(&cli.bmc_devices, "102b:0536");
	is_int(policy_load(&p, &cli, err, sizeof(err)), 0, "CLI on top of the file loads");
	is_int(p.interval_ms, 50, "--interval overrides interval_ms");
	ok(p.foreground, "--foreground");
	ok(p.outputs.n == 1 && !strcmp(p.outputs.v[0], "json:-"), "--output replaces the [output] list");
	ok(p.bmc_devices.n == 1 && p.bmc[0].vendor == 0x102b && p.bmc[0].device == 0x0536,
	   "--bmc-device replaces the [bmc] list");
	is_int(p.rate_limit, 10, "file values without a CLI option stay");
	policy_free(&p);

	cli.interval_ms = 1;
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1, "bad --interval is refused");
	is_str(err, "--interval: invalid value '1' (expected an integer in 10..3600000)",
	       "--interval message");
	policy_free(&p);
	cli.interval_ms = -1;
	strlist_add(&cli.outputs, "json:relative.json");
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1, "bad --output is refused");
	is_str(err, "--output: invalid value 'json:relative.json' (expected json:/ABSOLUTE/PATH or -)",
	       "--output message");
	policy_free(&p);
	strlist_free(&cli.outputs);
	strlist_free(&cli.bmc_devices);

	cli = (struct policy_cli){ .config = NULL, .interval_ms = -1 };
	is_int(policy_load(&p, &cli, err, sizeof(err)), 0, "no config file: defaults");
	ok(p.outputs.n == 1 && !strcmp(p.outputs.v[0], "syslog"), "default output is syslog");
	policy_free(&p);
}

/* [lpc] watch: defaults, and a file's list replacing them. */
static void test_lpc(void)
{
	struct lpc_port_range r;
	struct policy p;
	char err[2048];

	policy_init(&p);
	is_int(p.lpc_nwatch, 6, "six watched port ranges by default");
	ok(p.lpc_watch[0].lo == 0x2e && p.lpc_watch[0].hi == 0x2f, "SuperIO 0x2E first");
	is_int(policy_load_file(&p, "conf/lpc.conf", err, sizeof(err)), 0, "lpc.conf loads");
	if (err[0])
		diag("%s", err);
	is_int(p.lpc_nwatch, 3, "the file's three ranges replace the defaults");
	ok(p.lpc_watch[1].lo == 0x80 && p.lpc_watch[1].hi == 0x80, "a single port");
	ok(p.lpc_watch[2].lo == 0xca8 && p.lpc_watch[2].hi == 0xca9, "decimal works too");
	ok(lpc_range_parse("0x10000", &r) && lpc_range_parse("0x2e-", &r) &&
	   lpc_range_parse("-1", &r) && lpc_range_parse("0x2e 0x2f", &r),
	   "out of range and malformed ranges are refused");
	policy_free(&p);
}

int main(void)
{
	test_good();
	test_lpc();
	test_bad();
	test_long_line();
	test_cli();
	return tap_done();
}
