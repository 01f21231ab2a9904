/* SPDX-License-Identifier: GPL-2.0 */
/* Config loading, its error messages, CLI overrides and rule decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"
#include "usb_entry.h"

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
	{ "bad_output.conf", "%s:3: key 'output': invalid value 'kafka://127.0.0.1:9092' (unknown output type; expected json:PATH|cef:PATH|syslog|journal|syslog+unix:PATH|syslog+udp://HOST:PORT|syslog+tcp://HOST:PORT|syslog+tls://HOST:PORT)" },
	{ "bad_output_port.conf", "%s:3: key 'output': invalid value 'syslog+tcp://127.0.0.1' (expected syslog+tcp://HOST:PORT)" },
	{ "bad_bool.conf", "%s:3: key 'enabled': invalid value 'maybe' (expected true|false)" },
	{ "bad_metrics.conf", "%s:3: key 'metrics': invalid value 'http:0.0.0.0:9477' (expected off|http:ADDRESS:PORT|textfile:/PATH; ADDRESS is 127.0.0.1 or one interface's address, not a wildcard)" },
	{ "bad_metrics_v6.conf", "%s:3: key 'metrics': invalid value 'http:[::]:9477' (expected off|http:ADDRESS:PORT|textfile:/PATH; ADDRESS is 127.0.0.1 or one interface's address, not a wildcard)" },
	{ "bad_tls.conf", "%s:3: key 'output': invalid value 'syslog+tls://siem.example.net' (expected syslog+tls://HOST:PORT)\n"
			  "%s:4: key 'tls_ca': invalid value 'siem-ca.pem' (expected an absolute path)\n"
			  "%s:6: key 'ack_timeout_ms': invalid value '10' (expected an integer in 1000..3600000)\n"
			  "%s:7: section [output]: unknown key 'tls_verify'\n"
			  "%s:5: key 'tls_cert' needs 'tls_key' too" },
	{ "syntax.conf", "%s:3: syntax error (expected '[section]' or 'key = value')\n"
			 "%s:4: key 'interval_ms' outside any section" },
	{ "no_section.conf", "%s:2: key 'interval_ms' outside any section" },
	{ "two_errors.conf", "%s:4: key 'rate_limit': invalid value '-1' (expected an integer in 0..100000)\n"
			     "%s:5: key 'heartbeat_minutes': invalid value '99999' (expected an integer in 0..1440)" },
	{ "bad_allow.conf", "%s:3: key 'allow_process': invalid value 'two words' (expected a process name or an absolute path)" },
	{ "missing.conf", "%s: cannot open: No such file or directory" },
	{ "bad_lpc.conf", "%s:4: key 'watch': invalid value '0x30-0x2f' (expected PORT or LO-HI within 0..0xffff)\n"
			  "%s:5: section [lpc]: unknown key 'watch_ports'" },
	{ "bad_baseline.conf", "%s:3: key 'window_seconds': invalid value '0' (expected an integer in 1..86400)\n"
			       "%s:4: key 'rate_factor': invalid value 'many' (expected an integer in 1..1000)\n"
			       "%s:5: section [baseline]: unknown key 'learn_minutes'" },
	{ "bad_usb.conf", "%s:4: key 'device': invalid value '046b:ff1' (expected VENDOR:PRODUCT, VENDOR:* (4 hex digits each) or port:CONTROLLER-DEVPATH / port:BUS-DEVPATH)\n"
			  "%s:5: key 'device': invalid value 'port:0000:00:14.0' (expected VENDOR:PRODUCT, VENDOR:* (4 hex digits each) or port:CONTROLLER-DEVPATH / port:BUS-DEVPATH)\n"
			  "%s:6: key 'device': invalid value 'port:1-1x' (expected VENDOR:PRODUCT, VENDOR:* (4 hex digits each) or port:CONTROLLER-DEVPATH / port:BUS-DEVPATH)\n"
			  "%s:7: section [usb]: unknown key 'devices'" },
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

static void test_stream_keys(void)
{
	struct policy p;
	char err[2048];

	policy_init(&p);
	is_int(policy_load_file(&p, "conf/tls.conf", err, sizeof(err)), 0, "tls.conf loads");
	if (err[0])
		diag("%s", err);
	is_str(p.metrics, "http:10.77.0.1:9477", "metrics on one interface's address");
	is_str(p.tls_ca, "/etc/bmcwatch/siem-ca.pem", "tls_ca");
	is_str(p.tls_cert, "/etc/bmcwatch/client.pem", "tls_cert");
	is_str(p.tls_key, "/etc/bmcwatch/client.key", "tls_key");
	ok(p.connect_timeout_ms == 2000 && p.retry_max_ms == 5000 && p.ack_timeout_ms == 10000,
	   "connect_timeout_ms, retry_max_ms, ack_timeout_ms");
	is_int(p.outputs.n, 2, "syslog+tls and a bracketed IPv6 syslog+tcp");
	policy_free(&p);
	policy_init(&p);
	ok(policy_load_file(&p, "conf/good.conf", err, sizeof(err)) == 0 && !p.tls_ca[0] &&
	   !p.ack_timeout_ms, "unset: system trust store, built-in timeouts");
	policy_free(&p);
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256], want[1024], err[2048];
		struct policy p;

		snprintf(path, sizeof(path), "conf/%s", bad[i].file);
		snprintf(want, sizeof(want), bad[i].want, path, path, path, path, path);
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

	cli = (struct policy_cli){ .config = "conf/tls.conf", .interval_ms = -1,
				   .metrics = "http:[::1]:9100", .tls_ca = "/tmp/ca.pem" };
	is_int(policy_load(&p, &cli, err, sizeof(err)), 0, "--metrics and --tls-ca load");
	ok(!strcmp(p.metrics, "http:[::1]:9100") && !strcmp(p.tls_ca, "/tmp/ca.pem") &&
	   !strcmp(p.tls_cert, "/etc/bmcwatch/client.pem"),
	   "--metrics and --tls-ca override the file, tls_cert stays");
	policy_free(&p);
	cli.metrics = "http:0.0.0.0:9100";
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1, "wildcard --metrics is refused");
	is_str(err, "--metrics: invalid value 'http:0.0.0.0:9100' (expected off|http:ADDRESS:PORT|textfile:/PATH; ADDRESS is 127.0.0.1 or one interface's address, not a wildcard)",
	       "--metrics message");
	policy_free(&p);
	cli = (struct policy_cli){ .interval_ms = -1, .tls_key = "/etc/k.pem" };
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1, "--tls-key without a certificate is refused");
	is_str(err, "--tls-key/tls_key needs --tls-cert/tls_cert too (a client certificate and its key)",
	       "--tls-key message");
	policy_free(&p);
	cli.tls_key = "key.pem";
	cli.tls_cert = "/etc/c.pem";
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1 &&
	   !strcmp(err, "--tls-key: invalid value 'key.pem' (expected an absolute path)"),
	   "relative --tls-key is refused: %s", err);
	policy_free(&p);

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

/* [usb]: the module's BMC USB list, only when the file gives one. */
static void test_usb(void)
{
	static const char *const good[] = {
		"046b:ff10", "046B:*", "port:0000:00:14.0-1.2", "port:1-1",
		"port:usb1-1.2.3",
	};
	static const char *const bad[] = {
		"", "046b", "046b:", "046b:ff1", "046b:ff100", "046b:*x", "46b:ff10",
		"046b-ff10", "0x4b:*", "port:", "port:-1", "port:1-", "port:1-x",
		"port:1-1 x", "port:a/b-1", "port:0000:00:14.0",
		"port:0000:00:14.0-1.2.3.4.5.6.7.8.9.10.11.12.13",
	};
	struct policy p;
	char err[2048];
	int bad_ok = 1;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(!usb_entry_check(good[i]), "[usb] device '%s' accepted", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!usb_entry_check(bad[i])) {
			diag("accepted: '%s'", bad[i]);
			bad_ok = 0;
		}
	ok(bad_ok, "%zu malformed [usb] devices refused", sizeof(bad) / sizeof(bad[0]));

	policy_init(&p);
	ok(!p.usb_devices_set, "no [usb] list: the module's own list stands");
	is_int(policy_load_file(&p, "conf/good.conf", err, sizeof(err)), 0, "good.conf loads");
	ok(!p.usb_devices_set, "... a file without [usb] leaves it too");
	policy_free(&p);
	policy_init(&p);
	is_int(policy_load_file(&p, "conf/usb.conf", err, sizeof(err)), 0, "usb.conf loads");
	if (err[0])
		diag("%s", err);
	ok(p.usb_devices_set && p.usb_devices.n == 4 &&
	   !strcmp(p.usb_devices.v[2], "port:0000:00:14.0-1.2"),
	   "four [usb] devices, as written");
	policy_free(&p);
}

