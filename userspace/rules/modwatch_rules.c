// SPDX-License-Identifier: GPL-2.0
/* See modwatch_rules.h. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "modwatch_rules.h"

static bool same_name(const char *a, size_t alen, const char *b)
{
	size_t n = strnlen(a, alen);

	return n < alen && n == strlen(b) && !memcmp(a, b, n);
}

const char *modwatch_unload_request(const struct modw_event *e, const char *module)
{
	if (!same_name(e->name, sizeof(e->name), module))
		return NULL;
	/* Without CAP_SYS_MODULE nothing unloads: no reason to let go. */
	if (!(e->caps & (1U << MODW_CAP_SYS_MODULE)))
		return NULL;
	switch (e->kind) {
	case MODW_DELETE_MODULE:
		return e->flags & O_TRUNC ? "delete_module(2) with O_TRUNC (forced unload)" :
		       "delete_module(2)";
	case MODW_REFCNT_READ:
		/*
		 * lsmod, bmcwatch status and monitoring read refcnt too; only
		 * kmod's removal paths read it as the step before unloading.
		 */
		if (same_name(e->comm, sizeof(e->comm), "rmmod"))
			return "rmmod's in-use check (/sys/module refcnt read)";
		if (same_name(e->comm, sizeof(e->comm), "modprobe"))
			return "modprobe -r's in-use check (/sys/module refcnt read)";
		return NULL;
	}
	return NULL;
}

void modwatch_exe_path(const struct modw_event *e, char *buf, size_t len)
{
	unsigned int n = e->nparts < MODW_EXE_PARTS ? e->nparts : MODW_EXE_PARTS;
	size_t used = 0;
	char part[MODW_PART_LEN + 1];
	bool rooted = false;

	if (!len)
		return;
	buf[0] = '\0';
	if (!n)
		return;
	/* Parts go from the file up; the top one is "/" when the walk got there. */
	memcpy(part, e->exe[n - 1], MODW_PART_LEN);
	part[MODW_PART_LEN] = '\0';
	if (!strcmp(part, "/")) {
		rooted = true;
		n--;
	}
	if (!rooted && used < len)
		used += snprintf(buf + used, len - used, "...");
	for (unsigned int i = n; i-- > 0 && used < len;) {
		memcpy(part, e->exe[i], MODW_PART_LEN);
		part[MODW_PART_LEN] = '\0';
		used += snprintf(buf + used, len - used, "/%s", part);
	}
}

void modwatch_stop_alert(const struct modw_event *e, const char *how,
			 const char *exe, const char *module, struct bmcw_alert *a)
{
	struct bmcw_subject *s = &a->subject;
	char comm[sizeof(e->comm) + 1], pcomm[sizeof(e->pcomm) + 1];

	memcpy(comm, e->comm, sizeof(e->comm));
	comm[sizeof(e->comm)] = '\0';
	memcpy(pcomm, e->pcomm, sizeof(e->pcomm));
	pcomm[sizeof(e->pcomm)] = '\0';
	memset(a, 0, sizeof(*a));
	a->rule = "health.monitor_stopped";
	/* Above the rule's notice: nobody unloads the monitor by accident. */
	a->severity = BMCW_SEV_WARNING;
	s->has_process = 1;
	s->pid = e->pid;
	snprintf(s->comm, sizeof(s->comm), "%.15s", comm);
	snprintf(s->exe, sizeof(s->exe), "%s", exe);
	snprintf(s->locus, sizeof(s->locus), "module %s", module);
	snprintf(a->message, sizeof(a->message),
		 "%s.ko unload requested by %s (pid %u, %s; parent %s pid %u): bmcwatchd releases the module, host-BMC channels are no longer watched",
		 module, comm, e->pid, exe[0] ? exe : "exe unknown", pcomm, e->ppid);
	snprintf(a->why, sizeof(a->why),
		 "seen as %s; removing the monitor is what an attacker does first, so it should happen only in maintenance",
		 how);
	alert_add_extra(a, "request", "%s", how);
	alert_add_extra(a, "uid", "%u", e->uid);
	alert_add_extra(a, "parent_pid", "%u", e->ppid);
	alert_add_extra(a, "parent_comm", "%s", pcomm);
}

enum modwatch_action modwatch_decide(struct modwatch_release *r,
				     const struct modwatch_seen *s, uint64_t now_ns,
				     uint64_t grace_ns)
{
	if (!s->present) {
		r->gone = true;
		return MODWATCH_WAIT;
	}
	/* A module still loading (or going) has no tracepoints to attach to. */
	if (!s->live)
		return MODWATCH_WAIT;
	if (r->gone || s->ino != r->ino)
		return MODWATCH_REATTACH_RELOADED;
	if (now_ns - r->at_ns >= grace_ns)
		return MODWATCH_REATTACH_NOT_UNLOADED;
	return MODWATCH_WAIT;
}
