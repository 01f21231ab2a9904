// SPDX-License-Identifier: GPL-2.0
/* See khealth.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "khealth.h"
#include "output.h"

/* Text for people, cut to the buffer: a long path or detail may not fit. */
static void say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* TEXT, and "[by WHO]" when the event names the process that caused it */
static void say_by(char *buf, size_t len, const char *text, const char *w)
{
	say(buf, len, "%s%s%s%s", text, w[0] ? " [by " : "", w, w[0] ? "]" : "");
}

int khealth_from_record(const void *body, size_t len, unsigned int minor,
			struct khealth_event *e)
{
	struct bmcw_health_event h;

	memset(e, 0, sizeof(*e));
	if (len < BMCW_HEALTH_EVENT_V1_SIZE)
		return -1;
	/* an older module's event ends where its struct did */
	if (minor < 2)
		len = BMCW_HEALTH_EVENT_V1_SIZE;
	memset(&h, 0, sizeof(h));
	memcpy(&h, body, len < sizeof(h) ? len : sizeof(h));
	e->v1 = len < sizeof(h);
	e->ts_ns = h.ts_ns;
	e->kind = h.kind;
	e->err = h.err;
	snprintf(e->what, sizeof(e->what), "%.*s", (int)sizeof(h.what), h.what);
	if (e->v1)
		return 0;
	e->seq = h.seq;
	e->count = h.count;
	e->pid = h.pid;
	e->monitor = h.monitor;
	snprintf(e->comm, sizeof(e->comm), "%.*s", (int)sizeof(h.comm), h.comm);
	snprintf(e->detail, sizeof(e->detail), "%.*s", (int)sizeof(h.detail),
		 h.detail);
	return 0;
}

void khealth_from_row(const struct kmodtab_health_row *r, struct khealth_event *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = r->seq;
	e->ts_ns = r->ts_ns;
	e->count = r->count;
	e->kind = r->kind;
	e->err = r->err;
	e->pid = r->pid;
	e->monitor = r->monitor;
	snprintf(e->what, sizeof(e->what), "%s", r->what);
	snprintf(e->comm, sizeof(e->comm), "%s", r->comm);
	snprintf(e->detail, sizeof(e->detail), "%s", r->detail);
}

const char *khealth_monitor_name(unsigned int monitor, char *buf, size_t len)
{
	static const char *const names[BMCW_MON_MAX] = {
		[BMCW_MON_MODULE] = "module",
		[BMCW_MON_PCIE] = "pcie",
		[BMCW_MON_IPMI] = "ipmi",
		[BMCW_MON_DMA] = "dma",
		[BMCW_MON_LPC] = "lpc",
		[BMCW_MON_USB] = "usb",
	};

	if (monitor < BMCW_MON_MAX)
		return names[monitor];
	snprintf(buf, len, "monitor %u", monitor);
	return buf;
}

/* "rmmod (pid 321, /usr/bin/kmod)", "pid 321", or "" when not known. */
static void who(char *buf, size_t len, const struct khealth_event *e,
		const struct khealth_ctx *c)
{
	const char *exe = c->exe && c->exe[0] ? c->exe : NULL;

	if (!e->pid)
		buf[0] = '\0';
	else if (e->comm[0])
		say(buf, len, "%s (pid %u%s%s)", e->comm, e->pid,
			 exe ? ", " : "", exe ? exe : "");
	else
		say(buf, len, "pid %u%s%s", e->pid, exe ? ", " : "",
			 exe ? exe : "");
}

/* " by rmmod (pid 321)" or "" */
static void by(char *buf, size_t len, const char *w)
{
	say(buf, len, "%s%s", w[0] ? " by " : "", w);
}

static void errtext(char *buf, size_t len, int32_t err)
{
	if (err < 0 && err > -4096)
		snprintf(buf, len, "error %d: %s", err, strerror(-err));
	else
		snprintf(buf, len, "error %d", err);
}

