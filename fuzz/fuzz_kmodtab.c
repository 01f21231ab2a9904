// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for what the daemon reads about bmcwatch.ko itself
 * (kmodtab.c: the debugfs hooks, losses and health tables, abi_version),
 * fed line by line as the daemon reads them, and for the kernel view a
 * previous daemon left in its status file (prev_run_kernel()). Every line
 * goes to every parser. A refused or foreign line leaves nothing behind;
 * a row's strings are terminated within their buffers and say what the
 * format allows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmodtab.h"
#include "prev_run.h"

static void terminated(const char *s, size_t len)
{
	if (!memchr(s, '\0', len))
		abort();
}

static void no_space(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\n')
			abort();
}

static void zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			abort();
}

static void check(const char *line)
{
	struct kmodtab_health_head hd;
	struct kmodtab_health_row hr;
	struct kmodtab_hook h;
	struct kmodtab_loss l;
	unsigned int maj, min;
	int r;

	r = kmodtab_hook_parse(line, &h);
	if (r != KMODTAB_ROW) {
		zero(&h, sizeof(h));
	} else {
		terminated(h.monitor, sizeof(h.monitor));
		terminated(h.symbol, sizeof(h.symbol));
		terminated(h.kind, sizeof(h.kind));
		terminated(h.module, sizeof(h.module));
		terminated(h.unseen, sizeof(h.unseen));
		no_space(h.monitor);
		no_space(h.symbol);
		if (!h.symbol[0] || (unsigned int)h.state >= KMODTAB_HOOK_STATES ||
		    strncmp(line, "hook=", 5))
			abort();
		kmodtab_hook_state_name(h.state);
	}

	r = kmodtab_loss_parse(line, &l);
	if (r != KMODTAB_ROW) {
		zero(&l, sizeof(l));
	} else {
		terminated(l.name, sizeof(l.name));
		terminated(l.what, sizeof(l.what));
		no_space(l.name);
		if (!l.name[0] || !strstr(line, "count="))
			abort();
	}

	r = kmodtab_health_head_parse(line, &hd);
	if (r != KMODTAB_ROW)
		zero(&hd, sizeof(hd));
	else if (!hd.instance)
		abort();

	r = kmodtab_health_parse(line, &hr);
	if (r != KMODTAB_ROW) {
		zero(&hr, sizeof(hr));
	} else {
		terminated(hr.comm, sizeof(hr.comm));
		terminated(hr.what, sizeof(hr.what));
		terminated(hr.detail, sizeof(hr.detail));
		no_space(hr.comm);
		no_space(hr.what);
		if (!hr.seq)
			abort();
		/* the detail is for people: no control bytes reach an output */
		for (const char *p = hr.detail; *p; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				abort();
	}

	if (!kmodtab_abi_parse(line, &maj, &min) && (maj > 0xffff || min > 0xffff))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	static struct prev_kernel pk;	/* large: keep it off the stack */

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!prev_run_kernel((const char *)data, size, &pk)) {
		if (!pk.instance || pk.n > PREV_KERNEL_MAX)
			abort();
		for (size_t i = 0; i < pk.n; i++)
			terminated(pk.c[i].name, sizeof(pk.c[i].name));
		prev_kernel_count(&pk, "loss:health_overwritten");
	} else if (pk.instance || pk.n) {
		abort();
	}
	/* each line on its own, as fgets() gives them (NULs end the text) */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		check(line);
	free(text);
	return 0;
}
