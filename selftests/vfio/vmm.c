// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal VMM: it drives one PCI function bound to vfio-pci with the
 * calls QEMU makes for a passed-through device, so that tests see the
 * config-space, interrupt and DMA traffic of a hypervisor host.
 *
 *   vmm [--intx] [--rounds N] BDF
 *   vmm --cfg-reads N BDF   only time N reads of the command register
 *                           through the config region (ns per read)
 *
 * 1. container and group: VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 *    VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU
 *    (type1), VFIO_IOMMU_MAP_DMA of an anonymous buffer;
 * 2. the device: VFIO_GROUP_GET_DEVICE_FD, VFIO_DEVICE_GET_INFO and
 *    _GET_REGION_INFO; config space through the config region: IDs, BAR
 *    sizing (all ones, read back, restore), the capability list, the MSI
 *    capability programmed the way a guest kernel does it (address, data,
 *    then enable), memory space and bus mastering turned on;
 * 3. BAR0 mmapped (or read through the region when it cannot be);
 * 4. the interrupt: VFIO_DEVICE_SET_IRQS with an eventfd (MSI, or INTx
 *    with --intx, unmasked after each one);
 * 5. N rounds of: the device raises an interrupt; the device DMAs a pattern
 *    from the buffer into itself and back into another part of the buffer,
 *    with a completion interrupt;
 * 6. teardown: interrupts off, bus mastering off, unmap, close.
 *
 * The device is QEMU's edu (1234:11e8); its registers (QEMU's
 * docs/specs/edu.rst): 0x00 id, 0x04 liveness (reads back inverted),
 * 0x24 interrupt status, 0x60 raise, 0x64 acknowledge, 0x80/0x88/0x90
 * DMA source/destination/count, 0x98 DMA command (1 run, 2 towards RAM,
 * 4 interrupt 0x100 when done). Its DMA reaches 28 bits of address and its
 * own side must stay inside the 4 KiB buffer at 0x40000.
 *
 * Prints one summary line on stdout:
 *   cfg_reads=N cfg_writes=N bar0=mmap|region irq=msi|intx irqs=N dma=N
 * and exits 0, or 1 with a message on stderr at the first failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define EDU_ID		0x00
#define EDU_LIVE	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_DMA_IRQ	0x4
#define EDU_DMA_DONE	0x100		/* interrupt status of a finished DMA */
#define EDU_BUF		0x40000

/* Below edu's 28-bit DMA mask, page aligned. */
#define IOVA		0x100000ULL
#define BUF_SIZE	8192
#define DMA_LEN		64
#define IRQ_TIMEOUT_MS	10000

struct vmm {
	int container, group, dev;
	uint64_t cfg_off;		/* config region offset in the fd */
	uint64_t bar0_off, bar0_size;
	volatile uint8_t *bar0;		/* mmapped, or NULL: use pread/pwrite */
	uint8_t *buf;
	int efd;
	int irq_index;			/* VFIO_PCI_{MSI,INTX}_IRQ_INDEX */
	unsigned long cfg_reads, cfg_writes, irqs, dmas;
};

