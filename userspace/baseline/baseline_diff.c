// SPDX-License-Identifier: GPL-2.0
/* See baseline.h: differences between two inventories, as alerts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bmcwatch.h>

#include "baseline.h"

const char *baseline_change_name(enum baseline_change_kind k)
{
	switch (k) {
	case BASELINE_ADDED:	return "added";
	case BASELINE_REMOVED:	return "removed";
	case BASELINE_CHANGED:	return "changed";
	}
	return "unknown";
}

static void changed_fields(const struct inv_fn *a, const struct inv_fn *b, char *buf,
			   size_t len)
{
	size_t used = 0;

#define FIELD(cond, name) do {						\
	if ((cond) && used < len)					\
		used += snprintf(buf + used, len - used, "%s%s",	\
				 used ? "," : "", name);		\
} while (0)
	buf[0] = '\0';
	FIELD(a->vendor != b->vendor, "vendor");
	FIELD(a->device != b->device, "device");
	FIELD(a->subvendor != b->subvendor || a->subdevice != b->subdevice, "subsystem");
	FIELD(a->class != b->class, "class");
	FIELD(a->revision != b->revision, "revision");
	FIELD(a->hdr_type != b->hdr_type, "header");
	/* BARs, capabilities, link or the path above: only the hash says so */
	FIELD(a->fingerprint != b->fingerprint, "fingerprint");
#undef FIELD
}

static int push(struct baseline_change **v, size_t *n, size_t *cap,
		const struct baseline_change *c)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct baseline_change *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *c;
	return 0;
}

int baseline_diff(const struct inventory *old, const struct inventory *cur,
		  struct baseline_change **out, size_t *n)
{
	size_t i = 0, j = 0, cap = 0;
	struct baseline_change *v = NULL;

	*n = 0;
	/* Both are sorted by bdf: one merge pass. */
	while (i < old->n || j < cur->n) {
		struct baseline_change c = { 0 };
		int cmp = i == old->n ? 1 : j == cur->n ? -1 :
			  strcmp(old->fn[i].bdf, cur->fn[j].bdf);

		if (cmp < 0) {
			c.kind = BASELINE_REMOVED;
			c.was = old->fn[i++];
		} else if (cmp > 0) {
			c.kind = BASELINE_ADDED;
			c.now = cur->fn[j++];
		} else {
			c.kind = BASELINE_CHANGED;
			c.was = old->fn[i++];
			c.now = cur->fn[j++];
			changed_fields(&c.was, &c.now, c.fields, sizeof(c.fields));
			if (!c.fields[0])
				continue;
		}
		if (push(&v, n, &cap, &c)) {
			free(v);
			*n = 0;
			return -1;
		}
	}
	*out = v;
	return 0;
}

#define BMC_RELATED (BMCW_FN_BMC | BMCW_FN_BMC_UPSTREAM | BMCW_FN_BMC_ALIAS)

void baseline_change_alert(const struct baseline_change *c, struct bmcw_alert *a)
{
	const struct inv_fn *f = c->kind == BASELINE_REMOVED ? &c->was : &c->now;
	struct bmcw_subject *s = &a->subject;
	bool bmc = (c->was.flags | c->now.flags) & BMC_RELATED;

	memset(a, 0, sizeof(*a));
	s->has_device = 1;
	snprintf(s->bdf, sizeof(s->bdf), "%s", f->bdf);
	s->vendor = f->vendor;
	s->device = f->device;
	s->fn_flags = f->flags;
	snprintf(s->locus, sizeof(s->locus), "baseline");
	alert_add_extra(a, "class", "0x%06x", f->class);
	alert_add_extra(a, "fingerprint", "%016" PRIx64, f->fingerprint);
	/* SR-IOV VFs come and go with sriov_numvfs, as they do live */
	if (c->kind != BASELINE_CHANGED && (f->flags & BMCW_FN_VIRTFN) && !bmc) {
		bool added = c->kind == BASELINE_ADDED;

		a->rule = added ? "pcie.vf_added" : "pcie.vf_removed";
		a->severity = BMCW_SEV_INFO;
		snprintf(a->message, sizeof(a->message),
			 "SR-IOV virtual function %s (%04x:%04x class %06x) %s the baseline",
			 f->bdf, f->vendor, f->device, f->class,
			 added ? "is not in" : "in the baseline is gone from");
		snprintf(a->why, sizeof(a->why),
			 "the kernel creates and removes virtual functions when SR-IOV is configured (sriov_numvfs)");
		return;
	}
	switch (c->kind) {
	case BASELINE_ADDED:
		a->rule = "pcie.device_added";
		a->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s (%04x:%04x class %06x) is not in the baseline",
			 f->bdf, f->vendor, f->device, f->class);
		snprintf(a->why, sizeof(a->why),
			 "the function appeared since the baseline was learnt; an implant or a BMC exposing a new function looks like this");
		break;
	case BASELINE_REMOVED:
		a->rule = "pcie.device_removed";
		a->severity = bmc ? BMCW_SEV_WARNING : BMCW_SEV_NOTICE;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s (%04x:%04x class %06x) in the baseline is gone",
			 f->bdf, f->vendor, f->device, f->class);
		snprintf(a->why, sizeof(a->why),
			 "a function disappeared since the baseline was learnt: removed hardware, a changed BIOS setting or a device hiding itself");
		break;
	case BASELINE_CHANGED:
		a->rule = "pcie.device_changed";
		a->severity = bmc ? BMCW_SEV_CRITICAL : BMCW_SEV_WARNING;
		snprintf(a->message, sizeof(a->message),
			 "PCI function %s changed since the baseline (%s): was %04x:%04x class %06x rev %02x, now %04x:%04x class %06x rev %02x",
			 f->bdf, c->fields, c->was.vendor, c->was.device, c->was.class,
			 c->was.revision, c->now.vendor, c->now.device, c->now.class,
			 c->now.revision);
		snprintf(a->why, sizeof(a->why),
			 "its identity (ids, class, BARs, capabilities or the bridges above it) differs from the baseline: replaced firmware or hardware");
		alert_add_extra(a, "changed", "%s", c->fields);
		alert_add_extra(a, "old_fingerprint", "%016" PRIx64, c->was.fingerprint);
		break;
	}
}

