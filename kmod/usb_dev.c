// SPDX-License-Identifier: GPL-2.0
/*
 * USB devices as they come and go: a USB notifier (USB_DEVICE_ADD is sent
 * once the device is configured, so its interfaces are known; REMOVE as
 * it goes) feeds the bmcwatch_usb_dev tracepoint and the debugfs "usb"
 * table of the devices present (all but root hubs), each with whether it
 * is a BMC's (usb_match.c). Nothing here runs per transfer.
 *
 * usbcore is a module on most distributions: its functions are taken with
 * symbol_get(), so that bmcwatch loads without it (nothing to watch
 * then: the hooks are reported unused, and placed when usbcore comes) and
 * keeps usbcore loaded while it is registered there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include "bmcwatch.h"
#include "hook.h"
#include "usb_trace.h"

/* One device present, as the debugfs table shows it. */
struct usb_entry {
	struct list_head node;
	const struct usb_device *udev;	/* identity only, never followed */
	struct bmcw_usb_dev d;
};

static LIST_HEAD(present);
static DEFINE_MUTEX(present_lock);
static struct dentry *dbg_file;

static void (*reg_notify)(struct notifier_block *nb);
static void (*unreg_notify)(struct notifier_block *nb);
static int (*for_each_dev)(void *data,
			   int (*fn)(struct usb_device *udev, void *data));
static bool notifier_on;		/* attached to usbcore */
static bool module_nb_on;
static DEFINE_MUTEX(attach_lock);	/* attaching and detaching */

static struct bmcw_hook hooks[] = {
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "usb_register_notify" },
	  .unseen = "USB devices appearing and disappearing (virtual media, BMC keyboards)" },
	{ .kind = BMCW_HOOK_EXTERNAL, .syms = { "input_register_handler" },
	  .unseen = "input from BMC USB keyboards and mice" },
};

#define NOTIFY_HOOK	(&hooks[0])
#define INPUT_HOOK	(&hooks[1])

static struct bmcw_hook_set usb_hooks = {
	.monitor = BMCW_MON_USB,
	.name = "usb",
	.hooks = hooks,
	.nr = ARRAY_SIZE(hooks),
};

static void copy_str(char *dst, const char *src, size_t len)
{
	strscpy(dst, src ? src : "", len);
}

/* Fill @d for @udev, which the caller holds (notifier, device walk). */
static void describe(struct usb_device *udev, u8 change,
		     struct bmcw_usb_dev *d)
{
	struct usb_host_config *cfg = udev->actconfig;
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->ts_ns = ktime_get_ns();
	d->busnum = udev->bus->busnum;
	d->devnum = udev->devnum;
	d->vendor = le16_to_cpu(udev->descriptor.idVendor);
	d->product = le16_to_cpu(udev->descriptor.idProduct);
	d->bcd_device = le16_to_cpu(udev->descriptor.bcdDevice);
	d->dev_class = udev->descriptor.bDeviceClass;
	d->speed = udev->speed;
	d->change = change;
	d->flags = bmcw_usb_bmc_flags(udev);
	if (bmcw_console_session_left())
		d->flags |= BMCW_USB_F_SESSION;
	copy_str(d->name, dev_name(&udev->dev), sizeof(d->name));
	bmcw_usb_port_path(udev, d->port, sizeof(d->port));
	copy_str(d->manufacturer, udev->manufacturer, sizeof(d->manufacturer));
	copy_str(d->product_name, udev->product, sizeof(d->product_name));
	if (!cfg)
		return;
	d->nr_ifs = min_t(unsigned int, cfg->desc.bNumInterfaces,
			  BMCW_USB_MAX_IFS);
	for (i = 0; i < d->nr_ifs && cfg->interface[i]; i++) {
		const struct usb_interface_descriptor *id =
			&cfg->interface[i]->cur_altsetting->desc;

		d->ifs[i] = (struct bmcw_usb_if){
			.number = id->bInterfaceNumber,
			.cls = id->bInterfaceClass,
			.subcls = id->bInterfaceSubClass,
			.proto = id->bInterfaceProtocol,
		};
	}
}

static struct usb_entry *find(const struct usb_device *udev)
{
	struct usb_entry *e;

	list_for_each_entry(e, &present, node)
		if (e->udev == udev)
			return e;
	return NULL;
}