/* "enabled 1 -> 0: ..." turns watching down. */
static bool knob_turns_down(const struct khealth_event *e, unsigned int *was,
			    unsigned int *now)
{
	if (sscanf(e->detail, "enabled %u -> %u", was, now) != 2)
		return true;	/* cannot tell: assume the worst */
	return *was && !*now;
}

/*
 * A list knob (bmc_devices, usb_bmc_devices): info when this daemon wrote
 * its own @section list at start, a warning when anyone else did (the
 * list decides what is the BMC's, @why).
 */
static void list_knob(const struct khealth_event *e, const struct khealth_ctx *c,
		      struct bmcw_alert *al, const char *b, const char *section,
		      const char *why)
{
	bool ours = e->pid && c->self > 0 && (pid_t)e->pid == c->self &&
		    !c->replayed;

	say(al->subject.locus, sizeof(al->subject.locus), "knob %s", e->what);
	say(al->message, sizeof(al->message), "bmcwatch.ko knob %s written%s: %s",
	    e->what, b, e->detail[0] ? e->detail : "list replaced");
	if (ours) {
		say(al->why, sizeof(al->why), "bmcwatchd wrote its %s list at start",
		    section);
	} else {
		al->severity = BMCW_SEV_WARNING;
		say(al->why, sizeof(al->why), "%s", why);
	}
}

static void knob(const struct khealth_event *e, const struct khealth_ctx *c,
		 const char *w, struct bmcw_alert *al)
{
	unsigned int was = 1, now = 0;
	char b[200];

	al->rule = "health.knob_changed";
	by(b, sizeof(b), w);
	if (!strcmp(e->what, "enabled")) {
		bool down = knob_turns_down(e, &was, &now);

		say(al->message, sizeof(al->message),
			 "bmcwatch.ko knob enabled written%s: %s", b,
			 e->detail[0] ? e->detail : "new value unknown");
		if (down) {
			al->severity = BMCW_SEV_WARNING;
			say(al->why, sizeof(al->why),
				 "with enabled at 0 the module stops tracing config-space and LPC events: root blinds bmcwatch this way without unloading it");
		} else {
			say(al->why, sizeof(al->why),
				 "tracing of config-space and LPC events is %s",
				 now ? "on" : "still off (it was off before)");
		}
		alert_add_extra(al, "change", "%u -> %u", was, now);
		/* one aggregate per direction: a restore is not folded into the change */
		say(al->subject.locus, sizeof(al->subject.locus), "knob enabled %u -> %u",
		    was, now);
		return;
	}
	if (!strcmp(e->what, "bmc_devices")) {
		list_knob(e, c, al, b, "[bmc]",
			  "the BMC list decides whose config writes are alerts: a function dropped from it is watched as an ordinary device; only bmcwatchd writes it (its [bmc] list, at start)");
		return;
	}
	if (!strcmp(e->what, "console_session")) {
		/* an operator's declaration: on the record, not an alarm */
		al->severity = BMCW_SEV_NOTICE;
		say(al->subject.locus, sizeof(al->subject.locus),
		    "knob console_session");
		say(al->message, sizeof(al->message),
			 "bmcwatch.ko knob console_session written%s: %s", b,
			 e->detail[0] ? e->detail : "session changed");
		say(al->why, sizeof(al->why),
			 "while a remote-console session is declared, input from the BMC's keyboards and mice is expected: recorded as usb.bmc_input_session (info) instead of usb.bmc_input");
		return;
	}
	if (!strcmp(e->what, "usb_bmc_devices")) {
		list_knob(e, c, al, b, "[usb]",
			  "the BMC USB list decides whose arrival and typing are alerts: a device dropped from it is watched as an ordinary one; bmcwatchd writes it at start only from a [usb] list");
		return;
	}
	/* a knob a newer module has: its meaning is not known here */
	al->severity = BMCW_SEV_WARNING;
	say(al->subject.locus, sizeof(al->subject.locus), "knob %s", e->what);
	say(al->message, sizeof(al->message),
		 "bmcwatch.ko knob %s written%s: %s", e->what[0] ? e->what : "?",
		 b, e->detail);
	say(al->why, sizeof(al->why),
		 "an operator knob of the module changed; this daemon does not know whether it turns watching down");
}

