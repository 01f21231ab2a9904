// SPDX-License-Identifier: GPL-2.0
/* The module's hooks, losses and health tables, row by row. */
#include <string.h>

#include "tap.h"
#include "kmodtab.h"

static void hooks(void)
{
	struct kmodtab_hook h;

	is_int(kmodtab_hook_parse("hook=ipmi/sender state=placed err=0 missed=3 kind=kprobe module=ipmi_si # IPMI requests to the interface\n", &h),
	       KMODTAB_ROW, "a placed kprobe row");
	is_str(h.monitor, "ipmi", "monitor before the slash");
	is_str(h.symbol, "sender", "symbol after it");
	is_int(h.state, KMODTAB_HOOK_PLACED, "state placed");
	is_int(h.row.missed, 3, "missed");
	is_str(h.kind, "kprobe", "kind");
	is_str(h.module, "ipmi_si", "module");
	is_str(h.unseen, "IPMI requests to the interface", "what is unseen, whole");

	is_int(kmodtab_hook_parse("hook=lpc/__x64_sys_ioperm state=failed err=-2 missed=0 kind=kretprobe module=vmlinux # I/O port grants (ioperm)", &h),
	       KMODTAB_ROW, "a failed row without a newline");
	is_int(h.state, KMODTAB_HOOK_FAILED, "state failed");
	is_int(h.row.err, -2, "negative error");
	is_str(h.unseen, "I/O port grants (ioperm)", "comment with parentheses");

	kmodtab_hook_parse("hook=ipmi/start_kcs_transaction state=removed err=0 missed=7 kind=kprobe module=ipmi_si # KCS requests\n", &h);
	is_int(h.state, KMODTAB_HOOK_REMOVED, "state removed");
	kmodtab_hook_parse("hook=dma/io_page_fault state=unused err=0 missed=0 kind=other module=vmlinux # AMD-Vi DMA faults\n", &h);
	is_int(h.state, KMODTAB_HOOK_UNUSED, "state unused");
	kmodtab_hook_parse("hook=ipmi/bt_get_result state=waiting err=0 missed=0 kind=kretprobe module=ipmi_si # BT answers\n", &h);
	is_int(h.state, KMODTAB_HOOK_WAITING, "state waiting");
	is_int(kmodtab_hook_parse("hook=pcie/pci_bus_ops state=parked err=0 missed=0 flavour=new # x\n", &h),
	       KMODTAB_ROW, "a newer module's state and key");
	is_int(h.state, KMODTAB_HOOK_UNKNOWN, "unknown state kept as unknown");
	is_str(h.kind, "", "absent kind is empty");
	is_int(kmodtab_hook_parse("hook=dmar_fault state=placed err=0 missed=0\n", &h),
	       KMODTAB_ROW, "a name without a monitor");
	is_str(h.monitor, "", "no monitor");
	is_str(h.symbol, "dmar_fault", "symbol is the name");

	is_int(kmodtab_hook_parse("records=3 dma=1 ir=2 overflow=0 unmatched=0\n", &h),
	       KMODTAB_OTHER, "not a hook row");
	is_int(kmodtab_hook_parse("hook=ipmi/sender state=placed\n", &h),
	       KMODTAB_BAD, "no err: bad");
	is_int(kmodtab_hook_parse("hook=/sender state=placed err=0\n", &h),
	       KMODTAB_BAD, "empty monitor: bad");
	is_int(kmodtab_hook_parse("hook=ipmi/ state=placed err=0\n", &h),
	       KMODTAB_BAD, "empty symbol: bad");
	is_int(kmodtab_hook_parse("hook=ipmi/sender state=placed err=0 kind=kprobe kind2 # x\n", &h),
	       KMODTAB_BAD, "a token without '=': bad");
	ok(!h.monitor[0] && !h.row.hook[0], "a bad row leaves nothing behind");
	is_int(kmodtab_hook_parse("hook=averyveryveryverylongmonitorname/x state=placed err=0\n", &h),
	       KMODTAB_BAD, "monitor too long: bad");
}

