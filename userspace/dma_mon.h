/* SPDX-License-Identifier: GPL-2.0 */
/* The DMA and doorbell monitor (bpf/dma.bpf.c + this loader). */
#ifndef BMCW_DMA_MON_H
#define BMCW_DMA_MON_H

#include "monitor.h"

extern const struct bmcw_monitor_ops dma_monitor;

#endif /* BMCW_DMA_MON_H */
