// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI monitor, the SSIF interface (IPMI over SMBus, ipmi_ssif): the same
 * transactions as KCS and BT (ipmi_sm.c), seen at the driver's two ends.
 *
 *  - start_send(ssif_info, data, len) gives every request (probed by
 *    ipmi_sm.c's start handler, which KCS and BT share): the message
 *    layer's (data is the smi_msg's own, so ipmi_msg.c knows its origin)
 *    and the driver's (its flag polls, Get Message, Read Event Message
 *    Buffer, Clear Message Flags).
 *  - msg_done_handler(ssif_info, result, data, len), at entry, gives each
 *    SMBus block read of the response. A response longer than one block
 *    comes in parts: the first begins 00 01, each middle part with its
 *    block number (from 0), the last with ff. They are put back together
 *    here as the driver does (the first BMCW_IPMI_DATA bytes kept, every
 *    byte counted), and the transaction ends with the last part. A failed
 *    read (result < 0) is retried by the driver and ends nothing; a part
 *    out of place ends the reassembly, and the next request starts anew.
 *
 * SSIF has no SMS_ATN bit: a BMC asks for attention with an SMBus alert,
 * where the board wires one, or waits for the host's next flag poll. What
 * it then hands over reaches the message layer, where ipmi_msg.c sees it.
 * The driver's own flag polls are therefore not read as attentions.
 *
 * struct ssif_info is private to ipmi_ssif: it is only a key here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/spinlock.h>
#include "ipmi.h"

/* The first part of a multi-part response begins with these two bytes. */
#define SSIF_MULTI_START0	0x00
#define SSIF_MULTI_START1	0x01
/* and the last part's block number is this one */
#define SSIF_MULTI_END		0xff

/* Under bmcw_ipmi_lock: @len more response bytes of @sm. */
static void rsp_append(struct ipmi_sm *sm, const u8 *data, unsigned int len)
{
	unsigned int room = 0;

	if (sm->rsp_len < BMCW_IPMI_DATA)
		room = BMCW_IPMI_DATA - sm->rsp_len;
	memcpy(sm->rsp + sm->rsp_len, data, min(room, len));
	sm->rsp_len = min_t(unsigned int, sm->rsp_len + len, U16_MAX);
}

int bmcw_ipmi_ssif_done_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *key = (void *)regs_get_kernel_argument(regs, 0);
	int result = regs_get_kernel_argument(regs, 1);
	const u8 *data = (void *)regs_get_kernel_argument(regs, 2);
	unsigned int len = regs_get_kernel_argument(regs, 3);
	u8 rsp[BMCW_IPMI_DATA];
	struct ipmi_sm *sm;
	unsigned long flags;
	int total = -1;

	if (result < 0 || !data)
		return 0;
	raw_spin_lock_irqsave(&bmcw_ipmi_lock, flags);
	sm = bmcw_ipmi_sm_get(key, BMCW_IPMI_IF_SSIF);
	if (!sm)
		goto out;
	if (!sm->multi && len > 1 && data[0] == SSIF_MULTI_START0 &&
	    data[1] == SSIF_MULTI_START1) {
		sm->multi = true;
		sm->rsp_len = 0;
		rsp_append(sm, data + 2, len - 2);
	} else if (sm->multi) {
		if (!len) {
			sm->multi = false;	/* the driver gives up on it */
			goto out;
		}
		rsp_append(sm, data + 1, len - 1);
		if (data[0] == SSIF_MULTI_END) {
			sm->multi = false;
			total = sm->rsp_len;
			memcpy(rsp, sm->rsp, sizeof(rsp));
		}
	} else {
		total = len;
		memcpy(rsp, data, min_t(unsigned int, len, sizeof(rsp)));
	}
out:
	raw_spin_unlock_irqrestore(&bmcw_ipmi_lock, flags);
	if (total >= 0)
		bmcw_ipmi_xact_end(key, BMCW_IPMI_IF_SSIF, rsp, total);
	return 0;
}
