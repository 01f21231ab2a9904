// SPDX-License-Identifier: GPL-2.0
/* See traffic.h. */
#include <stdlib.h>
#include <string.h>

#include "traffic.h"

int rate_window_add(struct rate_window *w, uint64_t window_ns, uint64_t now_ns,
		    uint64_t n, uint64_t limit)
{
	if (!n)
		return 0;
	if (!w->start_ns || now_ns - w->start_ns >= window_ns) {
		w->start_ns = now_ns ? now_ns : 1;
		w->count = 0;
		w->reported = false;
	}
	w->count = w->count + n < w->count ? UINT64_MAX : w->count + n;
	if (w->count <= limit || w->reported)
		return 0;
	w->reported = true;
	return 1;
}

uint64_t traffic_limit(uint64_t learned_max, unsigned int factor, unsigned int floor)
{
	uint64_t l = learned_max * factor;

	if (factor && l / factor != learned_max)
		l = UINT64_MAX;		/* saturate */
	return l < floor ? floor : l;
}

void traffic_learner_init(struct traffic_learner *t, unsigned int window_s,
			  uint64_t now_ns)
{
	memset(t, 0, sizeof(*t));
	t->window_ns = (uint64_t)(window_s ? window_s : 1) * 1000000000ULL;
	t->win_start = now_ns;
}

void traffic_learner_free(struct traffic_learner *t)
{
	free(t->ipmi);
	free(t->irq);
	memset(t, 0, sizeof(*t));
}

static void close_window(struct tl_count *c)
{
	c->total += c->cur;
	if (c->cur > c->max)
		c->max = c->cur;
	c->cur = 0;
}

void traffic_learner_tick(struct traffic_learner *t, uint64_t now_ns)
{
	while (now_ns >= t->win_start && now_ns - t->win_start >= t->window_ns) {
		close_window(&t->attention);
		for (size_t i = 0; i < t->n_ipmi; i++)
			close_window(&t->ipmi[i].c);
		for (size_t i = 0; i < t->n_irq; i++)
			close_window(&t->irq[i].c);
		t->windows++;
		t->win_start += t->window_ns;
	}
}

/* Room for one more element in *v (n used of *cap); 0 or -1. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t nc;
	void *nv;

	if (n < *cap)
		return 0;
	if (n >= BASELINE_MAX_ENTRIES)
		return -1;
	nc = *cap ? *cap * 2 : 16;
	nv = realloc(*v, nc * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = nc;
	return 0;
}

int traffic_learn_ipmi(struct traffic_learner *t, uint8_t netfn, uint8_t cmd,
		       uint8_t dir, uint8_t origin, uint64_t n)
{
	struct tl_ipmi *e;

	/* A few dozen keys: a scan is cheaper than keeping an index. */
	for (size_t i = 0; i < t->n_ipmi; i++) {
		e = &t->ipmi[i];
		if (e->netfn == netfn && e->cmd == cmd && e->dir == dir &&
		    e->origin == origin) {
			e->c.cur += n;
			return 0;
		}
	}
	if (grow((void **)&t->ipmi, &t->cap_ipmi, t->n_ipmi, sizeof(*t->ipmi)))
		return -1;
	e = &t->ipmi[t->n_ipmi++];
	memset(e, 0, sizeof(*e));
	e->netfn = netfn;
	e->cmd = cmd;
	e->dir = dir;
	e->origin = origin;
	e->c.cur = n;
	return 0;
}

int traffic_learn_irq(struct traffic_learner *t, const char *bdf,
		      unsigned int vector, unsigned int irq, uint64_t n)
{
	struct tl_irq *e;

	if (strlen(bdf) >= sizeof(e->bdf))
		return -1;
	for (size_t i = 0; i < t->n_irq; i++) {
		e = &t->irq[i];
		if (e->vector == vector && !strcmp(e->bdf, bdf)) {
			e->c.cur += n;
			e->irq = irq;
			return 0;
		}
	}
	if (grow((void **)&t->irq, &t->cap_irq, t->n_irq, sizeof(*t->irq)))
		return -1;
	e = &t->irq[t->n_irq++];
	memset(e, 0, sizeof(*e));
	strcpy(e->bdf, bdf);
	e->vector = vector;
	e->irq = irq;
	e->c.cur = n;
	return 0;
}

void traffic_learn_attention(struct traffic_learner *t, uint64_t n)
{
	t->attention.cur += n;
}

void traffic_learn_identity(struct traffic_learner *t, enum baseline_ident_kind k,
			    const uint8_t *b, size_t len)
{
	struct baseline_ident *d;

	if ((unsigned int)k >= BASELINE_ID_COUNT || !len)
		return;
	d = &t->id[k];
	d->len = len > BASELINE_ID_BYTES ? BASELINE_ID_BYTES : len;
	memcpy(d->b, b, d->len);
	d->seen = true;
}

static void rate_of(const struct traffic_learner *t, const struct tl_count *c,
		    struct baseline_rate *r)
{
	r->count = c->total;
	r->max = c->max;
	r->mean = t->windows ? (double)c->total / t->windows : 0;
}

int traffic_learner_result(const struct traffic_learner *t, struct baseline_traffic *out)
{
	memset(out, 0, sizeof(*out));
	out->window_s = t->window_ns / 1000000000ULL;
	out->windows = t->windows;
	rate_of(t, &t->attention, &out->attention);
	for (size_t i = 0; i < t->n_ipmi; i++) {
		struct baseline_ipmi_cmd c = {
			.netfn = t->ipmi[i].netfn, .cmd = t->ipmi[i].cmd,
			.dir = t->ipmi[i].dir, .origin = t->ipmi[i].origin,
		};

		rate_of(t, &t->ipmi[i].c, &c.r);
		if (baseline_add_ipmi(out, &c))
			goto fail;
	}
	for (size_t i = 0; i < t->n_irq; i++) {
		struct baseline_irq q = {
			.vector = t->irq[i].vector, .irq = t->irq[i].irq,
		};

		strcpy(q.bdf, t->irq[i].bdf);
		rate_of(t, &t->irq[i].c, &q.r);
		if (baseline_add_irq(out, &q))
			goto fail;
	}
	memcpy(out->id, t->id, sizeof(out->id));
	baseline_traffic_sort(out);
	return 0;
fail:
	baseline_traffic_free(out);
	return -1;
}
