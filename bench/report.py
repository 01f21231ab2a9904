#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the samples of bench/run (DIR/*.dat, *.meta, machine.txt) into
the Markdown report and the PNG plots (gnuplot) in DIR.

    report.py DIR REPORT.md

Every overhead figure is a ratio of measurements taken in the same guest
boot, in alternating order: for each round, the best batch of each setup
(contention from other VMs only ever adds time, so the fastest batch is
the least disturbed one), then the ratio of the two; the report gives the
median of those per-round ratios with their interquartile range and
extremes. The medians of all batches are given too, to show the noise.
"""
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict


def pct(v, p):
    """Percentile p (0..100) of v, linear between closest ranks."""
    v = sorted(v)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def med(v):
    return pct(v, 50)


def fmt(x, nd=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{nd}f}"


def sign_pct(r, nd=1):
    """A ratio as an added percentage: 1.0123 -> +1.2%."""
    if r is None or math.isnan(r):
        return "n/a"
    return f"{(r - 1) * 100:+.{nd}f}%"


def read_lines(path):
    try:
        with open(path) as f:
            return [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    except FileNotFoundError:
        return None


def read_kv(path):
    out = {}
    try:
        with open(path) as f:
            for ln in f:
                if " " in ln.strip():
                    k, v = ln.rstrip("\n").split(" ", 1)
                    if k in out:	# repeated keys (rerun) accumulate
                        v = out[k] + "; " + v
                    out[k] = v
    except FileNotFoundError:
        pass
    return out


class Rounds:
    """Samples "round setup batch value": per round, per setup. A round's
    figure for a setup is its fastest batch (wall clock: the host's load
    only adds time) or, with pick=med, its median batch (instruction
    count: deterministic but for a rare batch that reads far off)."""

    def __init__(self, rows, pick=min):
        self.pick = pick
        self.by = defaultdict(lambda: defaultdict(list))
        for r in rows:
            self.by[int(r[0])][r[1]].append(float(r[3]))

    def best(self, setup):
        """Per round: the round's figure for setup."""
        return [self.pick(r[setup]) for _, r in sorted(self.by.items()) if setup in r]

    def all(self, setup):
        return [v for r in self.by.values() for v in r.get(setup, [])]

    def ratios(self, num, den):
        """Per round: the ratio of the two setups' figures."""
        return [self.pick(r[num]) / self.pick(r[den]) for _, r in sorted(self.by.items())
                if num in r and den in r]

    def spread(self, setup):
        """Median over rounds of (slowest - fastest) / fastest batch."""
        return med([(max(r[setup]) - min(r[setup])) / min(r[setup])
                    for r in self.by.values() if len(r.get(setup, [])) > 1])


def ratio_cell(rs):
    if not rs:
        return "n/a"
    return (f"{med(rs):.3f} ({sign_pct(med(rs))}); IQR {pct(rs, 25):.3f}-"
            f"{pct(rs, 75):.3f}, range {min(rs):.3f}-{max(rs):.3f}, {len(rs)} rounds")


def goal_verdict(rs, goal):
    """How the per-round ratios stand against an added-cost goal."""
    if not rs:
        return "not measured"
    m, lo, hi = med(rs), pct(rs, 25), pct(rs, 75)
    if lo <= 1.0 + goal and hi - lo > 4 * goal:
        return (f"no conclusion: swamped by noise (per-round IQR {sign_pct(lo)}.."
                f"{sign_pct(hi)}, median {sign_pct(m)})")
    goal += 1.0
    if hi <= goal:
        return f"met (the whole interquartile range is below {sign_pct(goal, 0)})"
    if m <= goal:
        return (f"median below the goal, but the interquartile range reaches "
                f"{sign_pct(hi)}: within this run's noise")
    if lo > goal:
        return f"NOT met here (even the lower quartile is {sign_pct(lo)})"
    return (f"not met at the median ({sign_pct(m)}); the interquartile range "
            f"{sign_pct(lo)}..{sign_pct(hi)} straddles the goal")