static void losses(void)
{
	struct kmodtab_loss l;

	is_int(kmodtab_loss_parse("loss=ipmi_msg_evicted count=12 # IPMI messages forgotten before their answer (too many pending)\n", &l),
	       KMODTAB_ROW, "a loss row");
	is_str(l.name, "ipmi_msg_evicted", "its name");
	is_int(l.count, 12, "its count");
	is_str(l.what, "IPMI messages forgotten before their answer (too many pending)", "its meaning");
	is_int(kmodtab_loss_parse("loss=x count=18446744073709551615\n", &l),
	       KMODTAB_ROW, "u64 max, no comment");
	ok(l.count == UINT64_MAX && !l.what[0], "read as such");
	is_int(kmodtab_loss_parse("loss=x count=18446744073709551616\n", &l),
	       KMODTAB_BAD, "past u64: bad");
	is_int(kmodtab_loss_parse("loss=x count=-1\n", &l), KMODTAB_BAD, "negative: bad");
	is_int(kmodtab_loss_parse("loss=x\n", &l), KMODTAB_BAD, "no count: bad");
	is_int(kmodtab_loss_parse("loss=x count=1 count=2\n", &l), KMODTAB_BAD,
	       "count twice: bad");
	is_int(kmodtab_loss_parse("loss= count=1\n", &l), KMODTAB_BAD, "no name: bad");
	is_int(kmodtab_loss_parse("\n", &l), KMODTAB_OTHER, "blank line");
}

