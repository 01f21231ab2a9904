// SPDX-License-Identifier: GPL-2.0
/*
 * IPMI monitor, where its events go: the bmcwatch_ipmi tracepoint, and a
 * transcript of the last ones on the wire (debugfs ipmi_transcript) with
 * their names for people; and the state machines' table (ipmi_state).
 * Message-layer events go only to the tracepoint: the transcript keeps the
 * wire view.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <uapi/linux/bmcwatch_names.h>
#include "ipmi.h"
#include "ipmi_trace.h"

#define IPMI_TRANSCRIPT		64

static DEFINE_RAW_SPINLOCK(transcript_lock);
static struct bmcw_ipmi_event transcript[IPMI_TRANSCRIPT];
static unsigned int transcript_head, transcript_len;
static struct dentry *ipmi_dentries[2];

void bmcw_ipmi_emit(struct bmcw_ipmi_event *e)
{
	unsigned long flags;

	e->ts_ns = ktime_get_ns();
	e->cpu = raw_smp_processor_id();
	bmcw_trace(trace_bmcwatch_ipmi(e));
	if (e->kind == BMCW_IPMI_MSG_REQ || e->kind == BMCW_IPMI_MSG_RSP)
		return;
	raw_spin_lock_irqsave(&transcript_lock, flags);
	transcript[transcript_head] = *e;
	transcript_head = (transcript_head + 1) % IPMI_TRANSCRIPT;
	if (transcript_len < IPMI_TRANSCRIPT)
		transcript_len++;
	raw_spin_unlock_irqrestore(&transcript_lock, flags);
}

/* Names shared with the daemon and the CLI (bmcwatch_names.h). */
#define NAME_ROW(sfx, name)	name,

static const char *netfn_name(u8 netfn)
{
#define NETFN_ROW(v, n)	{ .netfn = v, .name = n },
	static const struct {
		u8 netfn;
		const char *name;
	} names[] = { BMCW_IPMI_NETFNS(NETFN_ROW) };
#undef NETFN_ROW
	int i;

	netfn &= ~1;
	if (netfn >= BMCW_IPMI_NETFN_OEM_FIRST &&
	    netfn <= BMCW_IPMI_NETFN_OEM_LAST)
		return "oem";
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].netfn == netfn)
			return names[i].name;
	return "netfn?";
}

static const char *cmd_name(u8 netfn, u8 cmd)
{
#define CMD_ROW(nf, c, name) { nf, c, name },
	static const struct {
		u8 netfn, cmd;
		const char *name;
	} names[] = {
		BMCW_IPMI_CMDS(CMD_ROW)
	};
#undef CMD_ROW
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].netfn == (netfn & ~1) && names[i].cmd == cmd)
			return names[i].name;
	return "cmd?";
}

static const char *kind_name(u8 kind)
{
	static const char * const names[BMCW_IPMI_KIND_MAX] = {
		BMCW_IPMI_KINDS(NAME_ROW)
	};

	return kind < BMCW_IPMI_KIND_MAX ? names[kind] : "?";
}

static const char *origin_name(u8 origin)
{
	static const char * const names[BMCW_IPMI_ORIG_MAX] = {
		BMCW_IPMI_ORIGINS(NAME_ROW)
	};

	return origin < BMCW_IPMI_ORIG_MAX ? names[origin] : "?";
}

static void seq_bytes(struct seq_file *m, const char *tag, const u8 *b,
		      unsigned int len)
{
	seq_printf(m, " %s=", tag);
	len = min_t(unsigned int, len, BMCW_IPMI_DATA);
	if (!len)
		seq_putc(m, '-');
	seq_printf(m, "%*phN", len, b);
}