static void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	fputs("vmm: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

/* Config space through the VFIO config region, as QEMU's vfio-pci does. */
static uint32_t cfg_read(struct vmm *v, unsigned int reg, unsigned int size)
{
	uint32_t val = 0;

	errno = 0;
	if (pread(v->dev, &val, size, v->cfg_off + reg) != (ssize_t)size)
		die("config read 0x%x/%u", reg, size);
	v->cfg_reads++;
	return val;		/* little-endian host */
}

static void cfg_write(struct vmm *v, unsigned int reg, unsigned int size,
		      uint32_t val)
{
	errno = 0;
	if (pwrite(v->dev, &val, size, v->cfg_off + reg) != (ssize_t)size)
		die("config write 0x%x/%u", reg, size);
	v->cfg_writes++;
}

static uint64_t bar_read(struct vmm *v, unsigned int reg, unsigned int size)
{
	uint64_t val = 0;

	if (v->bar0)
		return size == 8 ? *(volatile uint64_t *)(v->bar0 + reg) :
				   *(volatile uint32_t *)(v->bar0 + reg);
	errno = 0;
	if (pread(v->dev, &val, size, v->bar0_off + reg) != (ssize_t)size)
		die("BAR0 read 0x%x", reg);
	return val;
}

static void bar_write(struct vmm *v, unsigned int reg, unsigned int size,
		      uint64_t val)
{
	if (v->bar0) {
		if (size == 8)
			*(volatile uint64_t *)(v->bar0 + reg) = val;
		else
			*(volatile uint32_t *)(v->bar0 + reg) = val;
		return;
	}
	errno = 0;
	if (pwrite(v->dev, &val, size, v->bar0_off + reg) != (ssize_t)size)
		die("BAR0 write 0x%x", reg);
}

static void open_container(struct vmm *v, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	char path[PATH_MAX], link[PATH_MAX], *grp;
	ssize_t n;

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		die("open /dev/vfio/vfio");
	errno = 0;
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("unknown VFIO API version");
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0)
		die("no type1 IOMMU support");

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s", path);
	link[n] = '\0';
	grp = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/%.32s", grp ? grp + 1 : link);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		die("open %s", path);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		die("VFIO_GROUP_GET_STATUS");
	errno = 0;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group %s is not viable (all its devices must be bound to vfio-pci)",
		    path);
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		die("VFIO_SET_IOMMU");

	/* The guest's RAM, in QEMU; here one buffer the device may DMA to. */
	v->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->buf == MAP_FAILED)
		die("mmap DMA buffer");
	map.vaddr = (uintptr_t)v->buf;
	map.iova = IOVA;
	map.size = BUF_SIZE;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA");
}

static void region_info(struct vmm *v, unsigned int index,
			struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(v->dev, VFIO_DEVICE_GET_REGION_INFO, ri))
		die("VFIO_DEVICE_GET_REGION_INFO %u", index);
}

static void open_device(struct vmm *v, const char *bdf)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info ri;

	v->dev = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (v->dev < 0)
		die("VFIO_GROUP_GET_DEVICE_FD %s", bdf);
	if (ioctl(v->dev, VFIO_DEVICE_GET_INFO, &info))
		die("VFIO_DEVICE_GET_INFO");
	errno = 0;
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		die("%s is not a vfio-pci device", bdf);
	region_info(v, VFIO_PCI_CONFIG_REGION_INDEX, &ri);
	v->cfg_off = ri.offset;
	region_info(v, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	v->bar0_off = ri.offset;
	v->bar0_size = ri.size;
	if (!ri.size)
		die("BAR0 is not implemented");
	if (ri.flags & VFIO_REGION_INFO_FLAG_MMAP) {
		void *p = mmap(NULL, ri.size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, v->dev, ri.offset);

		if (p != MAP_FAILED)
			v->bar0 = p;
	}
}

