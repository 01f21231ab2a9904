// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/bmcwatch: operator knobs, one value per file, root only.
 * Malformed writes return -EINVAL and change nothing. Every accepted write
 * is a health event naming the writer: turning a monitor down is how
 * root blinds it without unloading the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "bmcwatch.h"
#include "oplist.h"

static struct kobject *bmcw_kobj;

static ssize_t version_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", BMCW_MODULE_VERSION);
}

static ssize_t abi_version_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return sysfs_emit(buf, "%u.%u\n", BMCW_ABI_MAJOR, BMCW_ABI_MINOR);
}

static ssize_t enabled_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(bmcw_enabled));
}

static ssize_t enabled_store(struct kobject *k, struct kobj_attribute *a,
			     const char *buf, size_t len)
{
	unsigned int v, was;

	/*
	 * Exactly 0 or 1 (kstrtobool would take "yes-please" or "1x" on its
	 * first character); an embedded NUL would hide the rest of the write.
	 */
	if (strnlen(buf, len) != len || kstrtouint(buf, 10, &v) || v > 1)
		return -EINVAL;
	was = xchg(&bmcw_enabled, v);
	bmcw_health_by_current(BMCW_MON_PCIE, BMCW_HEALTH_KNOB_CHANGED, 0,
			       "enabled", "enabled %u -> %u: %s", was, v,
			       v ? "config-space and LPC events are traced" :
			       "config-space and LPC events are no longer traced");
	return len;
}

static ssize_t bmc_devices_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return bmcw_oplist_get(&bmcw_bmc_list, buf, PAGE_SIZE);
}

static ssize_t bmc_devices_store(struct kobject *k, struct kobj_attribute *a,
				 const char *buf, size_t len)
{
	return bmcw_oplist_store(&bmcw_bmc_list, buf, len);
}

static ssize_t usb_bmc_devices_show(struct kobject *k,
				    struct kobj_attribute *a, char *buf)
{
	return bmcw_oplist_get(&bmcw_usb_list, buf, PAGE_SIZE);
}

static ssize_t usb_bmc_devices_store(struct kobject *k,
				     struct kobj_attribute *a,
				     const char *buf, size_t len)
{
	return bmcw_oplist_store(&bmcw_usb_list, buf, len);
}

static ssize_t console_session_show(struct kobject *k,
				    struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", bmcw_console_session_left());
}

/* Seconds of remote-console session from now (at most a day); 0 ends it. */
static ssize_t console_session_store(struct kobject *k,
				     struct kobj_attribute *a,
				     const char *buf, size_t len)
{
	unsigned int v, was;

	if (strnlen(buf, len) != len || kstrtouint(buf, 10, &v) ||
	    v > 24 * 60 * 60)
		return -EINVAL;
	was = bmcw_console_session_left();
	bmcw_console_session_set(v);
	bmcw_health_by_current(BMCW_MON_USB, BMCW_HEALTH_KNOB_CHANGED, 0,
			       "console_session",
			       "console_session %u -> %u s: %s", was, v,
			       v ? "input from BMC keyboards and mice is expected" :
			       "input from BMC keyboards and mice is unexpected again");
	return len;
}

static ssize_t host_fingerprint_show(struct kobject *k,
				     struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%016llx\n", bmcw_host_fingerprint());
}

static struct kobj_attribute version_attr = __ATTR_RO_MODE(version, 0400);
static struct kobj_attribute abi_version_attr =
	__ATTR_RO_MODE(abi_version, 0400);
static struct kobj_attribute enabled_attr = __ATTR_RW_MODE(enabled, 0600);
static struct kobj_attribute bmc_devices_attr =
	__ATTR_RW_MODE(bmc_devices, 0600);
static struct kobj_attribute usb_bmc_devices_attr =
	__ATTR_RW_MODE(usb_bmc_devices, 0600);
static struct kobj_attribute console_session_attr =
	__ATTR_RW_MODE(console_session, 0600);
static struct kobj_attribute host_fingerprint_attr =
	__ATTR_RO_MODE(host_fingerprint, 0400);

static struct attribute *bmcw_attrs[] = {
	&version_attr.attr,
	&abi_version_attr.attr,
	&enabled_attr.attr,
	&bmc_devices_attr.attr,
	&host_fingerprint_attr.attr,
	&usb_bmc_devices_attr.attr,		/* 1.7 */
	&console_session_attr.attr,		/* 1.7 */
	/* "lockdown" is retired (ABI 1.2): read /sys/kernel/security/lockdown */
	NULL,
};

static const struct attribute_group bmcw_group = {
	.attrs = bmcw_attrs,
};

int bmcw_sysfs_init(void)
{
	int ret;

	bmcw_kobj = kobject_create_and_add("bmcwatch", kernel_kobj);
	if (!bmcw_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(bmcw_kobj, &bmcw_group);
	if (ret) {
		kobject_put(bmcw_kobj);
		bmcw_kobj = NULL;
	}
	return ret;
}

void bmcw_sysfs_exit(void)
{
	if (!bmcw_kobj)
		return;
	sysfs_remove_group(bmcw_kobj, &bmcw_group);
	kobject_put(bmcw_kobj);
	bmcw_kobj = NULL;
}
