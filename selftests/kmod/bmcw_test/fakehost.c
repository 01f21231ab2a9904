// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI host bridge of the test module's own, in a domain of its choosing,
 * with one emulated function behind it: what Intel VMD does on NVMe
 * servers (its domains start at 0x10000), so that the tests can show how
 * bmcwatch handles a domain above 16 bits, a root bus that comes and goes,
 * and registers whose reads have side effects.
 *
 * /sys/kernel/debug/bmcw_test/fakehost
 *   write "add DOMAIN SLOT VENDOR:DEVICE" (hex, decimal, hex:hex): create
 *         the host bridge and scan its function at 00:SLOT.0
 *   write "del": remove it
 *   read: "domain=D slot=S" and, per dword of config space that was read
 *         or written since it was added, "off=0xOO reads=N writes=M"
 *
 * The function: a conventional PCI header, class ff0000, an MSI capability
 * (64-bit) at 0x50 and a vendor-specific one at 0x60 whose dwords at 0x64
 * and 0x68 stand for an index/data window, where a read is an action of
 * its own. BARs are unimplemented (they read 0), so the kernel assigns it
 * no resources.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "bmcw_test.h"

#define CFG_SIZE	256
#define MSI_CAP		0x50
#define VNDR_CAP	0x60

struct fake_host {
	struct pci_sysdata sd;		/* bus->sysdata: the domain */
	struct resource busn;
	struct pci_bus *bus;
	unsigned int slot;
	spinlock_t lock;		/* cfg and the counters */
	u8 cfg[CFG_SIZE];
	u32 reads[CFG_SIZE / 4];
	u32 writes[CFG_SIZE / 4];
};

static struct fake_host *host;
static DEFINE_MUTEX(host_lock);		/* add/del/show */

static bool fn_here(struct fake_host *h, struct pci_bus *bus,
		    unsigned int devfn)
{
	return !bus->number && devfn == PCI_DEVFN(h->slot, 0);
}

