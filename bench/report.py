#!/usr/bin/python3
"""report.py OUT: turn OUT/results.csv from bench/run.sh into OUT/results.md
(one table, ratios of bfdd-rs against FRR bfdd and BIRD at the same point)
and OUT/cpu_vs_sessions.png (CPU of side a's daemon vs sessions, one line per
implementation and interval)."""
import csv
import os
import sys

out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "results.csv"))))
ceil = 0.0
try:
    ceil = float(open(os.path.join(out, "udp_ceiling_pps")).read().strip() or 0)
except OSError:
    pass
bidir = 0.0
try:
    bidir = float(open(os.path.join(out, "udp_ceiling_bidir_pps")).read().strip() or 0)
except OSError:
    pass
uptime = ""
try:
    uptime = open(os.path.join(out, "uptime")).read().strip()
except OSError:
    pass
NAMES = {"rs": "bfdd-rs", "rsrt": "bfdd-rs --realtime", "frr": "FRR bfdd", "bird": "BIRD"}


def f(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


by = {(r["impl"], int(r["n"]), int(r["interval_ms"])): r for r in rows}


def ratio(a, b):
    if a is None or b is None or a <= 0:
        return "-"
    return f"{b / a:.1f}x"


lines = [
    "| impl | N | interval | up in s | flaps | CPU a % | CPU b % | RSS a kB | veth pps | % of UDP ceiling | rcvbuf err | worst gap ms (p99) | us/pkt | holds | us/pkt: FRR/rs | BIRD/rs |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
csv_out = [["impl", "n", "interval_ms", "time_to_up_s", "flaps", "cpu_a_pct", "cpu_b_pct", "rss_a_kb",
            "veth_pps", "pct_of_udp_ceiling", "rcvbuf_err", "gap_worst_ms", "gap_p99_ms", "cpu_us_per_pkt",
            "holds", "frr_over_rs_us_per_pkt", "bird_over_rs_us_per_pkt"]]
for r in sorted(rows, key=lambda r: (int(r["interval_ms"]) * -1, int(r["n"]), r["impl"])):
    k, n, iv = r["impl"], int(r["n"]), int(r["interval_ms"])
    pps = f(r, "veth_pps") or 0
    # veth pps counts both directions; the ceiling is one way.
    frac = f"{100 * pps / 2 / ceil:.2f}" if ceil else "-"
    us = f(r, "cpu_us_per_pkt")
    rf = rb = "-"
    if k in ("rs", "rsrt"):
        rf = ratio(us, f(by.get(("frr", n, iv), {}), "cpu_us_per_pkt"))
        rb = ratio(us, f(by.get(("bird", n, iv), {}), "cpu_us_per_pkt"))
    cpu_a = r["cpu_a_pct"]
    if k == "frr":
        cpu_a += f" (+zebra {r['aux_a_pct']})"
    rbe = int(r["rcvbuf_err_a"] or 0) + int(r["rcvbuf_err_b"] or 0)
    gap = f"{r['gap_worst_ms']} ({r['gap_p99_ms']})"
    if int(r.get("sniff_drops") or 0) > 0:
        # The sniffer lost packets (starved of CPU): its gaps are not the daemon's.
        gap = f"n/a (capture lost {r['sniff_drops']})"
    lines.append(
        f"| {NAMES.get(k, k)} | {n} | {iv} ms | {r['time_to_up_s']} | {r['flaps']} | {cpu_a} | {r['cpu_b_pct']} | "
        f"{r['rss_a_kb']} | {int(pps)} | {frac} | {rbe} | {gap} | {r['cpu_us_per_pkt']} | "
        f"{'yes' if r['holds'] == '1' else 'NO'} | {rf} | {rb} |")
    csv_out.append([k, n, iv, r["time_to_up_s"], r["flaps"], r["cpu_a_pct"], r["cpu_b_pct"], r["rss_a_kb"], int(pps),
                    frac, rbe, r["gap_worst_ms"], r["gap_p99_ms"], r["cpu_us_per_pkt"], r["holds"],
                    rf.rstrip("x"), rb.rstrip("x")])

md = [
    "# bfdd-rs benchmark",
    "",
    f"Each implementation paired with itself, N single-hop IPv4 sessions, multiplier 3. "
    f"Raw UDP ceiling: {int(ceil)} packets/s one way, {int(bidir)} packets/s in total with both directions "
    f"at once. Load at the end: `{uptime}`.",
    "CPU in % of one core; `us/pkt` = CPU of side a's daemon (FRR: bfdd + zebra) per packet it sent or "
    "received; worst gap = the largest inter-packet gap of any one session (both directions, seen on the veth).",
    "",
] + lines
def held(k, iv):
    """Largest N at which implementation k held at interval iv (0 if none)."""
    ns = [int(r["n"]) for r in rows if r["impl"] == k and int(r["interval_ms"]) == iv and r["holds"] == "1"]
    return max(ns, default=0)


def tried(k, iv):
    return any(r["impl"] == k and int(r["interval_ms"]) == iv for r in rows)


def best_ratio(other):
    """rs's CPU per packet against `other` at the points both held:
    (largest common N's ratio, its point) or None."""
    pts = []
    for (k, n, iv), r in by.items():
        o = by.get((other, n, iv))
        if k == "rs" and o and r["holds"] == "1" and o["holds"] == "1":
            a, b = f(r, "cpu_us_per_pkt"), f(o, "cpu_us_per_pkt")
            if a and b:
                pts.append((n, iv, b / a))
    if not pts:
        return None
    n, iv, x = max(pts, key=lambda p: (p[0], -p[1]))
    return f"{x:.1f}x at {n} x {iv} ms (range {min(p[2] for p in pts):.1f}-{max(p[2] for p in pts):.1f}x over {len(pts)} points)"


def rss_slope():
    """Marginal RSS per session of bfdd-rs between its smallest and largest
    held points at one interval (bytes)."""
    best = None
    for iv in sorted({int(r["interval_ms"]) for r in rows}):
        pts = sorted((int(r["n"]), f(r, "rss_a_kb")) for r in rows
                     if r["impl"] == "rs" and int(r["interval_ms"]) == iv and r["holds"] == "1" and f(r, "rss_a_kb"))
        if len(pts) >= 2 and pts[-1][0] > pts[0][0]:
            (n1, r1), (n2, r2) = pts[0], pts[-1]
            b = (r2 - r1) * 1024 / (n2 - n1)
            if best is None or n2 - n1 > best[1]:
                best = (b, n2 - n1, f"{b:.0f} B/session ({n1} -> {n2} sessions at {iv} ms)")
    return best[2] if best else "-"


if tried("rs", 50) or tried("rs", 10):
    def h(k, iv):
        return str(held(k, iv)) if tried(k, iv) else "not run"
    md += ["", "## Targets (issue 5) against this run", "",
           "| target | bfdd-rs | BIRD | FRR bfdd |", "|---|---|---|---|",
           f"| holds 10,000 sessions at 50 ms x 3 (largest N held) | {h('rs', 50)} | {h('bird', 50)} | {h('frr', 50)} |",
           f"| holds 2,000 sessions at 10 ms x 3 (largest N held) | {h('rs', 10)} | {h('bird', 10)} | {h('frr', 10)} |",
           f"| CPU per packet <= 1/4 of BIRD's (BIRD/rs >= 4x) | {best_ratio('bird') or '-'} | | |",
           f"| CPU per packet <= 1/10 of FRR's (FRR/rs >= 10x) | {best_ratio('frr') or '-'} | | |",
           f"| <= 1 KiB RSS per session beyond the base (marginal) | {rss_slope()} | | |",
           "",
           "Worst transmit gap with a CPU hog: `run.sh --hog`; detection precision: `detect.sh` (detect.md).",
           f"N sessions at interval I ms need 2 x N x 1000 / I packets/s through the veth (both directions): "
           f"10,000 x 50 ms and 2,000 x 10 ms need 400,000; this machine's raw-UDP ceiling with both "
           f"directions at once (no BFD work at all) is {int(bidir)}."]

try:
    hp = dict(l.strip().split("=", 1) for l in open(os.path.join(out, "hotpath.txt")) if "=" in l)
    md += ["", f"Hot path (`target/release/hotpath`, {hp['sessions']} sessions, no syscalls): receive "
           f"{hp['rx_ns_per_packet']} ns/packet, transmit {hp['tx_ns_per_packet']} ns/packet; engine heap "
           f"{hp['engine_heap_bytes_per_session']} B/session (entry {hp['entry_inline_bytes']} B inline)."]
except (OSError, KeyError, ValueError):
    pass
open(os.path.join(out, "results.md"), "w").write("\n".join(md) + "\n")
with open(os.path.join(out, "table.csv"), "w", newline="") as fh:
    csv.writer(fh).writerows(csv_out)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib missing: no plot", file=sys.stderr)
    sys.exit(0)
fig, ax = plt.subplots(figsize=(8, 5))
styles = {"rs": "-", "rsrt": "-.", "frr": "--", "bird": ":"}
for k in ("rs", "rsrt", "frr", "bird"):
    for iv in sorted({int(r["interval_ms"]) for r in rows}, reverse=True):
        pts = sorted((int(r["n"]), f(r, "cpu_a_pct") or 0) for r in rows
                     if r["impl"] == k and int(r["interval_ms"]) == iv)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], styles[k], marker="o",
                    label=f"{NAMES[k]} {iv} ms")
ax.set_xscale("log")
ax.set_xlabel("sessions")
ax.set_ylabel("CPU % of one core (side a daemon)")
ax.set_title("BFD daemon CPU vs sessions (each paired with itself, mult 3)")
ax.grid(True, which="both", alpha=0.3)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(out, "cpu_vs_sessions.png"), dpi=100)
