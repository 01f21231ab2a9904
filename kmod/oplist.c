// SPDX-License-Identifier: GPL-2.0
/*
 * Operator lists of devices (oplist.h): written whole from a module
 * parameter at load or a sysfs knob at run time, read under RCU by the
 * matchers.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "bmcwatch.h"
#include "oplist.h"

/*
 * Replace the list with the tokens of @buf (separated by spaces, commas,
 * tabs or newlines; empty clears it). Nothing changes on error.
 */
int bmcw_oplist_set(struct bmcw_oplist_head *h, const char *buf)
{
	const struct bmcw_oplist_type *t = h->type;
	struct bmcw_oplist *nl, *ol;
	char *copy, *cur, *tok;
	int ret = 0;

	nl = kzalloc(struct_size(nl, e, 0) + t->max * t->entry_size,
		     GFP_KERNEL);
	copy = kstrdup(buf, GFP_KERNEL);
	if (!nl || !copy) {
		ret = -ENOMEM;
		goto out;
	}
	cur = copy;
	while ((tok = strsep(&cur, " ,\t\n")) != NULL) {
		if (!*tok)
			continue;
		if (nl->n == t->max ||
		    t->parse(tok, (char *)nl->e + nl->n * t->entry_size)) {
			ret = -EINVAL;
			goto out;
		}
		nl->n++;
	}
	mutex_lock(&h->lock);
	ol = rcu_replace_pointer(h->cur, nl, lockdep_is_held(&h->lock));
	mutex_unlock(&h->lock);
	nl = NULL;
	if (ol)
		kfree_rcu(ol, rcu);
out:
	kfree(copy);
	kfree(nl);
	return ret;
}

unsigned int bmcw_oplist_count(struct bmcw_oplist_head *h)
{
	struct bmcw_oplist *l;
	unsigned int n;

	rcu_read_lock();
	l = rcu_dereference(h->cur);
	n = l ? l->n : 0;
	rcu_read_unlock();
	return n;
}

/* The entries as the parser takes them, space separated, and a newline. */
int bmcw_oplist_get(struct bmcw_oplist_head *h, char *buf, size_t len)
{
	struct bmcw_oplist *l;
	unsigned int i;
	int n = 0;

	rcu_read_lock();
	l = rcu_dereference(h->cur);
	for (i = 0; l && i < l->n; i++) {
		if (i)
			n += scnprintf(buf + n, len - n, " ");
		n += h->type->show(bmcw_oplist_at(h, l, i), buf + n, len - n);
	}
	rcu_read_unlock();
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

/* A sysfs write: the list replaced, its users told, a health event. */
ssize_t bmcw_oplist_store(struct bmcw_oplist_head *h, const char *buf,
			  size_t len)
{
	const struct bmcw_oplist_type *t = h->type;
	unsigned int before, after;
	int ret;

	/* The parser sees a C string: a NUL must not cut the list short. */
	if (strnlen(buf, len) != len)
		return -EINVAL;
	before = bmcw_oplist_count(h);
	ret = bmcw_oplist_set(h, buf);
	if (ret)
		return ret;
	after = bmcw_oplist_count(h);
	if (t->changed)
		t->changed();
	bmcw_health_by_current(t->monitor, BMCW_HEALTH_KNOB_CHANGED, 0, t->knob,
			       "%s %u -> %u entries: %s dropped are watched as ordinary devices",
			       t->knob, before, after, t->dropped);
	return len;
}

/* At unload: nothing reads the list any more. */
void bmcw_oplist_clear(struct bmcw_oplist_head *h)
{
	struct bmcw_oplist *l;

	mutex_lock(&h->lock);
	l = rcu_replace_pointer(h->cur, NULL, lockdep_is_held(&h->lock));
	mutex_unlock(&h->lock);
	if (l)
		kfree_rcu(l, rcu);
}

static int param_set(const char *val, const struct kernel_param *kp)
{
	return bmcw_oplist_set(kp->arg, val);
}

static int param_get(char *buf, const struct kernel_param *kp)
{
	return bmcw_oplist_get(kp->arg, buf, PAGE_SIZE);
}

/*
 * Read-only once loaded (perm 0400): a parameter's set op sees a C string,
 * so a write with an embedded NUL would be taken for its first part.
 * Run-time changes go through the sysfs knob, which rejects that.
 */
const struct kernel_param_ops bmcw_oplist_param_ops = {
	.set = param_set,
	.get = param_get,
};
