/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's external-BMC socket protocol ("VM" codec, hw/ipmi/ipmi_bmc_extern.c)
 * as the test BMCs of this directory speak it: 0xA0 ends a message, 0xA1 a
 * command, 0xAA escapes the next byte (sent with 0x10 OR-ed in). A message
 * is msg_id, netfn << 2 | lun, cmd, [cc,] data, checksum (two's complement
 * of the sum of the other bytes).
 */
#ifndef VM_CODEC_H
#define VM_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VM_MSG_END	0xa0
#define VM_CMD_END	0xa1
#define VM_ESCAPE	0xaa

/* Commands a BMC sends to QEMU */
#define VM_NOATTN	0x00
#define VM_ATTN		0x01
#define VM_ATTN_IRQ	0x02
#define VM_ENABLE_IRQ	0x05
#define VM_DISABLE_IRQ	0x06
#define VM_SEND_NMI	0x07

#define VM_MAX_MSG	300

/* A decoder for one direction of a connection. */
struct vm_reader {
	uint8_t buf[VM_MAX_MSG];
	size_t len;
	bool esc;
	bool overflow;
	/* called with the unescaped body of each frame */
	void (*on_msg)(void *ctx, uint8_t *m, size_t n);
	void (*on_cmd)(void *ctx, uint8_t *c, size_t n);
	void *ctx;
};

void vm_feed(struct vm_reader *r, const uint8_t *in, size_t n);
/* Write one framed unit (escaped body + terminator); exits on write errors. */
void vm_put_frame(int fd, const uint8_t *body, size_t n, uint8_t end);
/* Sum of the bytes; a valid message sums to 0 with its checksum. */
uint8_t vm_sum(const uint8_t *m, size_t n);

/*
 * The message a misbehaving BMC pushes to the host (the data of a Get
 * Message answer): an App request from a remote software id nobody on the
 * host talked to.
 */
extern const uint8_t vm_pushed_msg[11];

#endif
