/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's parsers: the daemon's status file and the lines of its JSON
 * alert log (golden/alert.json, what the json: output writes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/parse.h"
#include "tap.h"

static const char status_text[] =
	"{\"version\":\"0.1.0\",\"abi\":65536,\"pid\":4242,\"host\":\"h1\",\"uptime_s\":12,"
	"\"config\":\"(defaults)\",\"interval_ms\":200,\"last_seq\":17,"
	"\"monitors\":[{\"name\":\"pcie\",\"enabled\":true},"
	"{\"name\":\"ipmi\",\"enabled\":false,\"why\":\"init failed: No such device\"}],"
	"\"outputs\":[{\"spec\":\"json:-\",\"emitted\":1},"
	"{\"spec\":\"json:/var/log/bmcwatch/alerts.json\",\"emitted\":5,\"errors\":1,"
	"\"spool_records\":0,\"connected\":false}],"
	"\"losses\":[{\"hop\":\"ringbuf\",\"lost\":4},"
	"{\"hop\":\"iommu\",\"lost\":2,\"what\":\"faults lost in the IOMMU itself\"}],"
	"\"rules\":{\"health.hook_failed\":{\"occurrences\":1}}}\n";

static void test_status(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "not valid JSON at byte 0: unexpected end" },
		{ "{\"pid\":1", "not valid JSON at byte 8: unexpected end" },
		{ "[]", "not a JSON object" },
		{ "{} {}", "not valid JSON at byte 3: unexpected character" },
		{ "{\"monitors\":[]}", "no valid \"pid\"" },
		{ "{\"pid\":-3,\"monitors\":[]}", "no valid \"pid\"" },
		{ "{\"pid\":3}", "no \"monitors\" array" },
		{ "{\"pid\":3,\"monitors\":[{\"name\":\"x\"}]}", "monitors[0]: needs \"name\" and \"enabled\"" },
	};
	struct cli_status *st = calloc(1, sizeof(*st));
	char err[256] = "";

	ok(!cli_status_parse(status_text, strlen(status_text), st, err, sizeof(err)),
	   "status file parses (%s)", err);
	ok(st->pid == 4242 && st->interval_ms == 200 && st->last_seq == 17 &&
	   st->uptime_s == 12, "pid, interval, last seq, uptime");
	ok(st->n_monitors == 2 && st->mon[0].enabled && !st->mon[1].enabled &&
	   !strcmp(st->mon[1].why, "init failed: No such device"), "monitors");
	is_int(st->hook_failures, 1, "health.hook_failed occurrences");
	ok(st->n_losses == 2 && !strcmp(st->loss[1].hop, "iommu") && st->loss[1].lost == 2 &&
	   !strcmp(st->loss[1].what, "faults lost in the IOMMU itself") && !st->loss[0].what[0],
	   "losses by hop, with what they are when the daemon says");
	is_str(cli_status_json_log(st), "/var/log/bmcwatch/alerts.json",
	       "the event log is the first json:PATH output, not json:-");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(cli_status_parse(bad[i].text, strlen(bad[i].text), st, err, sizeof(err)) == -1,
		   "status rejected: %s", bad[i].msg);
		is_str(err, bad[i].msg, "  with its message");
	}
	free(st);
}

static void test_events(void)
{
	struct cli_event ev;
	char err[256] = "", line[8192];
	FILE *f = fopen("golden/alert.json", "re");
	size_t n = f ? fread(line, 1, sizeof(line) - 1, f) : 0;

	if (f)
		fclose(f);
	line[n] = '\0';
	n = strcspn(line, "\n");
	ok(n > 0 && !cli_event_parse(line, n, &ev, err, sizeof(err)), "golden alert parses (%s)", err);
	is_str(ev.rule, "pcie.config_write", "rule");
	is_str(ev.time, "2024-05-01T12:00:02.123Z", "time");
	is_str(ev.level, "warning", "level");
	is_str(ev.bdf, "0000:03:00.0", "device");
	is_str(ev.process, "set|pci[4242]", "process");
	ok(ev.seq == 17 && ev.count == 3, "seq and count");
	ok(!strncmp(ev.message, "BAR write \"0xf000\"", 18), "message");
	ok(cli_event_parse("{\"rule\":{}}", 11, &ev, err, sizeof(err)) == -1 &&
	   !strcmp(err, "not a bmcwatch alert (no rule.name or @timestamp)"), "not an alert: %s", err);
	ok(cli_event_parse("{\"rule\":", 8, &ev, err, sizeof(err)) == -1 &&
	   !strcmp(err, "not valid JSON at byte 8: unexpected end"), "torn line: %s", err);
}

