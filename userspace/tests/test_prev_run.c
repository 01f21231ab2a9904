// SPDX-License-Identifier: GPL-2.0
/* Finding a previous daemon that died without stopping cleanly. */
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "prev_run.h"

static bool none_alive(pid_t pid)
{
	(void)pid;
	return false;
}

static bool all_alive(pid_t pid)
{
	(void)pid;
	return true;
}

static int unclean(const char *text, bool (*alive)(pid_t), pid_t *pid)
{
	*pid = 0;
	return prev_run_unclean(text, strlen(text), 100, alive, pid);
}

int main(void)
{
	pid_t pid;

	ok(unclean("{\"pid\":4242,\"state\":\"running\"}", none_alive, &pid) == 1 &&
	   pid == 4242, "running with a dead pid is an unclean stop");
	ok(!unclean("{\"pid\":4242,\"state\":\"running\"}", all_alive, &pid),
	   "running with a live daemon is not");
	ok(!unclean("{\"pid\":4242,\"state\":\"stopped\"}", none_alive, &pid),
	   "a clean stop is not");
	ok(!unclean("{\"pid\":100,\"state\":\"running\"}", none_alive, &pid),
	   "our own pid is not");
	ok(!unclean("{\"pid\":4242}", none_alive, &pid),
	   "an older status file without state is not");
	ok(!unclean("{\"pid\":-1,\"state\":\"running\"}", none_alive, &pid) &&
	   !unclean("{\"pid\":\"1\",\"state\":\"running\"}", none_alive, &pid),
	   "a bad pid is not");
	ok(!unclean("{\"pid\":4242,\"state\":\"runn", none_alive, &pid) &&
	   !unclean("", none_alive, &pid) && !unclean("[1]", none_alive, &pid),
	   "truncated or foreign text is not");
	ok(prev_run_daemon_alive(getpid()) == false,
	   "the test binary is not a bmcwatchd");
	ok(prev_run_check("/nonexistent/status.json", (char[64]){ 0 }, 64) == 0,
	   "no status file, nothing to report");

	/* what the previous daemon knew of the module */
	{
		static const char k[] = "{\"pid\":4242,\"kernel\":{\"instance\":\"dfaa9afe955a84d9\","
			"\"health_seq\":17,\"losses\":[{\"cause\":\"ipmi_msg_evicted\",\"count\":9,"
			"\"reported\":7},{\"cause\":\"bad\",\"reported\":-1}],"
			"\"hooks\":[{\"hook\":\"ipmi/sender\",\"missed\":5,\"missed_reported\":5},"
			"{\"hook\":7,\"missed_reported\":1}]}}";
		static struct prev_kernel pk;

		ok(!prev_run_kernel(k, strlen(k), &pk) && pk.instance == 0xdfaa9afe955a84d9ULL &&
		   pk.health_seq == 17, "kernel: instance and the last health event settled");
		is_int(prev_kernel_count(&pk, "loss:ipmi_msg_evicted"), 7,
		       "a loss as far as it was reported, not its count");
		is_int(prev_kernel_count(&pk, "hook:ipmi/sender"), 5, "a hook's misses reported");
		ok(pk.n == 2 && !prev_kernel_count(&pk, "loss:bad"),
		   "negative or mistyped entries skipped");
		ok(prev_run_kernel("{\"pid\":1}", 9, &pk) == -1 && !pk.instance,
		   "no kernel object: nothing");
		ok(prev_run_kernel("{\"kernel\":{\"instance\":\"00000000000000000\"}}", 43, &pk) == -1,
		   "an instance that is not 16 hex digits: nothing");
		ok(prev_run_kernel("{\"kernel\":{\"instance\":\"0000000000000000\"}}", 42, &pk) == -1,
		   "instance 0: nothing");
		ok(prev_run_kernel("{\"kernel\":{\"instance\":\"dfaa9afe955a84d9", 32, &pk) == -1,
		   "truncated: nothing");
	}
	return tap_done();
}