class Plot:
    """gnuplot, PNG, data through temporary files."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.tmp = tempfile.mkdtemp(prefix="bench-plot-")
        self.made = []

    def data(self, name, rows):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            for r in rows:
                f.write(" ".join(str(x) for x in r) + "\n")
        return p

    def render(self, png, script):
        out = os.path.join(self.outdir, png)
        head = (f"set terminal pngcairo size 900,540 font 'sans,10'\n"
                f"set output '{out}'\nset grid\nset key top left\n")
        r = subprocess.run(["gnuplot"], input=head + script, text=True,
                           capture_output=True)
        if r.returncode or not os.path.exists(out):
            sys.stderr.write(f"report: gnuplot failed for {png}: {r.stderr}\n")
            return None
        self.made.append(png)
        return png


def load_table(d, tags):
    lines = ["| benchmark | wall time | host load at start (1/5/15 min) | at end | status |",
             "|---|---|---|---|---|"]
    for t in tags:
        m = read_kv(os.path.join(d, t + ".meta"))
        if not m:
            continue
        st = "ok" if m.get("status") == "0" else f"FAILED ({m.get('status')})"
        lines.append(f"| {t} | {m.get('seconds', '?')} s | {m.get('start_load', '?')} | "
                     f"{m.get('end_load', '?')} | {st} |")
    return lines


def loads(d, tags):
    """All 1-minute load averages recorded around the given benchmarks."""
    v = []
    for t in tags:
        m = read_kv(os.path.join(d, t + ".meta"))
        for k in ("start_load", "end_load"):
            if k in m:
                v.append(float(m[k].split()[0]))
    return v


def modes(d, base):
    """The two runs of a benchmark: (label, Rounds) for those present."""
    out = []
    for tag, label in (("-icount", "instructions"), ("", "wall clock")):
        rows = read_lines(os.path.join(d, base + tag + ".dat"))
        if rows:
            out.append((label, tag, Rounds([r for r in rows if len(r) >= 4 and
                                            r[2] != "count"],
                                           med if tag else min)))
    return out


def setup_table(out, runs, setups, names, base, unit, per, scale=1.0, nd=1):
    """One row per setup, for each mode: value (median of rounds' best)
    and the per-round ratio to base."""
    head = "| setup |"
    sep = "|---|"
    for label, _, _ in runs:
        u = f"instructions {per}" if label == "instructions" else f"{unit} {per}"
        head += f" {u} | ratio to {base} ({label}) |"
        sep += "---|---|"
    out += [head, sep]
    for st in setups:
        row = f"| {names[st]} |"
        have = False
        for label, _, R in runs:
            b = R.best(st)
            if not b:
                row += " n/a | n/a |"
                continue
            have = True
            sc = 1.0 if label == "instructions" else scale
            row += f" {fmt(med(b) * sc, nd)} |"
            row += " 1 |" if st == base else f" {ratio_cell(R.ratios(st, base))} |"
        if have:
            out.append(row)


def get_mode(runs, label):
    for lb, _, R in runs:
        if lb == label:
            return R
    return None


def section_cfgread(d, P, out):
    out.append("## 1. Config-space read cost")
    out.append("")
    runs = modes(d, "cfgread")
    if not runs:
        out.append("Not run, or it failed (see cfgread*.log).")
        return
    names = {"bare": "bare", "module": "bmcwatch.ko, nobody attached",
             "with": "bmcwatch.ko + BPF counting (bmcwatchd)",
             "bpftrace": "bpftrace kprobe counting the same reads"}
    out.append("A kernel loop of `pci_read_config_dword()` (bmcw_test.ko), four setups "
               "alternating in one boot, in both modes (see Method: *instructions* is QEMU's "
               "instruction-count clock, deterministic; *wall clock* is ordinary TCG time, "
               "exposed to the host's load). Ratios are taken within a round.")
    out.append("")
    setup_table(out, runs, ("bare", "module", "with", "bpftrace"), names, "bare",
                "ns", "per read")
    out.append("")
    for label, _, R in runs:
        rel = []
        for _, r in sorted(R.by.items()):
            if all(k in r for k in ("bare", "with", "bpftrace")):
                b = R.pick(r["bare"])
                if R.pick(r["bpftrace"]) - b > 0:
                    rel.append((R.pick(r["with"]) - b) / (R.pick(r["bpftrace"]) - b))
        if not rel:
            continue
        unit = "instructions" if label == "instructions" else "ns"
        base = med(R.best("bare"))
        out.append(f"- {label}: bmcwatch's added cost per read (module + BPF counting) is "
                   f"**{med(rel):.2f}** of what the bpftrace kprobe adds (per-round IQR "
                   f"{pct(rel, 25):.2f}-{pct(rel, 75):.2f}, range {min(rel):.2f}-"
                   f"{max(rel):.2f}); the module alone adds "
                   f"{fmt(med(R.best('module')) - base)} {unit}, module + BPF "
                   f"{fmt(med(R.best('with')) - base)} {unit}. Batches of one setup within a "
                   f"round differ by a median {R.spread('bare') * 100:.1f}% (bare).")
    sysfs = modes(d, "cfgread-sysfs")
    if sysfs:
        out.append("What lspci does, measured after each batch: one `pread()` of the first 256 "
                   "bytes of the function's sysfs `config` file (64 config reads, from a "
                   "process: each is counted with the user origin). The bpftrace kprobe does not "
                   "see these (they do not pass through `pci_bus_read_config_dword()`).")
        out.append("")
        setup_table(out, sysfs, ("bare", "module", "with"), names, "bare", "ns",
                    "per 256-byte read")
        out.append("")
    out.append("Under TCG a config read is emulated cheaply (the instruction count of a bare "
               "read is the kernel's own path: lock, ops, the port or MMCONFIG access, each "
               "access one instruction) while on hardware a config read is a non-posted PCIe "
               "transaction of about a microsecond. So the percentage against a bare read "
               "overstates what hardware would see; the ratio against bpftrace compares like "
               "with like, and the added instructions are the portable figure.")
    # plot: per setup and mode, normalised to the mode's bare median; bar
    # = median of the rounds' best, error bar = their min and max
    plots = []
    for m, (label, _, R) in enumerate(runs):
        bare = med(R.best("bare"))
        rows = []
        for i, st in enumerate(("bare", "module", "with", "bpftrace")):
            b = [v / bare for v in R.best(st)]
            if b:
                x = i + (m - 0.5 * (len(runs) - 1)) * 0.36
                rows.append((x, med(b), min(b), max(b)))
        f = P.data(f"cfg{m}", rows)
        plots.append(f"'{f}' using 1:2 with boxes title '{label}'")
        plots.append(f"'{f}' using 1:2:3:4 with yerrorbars lt -1 pt 0 notitle")
    png = P.render("cfgread.png", f"""
set title 'Config-space read cost relative to a bare read (median of rounds, min-max)'
set ylabel 'cost / bare read'
set xtics ('bare' 0, 'module' 1, 'module + BPF' 2, 'bpftrace' 3)
set xrange [-0.6:3.6]
set yrange [0:*]
set boxwidth 0.34
set style fill solid 0.5
plot {', '.join(plots)}
""")
    if png:
        out += ["", f"![config-space read cost]({os.path.basename(d)}/{png})"]


PARTS = (("module", "bmcwatch.ko, nobody attached"),
         ("empty", "an empty program on bmcwatch_cfg_access (the whole event built)"),
         ("array", "+ per-CPU array lookup and locked add"),
         ("plain", "+ per-CPU array lookup and plain add"),
         ("hash", "+ per-CPU hash lookup and locked add"),
         ("prog", "bpf/pcie.bpf.c on bmcwatch_cfg_access, alone"),
         ("c-empty", "an empty program on bmcwatch_cfg_count (a read's key only)"),
         ("c-array", "+ per-CPU array lookup and locked add"),
         ("c-plain", "+ per-CPU array lookup and plain add"),
         ("c-hash", "+ per-CPU hash lookup and locked add"),
         ("c-prog", "bpf/pcie.bpf.c on bmcwatch_cfg_count, alone"),
         ("with", "bmcwatchd (every monitor)"))


def section_cfgparts(d, P, out):
    """bench/run cfgparts (run by name only): the breakdown of a traced read."""
    runs = [(name, Rounds(read_lines(os.path.join(d, f"{name}-icount.dat")) or [], med))
            for name in ("cfgparts", "cfgparts-sysfs")]
    if not any(R.by for _, R in runs):
        return
    out.append("## 1b. Where a traced config read goes (instructions)")
    out.append("")
    out.append("`bench/run cfgparts`: the loop of section 1 and the 256-byte sysfs read, with "
               "bmcwatch.ko loaded and one program at a time on its config tracepoints "
               "(`bench/src/cfg_parts.bpf.c`, attached by `bench/.out/bpf_attach`), so each "
               "row adds one part; *added* is against the module alone.")
    out.append("")
    out.append("| setup | per read | added | per 256-byte sysfs read | added |")
    out.append("|---|---|---|---|---|")
    for st, name in PARTS:
        cells = []
        for _, R in runs:
            b, m = R.best(st), R.best("module")
            if not b or not m:
                cells += ["n/a", "n/a"]
                continue
            cells += [fmt(med(b)), "-" if st == "module" else f"+{fmt(med(b) - med(m))}"]
        if cells.count("n/a") < 4:
            out.append(f"| {name} | " + " | ".join(cells) + " |")


def ratio_plot(P, d, png, title, series, goal):
    """Per-round ratios of several series against the round number."""
    plots = []
    for name, rs in series:
        if rs:
            f = P.data(png + name.replace(" ", "_"), list(enumerate(rs)))
            plots.append(f"'{f}' using 1:2 with linespoints pt 7 title '{name}'")
    if not plots:
        return None
    g = 1 + goal
    return P.render(png, f"""
set title '{title}'
set xlabel 'round (setups alternate: bare first in even rounds)'
set ylabel 'with bmcwatch / without (log scale)'
set logscale y
set xtics 1
set arrow from graph 0, first 1 to graph 1, first 1 nohead lt -1
set arrow from graph 0, first {g} to graph 1, first {g} nohead dt 2 lc rgb 'red'
set label 'goal' at graph 0.01, first {g} offset 0,0.6 tc rgb 'red'
set key top right
plot {', '.join(plots)}
""")


def section_ipmi(d, P, out):
    out.append("## 2. IPMI round trip")
    out.append("")
    ipmi_rounds(d, P, out, "ipmi", "KCS")


def section_ssif(d, P, out):
    out.append("## 2b. IPMI round trip over SSIF")
    out.append("")
    out.append("The same clients over SSIF: QEMU's `smbus-ipmi` on the ICH9 SMBus "
               "(`i2c_i801`), the `ipmi_ssif` driver, whose message completions bmcwatch "
               "probes (`ssif/msg_done_handler`) besides the message layer. Each message is "
               "SMBus block transfers the driver steps through from its completion "
               "callbacks, with timed waits between them: the ioctl client's figure is the "
               "elapsed guest time in both modes (in the instruction-count mode idle time "
               "still passes on the guest's clock), mostly those waits; the busy "
               "instructions of ipmitool are what the host's CPU does per round trip.")
    out.append("")
    ipmi_rounds(d, P, out, "ssif", "SSIF")


def ipmi_rounds(d, P, out, pfx, iface):
    gruns = modes(d, pfx + "-gdi")
    t = read_lines(os.path.join(d, pfx + "-tool.dat"))
    if not gruns:
        out.append(f"Not run, or it failed (see {pfx}*.log).")
        return
    out.append(f"Get Device ID through `/dev/ipmi0` ({iface}, QEMU's BMC simulator), without "
               f"bmcwatch and with it (bmcwatch.ko's kprobes on the {iface} driver and the "
               "message layer + bmcwatchd), alternating in one boot. Clients: "
               "`bench/src/ipmi_gdi.c` (send ioctl, poll, receive ioctl: nothing else) and "
               "ipmitool, what an operator runs: `ipmitool raw 0x06 0x01`, one process per "
               "round trip, and `ipmitool exec` of `raw 0x06 0x01` lines (10 per process, "
               "per command). In the instruction-count mode an idle CPU jumps to its next "
               "timer, so ipmitool's elapsed time there includes waits; its figure is the "
               "busy instructions instead (run time of every task on the guest's one CPU, "
               "from /proc/schedstat, taken around the client; ipmitool and its files copied "
               "to a tmpfs so no file I/O waits on the host).")
    out.append("")
    out.append("| client, mode | without | with bmcwatch | added | ratio with/without, per round |")
    out.append("|---|---|---|---|---|")
    series = []
    rows = [(f"ioctl client, {lb}", lb, R) for lb, _, R in gruns]
    for f, name in ((pfx + "-tool1-icount.dat", "ipmitool, one process per round trip, busy instructions"),
                    (pfx + "-toolx-icount.dat", "ipmitool exec, per command, busy instructions")):
        rr = read_lines(os.path.join(d, f))
        if rr:
            rows.append((name, "instructions", Rounds(rr, med)))
    if t:
        rows.append(("ipmitool exec, per command, wall clock", "wall clock", Rounds(t)))
    for name, lb, R in rows:
        u = "instructions" if lb == "instructions" else "us"
        sc = 1.0 if lb == "instructions" else 1e-3
        b, w = med(R.best("bare")), med(R.best("with"))
        rs = R.ratios("with", "bare")
        series.append((name, rs))
        out.append(f"| {name} | {fmt(b * sc, 0 if sc == 1 else 1)} {u} | "
                   f"{fmt(w * sc, 0 if sc == 1 else 1)} {u} | "
                   f"{fmt((w - b) * sc, 0 if sc == 1 else 1)} {u} | {ratio_cell(rs)} |")
    out.append("")
    for name, rs in series:
        out.append(f"- {name}: goal under 1% added: {goal_verdict(rs, 0.01)}.")
    seen = read_lines(os.path.join(d, pfx + "-seen.dat"))
    if seen:
        per = [int(r[2].split("=")[1]) / int(r[3].split("=")[1]) for r in seen]
        out.append(f"- bmcwatch was in the path: its IPMI hooks counted a median "
                   f"{med(per):.2f} events per round trip in the rounds with it "
                   f"(range {min(per):.2f}-{max(per):.2f}).")
    out.append("")
    if pfx != "ipmi":
        png = ratio_plot(P, d, pfx + ".png", f"IPMI over {iface}: per-round ratio", series, 0.01)
        if png:
            out += ["", f"![{iface} ratios]({os.path.basename(d)}/{png})"]
        return
    out.append("What the number means under TCG: QEMU's KCS interface and BMC simulator answer "
               "at once, inside the emulated port access, so a whole Get Device ID costs the "
               "guest only its driver's instructions (the ioctls, the message handler, the KCS "
               "state machine stepping byte by byte through port I/O). bmcwatch probes that "
               "state machine: a kprobe on each KCS port write (for error recovery), probes on "
               "the start and result of each transaction and on the message layer; routine "
               "answers are only counted in BPF, nothing wakes the daemon. The ioctl client is "
               "the worst case: the round trip is nothing but the driver. ipmitool is what the "
               "goal names: a process per round trip (it also loads its enterprise-number "
               "table) or a command of an `exec` batch. On "
               "a real BMC every KCS byte waits for the BMC's firmware to move it (tens to "
               "hundreds of microseconds; a Get Device ID typically takes milliseconds), time "
               "in which the host executes nothing of the transaction, so the same added "
               "instructions are a far smaller fraction there. The added instructions per "
               "round trip above are the portable figure; the ratio here is an upper bound "
               "that no real KCS interface reaches, and the goal's 1% is a statement about "
               "real hardware that this emulator cannot test directly.")
    png = ratio_plot(P, d, "ipmi.png", "IPMI Get Device ID: per-round ratio", series, 0.01)
    if png:
        out += ["", f"![IPMI ratios]({os.path.basename(d)}/{png})"]


def section_irq(d, P, out):
    out.append("## 3. Interrupt path")
    out.append("")
    runs = modes(d, "irq")
    if not runs:
        out.append("Not run, or it failed (see irq*.log).")
        return
    out.append("edu interrupts raised back to back by edu_irq.ko's `bench` loop (raise, poll "
               "until the handler ran, repeat, timed in the kernel), routed to the CPU the loop "
               "runs on; without bmcwatch, with the module alone, with bmcwatch.ko + "
               "bmcwatchd in its default configuration with edu declared a BMC function (the "
               "daemon reads the kernel's own per-CPU counts of edu's interrupts once per "
               "interval: nothing in the interrupt path), and with the opt-in `[dma] irq_probe` "
               "(a BPF program on irq_handler_exit, exact per-CPU counts of unclaimed "
               "interrupts), and with the opt-in `[dma] vector_count = exact` (a trampoline "
               "on __common_interrupt, exact counts of interrupts on vectors no handler "
               "owns).")
    out.append("")
    names = {"bare": "without bmcwatch", "module": "bmcwatch.ko only",
             "with": "bmcwatch.ko + bmcwatchd (default)",
             "probe": "bmcwatch.ko + bmcwatchd, [dma] irq_probe = yes",
             "exact": "bmcwatch.ko + bmcwatchd, [dma] vector_count = exact"}
    setup_table(out, runs, ("bare", "module", "with", "probe", "exact"), names, "bare", "ns",
                "per interrupt")
    out.append("")
    for label, _, R in runs:
        unit = "instructions" if label == "instructions" else "ns"
        for st, what in (("with", "bmcwatch (default)"), ("probe", "the opt-in irq_probe"),
                         ("exact", "the opt-in vector_count = exact")):
            if not R.best(st):
                continue
            rs = R.ratios(st, "bare")
            out.append(f"- {label}: {what} adds {fmt(med(R.best(st)) - med(R.best('bare')))} "
                       f"{unit} per interrupt; goal under 2% added: {goal_verdict(rs, 0.02)}.")
    out.append("")
    out.append("Validation of the method:")
    for label, tag, R in runs:
        rows = read_lines(os.path.join(d, "irq" + tag + ".dat"))
        samples = [r for r in rows if r[2] != "count"]
        counts = [r for r in rows if r[2] == "count"]
        ok = sum(1 for r in samples if r[5] == "ok=1")
        polls = [float(r[4].split("=")[1]) for r in samples]
        good = sum(1 for r in counts if r[3].split("=")[1] == r[4].split("=")[1])
        out.append(f"- {label}: in {ok} of {len(samples)} batches the driver's count and "
                   f"/proc/interrupts grew by exactly the batch size; bmcwatchd's own count "
                   f"(its metric) matched the interrupts raised in {good} of {len(counts)} "
                   f"setup-rounds with it; polls per interrupt median {med(polls):.2f}; batches "
                   f"of one setup in a round differ by a median {R.spread('bare') * 100:.1f}% "
                   f"(bare), {R.spread('with') * 100:.1f}% (with).")
    out.append("- Polls per interrupt 0 means each interrupt was taken right after the raise, "
               "before the loop's first check: only the interrupt path is timed. The older "
               "`raise` loop (udelay(10) between checks, interrupt routed to the other vCPU) "
               "timed mostly that delay and the other vCPU's wake-up (16-100 us per interrupt "
               "in a trial run, against 1.5-3 us here).")
    out.append("")
    out.append("What it means: by default bmcwatch puts nothing in the interrupt path: the "
               "kernel counts every interrupt per CPU anyway (kstat) and keeps a "
               "spurious-interrupt detector per descriptor, and the daemon reads both for the "
               "irqs of BMC functions once per interval (and the kernel's \"No irq handler "
               "for vector\" messages from /dev/kmsg), so the default's instruction count per "
               "interrupt is the bare one, and its wall-clock ratio is the emulator's noise. "
               "The opt-in irq_probe is a tracepoint hit with a BPF program for every "
               "interrupt of every device (a compare for a claimed one); its ratio is its "
               "price, paid only by those who want exact per-CPU counts of unclaimed "
               "interrupts (the kernel's detector restarts its count after 100 ms without "
               "one, so the default's count of them is exact only within a burst). The opt-in "
               "vector_count = exact is a BPF trampoline on __common_interrupt, also paid by "
               "every interrupt (a load and compare; a count only on a vector no handler "
               "owns): its ratio is the price of exact counts of rogue doorbells, which the "
               "kernel's rate-limited message (10 per 5 s) otherwise bounds from below.")
    series = [(f"{label}", R.ratios("with", "bare")) for label, _, R in runs]
    series += [(f"{label}, irq_probe", R.ratios("probe", "bare")) for label, _, R in runs
               if R.best("probe")]
    series += [(f"{label}, vector_count = exact", R.ratios("exact", "bare"))
               for label, _, R in runs if R.best("exact")]
    png = ratio_plot(P, d, "irq.png", "edu interrupt path: per-round ratio", series, 0.02)
    if png:
        out += ["", f"![interrupt ratios]({os.path.basename(d)}/{png})"]


def section_usb(d, P, out):
    out.append("## 3b. The BMC's USB face: keyboard events and NIC packets")
    out.append("")
    runs = {name: modes(d, "usb-" + name) for name in ("key", "udp", "tc")}
    if not any(runs.values()):
        out.append("Not run, or it failed (see usb*.log).")
        return
    out.append("One boot with a qemu-xhci controller whose port 1 has a usb-net (on a "
               "user-mode network of its own that reaches nothing) and port 2 a usb-kbd, both "
               "declared the BMC's; without bmcwatch and with it (bmcwatch.ko, whose input "
               "handler counts the BMC keyboard's reports into a tracepoint and BPF, + "
               "bmcwatchd, whose tc programs sit on the BMC NIC's ingress and egress), "
               "alternating. Key: a key pressed and released (two reports, one counted) on "
               "the BMC keyboard's input device, injected and timed in the kernel by "
               "`bmcw_test.ko` (`input_bench`): the input core and every handler bound to the "
               "device, the USB and HID layers below it left out, so the ratio is against "
               "the smallest part of a real key's path. UDP: 64-byte datagrams sent out of "
               "the BMC NIC (`bench/src/udp_send.c`), per packet: the socket, IP, the tc "
               "egress program, the usbnet driver's transmit. The emulator's side of the "
               "user-mode network sends nothing unasked (it answers no ping), so packets "
               "from the BMC are not timed end to end; both tc programs are also timed "
               "alone, per packet, by the kernel's BPF_PROG_TEST_RUN on a 64-byte UDP "
               "frame (`bpftool prog run`, the daemon's loaded programs, steady state: the "
               "flow already known).")
    out.append("")
    out.append("| path, mode | without | with bmcwatch | added | ratio with/without, per round |")
    out.append("|---|---|---|---|---|")
    series = []
    names = {"key": "key press and release", "udp": "UDP packet out"}
    for name in ("key", "udp"):
        for lb, _, R in runs[name]:
            b, w = R.best("bare"), R.best("with")
            if not b or not w:
                continue
            u = "instructions" if lb == "instructions" else "us"
            sc = 1.0 if lb == "instructions" else 1e-3
            nd = 0 if sc == 1 else 2
            b, w = med(b), med(w)
            rs = R.ratios("with", "bare")
            series.append((f"{names[name]}, {lb}", rs))
            out.append(f"| {names[name]}, {lb} | {fmt(b * sc, nd)} {u} | {fmt(w * sc, nd)} {u} | "
                       f"{fmt((w - b) * sc, nd)} {u} | {ratio_cell(rs)} |")
    for lb, _, R in runs["tc"]:
        u = "instructions" if lb == "instructions" else "ns"
        for prog in ("ingress", "egress"):
            v = R.best(prog)
            if v:
                out.append(f"| tc {prog} program alone, {lb} | | | {fmt(med(v), 0)} {u} | |")
    seen = read_lines(os.path.join(d, "usb-seen.dat"))
    if seen:
        kv = [dict(x.split("=") for x in r[2:]) for r in seen]
        rep = [int(k["reports"]) / int(k["keys"]) for k in kv]
        pk = [int(k["packets"]) / int(k["sent"]) for k in kv]
        out.append("")
        out.append(f"- bmcwatch was in the path: in the rounds with it, its input handler "
                   f"counted {min(rep):.2f}-{max(rep):.2f} reports per key pressed and its tc "
                   f"programs {min(pk):.2f}-{max(pk):.2f} packets per UDP packet sent.")
    png = ratio_plot(P, d, "usb.png", "BMC USB keyboard and NIC: per-round ratio", series, 0.01)
    if png:
        out += ["", f"![USB ratios]({os.path.basename(d)}/{png})"]


def section_daemon(d, P, out):
    out.append("## 4. bmcwatchd CPU and memory, idle and under an event storm")
    out.append("")
    path = os.path.join(d, "daemon.dat")
    rows = read_lines(path)
    if not rows:
        out.append("Not run, or it failed (see daemon.log).")
        return
    tck = 100
    with open(path) as f:
        for ln in f:
            if ln.startswith("# clk_tck"):
                tck = int(ln.split()[2])
    ph = defaultdict(list)
    for r in rows:
        ph[r[1]].append(dict(round=int(r[0]), secs=float(r[2]), ticks=int(r[3]),
                             rss=int(r[4]), hwm=int(r[5]), writes=int(r[6]),
                             ipmi=int(r[7]), sent=int(r[8]), lost=int(r[9]),
                             seen=int(r[10])))

    def cpu(p):
        return 100.0 * p["ticks"] / tck / p["secs"]

    out.append("The daemon as shipped (interval 1000 ms, default policy), edu declared a BMC "
               "function. Idle: nothing happens. Storm: a process writing edu's config space "
               "as fast as it can (every write a ring-buffer event and a `pcie.config_write` "
               "occurrence) and, at the same time, IPMI Get Device ID round trips. CPU is "
               "utime+stime from /proc/PID/stat (resolution one tick, "
               f"1/{tck} s) per second of phase; memory from /proc/PID/status.")
    out.append("")
    out.append("| phase | rounds | CPU % of one vCPU (median, range) | VmRSS kB (last) | "
               "VmHWM kB (last) | config writes/s | IPMI calls/s | ring-buffer records/s "
               "handled | records lost/s |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for name in ("idle", "storm"):
        v = ph.get(name, [])
        if not v:
            continue
        c = [cpu(p) for p in v]
        out.append(f"| {name} | {len(v)} | {med(c):.2f} ({min(c):.2f}-{max(c):.2f}) | "
                   f"{v[-1]['rss']} | {v[-1]['hwm']} | "
                   f"{fmt(med([p['writes'] / p['secs'] for p in v]), 0)} | "
                   f"{fmt(med([p['ipmi'] / p['secs'] for p in v]), 0)} | "
                   f"{fmt(med([p['sent'] / p['secs'] for p in v]), 0)} | "
                   f"{fmt(med([p['lost'] / p['secs'] for p in v]), 0)} |")
    idle, storm = ph.get("idle", []), ph.get("storm", [])
    if idle and storm:
        ic = sum(p["ticks"] for p in idle) / sum(p["secs"] for p in idle)
        sc = sum(p["ticks"] for p in storm) / sum(p["secs"] for p in storm)
        ev = sum(p["sent"] for p in storm) / sum(p["secs"] for p in storm)
        out.append("")
        if ic > 0:
            out.append(f"CPU storm/idle: **{sc / ic:.0f}x** ({100 * sc / tck:.1f}% against "
                       f"{100 * ic / tck:.2f}% of a vCPU, all rounds pooled).")
        else:
            out.append(f"CPU storm/idle: idle used no measurable CPU (0 ticks in "
                       f"{sum(p['secs'] for p in idle):.0f} s), storm "
                       f"{100 * sc / tck:.1f}% of a vCPU.")
        if ev > 0:
            out.append(f"Under the storm the daemon spends {1e6 * (sc - ic) / tck / ev:.1f} us "
                       f"of CPU per ring-buffer event (the rule, the process lookup, the "
                       f"pipeline; aggregation and rate limiting keep the alerts few).")
        rss_i = max(p["rss"] for p in idle)
        rss_s = max(p["rss"] for p in storm)
        out.append(f"Memory: VmRSS {rss_i} kB idle, {rss_s} kB under the storm "
                   f"(ratio {rss_s / rss_i:.2f}); peak VmHWM {max(p['hwm'] for p in idle + storm)} kB.")
        lost = sum(p["lost"] for p in storm)
        if lost:
            out.append(f"The storm overflowed the ring buffer: {lost} events were dropped "
                       f"in the kernel, and counted (`health.events_lost`); the per-CPU "
                       f"counters still counted every access.")
    out.append("")
    out.append("Ring-buffer records are the config-space and IPMI monitors' together; lost "
               "ones are those the kernel side could not queue because the daemon had not "
               "drained the buffer yet. The storm generators run at nice 19 in the same 2-vCPU "
               "guest, so the daemon gets the CPU it asks for.")
    bars = []
    for i, name in enumerate(("idle", "storm")):
        v = ph.get(name, [])
        if v:
            c = [cpu(p) for p in v]
            bars.append((i, med(c), min(c), max(c), v[-1]["rss"] / 1024.0, f'"{name}"'))
    f = P.data("daemon", bars)
    png = P.render("daemon.png", f"""
set title 'bmcwatchd: CPU (left) and VmRSS (right), idle vs storm'
set ylabel 'CPU % of one vCPU (median, min-max)'
set y2label 'VmRSS MiB'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set xrange [-0.5:1.8]
set boxwidth 0.3
set style fill solid 0.4
plot '{f}' using 1:2:xticlabels(6) with boxes title 'CPU %', \\
     '{f}' using 1:2:3:4 with yerrorbars lt -1 pt 0 notitle, \\
     '{f}' using ($1+0.35):5 axes x1y2 with boxes title 'VmRSS MiB'
""")
    if png:
        out += ["", f"![daemon CPU and RSS]({os.path.basename(d)}/{png})"]


def section_latency(d, P, out):
    out.append("## 5. Event-to-alert latency")
    out.append("")
    rows = read_lines(os.path.join(d, "latency.dat"))
    if not rows:
        out.append("Not run, or it failed (see latency.log).")
        return
    g = defaultdict(list)
    for r in rows:
        kv = dict(x.split("=") for x in r[2:])
        g[(r[0], int(r[1]))].append((float(kv["lat_ns"]) / 1e6, float(kv["stamp_ms"]),
                                     float(kv["cause_ns"]) / 1e6))
    out.append("From just before the triggering write (CLOCK_MONOTONIC, the clock of "
               "`bpf_ktime_get_ns()`, which stamps ring-buffer records) to the moment the "
               "alert line can be read from the JSON log (inotify on the file; the daemon "
               "writes each line with one write(2)). The alert itself carries `event.created` = "
               "the pipeline's CLOCK_REALTIME when it made the alert, truncated to the "
               "millisecond (`@timestamp` is the event's own time): the \"stamp\" column "
               "compares it with a CLOCK_REALTIME "
               "reading taken next to the monotonic one. Aggregation and rate limiting are "
               "off in this run (each occurrence its own alert); with the default 60 s "
               "aggregation only the first occurrence of a window alerts at once.")
    out.append("")
    out.append("| events | interval | trials | median ms | p90 ms | p99 ms | max ms | "
               "stamp - event, median ms | trigger itself, median ms | median / interval | "
               "max / interval |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for (kind, ms), v in sorted(g.items(), key=lambda x: (x[0][0] != "ringbuf", x[0][1])):
        lat = [x[0] for x in v]
        st = [x[1] for x in v]
        name = ("ring buffer (config write)" if kind == "ringbuf"
                else "summarised (interrupt counters)")
        rel = (f"{med(lat) / ms:.2f} | {max(lat) / ms:.2f}" if kind != "ringbuf"
               else "- | -")
        out.append(f"| {name} | {ms} ms | {len(lat)} | {med(lat):.2f} | {pct(lat, 90):.2f} | "
                   f"{pct(lat, 99):.2f} | {max(lat):.2f} | {med(st):.1f} | "
                   f"{med([x[2] for x in v]):.2f} | {rel} |")
    out.append("")
    rb = [x for (kind, ms), v in g.items() if kind == "ringbuf" for x in v]
    if rb:
        out.append(f"For ring-buffer events the alert's stamp is a median "
                   f"{med([x[1] for x in rb]):.1f} ms after the event (the daemon woke, read the "
                   f"record, looked up the device and the process, ran the rules), and the line "
                   f"was read a median {med([x[0] - x[1] for x in rb]):.1f} ms after the stamp "
                   f"(formatting and writing the alert, and the reader's own wake-up, which "
                   f"this measurement cannot separate from the daemon's work).")
        out.append("")
    out.append("p99 of a few dozen trials is close to their maximum; it is what this run "
               "can say. Ring-buffer events are handled as soon as the daemon wakes on the "
               "ring buffer's epoll, whatever the interval. Summarised events wait for the "
               "next sweep: their latency is the time left in the interval when the burst "
               "lands (uniform, as the trials are spaced at random: a median near half the "
               "interval) plus the sweep and the rule, bounded by the interval plus that "
               "processing; a max/interval above 1 "
               "comes from the trigger itself (the burst of interrupts, timed from its start) "
               "or from the host descheduling the guest. \"Trigger itself\" is how long the "
               "config write or the burst took.")
    plots = []
    for (kind, ms), v in sorted(g.items(), key=lambda x: (x[0][0] != "ringbuf", x[0][1])):
        lat = sorted(x[0] for x in v)
        f = P.data(f"lat_{kind}_{ms}", [(x, (i + 1) / len(lat)) for i, x in enumerate(lat)])
        plots.append(f"'{f}' using 1:2 with steps lw 2 title '{kind}, interval {ms} ms'")
    png = P.render("latency.png", f"""
set title 'Event-to-alert latency (empirical CDF)'
set xlabel 'ms from event to alert line (log scale)'
set ylabel 'fraction of trials'
set logscale x
set key top left
set yrange [0:1.02]
{''.join(f"set arrow from {ms}, graph 0 to {ms}, graph 1 nohead dt 3 lc rgb 'gray'{chr(10)}" for ms in sorted({ms for k, ms in g if k != 'ringbuf'}))}
{''.join(f"set label 'interval {ms} ms' at {ms}, graph 0.05 rotate by 90 offset -1,0 tc rgb 'gray'{chr(10)}" for ms in sorted({ms for k, ms in g if k != 'ringbuf'}))}
plot {', '.join(plots)}
""")
    if png:
        out += ["", f"![latency CDF]({os.path.basename(d)}/{png})"]


def section_sweep(d, P, out):
    out.append("## 6. Per-CPU map sweep cost")
    out.append("")
    data, sysd = defaultdict(list), defaultdict(list)
    for f in sorted(os.listdir(d)):
        if f.startswith("sweep-") and f.endswith(".dat"):
            for r in read_lines(os.path.join(d, f)) or []:
                data[(int(r[0]), int(r[1]))].append(float(r[3]))
                if len(r) > 4:
                    sysd[(int(r[0]), int(r[1]))].append(float(r[4]))
    if not data:
        out.append("Not run, or it failed (see sweep-*.log).")
        return
    cpus = sorted({c for c, _ in data})
    keys = sorted({k for _, k in data})
    out.append("One sweep as the daemon does it every interval (`userspace/monitors/percpu_sweep.c`: "
               "batch lookup of the whole per-CPU hash, sum over CPUs, sort), on a map shaped "
               "like the config-space counters (u64 key and value, 16,384 entries) holding N "
               "keys; one guest boot per vCPU count (the per-CPU value size is fixed at boot). "
               "Median of all sweeps (ms), with the interquartile range and the best; all "
               "sweeps returned every key with the right sums.")
    out.append("")
    out.append("| vCPUs | " + " | ".join(f"{k:,} keys" for k in keys) + " | ns per key per CPU, best ("
               f"{keys[-1]:,} keys) | lookup syscalls' share ({keys[-1]:,} keys) |")
    out.append("|---|" + "---|" * (len(keys) + 2))
    for c in cpus:
        cells = []
        for k in keys:
            v = data.get((c, k))
            cells.append(f"{med(v) / 1e6:.3f} ({pct(v, 25) / 1e6:.3f}-{pct(v, 75) / 1e6:.3f}; "
                         f"best {min(v) / 1e6:.3f})" if v else "n/a")
        v = data.get((c, keys[-1]))
        per = f"{min(v) / keys[-1] / c:.0f}" if v else "n/a"
        sv = sysd.get((c, keys[-1]))
        share = f"{100 * med(sv) / med(v):.0f}%" if v and sv else "n/a"
        out.append(f"| {c} | " + " | ".join(cells) + f" | {per} | {share} |")
    out.append("")
    big = keys[-1]
    lo_c, hi_c = cpus[0], cpus[-1]
    if (lo_c, big) in data and (hi_c, big) in data and hi_c > lo_c:
        f_best = min(data[(hi_c, big)]) / min(data[(lo_c, big)])
        f_med = med(data[(hi_c, big)]) / med(data[(lo_c, big)])
        worst = max(med(v) for (c, k), v in data.items() if k == big)
        out.append(f"From {lo_c} to {hi_c} vCPUs, with {big:,} keys, a sweep's best time "
                   f"changes by x{f_best:.2f} and its median by x{f_med:.2f}, while the per-CPU "
                   f"values it copies grow x{hi_c // lo_c}: the per-key work (hash buckets, "
                   f"the sort in user space) dominates, and the per-CPU copies are lost in "
                   f"the noise of this host. The largest median, {worst / 1e6:.1f} ms, is "
                   f"{100 * worst / 1e9:.1f}% of the default 1 s interval. With 8 vCPUs on "
                   f"a 2-core host the guest's CPUs take turns on the host's, but the sweep is "
                   f"one thread's system calls, so that adds noise rather than cost.")
    plots = []
    for i, c in enumerate(cpus):
        f = P.data(f"sweep{c}", [(k, min(data[(c, k)]) / 1e6, med(data[(c, k)]) / 1e6)
                                 for k in keys if (c, k) in data])
        plots.append(f"'{f}' using 1:2 with linespoints lc {i + 1} pt 7 lw 2 "
                     f"title '{c} vCPU, best'")
        plots.append(f"'{f}' using 1:3 with linespoints lc {i + 1} pt 6 dt 2 "
                     f"title '{c} vCPU, median'")
    png = P.render("sweep.png", f"""
set title 'One full per-CPU map sweep (batch lookup + sum + sort)'
set xlabel 'keys in the map'
set ylabel 'ms per sweep'
set logscale xy
plot {', '.join(plots)}
""")
    if png:
        out += ["", f"![sweep cost]({os.path.basename(d)}/{png})"]


def section_scale(d, P, out):
    out.append("## 7. Size of the host: CPUs and PCI functions")
    out.append("")
    rows = []
    for f in sorted(os.listdir(d)):
        if not (f.startswith("scale-") and f.endswith(".dat")):
            continue
        tck = 100
        with open(os.path.join(d, f)) as fh:
            for ln in fh:
                if ln.startswith("# clk_tck"):
                    tck = int(ln.split()[2])
        for r in read_lines(os.path.join(d, f)) or []:
            if len(r) >= 14:
                rows.append({"mode": r[0], "online": int(r[1]), "cpus": int(r[2]),
                             "fns": int(r[3]), "start": float(r[4]), "secs": float(r[5]),
                             "cpu_s": float(r[6]) / tck, "rss": int(r[7]), "hwm": int(r[8]),
                             "maps": int(r[9]), "percpu": int(r[10]),
                             "keys": int(r[11] or 0), "sweep": float(r[12]),
                             "sweep_max": float(r[13])})
    if not rows:
        out.append("Not run (`make bench-scale`), or it failed (see scale-*.log).")
        return
    rows.sort(key=lambda r: (r["mode"], r["fns"], r["cpus"]))
    out.append("bmcwatchd as shipped (interval 1 s), one emulated host per line, its PCI "
               "functions made by QEMU's NVMe controllers' SR-IOV virtual functions (127 "
               "each); every function's config space read once (as `lspci` does) so that the "
               "counters have a key per function. In the instruction-count mode the host has "
               "one online CPU of N possible (per-CPU maps have a slot per possible CPU, and "
               "the daemon sums them all, so that is what its costs grow with) and every time "
               "is an instruction count (1 ns = 1 instruction): idle CPU in instructions per "
               "second, and as a share of a CPU retiring 10^9 a second (a server core "
               "retires several times more). `wall` lines have N online vCPUs "
               "(multi-threaded TCG, on this host's cores): times are the emulator's, "
               "inflated by its load. BPF maps: the kernel memory charged for the maps the "
               "daemon holds, per-CPU maps in brackets; the sweep is the pcie monitor's work "
               "of one interval (`bmcwatch_interval_seconds`), median over the idle phase "
               "and the longest since start (the first sweep, the inventory's).")
    out.append("")
    out.append("| mode | CPUs (online) | PCI functions | start-up | idle CPU | resident | "
               "BPF maps (per-CPU) | config keys | sweep, median / longest |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ic = r["mode"] == "icount"
        share = 100.0 * r["cpu_s"] / r["secs"] if r["secs"] else float("nan")
        idle = (f"{r['cpu_s'] / r['secs'] * 1e3:.2f} M instr./s ({share:.3f}%)" if ic
                else f"{share:.2f}% of a vCPU")
        start = (f"{r['start']:.0f} M instr." if ic else f"{r['start'] / 1000:.2f} s")
        unit = "M instr." if ic else "ms"
        out.append(f"| {r['mode']} | {r['cpus']} ({r['online']}) | {r['fns']} | {start} | "
                   f"{idle} | {r['rss'] / 1024:.1f} MiB (peak {r['hwm'] / 1024:.1f}) | "
                   f"{r['maps'] / 2**20:.1f} MiB ({r['percpu'] / 2**20:.1f}) | {r['keys']:,} | "
                   f"{r['sweep'] / 1000:.2f} / {r['sweep_max'] / 1000:.2f} {unit} |")
    out.append("")
    big = [r for r in rows if r["cpus"] >= 64 and r["fns"] >= 500]
    for r in big:
        ic = r["mode"] == "icount"
        share = 100.0 * r["cpu_s"] / r["secs"]
        verdict = [
            ("idle under 0.1% of one CPU", share < 0.1, f"{share:.3f}%"),
            ("resident under 32 MiB", r["rss"] / 1024 < 32, f"{r['rss'] / 1024:.1f} MiB"),
            ("a sweep under 10 ms", r["sweep_max"] / 1000 < 10,
             f"longest {r['sweep_max'] / 1000:.2f} {'M instr.' if ic else 'ms'}"),
        ]
        out.append(f"Goals at {r['cpus']} CPUs and {r['fns']} functions ({r['mode']}): " +
                   "; ".join(f"{g}: {'met' if ok else 'not met'} ({v})"
                             for g, ok, v in verdict) + ".")
        out.append("")
    by = defaultdict(list)
    for r in rows:
        by[(r["mode"], r["fns"])].append(r)
    for (mode, fns), rs in sorted(by.items()):
        if len(rs) > 1 and rs[-1]["cpus"] > rs[0]["cpus"]:
            lo, hi = rs[0], rs[-1]
            per_cpu = (hi["percpu"] - lo["percpu"]) / (hi["cpus"] - lo["cpus"])
            sw = hi["sweep"] / lo["sweep"] if lo["sweep"] else float("nan")
            out.append(f"{mode}, {fns} functions, {lo['cpus']} to {hi['cpus']} CPUs: the "
                       f"per-CPU maps grow by {per_cpu / 1024:.0f} KiB per CPU, the daemon's "
                       f"resident memory x{hi['rss'] / lo['rss']:.2f}, its sweep "
                       f"x{sw:.2f}.")
            out.append("")


def main():
    d, report = sys.argv[1], sys.argv[2]
    m = read_kv(os.path.join(d, "machine.txt"))
    P = Plot(d)
    tags = ["cfgread", "cfgparts", "ipmi", "ipmi-icount", "ssif", "ssif-icount", "irq",
            "usb", "usb-icount", "daemon", "latency"] + \
        [f"sweep-{c}" for c in (1, 2, 4, 8)] + \
        sorted(f[:-5] for f in os.listdir(d) if f.startswith("scale-") and f.endswith(".meta"))
    out = [f"# bmcwatch benchmarks, {os.path.basename(d)}", ""]
    out.append(f"Run {m.get('date', '?')} by `make bench` "
               f"({m.get('commit', '?')}); samples and plots in "
               f"`{os.path.basename(d)}/`.")
    out.append("")
    out.append("## Machine")
    out.append("")
    out.append(f"- host: {m.get('nproc', '?')} CPUs, {m.get('cpu', '?')}, "
               f"{m.get('mem_mb', '?')} MiB, kernel {m.get('host_kernel', '?')}")
    kvm = ("; /dev/kvm exists on this host, but the runner always emulates"
           if m.get("kvm") == "available-unused" else "")
    out.append(f"- guest: {m.get('qemu', '?')}, TCG, no KVM{kvm}; q35, 2 vCPUs unless said, "
               f"Debian kernel {m.get('guest_kernel', '?')}")
    if "rerun" in m:
        out.append(f"- benchmarks re-run after that full run: {m['rerun']}")
    if "total_seconds" in m:
        out.append(f"- `make bench` benchmarks took {int(m['total_seconds']) // 60} min "
                   f"{int(m['total_seconds']) % 60} s of wall time")
    out.append("- other engineers' VMs share the host: the load averages below are the "
               "host's, recorded at the start and end of each benchmark (2.0 = both cores "
               "busy). Ratios are taken within a round, so slow periods cancel; spreads show "
               "how much they did not.")
    out.append("")
    out += load_table(d, tags)
    ld = loads(d, tags)
    if ld and max(ld) > 2 * int(m.get("nproc", "2")):
        out.append("")
        out.append(f"**The host was heavily loaded** (1-minute load up to {max(ld):.1f} on "
                   f"{m.get('nproc', '?')} CPUs): absolute times are inflated and noisy; "
                   f"trust the per-round ratios and their spreads, not single numbers.")
    out.append("")
    for sec in (section_cfgread, section_cfgparts, section_ipmi, section_ssif, section_irq,
                section_usb, section_daemon,
                section_latency, section_sweep, section_scale):
        sec(d, P, out)
        out.append("")
    out.append("## Method")
    out.append("")
    out.append("Each benchmark boots the emulated host once (`selftests/vm/run`) and "
               "alternates the setups in that boot for many rounds (A B, B A, A B, ...). "
               "Within a setup a round runs several short batches; other VMs on the host only "
               "ever add time, so the round's fastest batch is its least disturbed "
               "measurement, and the ratio of the two setups' fastest batches in the same "
               "round is the round's figure. The report gives the median over rounds with the "
               "interquartile range and extremes.")
    out.append("")
    out.append("The kernel-path benchmarks (config reads, IPMI, interrupts) run a second "
               "time in QEMU's instruction-count mode (`-icount shift=0,sleep=off`, one vCPU: "
               "this kernel does not bring up a second CPU under it): the guest's clock "
               "advances one nanosecond per instruction executed and skips idle time, so a "
               "loop timed in the guest counts the instructions it executed, whatever else "
               "the host runs. Those figures are deterministic to a fraction of a percent "
               "(but for a rare batch that reads far off, hence the round's median batch "
               "there); they count instructions, not time: a port or MMIO access, which "
               "costs a microsecond on hardware, is one instruction. Wall-clock figures "
               "include the emulator's cost of each access and are what a guest user sees.")
    out.append("")
    out.append("Scripts: `bench/run`, `bench/*-guest.sh`, `bench/src/*.c`, this report by "
               "`bench/report.py`; `BENCH_REPORT_ONLY=1 bench/run` rewrites it from the "
               "samples.")
    with open(report, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main()