/* Under present_lock. */
static void device_added(struct usb_device *udev, u8 change)
{
	struct usb_entry *e = find(udev);

	if (!e) {
		e = kzalloc(sizeof(*e), GFP_KERNEL);
		if (!e)
			return;
		e->udev = udev;
		list_add_tail(&e->node, &present);
	}
	describe(udev, change, &e->d);
	bmcw_trace(trace_bmcwatch_usb_dev(&e->d));
}

static void device_removed(struct usb_device *udev)
{
	struct usb_entry *e = find(udev);
	struct bmcw_usb_dev d;

	describe(udev, BMCW_DEV_REMOVED, &d);
	if (e) {
		/* what it was when it came: the descriptors may be gone */
		d.flags = e->d.flags;
		d.nr_ifs = e->d.nr_ifs;
		memcpy(d.ifs, e->d.ifs, sizeof(d.ifs));
		list_del(&e->node);
		kfree(e);
	}
	bmcw_trace(trace_bmcwatch_usb_dev(&d));
}

static int usb_event(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	struct usb_device *udev = data;

	if (!udev->parent)	/* a root hub: the host controller's own */
		return NOTIFY_DONE;
	mutex_lock(&present_lock);
	if (action == USB_DEVICE_ADD)
		device_added(udev, BMCW_DEV_ADDED);
	else if (action == USB_DEVICE_REMOVE)
		device_removed(udev);
	mutex_unlock(&present_lock);
	return NOTIFY_DONE;
}

static struct notifier_block usb_nb = {
	.notifier_call = usb_event,
};

static int walk_one(struct usb_device *udev, void *unused)
{
	/*
	 * Its configuration is read under its lock. Only tried: the hub
	 * thread holds it while it sends ADD or REMOVE, which waits for
	 * present_lock, held here. A device busy now (being configured,
	 * reset, removed) is left to its own notification.
	 */
	if (!udev->parent || !device_trylock(&udev->dev))
		return 0;
	/* gone already: its REMOVE may have been sent before this walk */
	if (udev->state != USB_STATE_NOTATTACHED && !find(udev))
		device_added(udev, BMCW_DEV_PRESENT);
	device_unlock(&udev->dev);
	return 0;
}

static int reclassify_one(struct usb_device *udev, void *unused)
{
	struct usb_entry *e = find(udev);

	if (e)
		e->d.flags = bmcw_usb_bmc_flags(udev);
	return 0;
}

/* Re-read every entry's BMC flags (the operator's list changed). */
void bmcw_usb_reclassify(void)
{
	mutex_lock(&present_lock);
	if (for_each_dev)	/* NULL once unloading */
		for_each_dev(NULL, reclassify_one);
	mutex_unlock(&present_lock);
}

struct find_ctx {
	struct device *dev;
	struct usb_device *udev;
};

static int is_this(struct usb_device *udev, void *data)
{
	struct find_ctx *c = data;

	if (&udev->dev != c->dev)
		return 0;
	c->udev = udev;
	return 1;
}

/*
 * The flags of the USB device @dev sits under (the nearest: a hub above
 * it is on the path too), 0 if none or not a BMC's; its identity in @id.
 * A parent is a USB device if USB lists it (no type checks of usbcore's
 * internals). @dev holds its parents: they stay while we look.
 */
u32 bmcw_usb_bmc_of(struct device *dev, struct bmcw_usb_input *id)
{
	struct find_ctx c = { };
	struct device *d;
	u32 flags;

	if (!for_each_dev)
		return 0;
	for (d = dev->parent; d && !c.udev; d = d->parent) {
		c.dev = d;
		for_each_dev(&c, is_this);
	}
	if (!c.udev)
		return 0;
	flags = bmcw_usb_bmc_flags(c.udev);
	if (flags && id) {
		id->busnum = c.udev->bus->busnum;
		id->devnum = c.udev->devnum;
		id->vendor = le16_to_cpu(c.udev->descriptor.idVendor);
		id->product = le16_to_cpu(c.udev->descriptor.idProduct);
	}
	return flags;
}

