// SPDX-License-Identifier: GPL-2.0
/*
 * Module tamper evidence: which module-watch events are unload requests,
 * the path of the requester, the alert, and when the daemon takes the
 * module back after releasing it.
 */
#include <fcntl.h>
#include <string.h>

#include "modwatch_rules.h"
#include "rules.h"
#include "tap.h"

#define S	1000000000ULL

static struct modw_event ev(unsigned int kind, const char *name, const char *comm)
{
	struct modw_event e = { .kind = kind, .pid = 321, .ppid = 300, .uid = 0,
				.caps = 1U << MODW_CAP_SYS_MODULE };

	strcpy(e.name, name);
	strcpy(e.comm, comm);
	strcpy(e.pcomm, "bash");
	/* /usr/bin/kmod, from the file up */
	strcpy(e.exe[0], "kmod");
	strcpy(e.exe[1], "bin");
	strcpy(e.exe[2], "usr");
	strcpy(e.exe[3], "/");
	e.nparts = 4;
	return e;
}

static void requests(void)
{
	struct modw_event e;

	e = ev(MODW_REFCNT_READ, "bmcwatch", "rmmod");
	ok(modwatch_unload_request(&e, "bmcwatch") &&
	   strstr(modwatch_unload_request(&e, "bmcwatch"), "rmmod"),
	   "rmmod reading refcnt is a request");
	e = ev(MODW_REFCNT_READ, "bmcwatch", "modprobe");
	ok(modwatch_unload_request(&e, "bmcwatch") != NULL, "modprobe -r too");
	e.caps = 0x3fffffff & ~(1U << MODW_CAP_SYS_MODULE);
	ok(!modwatch_unload_request(&e, "bmcwatch"),
	   "but not by a process that cannot unload (a renamed cat, a sandbox)");
	e = ev(MODW_DELETE_MODULE, "bmcwatch", "rmmod");
	e.caps = 0;
	ok(!modwatch_unload_request(&e, "bmcwatch"), "nor delete_module(2) by one that will get EPERM");
	e = ev(MODW_REFCNT_READ, "bmcwatch", "lsmod");
	ok(!modwatch_unload_request(&e, "bmcwatch"), "lsmod reading refcnt is not");
	e = ev(MODW_REFCNT_READ, "bmcwatch", "bmcwatch");
	ok(!modwatch_unload_request(&e, "bmcwatch"), "nor is the CLI");
	e = ev(MODW_REFCNT_READ, "bmcwatch_x", "rmmod");
	ok(!modwatch_unload_request(&e, "bmcwatch"), "another module is not");
	e = ev(MODW_REFCNT_READ, "bmcwatc", "rmmod");
	ok(!modwatch_unload_request(&e, "bmcwatch"), "a prefix is not");
	e = ev(MODW_DELETE_MODULE, "bmcwatch", "python3");
	ok(modwatch_unload_request(&e, "bmcwatch") &&
	   !strcmp(modwatch_unload_request(&e, "bmcwatch"), "delete_module(2)"),
	   "delete_module(2) by anyone is");
	e.flags = O_TRUNC;
	ok(strstr(modwatch_unload_request(&e, "bmcwatch"), "forced") != NULL,
	   "  a forced one says so");
	e = ev(MODW_DELETE_MODULE, "bmcwatch", "python3");
	memset(e.name, 'b', sizeof(e.name));	/* unterminated */
	ok(!modwatch_unload_request(&e, "bmcwatch"), "an unterminated name is not");
	e = ev(99, "bmcwatch", "rmmod");
	ok(!modwatch_unload_request(&e, "bmcwatch"), "an unknown kind is not");
}

static void paths(void)
{
	struct modw_event e = ev(MODW_REFCNT_READ, "bmcwatch", "rmmod");
	char buf[64];

	modwatch_exe_path(&e, buf, sizeof(buf));
	is_str(buf, "/usr/bin/kmod", "rooted path");
	e.nparts = 3;
	modwatch_exe_path(&e, buf, sizeof(buf));
	is_str(buf, ".../usr/bin/kmod", "walk stopped early: marked");
	e.nparts = 0;
	modwatch_exe_path(&e, buf, sizeof(buf));
	is_str(buf, "", "kernel thread: none");
	e = ev(MODW_REFCNT_READ, "bmcwatch", "rmmod");
	modwatch_exe_path(&e, buf, 8);
	is_int(strlen(buf), 7, "truncated to the buffer");
}

static void alert(void)
{
	struct modw_event e = ev(MODW_REFCNT_READ, "bmcwatch", "rmmod");
	struct bmcw_alert a;

	modwatch_stop_alert(&e, "rmmod's in-use check", "/usr/bin/kmod", "bmcwatch", &a);
	ok(!strcmp(a.rule, "health.monitor_stopped") && rule_find(a.rule), "health.monitor_stopped");
	ok(a.severity == BMCW_SEV_WARNING, "  at warning");
	ok(a.subject.has_process && a.subject.pid == 321 && !strcmp(a.subject.comm, "rmmod") &&
	   !strcmp(a.subject.exe, "/usr/bin/kmod"), "  names the process: pid, comm, exe");
	ok(strstr(a.message, "no longer watched") && strstr(a.message, "pid 321") &&
	   strstr(a.message, "bash pid 300"), "  says what stops and who asked: %s", a.message);
	ok(strstr(a.why, "rmmod's in-use check") != NULL, "  and how it was seen");
}

static void decide(void)
{
	struct modwatch_release r = { .at_ns = 100 * S, .ino = 7 };
	struct modwatch_seen same = { .present = true, .live = true, .ino = 7 };
	struct modwatch_seen gone = { 0 };
	struct modwatch_seen loading = { .present = true, .live = false, .ino = 9 };
	struct modwatch_seen fresh = { .present = true, .live = true, .ino = 9 };

	is_int(modwatch_decide(&r, &same, 101 * S, 60 * S), MODWATCH_WAIT,
	       "same module right after the request: wait for the unload");
	is_int(modwatch_decide(&r, &same, 161 * S, 60 * S), MODWATCH_REATTACH_NOT_UNLOADED,
	       "still there after the grace: take it back");
	is_int(modwatch_decide(&r, &gone, 102 * S, 60 * S), MODWATCH_WAIT, "gone: wait");
	ok(r.gone, "  remembered");
	is_int(modwatch_decide(&r, &gone, 500 * S, 60 * S), MODWATCH_WAIT,
	       "gone for long: still wait (no module to watch)");
	is_int(modwatch_decide(&r, &loading, 501 * S, 60 * S), MODWATCH_WAIT,
	       "loading (initstate not live): wait");
	is_int(modwatch_decide(&r, &fresh, 502 * S, 60 * S), MODWATCH_REATTACH_RELOADED,
	       "a new instance is live: reattach");
	r = (struct modwatch_release){ .at_ns = 100 * S, .ino = 7 };
	is_int(modwatch_decide(&r, &fresh, 100 * S, 60 * S), MODWATCH_REATTACH_RELOADED,
	       "unloaded and loaded between two looks: a new inode says so");
	r = (struct modwatch_release){ .at_ns = 100 * S, .ino = 7 };
	modwatch_decide(&r, &gone, 101 * S, 60 * S);
	is_int(modwatch_decide(&r, &same, 102 * S, 60 * S), MODWATCH_REATTACH_RELOADED,
	       "gone and back with a reused inode number: reattach");
}

int main(void)
{
	requests();
	paths();
	alert();
	decide();
	return tap_done();
}
