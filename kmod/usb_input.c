// SPDX-License-Identifier: GPL-2.0
/*
 * Input from a BMC's USB keyboard or mouse: an input handler that connects
 * only to input devices under a BMC USB device (usb_dev.c tells), and per
 * report (up to SYN_REPORT) counts key presses and pointer values, never
 * which key or where, into the bmcwatch_usb_input tracepoint. The
 * handler observes: it filters nothing, and the device's other handlers
 * (the console, evdev) see every event as before. Whether a remote
 * console session is expected comes from the console_session knob: the
 * operator declares one for some time, and reports within it carry
 * BMCW_USB_F_SESSION.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/input.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "bmcwatch.h"
#include "usb_trace.h"

struct bmc_input {
	struct input_handle handle;
	struct bmcw_usb_input rep;	/* the report being counted */
};

/* CLOCK_MONOTONIC ns until which a console session is declared, or 0. */
static u64 session_until;
static DEFINE_MUTEX(handler_lock);
static bool registered;

static void bmc_input_event(struct input_handle *handle, unsigned int type,
			    unsigned int code, int value)
{
	struct bmc_input *bi = container_of(handle, struct bmc_input, handle);
	struct bmcw_usb_input *r = &bi->rep;
	u64 now;

	/* serialised per device by the input core (its event lock) */
	switch (type) {
	case EV_KEY:
		if (value == 1)
			r->keys++;
		return;
	case EV_REL:
	case EV_ABS:
		r->moves++;
		return;
	case EV_SYN:
		if (code != SYN_REPORT || (!r->keys && !r->moves))
			return;
		break;
	default:
		return;
	}
	now = ktime_get_ns();
	r->ts_ns = now;
	r->flags &= ~BMCW_USB_F_SESSION;
	if (now < READ_ONCE(session_until))
		r->flags |= BMCW_USB_F_SESSION;
	bmcw_trace(trace_bmcwatch_usb_input(r));
	r->keys = 0;
	r->moves = 0;
}

static bool bmc_input_match(struct input_handler *handler,
			    struct input_dev *dev)
{
	return bmcw_usb_bmc_of(&dev->dev, NULL) != 0;
}

static int bmc_input_connect(struct input_handler *handler,
			     struct input_dev *dev,
			     const struct input_device_id *id)
{
	struct bmc_input *bi;
	int err;

	bi = kzalloc(sizeof(*bi), GFP_KERNEL);
	if (!bi)
		return -ENOMEM;
	bi->rep.flags = bmcw_usb_bmc_of(&dev->dev, &bi->rep);
	if (!bi->rep.flags) {	/* the list changed since match */
		kfree(bi);
		return -ENODEV;
	}
	bi->handle.dev = dev;
	bi->handle.handler = handler;
	bi->handle.name = "bmcwatch";
	err = input_register_handle(&bi->handle);
	if (err)
		goto free;
	/* a device sends nothing until opened; the console opens keyboards */
	err = input_open_device(&bi->handle);
	if (err)
		goto unregister;
	return 0;
unregister:
	input_unregister_handle(&bi->handle);
free:
	kfree(bi);
	return err;
}

static void bmc_input_disconnect(struct input_handle *handle)
{
	struct bmc_input *bi = container_of(handle, struct bmc_input, handle);

	input_close_device(handle);
	input_unregister_handle(handle);
	kfree(bi);
}

/* Keyboards, mice, tablets: whatever sends keys or pointer values. */
static const struct input_device_id bmc_input_ids[] = {
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { BIT_MASK(EV_KEY) } },
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { BIT_MASK(EV_REL) } },
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { BIT_MASK(EV_ABS) } },
	{ },
};

static struct input_handler bmc_input_handler = {
	.event = bmc_input_event,
	.match = bmc_input_match,
	.connect = bmc_input_connect,
	.disconnect = bmc_input_disconnect,
	.name = "bmcwatch",
	.id_table = bmc_input_ids,
};

int bmcw_usb_input_init(void)
{
	int err;

	mutex_lock(&handler_lock);
	err = input_register_handler(&bmc_input_handler);
	registered = !err;
	mutex_unlock(&handler_lock);
	return err;
}

/*
 * The operator's list changed: connect again, to the BMC's devices only
 * (registering a handler offers it every input device present).
 */
void bmcw_usb_input_rematch(void)
{
	mutex_lock(&handler_lock);
	if (registered) {
		input_unregister_handler(&bmc_input_handler);
		registered = !input_register_handler(&bmc_input_handler);
		if (!registered)
			pr_warn("input handler lost: BMC keyboards are no longer counted\n");
	}
	mutex_unlock(&handler_lock);
}

void bmcw_usb_input_exit(void)
{
	mutex_lock(&handler_lock);
	/* disconnects every handle; no event handler runs after it */
	if (registered)
		input_unregister_handler(&bmc_input_handler);
	registered = false;
	mutex_unlock(&handler_lock);
}

/* Seconds of the declared session left (0: none). */
unsigned int bmcw_console_session_left(void)
{
	u64 until = READ_ONCE(session_until), now = ktime_get_ns();

	return until > now ? DIV_ROUND_UP_ULL(until - now, NSEC_PER_SEC) : 0;
}

/* A session from now for @secs seconds; 0 ends it. */
void bmcw_console_session_set(unsigned int secs)
{
	WRITE_ONCE(session_until, secs ? ktime_get_ns() +
		   (u64)secs * NSEC_PER_SEC : 0);
}