/* What the daemon writes for remote outputs: spool, replay, last error. */
static const char status_remote[] =
	"{\"pid\":7,\"monitors\":[],\"outputs\":["
	"{\"spec\":\"json:/var/log/bmcwatch/alerts.json\",\"emitted\":130,\"errors\":0,"
	"\"spool_records\":0,\"spool_bytes\":0,\"connected\":false},"
	"{\"spec\":\"syslog+tcp://10.77.0.2:10514\",\"emitted\":130,\"errors\":0,"
	"\"spool_records\":2,\"spool_bytes\":1306,\"connected\":true,\"remote\":true,"
	"\"in_flight\":2,\"replayed\":41,\"resent\":3,\"connects\":3,"
	"\"last_error\":\"10.77.0.2:10514: connection lost: Connection timed out\"},"
	"{\"spec\":\"syslog+tls://10.77.0.3:6514\",\"emitted\":130,\"errors\":0,"
	"\"spool_records\":130,\"spool_bytes\":84920,\"connected\":false,\"remote\":true,"
	"\"in_flight\":0,\"replayed\":0,\"resent\":0,\"connects\":0,"
	"\"last_error\":\"10.77.0.3:6514: TLS handshake: server certificate refused: "
	"The certificate is NOT trusted. The certificate issuer is unknown.\"}]}";