static int fake_read(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 *val)
{
	struct fake_host *h = container_of(bus->sysdata, struct fake_host, sd);
	unsigned long flags;

	if (!fn_here(h, bus, devfn) || where < 0 || where + size > CFG_SIZE) {
		*val = ~0U;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	spin_lock_irqsave(&h->lock, flags);
	*val = 0;
	memcpy(val, &h->cfg[where], size);	/* x86: little-endian */
	h->reads[where / 4]++;
	spin_unlock_irqrestore(&h->lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

/* Which bytes software may change: command, line, the caps' bodies. */
static bool writable(int off)
{
	return (off >= PCI_COMMAND && off < PCI_COMMAND + 2) ||
	       off == PCI_INTERRUPT_LINE ||
	       (off >= MSI_CAP + 2 && off < MSI_CAP + 14) ||
	       (off >= VNDR_CAP + 4 && off < VNDR_CAP + 16);
}

static int fake_write(struct pci_bus *bus, unsigned int devfn, int where,
		      int size, u32 val)
{
	struct fake_host *h = container_of(bus->sysdata, struct fake_host, sd);
	unsigned long flags;
	int i;

	if (!fn_here(h, bus, devfn) || where < 0 || where + size > CFG_SIZE)
		return PCIBIOS_DEVICE_NOT_FOUND;
	spin_lock_irqsave(&h->lock, flags);
	for (i = 0; i < size; i++)
		if (writable(where + i))
			h->cfg[where + i] = val >> (8 * i);
	h->writes[where / 4]++;
	spin_unlock_irqrestore(&h->lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void fake_cfg_init(struct fake_host *h, u16 vendor, u16 device)
{
	u8 *c = h->cfg;

	put16(c + PCI_VENDOR_ID, vendor);
	put16(c + PCI_DEVICE_ID, device);
	put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = 1;
	c[PCI_CLASS_PROG] = 0;
	put16(c + PCI_CLASS_DEVICE, 0xff00);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, vendor);
	put16(c + PCI_SUBSYSTEM_ID, device);
	c[PCI_CAPABILITY_LIST] = MSI_CAP;
	c[PCI_INTERRUPT_PIN] = 1;
	c[MSI_CAP] = PCI_CAP_ID_MSI;
	c[MSI_CAP + 1] = VNDR_CAP;
	put16(c + MSI_CAP + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT);
	c[VNDR_CAP] = PCI_CAP_ID_VNDR;
	c[VNDR_CAP + 1] = 0;
	c[VNDR_CAP + 2] = 16;		/* length of the capability */
}

static int fake_add(unsigned int domain, unsigned int slot, u16 vendor,
		    u16 device)
{
	struct fake_host *h;
	LIST_HEAD(resources);

	if (host)
		return -EBUSY;
	if (slot >= 32 || domain > INT_MAX)
		return -EINVAL;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	spin_lock_init(&h->lock);
	h->slot = slot;
	h->sd.domain = domain;
	h->sd.node = NUMA_NO_NODE;
	h->busn = (struct resource)DEFINE_RES_NAMED(0, 256, "bmcw_test bus",
						    IORESOURCE_BUS);
	fake_cfg_init(h, vendor, device);
	pci_add_resource(&resources, &h->busn);

	pci_lock_rescan_remove();
	h->bus = pci_create_root_bus(NULL, 0, &fake_ops, &h->sd, &resources);
	if (!h->bus) {
		pci_unlock_rescan_remove();
		pci_free_resource_list(&resources);
		kfree(h);
		return -ENODEV;
	}
	pci_scan_child_bus(h->bus);
	pci_bus_add_devices(h->bus);
	pci_unlock_rescan_remove();
	host = h;
	return 0;
}

static void fake_del(void)
{
	struct pci_host_bridge *bridge;

	if (!host)
		return;
	bridge = to_pci_host_bridge(host->bus->bridge);
	pci_lock_rescan_remove();
	pci_stop_root_bus(host->bus);
	pci_remove_root_bus(host->bus);
	pci_unlock_rescan_remove();
	/* removing deletes the bridge device; its first reference is ours */
	pci_free_host_bridge(bridge);
	kfree(host);
	host = NULL;
}

static ssize_t fakehost_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	unsigned int domain, slot, vendor, device;
	char buf[64];
	int ret = 0;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	strim(buf);
	mutex_lock(&host_lock);
	if (!strcmp(buf, "del"))
		fake_del();
	else if (sscanf(buf, "add %x %u %x:%x", &domain, &slot, &vendor,
			&device) == 4 && vendor <= 0xffff && device <= 0xffff)
		ret = fake_add(domain, slot, vendor, device);
	else
		ret = -EINVAL;
	mutex_unlock(&host_lock);
	return ret ? ret : len;
}

static int fakehost_show(struct seq_file *m, void *v)
{
	unsigned long flags;
	int i;

	mutex_lock(&host_lock);
	if (!host) {
		seq_puts(m, "none\n");
		goto out;
	}
	seq_printf(m, "domain=%x slot=%u\n", host->sd.domain, host->slot);
	spin_lock_irqsave(&host->lock, flags);
	for (i = 0; i < CFG_SIZE / 4; i++)
		if (host->reads[i] || host->writes[i])
			seq_printf(m, "off=0x%02x reads=%u writes=%u\n", i * 4,
				   host->reads[i], host->writes[i]);
	spin_unlock_irqrestore(&host->lock, flags);
out:
	mutex_unlock(&host_lock);
	return 0;
}

static int fakehost_open(struct inode *inode, struct file *file)
{
	return single_open(file, fakehost_show, NULL);
}

static const struct file_operations fakehost_fops = {
	.owner = THIS_MODULE,
	.open = fakehost_open,
	.read = seq_read,
	.write = fakehost_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void bmcw_test_fakehost_init(struct dentry *dir)
{
	debugfs_create_file("fakehost", 0600, dir, NULL, &fakehost_fops);
}

void bmcw_test_fakehost_exit(void)
{
	mutex_lock(&host_lock);
	fake_del();
	mutex_unlock(&host_lock);
}