/* What a guest's PCI core does at probe, through the config region. */
static unsigned int program_config(struct vmm *v)
{
	unsigned int bar, cap, msi = 0, guard = 0;
	uint32_t id, orig, mask;
	uint16_t cmd;

	id = cfg_read(v, PCI_VENDOR_ID, 4);
	if (id != 0x11e81234) {
		errno = 0;
		die("unexpected vendor/device %08x (not edu)", id);
	}
	cfg_read(v, PCI_CLASS_REVISION, 4);
	cfg_read(v, PCI_HEADER_TYPE, 1);

	/* BAR sizing: the memory BARs off while they move, as Linux does. */
	cmd = cfg_read(v, PCI_COMMAND, 2);
	cfg_write(v, PCI_COMMAND, 2,
		  cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
	for (bar = 0; bar < 6; bar++) {
		unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * bar;

		orig = cfg_read(v, reg, 4);
		cfg_write(v, reg, 4, 0xffffffff);
		mask = cfg_read(v, reg, 4);
		cfg_write(v, reg, 4, orig);
		mask &= (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
		if (bar == 0 && mask && ~mask + 1 != v->bar0_size) {
			errno = 0;
			die("BAR0 sizes to 0x%x, region says 0x%llx",
			    ~mask + 1, (unsigned long long)v->bar0_size);
		}
	}

	/* The capability list, as vfio-pci presents it. */
	if (cfg_read(v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) {
		for (cap = cfg_read(v, PCI_CAPABILITY_LIST, 1) & ~3u;
		     cap && guard < 48; guard++) {
			if (cfg_read(v, cap + PCI_CAP_LIST_ID, 1) == PCI_CAP_ID_MSI)
				msi = cap;
			cap = cfg_read(v, cap + PCI_CAP_LIST_NEXT, 1) & ~3u;
		}
	}

	/*
	 * A guest programming MSI: address and data first, enable last. QEMU
	 * writes the guest's values through to vfio-pci, which keeps them in
	 * its virtual config space and programs the real vector itself when
	 * VFIO_DEVICE_SET_IRQS asks for MSI.
	 */
	if (msi && v->irq_index == VFIO_PCI_MSI_IRQ_INDEX) {
		uint16_t flags = cfg_read(v, msi + PCI_MSI_FLAGS, 2);
		unsigned int data = flags & PCI_MSI_FLAGS_64BIT ?
				    PCI_MSI_DATA_64 : PCI_MSI_DATA_32;

		cfg_write(v, msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
		if (flags & PCI_MSI_FLAGS_64BIT)
			cfg_write(v, msi + PCI_MSI_ADDRESS_HI, 4, 0);
		cfg_write(v, msi + data, 2, 0x0041);
		cfg_write(v, msi + PCI_MSI_FLAGS, 2,
			  (flags & ~PCI_MSI_FLAGS_QSIZE) | PCI_MSI_FLAGS_ENABLE);
	}

	/* Memory space and bus mastering on: the guest driver's enable. */
	cmd = cfg_read(v, PCI_COMMAND, 2);
	cfg_write(v, PCI_COMMAND, 2,
		  cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return msi;
}

static void set_irq(struct vmm *v, int on)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s;

	memset(&s, 0, sizeof(s));
	s.set.argsz = sizeof(s.set) + (on ? sizeof(int32_t) : 0);
	s.set.index = v->irq_index;
	s.set.start = 0;
	s.set.count = on ? 1 : 0;
	s.set.flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		      (on ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	s.fd = v->efd;
	if (ioctl(v->dev, VFIO_DEVICE_SET_IRQS, &s))
		die("VFIO_DEVICE_SET_IRQS %s index %d", on ? "on" : "off",
		    v->irq_index);
}

/* INTx is masked by vfio-pci when it fires; a VMM unmasks after the EOI. */
static void unmask_intx(struct vmm *v)
{
	struct vfio_irq_set s = {
		.argsz = sizeof(s),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.count = 1,
	};

	if (ioctl(v->dev, VFIO_DEVICE_SET_IRQS, &s))
		die("VFIO_DEVICE_SET_IRQS unmask");
}

static void setup_irq(struct vmm *v)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };

	ii.index = v->irq_index;
	if (ioctl(v->dev, VFIO_DEVICE_GET_IRQ_INFO, &ii))
		die("VFIO_DEVICE_GET_IRQ_INFO");
	errno = 0;
	if (!ii.count || !(ii.flags & VFIO_IRQ_INFO_EVENTFD))
		die("the device has no %s interrupt",
		    v->irq_index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI" : "INTx");
	v->efd = eventfd(0, EFD_CLOEXEC);
	if (v->efd < 0)
		die("eventfd");
	set_irq(v, 1);
}

/* Wait for one interrupt and acknowledge @status bits at the device. */
static void wait_irq(struct vmm *v, uint32_t status, const char *what)
{
	struct pollfd p = { .fd = v->efd, .events = POLLIN };
	uint64_t n;
	int r;

	r = poll(&p, 1, IRQ_TIMEOUT_MS);
	if (r <= 0) {
		if (!r)
			errno = 0;
		die("no interrupt for %s within %d ms (status 0x%llx)", what,
		    IRQ_TIMEOUT_MS,
		    (unsigned long long)bar_read(v, EDU_IRQ_STATUS, 4));
	}
	if (read(v->efd, &n, sizeof(n)) != sizeof(n))
		die("eventfd read");
	if (!(bar_read(v, EDU_IRQ_STATUS, 4) & status)) {
		errno = 0;
		die("interrupt for %s without status 0x%x", what, status);
	}
	bar_write(v, EDU_IRQ_ACK, 4, status);
	if (v->irq_index == VFIO_PCI_INTX_IRQ_INDEX)
		unmask_intx(v);
	v->irqs += n;
}

static void dma(struct vmm *v, uint64_t src, uint64_t dst, uint32_t cmd)
{
	bar_write(v, EDU_DMA_SRC, 8, src);
	bar_write(v, EDU_DMA_DST, 8, dst);
	bar_write(v, EDU_DMA_CNT, 8, DMA_LEN);
	bar_write(v, EDU_DMA_CMD, 8, cmd | EDU_DMA_RUN | EDU_DMA_IRQ);
	wait_irq(v, EDU_DMA_DONE, "DMA completion");
	if (bar_read(v, EDU_DMA_CMD, 8) & EDU_DMA_RUN) {
		errno = 0;
		die("DMA interrupt while the DMA still runs");
	}
}

static void run_rounds(struct vmm *v, unsigned int rounds)
{
	uint32_t live;

	if ((bar_read(v, EDU_ID, 4) & 0xff) != 0xed) {
		errno = 0;
		die("BAR0 does not look like edu (id 0x%llx)",
		    (unsigned long long)bar_read(v, EDU_ID, 4));
	}
	bar_write(v, EDU_LIVE, 4, 0x12345678);
	live = bar_read(v, EDU_LIVE, 4);
	if (live != ~0x12345678u) {
		errno = 0;
		die("liveness register read 0x%08x", live);
	}
	for (unsigned int r = 0; r < rounds; r++) {
		uint8_t *out = v->buf + BUF_SIZE / 2;

		bar_write(v, EDU_IRQ_RAISE, 4, 1u << (r % 8));
		wait_irq(v, 1u << (r % 8), "raised interrupt");

		for (unsigned int i = 0; i < DMA_LEN; i++)
			v->buf[i] = (uint8_t)(i * 7 + r);
		memset(out, 0, DMA_LEN);
		dma(v, IOVA, EDU_BUF, 0);		/* RAM -> device */
		dma(v, EDU_BUF, IOVA + BUF_SIZE / 2, EDU_DMA_TO_RAM);
		if (memcmp(v->buf, out, DMA_LEN)) {
			errno = 0;
			die("round %u: the DMA'd data differs", r);
		}
		v->dmas += 2;
	}
}

/* The cost of one config read through vfio-pci, for overhead measurements. */
static void time_cfg_reads(struct vmm *v, unsigned long n)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		cfg_read(v, PCI_COMMAND, 2);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("cfg_read_ns=%.0f\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
}

static void teardown(struct vmm *v)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = IOVA, .size = BUF_SIZE,
	};

	set_irq(v, 0);
	cfg_write(v, PCI_COMMAND, 2,
		  cfg_read(v, PCI_COMMAND, 2) & ~PCI_COMMAND_MASTER);
	if (v->bar0)
		munmap((void *)v->bar0, v->bar0_size);
	close(v->efd);
	close(v->dev);
	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("VFIO_IOMMU_UNMAP_DMA");
	munmap(v->buf, BUF_SIZE);
	if (ioctl(v->group, VFIO_GROUP_UNSET_CONTAINER))
		die("VFIO_GROUP_UNSET_CONTAINER");
	close(v->group);
	close(v->container);
}

int main(int argc, char **argv)
{
	struct vmm v = { .irq_index = VFIO_PCI_MSI_IRQ_INDEX };
	unsigned int rounds = 3;
	unsigned long reads = 0;
	const char *bdf = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--intx"))
			v.irq_index = VFIO_PCI_INTX_IRQ_INDEX;
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--cfg-reads") && i + 1 < argc)
			reads = strtoul(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !bdf)
			bdf = argv[i];
		else {
			bdf = NULL;
			break;
		}
	}
	if (!bdf) {
		fprintf(stderr, "usage: vmm [--intx] [--rounds N] BDF\n"
			"       vmm --cfg-reads N BDF\n");
		return 2;
	}
	open_container(&v, bdf);
	open_device(&v, bdf);
	if (reads) {
		time_cfg_reads(&v, reads);
		return 0;	/* exit closes everything */
	}
	if (!program_config(&v) && v.irq_index == VFIO_PCI_MSI_IRQ_INDEX) {
		errno = 0;
		die("%s has no MSI capability", bdf);
	}
	setup_irq(&v);
	run_rounds(&v, rounds);
	teardown(&v);
	printf("cfg_reads=%lu cfg_writes=%lu bar0=%s irq=%s irqs=%lu dma=%lu\n",
	       v.cfg_reads, v.cfg_writes, v.bar0 ? "mmap" : "region",
	       v.irq_index == VFIO_PCI_MSI_IRQ_INDEX ? "msi" : "intx", v.irqs,
	       v.dmas);
	return 0;
}