static int usb_show(struct seq_file *m, void *v)
{
	struct usb_entry *e;
	unsigned int i;

	mutex_lock(&present_lock);
	list_for_each_entry(e, &present, node) {
		const struct bmcw_usb_dev *d = &e->d;

		seq_printf(m, "usb=%s bus=%u dev=%u port=%s id=%04x:%04x class=%02x flags=0x%x ifs=",
			   d->name, d->busnum, d->devnum, d->port, d->vendor,
			   d->product, d->dev_class, d->flags);
		for (i = 0; i < d->nr_ifs; i++)
			seq_printf(m, "%s%02x/%02x/%02x", i ? "," : "",
				   d->ifs[i].cls, d->ifs[i].subcls,
				   d->ifs[i].proto);
		seq_printf(m, " # %s %s\n", d->manufacturer, d->product_name);
	}
	mutex_unlock(&present_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(usb);

static void put_symbols(void)
{
	if (reg_notify)
		symbol_put(usb_register_notify);
	if (unreg_notify)
		symbol_put(usb_unregister_notify);
	if (for_each_dev)
		symbol_put(usb_for_each_dev);
	reg_notify = NULL;
	unreg_notify = NULL;
	for_each_dev = NULL;
}

/*
 * Take usbcore's functions and watch: the notifier first, then the walk
 * of the devices present (no device falls in between), then the input
 * handler. Under attach_lock. False when usbcore is not loaded.
 */
static bool usb_attach(void)
{
	int err;

	if (notifier_on)
		return true;
	reg_notify = symbol_get(usb_register_notify);
	unreg_notify = symbol_get(usb_unregister_notify);
	for_each_dev = symbol_get(usb_for_each_dev);
	if (!reg_notify || !unreg_notify || !for_each_dev) {
		put_symbols();
		return false;
	}
	mutex_lock(&present_lock);
	reg_notify(&usb_nb);
	notifier_on = true;
	for_each_dev(NULL, walk_one);
	mutex_unlock(&present_lock);
	bmcw_hook_report(&usb_hooks, NOTIFY_HOOK, BMCW_HOOK_PLACED, 0);
	err = bmcw_usb_input_init();
	bmcw_hook_report(&usb_hooks, INPUT_HOOK,
			 err ? BMCW_HOOK_FAILED : BMCW_HOOK_PLACED, err);
	return true;
}

static void attach_late(struct work_struct *work)
{
	mutex_lock(&attach_lock);
	if (!notifier_on && usb_attach())
		bmcw_health(BMCW_MON_USB, BMCW_HEALTH_HOOK_PLACED, 0, "usbcore",
			    "usbcore loaded: USB devices are watched");
	mutex_unlock(&attach_lock);
}

static DECLARE_WORK(attach_work, attach_late);

/* usbcore loaded after us: attach then (from a work: not in its way) */
static int module_event(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_LIVE && !strcmp(mod->name, "usbcore"))
		schedule_work(&attach_work);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

/* Never fails the load: what cannot be placed is reported. */
void bmcw_usb_init(struct dentry *dir)
{
	bmcw_hooks_add(&usb_hooks);
	module_nb_on = !register_module_notifier(&module_nb);
	mutex_lock(&attach_lock);
	if (!usb_attach()) {
		/* no USB core loaded: no USB device to watch, until it is */
		bmcw_hook_report(&usb_hooks, NOTIFY_HOOK, BMCW_HOOK_UNUSED, 0);
		bmcw_hook_report(&usb_hooks, INPUT_HOOK, BMCW_HOOK_UNUSED, 0);
	}
	mutex_unlock(&attach_lock);
	if (!IS_ERR_OR_NULL(dir))
		dbg_file = debugfs_create_file("usb", 0400, dir, NULL,
					       &usb_fops);
}

void bmcw_usb_exit(void)
{
	struct usb_entry *e, *tmp;

	debugfs_remove(dbg_file);
	dbg_file = NULL;
	if (module_nb_on)
		unregister_module_notifier(&module_nb);
	module_nb_on = false;
	cancel_work_sync(&attach_work);
	mutex_lock(&attach_lock);
	/* no handler of ours runs once these return */
	bmcw_usb_input_exit();
	if (notifier_on)
		unreg_notify(&usb_nb);
	notifier_on = false;
	mutex_lock(&present_lock);
	put_symbols();
	mutex_unlock(&present_lock);
	mutex_unlock(&attach_lock);
	bmcw_hooks_del(&usb_hooks);
	list_for_each_entry_safe(e, tmp, &present, node) {
		list_del(&e->node);
		kfree(e);
	}
}
