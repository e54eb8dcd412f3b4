#!/bin/bash
# bench/detect.sh - detection precision: N sessions Up, then a silent cut
# (nftables drops UDP 3784/4784 at the output hook of both namespaces, so no
# packet reaches the wire and no interface event hints at it). Per session and
# side: detection time = the Down log line's timestamp minus the last packet
# from the peer seen on the veth (bfd-sniff, kernel timestamps); the excess is
# that minus (remote multiplier x negotiated interval). Reports p50/p99/max of
# the excess for each implementation, idle and with a CPU hog pinned to CPU 1.
#
#   bench/detect.sh [--impls "rs frr bird"] [--n 100] [--iv 50] [--modes "idle hog"] [--out DIR]
#
# Writes OUT/detect.csv and OUT/detect.md.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "run as root"
IMPLS="rs frr bird"; N=100; IV=50; MULT=3; MODES="idle hog"; OUT=$REPO/bench/results
while [ $# -gt 0 ]; do
  case $1 in
  --impls) IMPLS=$2; shift ;;
  --n) N=$2; shift ;;
  --iv) IV=$2; shift ;;
  --modes) MODES=$2; shift ;;
  --out) OUT=$2; shift ;;
  *) die "unknown argument $1" ;;
  esac
  shift
done
mkdir -p "$OUT" "$WORK"
trap cleanup EXIT
trap 'exit 130' INT TERM
need_packages
build
raise_neigh_limits "$N"
CSV=$OUT/detect.csv
echo "impl,mode,n,interval_ms,samples,missing,excess_p50_ms,excess_p99_ms,excess_max_ms,excess_min_ms,load1" > "$CSV"
DET_MS=$(( MULT * IV ))
CUT=$WORK/cut.nft
cat > "$CUT" <<'NFT'
table inet bfrsbncut {
  chain out { type filter hook output priority 0; udp dport { 3784, 4784 } drop; }
}
NFT
statelog() { case $(base "$1") in rs) echo "$2/bfdd.rs.log" ;; frr) echo "$2/bfdd.log" ;; bird) echo "$2/bird.log" ;; esac; }

topo_up "$N"
for kind in $IMPLS; do
  for mode in $MODES; do
    da=$WORK/a; db=$WORK/b
    rm -rf "$da" "$db"; mkdir -p "$da" "$db"
    write_conf "$kind" "$da" "$IF_A" 100 101 "$N" "$IV" "$MULT"
    write_conf "$kind" "$db" "$IF_B" 101 100 "$N" "$IV" "$MULT"
    start_impl "$kind" "$NS_B" "$db"; start_impl "$kind" "$NS_A" "$da"
    t0=$(date +%s)
    while [ "$(up_count "$kind" "$da")" -lt "$N" ] || [ "$(up_count "$kind" "$db")" -lt "$N" ]; do
      [ $(( $(date +%s) - t0 )) -gt 60 ] && break
      sleep 0.5
    done
    HOG_PID=""
    if [ "$mode" = hog ]; then
      taskset -c 1 bash -c 'while :; do :; done' & HOG_PID=$!
    fi
    sleep 2
    win=$(echo "scale=3; 1.5 + 2 * $DET_MS / 1000 + 1" | bc)
    nsx "$NS_A" "$SNIFF" "$IF_A" "$win" --flows "$WORK/flows" > "$WORK/sniff.out" 2> "$WORK/sniff.err" &
    SNIFF_PID=$!
    sleep 1.5
    nsx "$NS_A" nft -f "$CUT"; nsx "$NS_B" nft -f "$CUT"
    wait "$SNIFF_PID"; SNIFF_PID=""
    sleep 0.5
    [ -n "$HOG_PID" ] && { kill "$HOG_PID"; wait "$HOG_PID" 2>/dev/null; HOG_PID=""; }
    stop_all
    nsx "$NS_A" nft delete table inet bfrsbncut; nsx "$NS_B" nft delete table inet bfrsbncut
    line=$(/usr/bin/python3 "$BENCH_DIR/detect_analyze.py" "$(base "$kind")" "$WORK/flows" \
      "$(statelog "$kind" "$da")" "$(statelog "$kind" "$db")" "$DET_MS")
    echo "$kind,$mode,$N,$IV,$line,$(cut -d' ' -f1 /proc/loadavg)" >> "$CSV"
    log "$kind $mode: samples,missing,p50,p99,max,min = $line"
  done
done
cleanup
/usr/bin/python3 - "$CSV" "$OUT/detect.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = {"rs": "bfdd-rs", "rsrt": "bfdd-rs --realtime", "frr": "FRR bfdd", "bird": "BIRD"}
out = ["| impl | mode | N | interval | samples (missing) | excess p50 ms | p99 ms | max ms | min ms |",
       "|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    out.append(f"| {names.get(r['impl'], r['impl'])} | {r['mode']} | {r['n']} | {r['interval_ms']} ms | "
               f"{r['samples']} ({r['missing']}) | {r['excess_p50_ms']} | {r['excess_p99_ms']} | "
               f"{r['excess_max_ms']} | {r['excess_min_ms']} |")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
