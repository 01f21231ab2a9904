// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/bmcwatch: operator knobs, one value per file, root only.
 * Malformed writes return -EINVAL and change nothing.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "bmcwatch.h"

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
	unsigned int v;

	/*
	 * Exactly 0 or 1 (kstrtobool would take "yes-please" or "1x" on its
	 * first character); an embedded NUL would hide the rest of the write.
	 */
	if (strnlen(buf, len) != len || kstrtouint(buf, 10, &v) || v > 1)
		return -EINVAL;
	WRITE_ONCE(bmcw_enabled, v);
	return len;
}

static ssize_t bmc_devices_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	return bmcw_bmc_devices_get(buf, PAGE_SIZE);
}

static ssize_t bmc_devices_store(struct kobject *k, struct kobj_attribute *a,
				 const char *buf, size_t len)
{
	int ret;

	/* The parser sees a C string: a NUL must not cut the list short. */
	if (strnlen(buf, len) != len)
		return -EINVAL;
	ret = bmcw_bmc_devices_set(buf);
	return ret ? ret : len;
}

static ssize_t host_fingerprint_show(struct kobject *k,
				     struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%016llx\n", bmcw_host_fingerprint());
}

/* none | integrity | confidentiality: lockdown closes the paths lpc watches */
static ssize_t lockdown_show(struct kobject *k, struct kobj_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", bmcw_lockdown_state());
}

static struct kobj_attribute version_attr = __ATTR_RO_MODE(version, 0400);
static struct kobj_attribute abi_version_attr =
	__ATTR_RO_MODE(abi_version, 0400);
static struct kobj_attribute enabled_attr = __ATTR_RW_MODE(enabled, 0600);
static struct kobj_attribute bmc_devices_attr =
	__ATTR_RW_MODE(bmc_devices, 0600);
static struct kobj_attribute host_fingerprint_attr =
	__ATTR_RO_MODE(host_fingerprint, 0400);
static struct kobj_attribute lockdown_attr = __ATTR_RO_MODE(lockdown, 0400);

static struct attribute *bmcw_attrs[] = {
	&version_attr.attr,
	&abi_version_attr.attr,
	&enabled_attr.attr,
	&bmc_devices_attr.attr,
	&host_fingerprint_attr.attr,
	&lockdown_attr.attr,
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