static void health(void)
{
	struct kmodtab_health_head hd;
	struct kmodtab_health_row r;

	is_int(kmodtab_health_head_parse("# instance=8f3a5e0c12d4b7e9 last_seq=17 kept=17\n", &hd),
	       KMODTAB_ROW, "the header");
	ok(hd.instance == 0x8f3a5e0c12d4b7e9ULL && hd.last_seq == 17 && hd.kept == 17,
	   "instance, last_seq, kept");
	is_int(kmodtab_health_head_parse("# instance=0000000000000000 last_seq=0 kept=0\n", &hd),
	       KMODTAB_BAD, "instance 0: bad");
	is_int(kmodtab_health_head_parse("# instance=8f3a last_seq=1 kept=1\n", &hd),
	       KMODTAB_BAD, "short instance: bad");
	is_int(kmodtab_health_head_parse("# instance=8f3a5e0c12d4b7e9 kept=1\n", &hd),
	       KMODTAB_BAD, "no last_seq: bad");
	is_int(kmodtab_health_head_parse("# something else\n", &hd), KMODTAB_OTHER,
	       "another comment");

	is_int(kmodtab_health_parse("seq=3 ts=123456789 kind=5 monitor=1 err=0 count=0 delivered=0 pid=812 comm=sh what=enabled detail=enabled 1 -> 0: config-space and LPC events are no longer traced\n", &r),
	       KMODTAB_ROW, "a knob row");
	ok(r.seq == 3 && r.ts_ns == 123456789 && r.kind == 5 && r.monitor == 1 &&
	   r.pid == 812 && !r.delivered, "numbers");
	is_str(r.comm, "sh", "comm");
	is_str(r.what, "enabled", "what");
	is_str(r.detail, "enabled 1 -> 0: config-space and LPC events are no longer traced",
	       "detail to the end of the line, spaces and all");

	is_int(kmodtab_health_parse("seq=9 ts=1 kind=2 monitor=4 err=-22 count=0 delivered=1 pid=0 comm=- what=- detail=\n", &r),
	       KMODTAB_ROW, "kernel row, empty names and detail");
	ok(r.err == -22 && r.delivered && !r.comm[0] && !r.what[0] && !r.detail[0],
	   "'-' reads as empty, err negative");
	is_int(kmodtab_health_parse("seq=9 ts=1 kind=2 monitor=4 err=0 count=0 delivered=1 pid=0 comm=a what=b extra=1 detail=x # not a comment\n", &r),
	       KMODTAB_ROW, "a newer key is skipped; a '#' inside the detail is text");
	is_str(r.detail, "x # not a comment", "detail keeps it");
	is_int(kmodtab_health_parse("seq=9 ts=1 kind=2 monitor=4 err=0 count=0 delivered=1 pid=0 comm=a what=b\n", &r),
	       KMODTAB_BAD, "no detail: bad");
	is_int(kmodtab_health_parse("seq=0 ts=1 kind=2 monitor=4 err=0 count=0 delivered=1 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_BAD, "seq 0: bad");
	is_int(kmodtab_health_parse("seq=1 ts=1 kind=2 monitor=256 err=0 count=0 delivered=1 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_BAD, "monitor past u8: bad");
	is_int(kmodtab_health_parse("seq=1 ts=1 kind=2 monitor=1 err=0 count=0 delivered=2 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_BAD, "delivered 2: bad");
	is_int(kmodtab_health_parse("seq=1 seq=2 ts=1 kind=2 monitor=1 err=0 count=0 delivered=1 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_BAD, "a key twice: bad");
	is_int(kmodtab_health_parse("seq=1 ts=1 kind=2 monitor=1 err=0 count=0 delivered=1 pid=0 comm=0123456789abcdef what=b detail=\n", &r),
	       KMODTAB_BAD, "comm of 16 bytes does not fit: bad");
	is_int(kmodtab_health_parse("seq=1 ts=1 kind=2 monitor=1 err=2147483648 count=0 delivered=1 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_BAD, "err past s32: bad");
	is_int(kmodtab_health_parse("seq=1 ts=1 kind=2 monitor=1 err=-2147483648 count=0 delivered=1 pid=0 comm=a what=b detail=\n", &r),
	       KMODTAB_ROW, "err s32 min");
	is_int(kmodtab_health_parse("# instance=8f3a5e0c12d4b7e9 last_seq=1 kept=1\n", &r),
	       KMODTAB_OTHER, "the header is not a row");
}

static void abi(void)
{
	unsigned int maj = 9, min = 9;

	ok(!kmodtab_abi_parse("1.2\n", &maj, &min) && maj == 1 && min == 2, "1.2");
	ok(!kmodtab_abi_parse("2.0", &maj, &min) && maj == 2 && min == 0, "2.0 without newline");
	ok(kmodtab_abi_parse("1\n", &maj, &min), "no dot");
	ok(kmodtab_abi_parse("1.\n", &maj, &min), "no minor");
	ok(kmodtab_abi_parse(".2\n", &maj, &min), "no major");
	ok(kmodtab_abi_parse("1.2.3\n", &maj, &min), "three parts");
	ok(kmodtab_abi_parse("65536.0\n", &maj, &min), "major too big");
	ok(kmodtab_abi_parse("", &maj, &min), "empty");
}

static void abi_check(void)
{
	unsigned int min = 9;
	char why[256] = "";

	ok(!kmodtab_abi_check("1.2\n", 1, 2, &min, why, sizeof(why)) && min == 2,
	   "the same version: attach");
	ok(!kmodtab_abi_check("1.1\n", 1, 2, &min, why, sizeof(why)) && min == 1,
	   "an older minor: attach, minor 1");
	ok(!kmodtab_abi_check("1.7\n", 1, 2, &min, why, sizeof(why)) && min == 7,
	   "a newer minor: attach");
	ok(kmodtab_abi_check("2.0\n", 1, 2, &min, why, sizeof(why)) == -1 &&
	   strstr(why, "ABI 2.0, this bmcwatchd ABI 1.2") && strstr(why, "refusing to attach"),
	   "another major: refused, saying both: %s", why);
	ok(kmodtab_abi_check("0.9\n", 1, 2, &min, why, sizeof(why)) == -1, "an older major: refused");
	ok(kmodtab_abi_check("one.two\n", 1, 2, &min, why, sizeof(why)) == -1 &&
	   strstr(why, "not MAJOR.MINOR"), "unreadable: refused");
}

int main(void)
{
	hooks();
	losses();
	health();
	abi();
	abi_check();
	return tap_done();
}