/* [baseline]: the traffic profile's learning and enforcement knobs. */
static void test_baseline_keys(void)
{
	struct policy_cli cli = { .config = "conf/baseline.conf", .interval_ms = -1 };
	struct policy p;
	char err[1024];

	policy_init(&p);
	ok(p.learn_seconds == 0 && p.window_seconds == 60 && p.rate_factor == 4 &&
	   p.rate_floor == 10, "defaults: no traffic learning, 60 s windows, x4, floor 10");
	policy_free(&p);
	is_int(policy_load(&p, &cli, err, sizeof(err)), 0, "baseline.conf loads");
	ok(p.learn_seconds == 600 && p.window_seconds == 30 && p.rate_factor == 3 &&
	   p.rate_floor == 0, "every key read");
	policy_free(&p);
	cli.learn = true;
	cli.learn_seconds_set = true;
	cli.learn_seconds = 20;
	ok(policy_load(&p, &cli, err, sizeof(err)) == -1 &&
	   !strcmp(err, "learning 20 s is shorter than one window of 30 s ([baseline] window_seconds)"),
	   "learning shorter than a window is refused: %s", err);
	policy_free(&p);
	cli.learn_seconds = 0;
	ok(!policy_load(&p, &cli, err, sizeof(err)) && p.learn_seconds == 0,
	   "--learn-seconds 0 overrides the file (inventory only)");
	policy_free(&p);
}