void khealth_alert(const struct khealth_event *e, const struct khealth_ctx *c,
		   struct bmcw_alert *al)
{
	char w[300], b[320], mon[16], err[96], t[32];
	const char *m = khealth_monitor_name(e->monitor, mon, sizeof(mon));
	struct bmcw_subject *s = &al->subject;

	memset(al, 0, sizeof(*al));
	who(w, sizeof(w), e, c);
	by(b, sizeof(b), w);
	errtext(err, sizeof(err), e->err);
	if (e->pid) {
		s->has_process = 1;
		s->pid = (pid_t)e->pid;
		snprintf(s->comm, sizeof(s->comm), "%s", e->comm);
		say(s->exe, sizeof(s->exe), "%s", c->exe ? c->exe : "");
	}
	say(s->locus, sizeof(s->locus), "%s %s", e->v1 ? "kmod" : m,
		 e->what[0] ? e->what : "-");
	if (!e->v1)
		alert_add_extra(al, "monitor", "%s", m);
	if (e->seq)
		alert_add_extra(al, "kmod_seq", "%" PRIu64, e->seq);

	switch (e->kind) {
	case BMCW_HEALTH_MODULE_UNLOADING:
		al->rule = "health.monitor_stopped";
		say(al->message, sizeof(al->message),
			 "bmcwatch.ko is being unloaded%s: host-BMC channels are no longer watched",
			 b);
		say(al->why, sizeof(al->why),
			 "unloading the monitor is what an attacker does first; it should happen only in maintenance");
		break;
	case BMCW_HEALTH_HOOK_FAILED:
		al->rule = "health.hook_failed";
		/* the module's text has the number; the extra says what it is */
		if (e->detail[0])
			say(al->message, sizeof(al->message), "%s", e->detail);
		else
			say(al->message, sizeof(al->message),
				 "bmcwatch.ko could not place its hook %s (%s)",
				 e->what, err);
		say(al->why, sizeof(al->why),
			 "what that hook sees is not watched on this host; the rest of the %s monitor still works",
			 e->v1 ? "module's" : m);
		break;
	case BMCW_HEALTH_HOOK_REMOVED:
		al->rule = "health.hook_removed";
		if (e->detail[0])
			say_by(al->message, sizeof(al->message), e->detail, w);
		else
			say(al->message, sizeof(al->message),
				 "bmcwatch.ko hook %s went away with the module it sits in; what it sees is unseen until that module is loaded again",
				 e->what);
		say(al->why, sizeof(al->why),
			 "a driver the %s monitor hooks was unloaded. Maintenance (a driver reload or upgrade) does this: the hooks come back by themselves when it is loaded again (health.hook_placed). Outside maintenance it blinds that monitor",
			 e->v1 ? "module's" : m);
		break;
	case BMCW_HEALTH_HOOK_PLACED:
		al->rule = "health.hook_placed";
		say_by(al->message, sizeof(al->message),
		       e->detail[0] ? e->detail : "hooks placed again", w);
		say(al->why, sizeof(al->why),
			 "the module the %s monitor hooks is loaded: what it sees is watched again",
			 m);
		break;
	case BMCW_HEALTH_KNOB_CHANGED:
		knob(e, c, w, al);
		break;
	case BMCW_HEALTH_OPS_FOREIGN:
		al->rule = "health.pci_ops_foreign";
		say(al->message, sizeof(al->message),
			 "another pci_ops wrapper sits on bmcwatch's: %s",
			 e->detail[0] ? e->detail : e->what);
		say(al->why, sizeof(al->why),
			 "another kernel module intercepts PCI configuration space before bmcwatch sees it: it can hide or change accesses. aer_inject (error-injection testing) does this; so does a rootkit");
		break;
	case BMCW_HEALTH_OPS_LOST:
		al->rule = "health.pci_ops_lost";
		say_by(al->message, sizeof(al->message),
		       e->detail[0] ? e->detail : "a bus lost bmcwatch's config hook; hooked again",
		       w);
		say(al->why, sizeof(al->why),
			 "a module that had wrapped the bus ops restored what it found when it went, dropping bmcwatch's wrapper: config accesses on that bus were unseen until it was hooked again");
		break;
	case BMCW_HEALTH_EVENTS_LOST:
		al->rule = "health.events_lost";
		say(al->message, sizeof(al->message),
			 "bmcwatch.ko lost %" PRIu64 " events at %s%s%s",
			 e->count, e->what[0] ? e->what : "?",
			 e->detail[0] ? ": " : "", e->detail);
		say(al->why, sizeof(al->why),
			 "events were dropped in the kernel before any BPF program could count them");
		alert_add_extra(al, "lost", "%" PRIu64, e->count);
		break;
	case BMCW_HEALTH_BLIND_SPOT:
		al->rule = "health.blind_spot";
		say(al->message, sizeof(al->message), "%s",
			 e->detail[0] ? e->detail : e->what);
		say(al->why, sizeof(al->why),
			 "the hook is placed but some calls it should see run through a copy of the code it is not on: the %s monitor misses them",
			 m);
		break;
	default:
		al->rule = "health.module_event";
		say(al->message, sizeof(al->message),
			 "bmcwatch.ko health event of kind %u (newer than this daemon) about %s%s%s%s",
			 e->kind, e->what[0] ? e->what : "?", b,
			 e->detail[0] ? ": " : "", e->detail);
		say(al->why, sizeof(al->why),
			 "the module reported a health event this daemon does not know; update bmcwatchd to match the module");
		break;
	}
	if (e->err)
		alert_add_extra(al, "err", "%s", err);
	if (c->replayed) {
		alert_add_extra(al, "replayed", "true");
		if (c->event_realtime_ns) {
			format_rfc3339_ms(c->event_realtime_ns, t);
			alert_add_extra(al, "event_time", "%s", t);
		}
		if (c->replay_why) {
			size_t n = strlen(al->message);

			say(al->message + n, sizeof(al->message) - n,
				 " [replayed: %s]", c->replay_why);
		}
	}
}

