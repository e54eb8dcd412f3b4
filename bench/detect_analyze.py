#!/usr/bin/python3
"""detect_analyze.py KIND FLOWS LOG_A LOG_B DETECT_MS

FLOWS is bfd-sniff's --flows output from the veth of side a (10.100/16); the
cut dropped packets before the wire on both sides, so the last packet of each
flow in the capture is the last one the other side received. For each session
and side, detection = the side's first Up->Down log line for that peer after
the last packet from that peer, minus that packet's time; prints "samples,missing,p50,p99,max,min" of
(detection - DETECT_MS) in ms. KIND picks the log format (rs, frr, bird)."""
import re
import sys
from datetime import datetime, timezone

kind, flows_path, log_a, log_b, det_ms = sys.argv[1:6]
det_ms = float(det_ms)

last = {}  # (src, dst) -> last packet time
for line in open(flows_path):
    f = line.split()
    if len(f) >= 5:
        last[(f[0], f[1])] = float(f[4])

RS = re.compile(r"^(\S+Z)\s+\w+\s+session (\S+) .* Up -> Down")
FRR = re.compile(r"^(\d+/\d+/\d+ \d+:\d+:\d+\.\d+) .*peer:(\S+) .*up -> down")
BIRD = re.compile(r"^(\d+-\d+-\d+ \d+:\d+:\d+\.\d+) .*Session to (\S+) changed state from Up to Down")


def downs(path):
    """peer address -> times of its Up->Down lines."""
    out = {}
    for line in open(path, errors="replace"):
        if kind == "rs":
            m = RS.match(line)
            if m:
                ts = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
        elif kind == "frr":
            m = FRR.match(line)
            if m:
                ts = datetime.strptime(m.group(1), "%Y/%m/%d %H:%M:%S.%f").timestamp()
        else:
            m = BIRD.match(line)
            if m:
                ts = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        if m:
            out.setdefault(m.group(2), []).append(ts)
    return out


excess = []
missing = 0
# side a (log_a) hears packets from b: flows src=b dst=a, and the mirror.
for log, mine in ((log_a, "10.100."), (log_b, "10.101.")):
    d = downs(log)
    for (src, dst), t_last in last.items():
        if not dst.startswith(mine):
            continue
        # The Down that the cut caused is the first one after the last packet
        # heard (an earlier flap, e.g. under the CPU hog, is not it).
        after = [t for t in d.get(src, []) if t > t_last]
        if not after:
            missing += 1
            continue
        excess.append((after[0] - t_last) * 1000 - det_ms)
excess.sort()


def q(p):
    if not excess:
        return "nan"
    return f"{excess[min(len(excess) - 1, int(round((len(excess) - 1) * p)))]:.2f}"


print(f"{len(excess)},{missing},{q(0.5)},{q(0.99)},{q(1.0)},{q(0.0)}")
