// SPDX-License-Identifier: GPL-2.0
/* The "VM" codec of QEMU's external BMC: see vm_codec.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vm_codec.h"

void vm_feed(struct vm_reader *r, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (r->esc) {
			c &= ~0x10;
			r->esc = false;
		} else if (c == VM_ESCAPE) {
			r->esc = true;
			continue;
		} else if (c == VM_MSG_END || c == VM_CMD_END) {
			/* an overlong frame is dropped whole, never cut */
			if (!r->overflow && r->len) {
				if (c == VM_MSG_END && r->on_msg)
					r->on_msg(r->ctx, r->buf, r->len);
				else if (c == VM_CMD_END && r->on_cmd)
					r->on_cmd(r->ctx, r->buf, r->len);
			}
			r->len = 0;
			r->overflow = false;
			continue;
		}
		if (r->len < sizeof(r->buf))
			r->buf[r->len++] = c;
		else
			r->overflow = true;
	}
}

void vm_put_frame(int fd, const uint8_t *body, size_t n, uint8_t end)
{
	uint8_t out[2 * VM_MAX_MSG + 1];
	size_t o = 0;

	for (size_t i = 0; i < n && i < VM_MAX_MSG; i++) {
		if (body[i] == VM_MSG_END || body[i] == VM_CMD_END ||
		    body[i] == VM_ESCAPE) {
			out[o++] = VM_ESCAPE;
			out[o++] = body[i] | 0x10;
		} else {
			out[o++] = body[i];
		}
	}
	out[o++] = end;
	for (size_t done = 0; done < o;) {
		ssize_t w = write(fd, out + done, o - done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("vm_codec: write");
			exit(1);
		}
		done += w;
	}
}

uint8_t vm_sum(const uint8_t *m, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += m[i];
	return s;
}

/*
 * Get Message's data for channel 0, the primary IPMB: the request as
 * received without its rsSA (IPMI 2.0, Get Message).
 */
const uint8_t vm_pushed_msg[11] = {
	0x00,			/* channel 0 */
	0x06 << 2,		/* netfn App request, LUN 0 */
	0xc8,			/* checksum of 0x20 (the BMC) and the above */
	0x81,			/* requester: a remote software id */
	0x01 << 2,		/* seq 1 / lun 0 */
	0x01,			/* cmd */
	0xde, 0xad, 0xbe, 0xef,	/* payload */
	0x42,			/* checksum of requester to payload */
};