static char *slurp(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* UPDATE_GOLDEN=1 rewrites the golden file. */
static void golden(const char *name, const char *got)
{
	char path[256];

	snprintf(path, sizeof(path), "golden/%s", name);
	if (getenv("UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		fputs(got, f);
		fclose(f);
	}
	is_str(got, slurp(path), "%s matches its golden file", name);
}

static void test_status_outputs(void)
{
	struct cli_status *st = calloc(1, sizeof(*st));
	struct json_object *arr;
	char err[256] = "", text[4096], small[40];
	char *json;

	ok(!cli_status_parse(status_remote, strlen(status_remote), st, err, sizeof(err)),
	   "status with remote outputs parses (%s)", err);
	ok(!st->out[0].remote && st->out[1].remote && st->out[1].in_flight == 2 &&
	   st->out[1].replayed == 41 && st->out[1].resent == 3 && st->out[1].connects == 3 &&
	   st->out[2].spool_bytes == 84920, "remote fields");
	cli_status_outputs_text(st, text, sizeof(text));
	golden("status_outputs.txt", text);
	arr = cli_status_outputs_json(st);
	json = strdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	json = realloc(json, strlen(json) + 2);
	strcat(json, "\n");
	golden("status_outputs.json", json);
	free(json);
	ok(cli_status_outputs_text(st, small, sizeof(small)) == sizeof(small) - 1 &&
	   strlen(small) == sizeof(small) - 1, "a small buffer is cut, never overrun");
	free(st);
}

/* What the daemon writes about the module (status.c, kmod_state_json()). */
static const char status_kernel[] =
	"{\"pid\":4242,\"monitors\":[{\"name\":\"pcie\",\"enabled\":true}],"
	"\"blind_spots\":[\"hook ipmi/sender removed with ipmi_si: IPMI requests to the interface unseen until it is loaded again\"],"
	"\"kernel\":{\"loaded\":true,\"abi\":\"1.2\",\"instance\":\"dfaa9afe955a84d9\","
	"\"health_seq\":9,\"health_replayed\":4,\"health_recovered\":1,\"health_lost\":0,"
	"\"hooks\":["
	"{\"hook\":\"pcie/pci_bus_ops\",\"monitor\":\"pcie\",\"symbol\":\"pci_bus_ops\",\"state\":\"placed\",\"err\":0,\"missed\":0,\"kind\":\"other\",\"module\":\"vmlinux\",\"unseen\":\"config-space accesses through bus ops\"},"
	"{\"hook\":\"lpc/__ia32_sys_iopl\",\"monitor\":\"lpc\",\"symbol\":\"__ia32_sys_iopl\",\"state\":\"failed\",\"err\":-2,\"missed\":0,\"module\":\"vmlinux\",\"unseen\":\"I/O privilege grants (32-bit iopl)\"},"
	"{\"hook\":\"lpc/read_port\",\"monitor\":\"lpc\",\"symbol\":\"read_port\",\"state\":\"placed\",\"err\":0,\"missed\":12,\"kind\":\"kretprobe\",\"module\":\"vmlinux\",\"unseen\":\"/dev/port reads\"},"
	"{\"hook\":\"dma/io_page_fault\",\"monitor\":\"dma\",\"symbol\":\"io_page_fault\",\"state\":\"unused\",\"err\":0,\"missed\":0},"
	"{\"hook\":\"ipmi/sender\",\"monitor\":\"ipmi\",\"symbol\":\"sender\",\"state\":\"removed\",\"err\":0,\"missed\":0,\"module\":\"ipmi_si\",\"unseen\":\"IPMI requests to the interface\"},"
	"{\"hook\":\"ipmi/bt_get_result\",\"monitor\":\"ipmi\",\"symbol\":\"bt_get_result\",\"state\":\"waiting\",\"err\":0,\"missed\":0,\"module\":\"ipmi_si\"},"
	"{\"monitor\":\"ipmi\",\"state\":\"placed\"}],"
	"\"losses\":[{\"cause\":\"health_undelivered\",\"count\":4,\"reported\":4,\"what\":\"kept in the health table\"},"
	"{\"cause\":\"ipmi_msg_evicted\",\"count\":0}],"
	"\"bpf_programs\":[{\"program\":\"on_cfg_access\",\"recursion_misses\":3},{\"program\":\"on_ipmi\",\"recursion_misses\":0}]}}";

static void test_status_kernel(void)
{
	struct cli_status *st = calloc(1, sizeof(*st));
	struct json_object *o;
	char err[256] = "", text[4096], small[40];
	char *json;

	ok(!cli_status_parse(status_kernel, strlen(status_kernel), st, err, sizeof(err)),
	   "status with the kernel view parses (%s)", err);
	ok(st->has_kernel && st->kernel.n_hooks == 6 && st->kernel.n_losses == 2 &&
	   st->kernel.n_progs == 2 && st->n_spots == 1,
	   "hooks (a row without a name skipped), losses, programs, blind spots");
	ok(st->kernel.hook[1].err == -2 && !strcmp(st->kernel.hook[1].state, "failed") &&
	   st->kernel.hook[2].missed == 12, "hook fields");
	cli_status_kernel_text(st, text, sizeof(text));
	golden("status_kernel.txt", text);
	o = cli_status_kernel_json(st);
	json = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	json = realloc(json, strlen(json) + 2);
	strcat(json, "\n");
	golden("status_kernel.json", json);
	free(json);
	ok(cli_status_kernel_text(st, small, sizeof(small)) == sizeof(small) - 1 &&
	   strlen(small) == sizeof(small) - 1, "kernel text: a small buffer is cut, never overrun");
	ok(!cli_status_parse(status_text, strlen(status_text), st, err, sizeof(err)) &&
	   !st->has_kernel && !cli_status_kernel_text(st, text, sizeof(text)) && !text[0],
	   "an older daemon's status: no kernel section, nothing printed");
	free(st);
}

int main(void)
{
	test_status();
	test_status_outputs();
	test_status_kernel();
	test_events();
	return tap_done();
}
