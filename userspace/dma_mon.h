/* SPDX-License-Identifier: GPL-2.0 */
/* The DMA and doorbell monitor (bpf/dma.bpf.c + this loader). */
#ifndef BMCW_DMA_MON_H
#define BMCW_DMA_MON_H

#include "monitor.h"

/* Maps are pinned beside the config-space monitor's, prefixed "dma_". */
#define DMA_PIN_DIR		"/sys/fs/bpf/bmcwatch"

extern const struct bmcw_monitor_ops dma_monitor;

#endif /* BMCW_DMA_MON_H */
