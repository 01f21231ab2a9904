// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the DMA and doorbell monitor:
 *  - every IOMMU fault record bmcwatch.ko reads (bmcwatch_dma_fault) is
 *    counted per requester in a per-CPU hash and sent to userspace;
 *  - opt-in ([dma] irq_probe): every unclaimed (IRQ_NONE) interrupt of a
 *    BMC function (irq numbers the daemon puts in irq_fns) is counted per
 *    CPU; the daemon reads all other interrupt counts from the kernel's
 *    own per-CPU accounting, which costs the interrupt path nothing;
 *  - AER errors (ras:aer_event) are sent, the daemon keeps the BMC paths;
 *  - the kernel's messages about interrupts on vectors with no handler
 *    (printk:console) are sent, whoever may read the kernel log;
 *  - opt-in ([dma] vector_count = exact): every such interrupt is counted
 *    per CPU and vector (on_common_interrupt).
 * With irq_probe, every interrupt of every device pays the tracepoint's
 * BPF dispatch (83 instructions per interrupt measured by bench/run irq)
 * and a compare; an unclaimed one a hash lookup. Every loss is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/bmcwatch.h>
#include "dma.h"
#include "bmcw.bpf.h"

#define IRQ_NONE	0

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DMA_MAX_IRQS);
	__type(key, __u32);
	__type(value, struct dma_irq_info);
} irq_fns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DMA_MAX_IRQS);
	__type(key, __u32);
	__type(value, struct dma_irq_count);
} irq_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DMA_MAX_FAULT_KEYS);
	__type(key, struct dma_fault_key);
	__type(value, __u64);
} fault_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DMA_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* per CPU: interrupts on each vector no handler owns (opt-in) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DMA_NR_VECTORS);
	__type(key, __u32);
	__type(value, __u64);
} vector_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, DMA_RINGBUF_BYTES);
} events SEC(".maps");

static __always_inline void *reserve(__u32 type, __u32 len)
{
	struct bmcw_rec_hdr *h;

	h = bpf_ringbuf_reserve(&events, sizeof(*h) + len, 0);
	if (!h) {
		bmcw_stat_inc(&stats, DMA_STAT_RB_FULL);
		return NULL;
	}
	h->type = type;
	h->len = len;
	return h + 1;
}

static __always_inline void submit(void *body)
{
	bpf_ringbuf_submit((struct bmcw_rec_hdr *)body - 1, 0);
	bmcw_stat_inc(&stats, DMA_STAT_RB_SENT);
}

static __always_inline void discard(void *body)
{
	bpf_ringbuf_discard((struct bmcw_rec_hdr *)body - 1, 0);
}

static __always_inline void count_fault(const struct bmcw_dma_fault *f)
{
	struct dma_fault_key key = {
		.seg = f->seg, .bus = f->bus, .devfn = f->devfn,
		.kind = f->kind, .dir = f->dir,
	};
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&fault_counts, &key);
	if (v) {
		bmcw_inc(v);
		return;
	}
	if (!bpf_map_update_elem(&fault_counts, &key, &one, BPF_NOEXIST))
		return;
	v = bpf_map_lookup_elem(&fault_counts, &key);
	if (v)
		bmcw_inc(v);
	else
		bmcw_stat_inc(&stats, DMA_STAT_FAULT_MAP_FULL);
}

SEC("raw_tp/bmcwatch_dma_fault")
int BPF_PROG(on_dma_fault, const struct bmcw_dma_fault *kf)
{
	struct bmcw_dma_fault *f;

	bmcw_stat_inc(&stats, DMA_STAT_FAULTS);
	f = reserve(BMCW_REC_DMA_FAULT, sizeof(*f));
	if (!f) {
		struct bmcw_dma_fault tmp;

		if (bpf_probe_read_kernel(&tmp, sizeof(tmp), kf))
			bmcw_stat_inc(&stats, DMA_STAT_READ_FAIL);
		else
			count_fault(&tmp);
		return 0;
	}
	if (bpf_probe_read_kernel(f, sizeof(*f), kf)) {
		discard(f);
		bmcw_stat_inc(&stats, DMA_STAT_READ_FAIL);
		return 0;
	}
	/* the module stamps it; a record without a time gets the send's */
	if (!f->ts_ns)
		f->ts_ns = bpf_ktime_get_ns();
	count_fault(f);
	submit(f);
	return 0;
}

static __always_inline struct dma_irq_count *irq_count(__u32 irq)
{
	struct dma_irq_count zero = {}, *c;

	c = bpf_map_lookup_elem(&irq_counts, &irq);
	if (c)
		return c;
	bpf_map_update_elem(&irq_counts, &irq, &zero, BPF_NOEXIST);
	c = bpf_map_lookup_elem(&irq_counts, &irq);
	if (!c)
		bmcw_stat_inc(&stats, DMA_STAT_IRQ_MAP_FULL);
	return c;
}

/*
 * The kernel counts every interrupt per CPU (kstat) but keeps of the
 * unclaimed ones only its spurious-interrupt detector, which restarts: this
 * is the exact count, for those who pay a program run per interrupt.
 */
SEC("raw_tp/irq_handler_exit")
int BPF_PROG(on_irq_exit, int irq, struct irqaction *action, int ret)
{
	__u32 key = irq;
	struct dma_irq_info *info;
	struct dma_irq_count *c;

	if (ret != IRQ_NONE)
		return 0;
	info = bpf_map_lookup_elem(&irq_fns, &key);
	/* On a shared line another handler may claim it: not countable. */
	if (!info || (info->flags & DMA_IRQ_SHARED))
		return 0;
	bmcw_stat_inc(&stats, DMA_STAT_IRQS);
	c = irq_count(key);
	if (c)
		bmcw_inc(&c->unclaimed);
	return 0;
}