/* [dma]: the probes in the interrupt path are off unless asked for. */
/* A fresh policy *p loaded from a file holding @text: policy_load_file's result. */
static int load_text(struct policy *p, const char *text, char *err, size_t len)
{
	char path[] = "/tmp/bmcw-policy-XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	policy_init(p);
	r = policy_load_file(p, path, err, len);
	unlink(path);
	return r;
}

static void test_dma(void)
{
	char err[1024];
	struct policy p;

	policy_init(&p);
	ok(!p.dma_irq_probe, "[dma] irq_probe off by default");
	ok(p.dma_vector_log == DMA_VLOG_AUTO, "[dma] vector_log auto by default");
	ok(p.dma_vector_count == DMA_VCOUNT_MESSAGES, "[dma] vector_count messages by default");
	policy_free(&p);
	is_int(load_text(&p, "[dma]\nvector_count = exact\n", err, sizeof(err)), 0,
	       "[dma] vector_count loads");
	ok(p.dma_vector_count == DMA_VCOUNT_EXACT, "vector_count = exact sets it");
	policy_free(&p);
	ok(load_text(&p, "[dma]\nvector_count = all\n", err, sizeof(err)) == -1 &&
	   strstr(err, "messages|exact"), "a bad vector_count value is refused: %s", err);
	policy_free(&p);
	is_int(load_text(&p, "[dma]\nirq_probe = yes\n", err, sizeof(err)), 0,
	       "[dma] irq_probe loads");
	ok(p.dma_irq_probe, "irq_probe = yes sets it");
	policy_free(&p);
	is_int(load_text(&p, "[dma]\nvector_log = kmsg\n", err, sizeof(err)), 0,
	       "[dma] vector_log loads");
	ok(p.dma_vector_log == DMA_VLOG_KMSG, "vector_log = kmsg sets it");
	policy_free(&p);
	ok(load_text(&p, "[dma]\nvector_log = dmesg\n", err, sizeof(err)) == -1 &&
	   strstr(err, "auto|console|kmsg"), "a bad vector_log value is refused: %s", err);
	policy_free(&p);
	ok(load_text(&p, "[dma]\nirq_probe = maybe\n", err, sizeof(err)) == -1 &&
	   strstr(err, "irq_probe"), "a bad irq_probe value is refused: %s", err);
	policy_free(&p);
	ok(load_text(&p, "[dma]\nvector_probe = yes\n", err, sizeof(err)) == -1 &&
	   strstr(err, "removed") &&
	   strstr(err, "vector_count = exact"), "the removed vector_probe is refused, naming its successor: %s", err);
	policy_free(&p);
}

int main(void)
{
	test_baseline_keys();
	test_dma();
	test_good();
	test_stream_keys();
	test_lpc();
	test_usb();
	test_bad();
	test_long_line();
	test_cli();
	return tap_done();
}
