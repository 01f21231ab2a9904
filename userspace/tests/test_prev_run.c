// SPDX-License-Identifier: GPL-2.0
/* Finding a previous daemon that died without stopping cleanly. */
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../prev_run.h"

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
	return tap_done();
}