SEC("raw_tp/aer_event")
int BPF_PROG(on_aer_event, const char *dev_name, __u32 status, __u8 severity,
	     __u8 tlp_header_valid, void *tlp)
{
	struct bmcw_dma_aer *r;

	bmcw_stat_inc(&stats, DMA_STAT_AER);
	r = reserve(BMCW_REC_DMA_AER, sizeof(*r));
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = bpf_ktime_get_ns();
	r->status = status;
	r->severity = severity;
	r->tlp_valid = tlp_header_valid;
	if (tlp_header_valid && tlp &&
	    bpf_probe_read_kernel(r->tlp, sizeof(r->tlp), tlp))
		bmcw_stat_inc(&stats, DMA_STAT_READ_FAIL);
	if (bpf_probe_read_kernel_str(r->dev, sizeof(r->dev), dev_name) < 0)
		bmcw_stat_inc(&stats, DMA_STAT_READ_FAIL);
	submit(r);
	return 0;
}

/* Whether the @n bytes at @w are @s (the verifier wants constant bounds). */
static __always_inline bool same(const char *w, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (w[i] != s[i])
			return false;
	return true;
}

/*
 * The first words of the messages about vectors with no handler and of
 * their rate limit's note, in each form kernels print (the text itself is
 * parsed by the daemon: userspace/lib/irq_stat.c).
 */
static __always_inline bool vector_message(const char *t)
{
	char w[20];

	if (bpf_probe_read_kernel(w, sizeof(w), t))
		return false;
	return same(w, "__common_interrupt: ", 20) ||
	       same(w, "reevaluate_vector: ", 19) ||
	       same(w, "No irq handler for ", 19);
}

/*
 * Every kernel message passes here; all but a rare few stop at the first
 * bytes. @text is the message alone on kernels that store it through
 * printk_sprint(); the console tracepoint before 5.19 fires as a console
 * prints a message, with its time stamp ("[ 5.1] "), and only if
 * console_loglevel lets it through: the vector message is an emergency,
 * always printed, the rate limit's note a warning.
 */
static __always_inline int vector_text(const char *text, size_t len)
{
	struct bmcw_dma_console *r;
	const char *t = text;
	char ts[24];
	int i;

	if (len < 19 || bpf_probe_read_kernel(ts, sizeof(ts), text))
		return 0;
	if (ts[0] == '[') {
		for (i = 1; i < sizeof(ts) - 1; i++)
			if (ts[i] == ']')
				break;
		if (i >= sizeof(ts) - 1 || ts[i + 1] != ' ')
			return 0;
		t += i + 2;
		len -= i + 2;
	}
	if (!vector_message(t))
		return 0;
	bmcw_stat_inc(&stats, DMA_STAT_CONSOLE);
	r = reserve(BMCW_REC_DMA_CONSOLE, sizeof(*r));
	if (!r)
		return 0;
	r->ts_ns = bpf_ktime_get_ns();
	r->cpu = bpf_get_smp_processor_id();
	r->len = len < sizeof(r->text) ? len : sizeof(r->text);
	if (bpf_probe_read_kernel(r->text, sizeof(r->text), t)) {
		bmcw_stat_inc(&stats, DMA_STAT_READ_FAIL);
		discard(r);
		return 0;
	}
	submit(r);
	return 0;
}

/*
 * Where the kernel formats each message it stores (5.15 on, where it is
 * a function of its own): at its exit @text holds @ret bytes, the message
 * without level or newline. Preferred to the console tracepoint, which
 * from 5.19 to 6.1 is an "rcuidle" tracepoint in this very function: with
 * a probe attached it warns (WARN_ON_ONCE) at the first message printed
 * in NMI context, which a BMC's NMI makes happen.
 */
SEC("fexit/printk_sprint")
int BPF_PROG(on_printk_sprint, char *text, u16 size, int facility, void *flags,
	     const char *fmt, void *args, u16 ret)
{
	return vector_text(text, ret);
}

SEC("raw_tp/console")
int BPF_PROG(on_console, const char *text, size_t len)
{
	return vector_text(text, len);
}

/*
 * Opt-in ([dma] vector_count = exact): every interrupt on a vector no
 * handler owns, counted per CPU and vector where the kernel looks the
 * vector up, with a trampoline (fentry) on __common_interrupt, not a
 * breakpoint: the kernel's own message about it is rate-limited (10 per
 * 5 s), and no function the kernel calls only for such an interrupt takes
 * a probe (___ratelimit is in lib.a, which is built without ftrace's call
 * sites, and kprobe events refuse such functions). Every interrupt of
 * every device pays the trampoline and one load and compare (bench/run
 * irq, "exact"); only an unowned vector a count. VECTOR_UNUSED is NULL;
 * the error pointers of a vector being torn down are not counted, as the
 * kernel prints nothing for them either.
 */
extern const vector_irq_t vector_irq __ksym __weak;

SEC("fentry/__common_interrupt")
int BPF_PROG(on_common_interrupt, struct pt_regs *regs, u32 vector)
{
	const vector_irq_t *descs = bpf_this_cpu_ptr(&vector_irq);
	__u32 v = vector & (DMA_NR_VECTORS - 1);
	__u64 *n;

	if ((*descs)[v])
		return 0;
	n = bpf_map_lookup_elem(&vector_counts, &v);
	if (n)
		*n += 1;	/* per CPU, and interrupts do not nest here */
	bmcw_stat_inc(&stats, DMA_STAT_UNOWNED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
