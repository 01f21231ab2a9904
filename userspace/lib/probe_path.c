// SPDX-License-Identifier: GPL-2.0
/* See probe_path.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe_path.h"

const char *probe_path_name(enum probe_path p)
{
	switch (p) {
	case PROBE_FENTRY:		return "fentry";
	case PROBE_KPROBE_MULTI:	return "kprobe.multi";
	case PROBE_KPROBE:		return "kprobe";
	default:			return "?";
	}
}

const char *probe_path_how(enum probe_path p)
{
	switch (p) {
	case PROBE_FENTRY:		return "BPF trampoline";
	case PROBE_KPROBE_MULTI:	return "fprobe link";
	case PROBE_KPROBE:		return "perf_event_open";
	default:			return "?";
	}
}

unsigned int probe_load_next(unsigned int avail, unsigned int tried)
{
	static const unsigned int order[] = {
		PROBE_ALL,
		PROBE_BIT(PROBE_FENTRY) | PROBE_BIT(PROBE_KPROBE),
		PROBE_BIT(PROBE_KPROBE_MULTI) | PROBE_BIT(PROBE_KPROBE),
		PROBE_BIT(PROBE_KPROBE),
	};

	avail &= PROBE_ALL;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned int set = order[i] & avail;

		if (set && !(tried & (1U << set)))
			return set;
	}
	return 0;
}

void probe_try_init(struct probe_try *t)
{
	memset(t, 0, sizeof(*t));
	t->placed = -1;
}

void probe_try_result(struct probe_try *t, enum probe_path p, int err)
{
	if (p >= PROBE_NPATHS || probe_try_placed(t))
		return;
	if (!err)
		t->placed = p;
	else
		t->err[p] = err;
}

void probe_try_unloaded(struct probe_try *t, enum probe_path p, int err)
{
	if (p >= PROBE_NPATHS || probe_try_placed(t) || t->err[p])
		return;
	/* never loaded: -1, which no errno is */
	t->err[p] = err ? err : -1;
	t->unloaded |= PROBE_BIT(p);
}

bool probe_try_placed(const struct probe_try *t)
{
	return t->placed >= 0;
}

static const char *path_strerror(enum probe_path p, int err)
{
	switch (p) {
	case PROBE_FENTRY:
		/* libbpf's answer for a name in no BTF, and ours */
		if (err == ESRCH || err == ENOENT)
			return "not in the kernel's BTF";
		break;
	case PROBE_KPROBE_MULTI:
		if (err == EOPNOTSUPP)
			return "no fprobe in this kernel (CONFIG_FPROBE off)";
		/* attributes the kernel does not know: before 5.18 */
		if (err == E2BIG)
			return "no kprobe_multi links in this kernel (before 5.18)";
		break;
	case PROBE_KPROBE:
		if (err == EACCES)
			return "Permission denied (perf_event_open(2) wants CAP_SYS_ADMIN at perf_event_paranoid > 2)";
		break;
	default:
		break;
	}
	return strerror(err);
}

const char *probe_try_error(const struct probe_try *t, enum probe_path p,
			    char *buf, size_t len)
{
	int err = p < PROBE_NPATHS ? t->err[p] : 0;

	if (!len)
		return buf;
	if (!err)
		buf[0] = '\0';
	else if (!(t->unloaded & PROBE_BIT(p)))
		snprintf(buf, len, "%s", path_strerror(p, err));
	else if (err < 0)
		snprintf(buf, len, "not loaded");
	else
		snprintf(buf, len, "not loaded (%s)", strerror(err));
	return buf;
}

void probe_try_errors(const struct probe_try *t, char *buf, size_t len)
{
	char one[160];
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int p = 0; p < PROBE_NPATHS && used < len; p++) {
		if (!t->err[p])
			continue;
		used += snprintf(buf + used, len - used, "%s%s: %s", used ? "; " : "",
				 probe_path_name(p), probe_try_error(t, p, one, sizeof(one)));
	}
}