static int transcript_show(struct seq_file *m, void *v)
{
	struct bmcw_ipmi_event *copy, *e;
	unsigned int n, start, i;
	unsigned long flags;

	copy = kmalloc_array(IPMI_TRANSCRIPT, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	raw_spin_lock_irqsave(&transcript_lock, flags);
	n = transcript_len;
	start = (transcript_head + IPMI_TRANSCRIPT - n) % IPMI_TRANSCRIPT;
	for (i = 0; i < n; i++)
		copy[i] = transcript[(start + i) % IPMI_TRANSCRIPT];
	raw_spin_unlock_irqrestore(&transcript_lock, flags);

	for (i = 0; i < n; i++) {
		e = &copy[i];
		seq_printf(m, "ts=%llu kind=%s sm=%d origin=%s pid=%u comm=%.16s",
			   e->ts_ns, kind_name(e->kind),
			   e->sm == 0xff ? -1 : e->sm, origin_name(e->origin),
			   e->pid, e->pid ? e->comm : "-");
		if (e->kind == BMCW_IPMI_XACT)
			seq_printf(m, " netfn=0x%02x(%s) cmd=0x%02x(%s) rsp_netfn=0x%02x rsp_cmd=0x%02x cc=0x%02x dur_us=%llu len=%u/%u",
				   e->netfn, netfn_name(e->netfn), e->cmd,
				   cmd_name(e->netfn, e->cmd), e->rsp_netfn,
				   e->rsp_cmd, e->cc, e->dur_ns / 1000,
				   e->req_len, e->rsp_len);
		else if (e->kind == BMCW_IPMI_HOSED ||
			 e->kind == BMCW_IPMI_ABORT)
			seq_printf(m, " during netfn=0x%02x cmd=0x%02x",
				   e->netfn, e->cmd);
		if (e->kind == BMCW_IPMI_XACT) {
			seq_bytes(m, "req", e->req, e->req_len);
			seq_bytes(m, "rsp", e->rsp, e->rsp_len);
		}
		seq_putc(m, '\n');
	}
	kfree(copy);
	return 0;
}

static int state_show(struct seq_file *m, void *v)
{
	struct ipmi_sm copy[IPMI_MAX_SM];
	int i;

	bmcw_ipmi_sm_copy(copy);
	for (i = 0; i < IPMI_MAX_SM; i++) {
		if (!copy[i].key)
			continue;
		seq_printf(m, "sm=%d iface=%s state=%s xacts=%llu attentions=%llu hosed=%llu aborts=%llu unanswered=%llu",
			   i, copy[i].iface == BMCW_IPMI_IF_BT ? "bt" :
			   copy[i].iface == BMCW_IPMI_IF_SSIF ? "ssif" : "kcs",
			   copy[i].pending ? "busy" : "idle", copy[i].xacts,
			   copy[i].attns, copy[i].hosed, copy[i].aborts,
			   copy[i].unanswered);
		if (copy[i].pending)
			seq_printf(m, " current=0x%02x/0x%02x origin=%s",
				   copy[i].req[0] >> 2, copy[i].req[1],
				   origin_name(copy[i].origin));
		else
			seq_printf(m, " last=0x%02x/0x%02x cc=0x%02x",
				   copy[i].last_netfn, copy[i].last_cmd,
				   copy[i].last_cc);
		seq_putc(m, '\n');
	}
	seq_printf(m, "unknown_nmis=%lld\n", bmcw_ipmi_nmis_seen());
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(transcript);
DEFINE_SHOW_ATTRIBUTE(state);

void bmcw_ipmi_debugfs_init(struct dentry *dir)
{
	if (IS_ERR_OR_NULL(dir))
		return;
	ipmi_dentries[0] = debugfs_create_file("ipmi_transcript", 0400, dir,
					       NULL, &transcript_fops);
	ipmi_dentries[1] = debugfs_create_file("ipmi_state", 0400, dir, NULL,
					       &state_fops);
}

void bmcw_ipmi_debugfs_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ipmi_dentries); i++)
		debugfs_remove(ipmi_dentries[i]);
	memset(ipmi_dentries, 0, sizeof(ipmi_dentries));
}
