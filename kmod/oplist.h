/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An operator's list of devices (bmc_devices, usb_bmc_devices): parsed
 * entries published under RCU and replaced whole, so that a matcher on
 * any path reads a consistent list without a lock, and a bad write
 * changes nothing.
 */
#ifndef _BMCW_OPLIST_H
#define _BMCW_OPLIST_H

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

struct bmcw_oplist {
	struct rcu_head rcu;
	unsigned int n;
	unsigned long e[];	/* n entries of the type's size */
};

struct bmcw_oplist_type {
	const char *knob;		/* its sysfs and parameter name */
	const char *dropped;		/* "functions", "devices" */
	u8 monitor;			/* BMCW_MON_*, for the health event */
	unsigned int max;		/* entries at most */
	size_t entry_size;
	int (*parse)(const char *tok, void *entry);	/* 0 or -EINVAL */
	int (*show)(const void *entry, char *buf, size_t len);
	void (*changed)(void);		/* after a run-time change; may be NULL */
};

struct bmcw_oplist_head {
	const struct bmcw_oplist_type *type;
	struct bmcw_oplist __rcu *cur;
	struct mutex lock;		/* writers */
};

/* Entry @i of @l (in an RCU read-side section that dereferenced @l). */
static inline const void *bmcw_oplist_at(const struct bmcw_oplist_head *h,
					 const struct bmcw_oplist *l,
					 unsigned int i)
{
	return (const char *)l->e + i * h->type->entry_size;
}

int bmcw_oplist_set(struct bmcw_oplist_head *h, const char *buf);
unsigned int bmcw_oplist_count(struct bmcw_oplist_head *h);
int bmcw_oplist_get(struct bmcw_oplist_head *h, char *buf, size_t len);
ssize_t bmcw_oplist_store(struct bmcw_oplist_head *h, const char *buf,
			  size_t len);
void bmcw_oplist_clear(struct bmcw_oplist_head *h);

/* module_param_cb(NAME, &bmcw_oplist_param_ops, &HEAD, 0400) */
extern const struct kernel_param_ops bmcw_oplist_param_ops;

#endif /* _BMCW_OPLIST_H */
