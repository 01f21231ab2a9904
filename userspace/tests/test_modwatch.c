// SPDX-License-Identifier: GPL-2.0
/*
 * Module tamper evidence: which module-watch events are unload requests,
 * the path of the requester, the alert, and when the daemon takes the
 * module back after releasing it; and how its probes are placed (the
 * least privileged way first, probe_path.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "modwatch_rules.h"
#include "probe_path.h"
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

#define F	PROBE_BIT(PROBE_FENTRY)
#define M	PROBE_BIT(PROBE_KPROBE_MULTI)
#define K	PROBE_BIT(PROBE_KPROBE)

/* The sets probe_load_next() gives one after the other, as the loader asks. */
static void load_order(unsigned int avail, const unsigned int *want, size_t n,
		       const char *what)
{
	unsigned int tried = 0, set, got[8];
	size_t i = 0;
	bool same;

	while ((set = probe_load_next(avail, tried)) && i < 8) {
		got[i++] = set;
		tried |= 1U << set;
	}
	same = i == n;
	for (size_t j = 0; same && j < n; j++)
		same = got[j] == want[j];
	ok(same, "%s", what);
	for (size_t j = 0; !same && j < i; j++)
		diag("  try %zu: 0x%x", j, got[j]);
}

static void load_plan(void)
{
	static const unsigned int all[] = { F | M | K, F | K, M | K, K };
	static const unsigned int no_btf[] = { M | K, K };
	static const unsigned int no_multi[] = { F | K, K };
	static const unsigned int kprobe[] = { K };

	load_order(PROBE_ALL, all, 4,
		   "every way first, then without kprobe.multi, without fentry, the kprobe alone");
	load_order(M | K, no_btf, 2, "no BTF for the targets: kprobe.multi and kprobe, then kprobe");
	load_order(F | K, no_multi, 2, "no function name (an arch without the wrapper): fentry, kprobe");
	load_order(K, kprobe, 1, "the kprobe alone: one try");
	is_int(probe_load_next(0, 0), 0, "nothing available: nothing to load");
	is_int(probe_load_next(PROBE_ALL, 1U << (F | M | K)), F | K,
	       "after a failed load of all: without kprobe.multi");
	is_int(probe_load_next(PROBE_ALL | 0x10, 0), F | M | K, "unknown bits are ignored");
}

static void ladder(void)
{
	struct probe_try t;
	char buf[512];

	/* Debian 6.1 under the unit: fentry takes at once */
	probe_try_init(&t);
	ok(!probe_try_placed(&t), "nothing placed yet");
	probe_try_result(&t, PROBE_FENTRY, 0);
	ok(probe_try_placed(&t) && t.placed == PROBE_FENTRY, "fentry placed");
	probe_try_result(&t, PROBE_KPROBE, EACCES);
	ok(t.placed == PROBE_FENTRY && !t.err[PROBE_KPROBE], "  what comes after is ignored");
	probe_try_errors(&t, buf, sizeof(buf));
	is_str(buf, "", "  nothing to say");

	/* 6.1 without the function in BTF and at paranoid 3: nothing takes */
	probe_try_init(&t);
	probe_try_result(&t, PROBE_FENTRY, ESRCH);
	probe_try_result(&t, PROBE_KPROBE_MULTI, EOPNOTSUPP);
	probe_try_result(&t, PROBE_KPROBE, EACCES);
	ok(!probe_try_placed(&t), "none placed");
	probe_try_errors(&t, buf, sizeof(buf));
	is_str(buf, "fentry: not in the kernel's BTF; "
	       "kprobe.multi: no fprobe in this kernel (CONFIG_FPROBE off); "
	       "kprobe: Permission denied (perf_event_open(2) wants CAP_SYS_ADMIN at perf_event_paranoid > 2)",
	       "  each way says why, in order");

	/* 5.10: fentry refused at load, no kprobe_multi, the kprobe takes */
	probe_try_init(&t);
	probe_try_unloaded(&t, PROBE_FENTRY, EPERM);
	probe_try_result(&t, PROBE_KPROBE_MULTI, E2BIG);
	probe_try_result(&t, PROBE_KPROBE, 0);
	ok(t.placed == PROBE_KPROBE, "the kprobe as the last resort");
	probe_try_errors(&t, buf, sizeof(buf));
	is_str(buf, "fentry: not loaded (Operation not permitted); "
	       "kprobe.multi: no kprobe_multi links in this kernel (before 5.18)",
	       "  and what did not take before it");
	probe_try_unloaded(&t, PROBE_KPROBE_MULTI, 0);
	ok(t.err[PROBE_KPROBE_MULTI] == E2BIG, "  an error is not overwritten by a later one");

	probe_try_init(&t);
	probe_try_unloaded(&t, PROBE_KPROBE_MULTI, 0);
	probe_try_result(&t, PROBE_KPROBE, ENOENT);
	probe_try_errors(&t, buf, sizeof(buf));
	is_str(buf, "kprobe.multi: not loaded; kprobe: No such file or directory",
	       "never loaded; other errors as strerror() has them");
	probe_try_errors(&t, buf, 10);
	is_int(strlen(buf), 9, "truncated to the buffer");

	is_str(probe_path_name(PROBE_KPROBE_MULTI), "kprobe.multi", "names");
	is_str(probe_path_how(PROBE_FENTRY), "BPF trampoline", "  and how each is placed");
	is_str(probe_path_how(PROBE_KPROBE), "perf_event_open", "  the kprobe's");
	is_str(probe_path_name(PROBE_NPATHS), "?", "  out of range");
}

int main(void)
{
	requests();
	paths();
	alert();
	decide();
	load_plan();
	ladder();
	return tap_done();
}
