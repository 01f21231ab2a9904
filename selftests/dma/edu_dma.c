// SPDX-License-Identifier: GPL-2.0
/*
 * Drive QEMU's edu device from user space through sysfs resource0, the way
 * a bus master nobody controls would: DMA to or from any device address,
 * raise interrupts. Register map: QEMU docs/specs/edu.txt.
 *
 *   edu_dma BDF read ADDR N      N DMAs ADDR -> device buffer (DMA reads)
 *   edu_dma BDF write ADDR N     N DMAs device buffer -> ADDR (DMA writes)
 *   edu_dma BDF raise N [RATE]   N interrupts, each acknowledged by the
 *                                bound driver before the next; RATE per s
 *                                (0: as fast as possible)
 *   edu_dma BDF ring N [RATE]    N interrupts with no driver to take
 *                                them: edu raises, this acknowledges in
 *                                its place (each raise is one MSI, where
 *                                its MSI capability is on); RATE per s
 *   edu_dma burst N ADDR BDF...  N DMA reads of ADDR paced evenly over
 *                                one second, round robin over the edus
 *                                given (edu runs one DMA per 100 ms, so N
 *                                per second needs N / 10 of them); prints
 *                                the seconds from the first start to the
 *                                last and the smallest gap between two
 *                                starts, in ms
 *   edu_dma flood R ADDR BDF...  R rounds of one DMA read on every edu
 *                                given at the same instant (no pacing)
 * The DMA count is 4 bytes and the device side stays inside the 4 KiB
 * buffer at 0x40000 (QEMU 7.2 aborts otherwise). Exit 1 on a timeout.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define IRQ_STATUS	0x24
#define IRQ_RAISE	0x60
#define IRQ_ACK		0x64
#define DMA_SRC		0x80
#define DMA_DST		0x88
#define DMA_CNT		0x90
#define DMA_CMD		0x98
#define DMA_RUN		0x1
#define DMA_TO_RAM	0x2
#define EDU_BUF		0x40000

static volatile uint8_t *bar;

static void w32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static uint32_t r32(unsigned int off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void w64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

static uint64_t r64(unsigned int off)
{
	return *(volatile uint64_t *)(bar + off);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spin until (reg & mask) == 0, at most @secs. */
static int wait_clear(unsigned int off, uint64_t mask, int is64, double secs)
{
	double end = now() + secs;

	while ((is64 ? r64(off) : r32(off)) & mask)
		if (now() > end)
			return -1;
	return 0;
}

static void dma_start(int to_ram, uint64_t addr)
{
	w64(DMA_SRC, to_ram ? EDU_BUF : addr);
	w64(DMA_DST, to_ram ? addr : EDU_BUF);
	w64(DMA_CNT, 4);
	w64(DMA_CMD, DMA_RUN | (to_ram ? DMA_TO_RAM : 0));
}

static int dma(int to_ram, uint64_t addr, long n)
{
	for (long i = 0; i < n; i++) {
		dma_start(to_ram, addr);
		if (wait_clear(DMA_CMD, DMA_RUN, 1, 5)) {
			fprintf(stderr, "edu_dma: DMA %ld did not finish\n", i);
			return 1;
		}
	}
	return 0;
}

static volatile uint8_t *map_bar(const char *bdf)
{
	char path[256];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	close(fd);
	return p;
}

/*
 * edu completes a DMA 100 ms after it was started (its own timer), and the
 * IOMMU records the fault then. QEMU's VT-d has a single fault recording
 * register: a fault that arrives before the kernel's handler has cleared
 * the previous one is dropped (Primary Fault Overflow). So the starts are
 * paced, not just scheduled: DMA i starts on edu i % ndev at t0 + i * P,
 * but never less than 3/4 P after the previous start (when this process
 * was delayed, a schedule alone would start the overdue DMAs at the same
 * instant) and never before that edu finished its previous DMA. A start is
 * timed after the doorbell write, so the next one is at least the gap
 * after the DMA really started.
 */
static int burst(long n, uint64_t addr, int ndev, char **bdfs)
{
	volatile uint8_t *bars[16];
	double t0, p, last = 0, first = 0, gap = 1e9, t;

	if (ndev < 1 || ndev > 16 || n < 1)
		return 2;
	for (int k = 0; k < ndev; k++)
		bars[k] = map_bar(bdfs[k]);
	p = 1.0 / n;
	t0 = now();
	for (long i = 0; i < n; i++) {
		double at = t0 + i * p;

		if (i && at < last + p * 3 / 4)
			at = last + p * 3 / 4;
		while (now() < at)
			usleep(200);
		bar = bars[i % ndev];
		if (wait_clear(DMA_CMD, DMA_RUN, 1, 5)) {
			fprintf(stderr, "edu_dma: %s busy\n", bdfs[i % ndev]);
			return 1;
		}
		dma_start(0, addr);
		t = now();
		if (i && t - last < gap)
			gap = t - last;
		if (!i)
			first = t;
		last = t;
	}
	printf("%.3f %.1f\n", last - first, n > 1 ? gap * 1e3 : 0.0);
	return 0;
}

/* Every edu started at once: their faults reach the IOMMU together. */
static int flood(long rounds, uint64_t addr, int ndev, char **bdfs)
{
	volatile uint8_t *bars[16];

	if (ndev < 1 || ndev > 16)
		return 2;
	for (int k = 0; k < ndev; k++)
		bars[k] = map_bar(bdfs[k]);
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < ndev; k++) {
			bar = bars[k];
			if (wait_clear(DMA_CMD, DMA_RUN, 1, 5)) {
				fprintf(stderr, "edu_dma: %s busy\n", bdfs[k]);
				return 1;
			}
		}
		for (int k = 0; k < ndev; k++) {
			bar = bars[k];
			dma_start(0, addr);
		}
	}
	return 0;
}

/*
 * N interrupts at RATE per second (0: at once). A bound driver
 * acknowledges each before the next; with none (@ack_self), this does in
 * its place, and each raise is one MSI where edu's MSI capability is on.
 */
static int raise_irqs(long n, double rate, int ack_self)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		if (rate > 0)
			while (now() < t0 + i / rate)
				usleep(1000);
		w32(IRQ_RAISE, 1);
		if (ack_self) {
			w32(IRQ_ACK, 1);
		} else if (wait_clear(IRQ_STATUS, ~0u, 0, 5)) {
			fprintf(stderr, "edu_dma: interrupt %ld not acknowledged\n", i);
			return 1;
		}
	}
	if (!ack_self)
		printf("%.0f\n", n / (now() - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: edu_dma BDF read|write ADDR N | BDF raise|ring N [RATE]\n"
			"       edu_dma burst|flood N ADDR BDF...\n");
		return 2;
	}
	if (!strcmp(argv[1], "burst"))
		return argc < 5 ? 2 : burst(atol(argv[2]), strtoull(argv[3], NULL, 0),
					    argc - 4, argv + 4);
	if (!strcmp(argv[1], "flood"))
		return argc < 5 ? 2 : flood(atol(argv[2]), strtoull(argv[3], NULL, 0),
					    argc - 4, argv + 4);
	bar = map_bar(argv[1]);
	if (!strcmp(argv[2], "raise") || !strcmp(argv[2], "ring"))
		return raise_irqs(atol(argv[3]), argc > 4 ? atof(argv[4]) : 0,
				  !strcmp(argv[2], "ring"));
	if (argc < 5)
		return 2;
	return dma(!strcmp(argv[2], "write"), strtoull(argv[3], NULL, 0),
		   atol(argv[4]));
}
