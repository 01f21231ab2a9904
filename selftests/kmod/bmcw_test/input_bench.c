// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "input_bench": write "inputN COUNT" to press and release a key
 * (KEY_F24: no console action) COUNT times on input device inputN,
 * through input_inject_event() as a keyboard's driver would report them
 * (key, SYN_REPORT; release, SYN_REPORT), then read "count=COUNT ns=T":
 * what the input core and every handler bound to the device (the
 * console, evdev, bmcwatch's counter on a BMC keyboard) took. The USB
 * and HID layers below are not in it: the added cost of a handler is the
 * same on the real path, and this part of it is what it adds to.
 * The handles used to inject are bound on the first write and never
 * opened, so they receive nothing.
 */
#include <linux/debugfs.h>
#include <linux/input.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "bmcw_test.h"

static DEFINE_MUTEX(inj_lock);
static bool inj_registered;
static char inj_result[64];

static int inj_connect(struct input_handler *handler, struct input_dev *dev,
		       const struct input_device_id *id)
{
	struct input_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int err;

	if (!h)
		return -ENOMEM;
	h->dev = dev;
	h->handler = handler;
	h->name = "bmcw_test_inject";
	err = input_register_handle(h);
	if (err)
		kfree(h);
	return err;
}

static void inj_disconnect(struct input_handle *h)
{
	input_unregister_handle(h);
	kfree(h);
}

static const struct input_device_id inj_ids[] = {
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { BIT_MASK(EV_KEY) } },
	{ },
};

static struct input_handler inj_handler = {
	.name = "bmcw_test_inject",
	.connect = inj_connect,
	.disconnect = inj_disconnect,
	.id_table = inj_ids,
};

struct inj_run {
	const char *name;
	unsigned int n;
	int err;		/* -ENODEV until the device is found */
	u64 ns;
};

/*
 * On our handle of the device named: inject there, under the walk's RCU
 * read lock, so the handle cannot go (unregistering it waits for RCU).
 */
static int inj_one(struct input_handle *h, void *data)
{
	struct inj_run *r = data;
	unsigned int i;
	u64 t0;

	if (strcmp(dev_name(&h->dev->dev), r->name))
		return 0;
	if (!test_bit(KEY_F24, h->dev->keybit)) {
		r->err = -EOPNOTSUPP;
		return 1;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < r->n; i++) {
		input_inject_event(h, EV_KEY, KEY_F24, 1);
		input_inject_event(h, EV_SYN, SYN_REPORT, 0);
		input_inject_event(h, EV_KEY, KEY_F24, 0);
		input_inject_event(h, EV_SYN, SYN_REPORT, 0);
	}
	r->ns = ktime_get_ns() - t0;
	r->err = 0;
	return 1;
}

static ssize_t inj_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	char buf[64], name[32];
	struct inj_run run = { .name = name };
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	/* at most 100000: the walk holds the RCU read lock throughout */
	if (sscanf(buf, "%31s %u", name, &run.n) != 2 || !run.n ||
	    run.n > 100000)
		return -EINVAL;
	mutex_lock(&inj_lock);
	if (!inj_registered) {
		ret = input_register_handler(&inj_handler);
		if (ret)
			goto out;
		inj_registered = true;
	}
	run.err = -ENODEV;
	input_handler_for_each_handle(&inj_handler, &run, inj_one);
	ret = run.err;
	if (!ret)
		snprintf(inj_result, sizeof(inj_result), "count=%u ns=%llu\n",
			 run.n, run.ns);
out:
	mutex_unlock(&inj_lock);
	return ret ? ret : len;
}

static ssize_t inj_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, inj_result,
				       strlen(inj_result));
}

static const struct file_operations inj_fops = {
	.owner = THIS_MODULE,
	.write = inj_write,
	.read = inj_read,
};

void bmcw_test_input_bench_init(struct dentry *dir)
{
	debugfs_create_file("input_bench", 0600, dir, NULL, &inj_fops);
}

void bmcw_test_input_bench_exit(void)
{
	mutex_lock(&inj_lock);
	if (inj_registered)
		input_unregister_handler(&inj_handler);
	inj_registered = false;
	mutex_unlock(&inj_lock);
}