void khealth_track_reset(struct khealth_track *t, uint64_t instance, uint64_t high)
{
	t->instance = instance;
	t->high = high;
	t->bits = ~0ULL;
	t->dropped = 0;
}

void khealth_track_expect(struct khealth_track *t, uint64_t seq)
{
	if (seq && seq <= t->high && t->high - seq < KHEALTH_WINDOW)
		t->bits &= ~(1ULL << (t->high - seq));
}

bool khealth_track_take(struct khealth_track *t, uint64_t seq)
{
	uint64_t d;

	if (!t->instance || !seq)
		return true;	/* not numbered: nothing to tell them apart */
	if (seq > t->high) {
		d = seq - t->high;
		if (d >= KHEALTH_WINDOW)
			/* the whole window leaves; what it skips never was in it */
			t->dropped += KHEALTH_WINDOW - __builtin_popcountll(t->bits) +
				      (d - KHEALTH_WINDOW);
		else
			t->dropped += d - __builtin_popcountll(t->bits &
							      (~0ULL << (KHEALTH_WINDOW - d)));
		/* what is skipped over is expected: it may still come */
		t->bits = d >= KHEALTH_WINDOW ? 0 : t->bits << d;
		t->high = seq;
		t->bits |= 1;
		return true;
	}
	d = t->high - seq;
	if (d >= KHEALTH_WINDOW)
		return true;	/* older than the window: cannot tell, raise */
	if (t->bits & (1ULL << d))
		return false;
	t->bits |= 1ULL << d;
	return true;
}

size_t khealth_track_missing(const struct khealth_track *t, uint64_t *out, size_t max)
{
	size_t n = 0;

	if (!t->instance)
		return 0;
	for (int i = KHEALTH_WINDOW - 1; i >= 0 && n < max; i--) {
		if ((uint64_t)i >= t->high)
			continue;	/* before sequence number 1 */
		if (!(t->bits & (1ULL << i)))
			out[n++] = t->high - (uint64_t)i;
	}
	return n;
}
