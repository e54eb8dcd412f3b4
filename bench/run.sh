#!/bin/bash
# bench/run.sh - bfdd-rs vs FRR bfdd vs BIRD, each paired with itself across
# two network namespaces: N single-hop sessions x interval, multiplier 3.
#
#   bench/run.sh [--quick] [--impls "rs frr bird"] (also: rsrt = bfdd-rs --realtime) [--ns "100 1000"]
#                [--ivs "300 50"] [--window S] [--up-timeout S] [--out DIR] [--no-capture]
#                [--hog]   (a busy loop pinned to CPU 1 during each window)
#
# Full matrix: N in {100,1000,5000,10000,20000} x {300,50,10} ms, 60 s window;
# an implementation's row (interval) stops at the first N it cannot hold.
# --quick: N in {100,1000} x 50 ms, 10 s window, 30 s to come Up (~2.5 min:
# FRR alone needs ~35 s to configure 1000 peers, so 300 ms is left out).
# Per point: time to all Up, Up->Down flaps in the window (both sides), CPU %
# of each daemon (FRR: bfdd, zebra apart), RSS, packets/s on the veth, UDP
# RcvbufErrors in both namespaces, worst inter-packet gap per session from a
# capture on the veth (bfd-sniff), CPU us per packet handled. Plus one raw-UDP
# ceiling point (udp-ceiling). Writes OUT/results.csv, OUT/results.md,
# OUT/cpu_vs_sessions.png. See bench/README.md.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "run as root"

HOG=0; NOCAP=0; QUICK=0; IMPLS="rs frr bird"; NS_LIST=""; IVS=""; WIN=""; UPTO=""; MULT=3
OUT=$REPO/bench/results
while [ $# -gt 0 ]; do
  case $1 in
  --quick) QUICK=1 ;;
  --impls) IMPLS=$2; shift ;;
  --ns) NS_LIST=$2; shift ;;
  --ivs) IVS=$2; shift ;;
  --window) WIN=$2; shift ;;
  --up-timeout) UPTO=$2; shift ;;
  --out) OUT=$2; shift ;;
  --no-capture) NOCAP=1 ;;
  --hog) HOG=1 ;;
  *) die "unknown argument $1" ;;
  esac
  shift
done
if [ $QUICK = 1 ]; then
  NS_LIST=${NS_LIST:-"100 1000"}; IVS=${IVS:-"50"}; WIN=${WIN:-10}; UPTO=${UPTO:-30}
else
  NS_LIST=${NS_LIST:-"100 1000 5000 10000 20000"}; IVS=${IVS:-"300 50 10"}; WIN=${WIN:-60}; UPTO=${UPTO:-90}
fi
mkdir -p "$OUT" "$WORK"
CSV=$OUT/results.csv
trap cleanup EXIT
trap 'exit 130' INT TERM

need_packages
build
T_START=$(date +%s)
MAXN=0; for n in $NS_LIST; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
raise_neigh_limits "$MAXN"
echo "impl,n,interval_ms,mult,time_to_up_s,up_a,up_b,flaps,cpu_a_pct,cpu_b_pct,aux_a_pct,aux_b_pct,rss_a_kb,rss_b_kb,veth_pps,rcvbuf_err_a,rcvbuf_err_b,gap_worst_ms,gap_p99_ms,gap_p50_ms,sniff_drops,cpu_us_per_pkt,holds,load1" > "$CSV"

# ---- raw UDP ceiling ----------------------------------------------------------
topo_up 1
CEIL_S=$([ $QUICK = 1 ] && echo 2 || echo 5)
nsx "$NS_B" "$UDPCEIL" recv "$(addr 101 0)" 9999 "$CEIL_S" > "$WORK/ceil-rx" &
rxp=$!
sleep 0.3
nsx "$NS_A" "$UDPCEIL" send "$(addr 100 0)" "$(addr 101 0)" 9999 "$(( CEIL_S + 1 ))" > "$WORK/ceil-tx"
wait $rxp
CEIL_PPS=$(sed -n 's/^rx_pps=//p' "$WORK/ceil-rx")
log "raw UDP ceiling: ${CEIL_PPS:-?} packets/s one way (24-byte datagrams, sendmmsg -> recvmmsg)"
echo "${CEIL_PPS:-0}" > "$OUT/udp_ceiling_pps"
# Both directions at once, as BFD runs: the sum of what both receivers got.
nsx "$NS_B" "$UDPCEIL" recv "$(addr 101 0)" 9998 "$CEIL_S" > "$WORK/ceil-rx-b" &
rxb=$!
nsx "$NS_A" "$UDPCEIL" recv "$(addr 100 0)" 9998 "$CEIL_S" > "$WORK/ceil-rx-a" &
rxa=$!
sleep 0.3
nsx "$NS_A" "$UDPCEIL" send "$(addr 100 0)" "$(addr 101 0)" 9998 "$(( CEIL_S + 1 ))" > /dev/null &
txa=$!
nsx "$NS_B" "$UDPCEIL" send "$(addr 101 0)" "$(addr 100 0)" 9998 "$(( CEIL_S + 1 ))" > /dev/null
wait $rxa $rxb $txa
CEIL2=$(( $(sed -n 's/^rx_pps=//p' "$WORK/ceil-rx-a") + $(sed -n 's/^rx_pps=//p' "$WORK/ceil-rx-b") ))
log "raw UDP ceiling, both directions at once: $CEIL2 packets/s in total"
echo "$CEIL2" > "$OUT/udp_ceiling_bidir_pps"

# ---- one point ------------------------------------------------------------------
# run_point KIND N IV -> appends a CSV line; returns 1 when the point does not hold
run_point() {
  local kind=$1 n=$2 iv=$3 da=$WORK/a db=$WORK/b
  rm -rf "$da" "$db"; mkdir -p "$da" "$db"
  write_conf "$kind" "$da" "$IF_A" 100 101 "$n" "$iv" "$MULT"
  write_conf "$kind" "$db" "$IF_B" 101 100 "$n" "$iv" "$MULT"
  local t0 tup="" ua=0 ub=0 el
  start_impl "$kind" "$NS_B" "$db"
  t0=$(date +%s.%N)
  start_impl "$kind" "$NS_A" "$da"
  local pa pb xa xb
  pa=$(main_pid "$kind" "$da"); pb=$(main_pid "$kind" "$db")
  xa=$(aux_pid "$kind" "$da"); xb=$(aux_pid "$kind" "$db")
  while :; do
    ua=$(up_count "$kind" "$da"); ub=$(up_count "$kind" "$db")
    el=$(echo "$(date +%s.%N) - $t0" | bc)
    if [ "$ua" -ge "$n" ] && [ "$ub" -ge "$n" ]; then tup=$(printf '%.1f' "$el"); break; fi
    [ "$(echo "$el > $UPTO" | bc)" = 1 ] && break
    sleep 0.5
  done
  sleep 2
  # Quiet window: no CLI polling, only /proc reads and the sniffer.
  local fa0 fb0 ca0 cb0 xa0=0 xb0=0 sa0 sb0 v0 tw0
  HOG_PID=""
  if [ $HOG = 1 ]; then taskset -c 1 bash -c "while :; do :; done" & HOG_PID=$!; fi
  if [ $NOCAP = 1 ]; then
    : > "$WORK/sniff.out"; sleep "$WIN" &
    SNIFF_PID=$!
  else
    : > "$WORK/sniff.err"
    nsx "$NS_A" "$SNIFF" "$IF_A" "$WIN" > "$WORK/sniff.out" 2>"$WORK/sniff.err" &
    SNIFF_PID=$!
    # The window starts once the capture ring is set up.
    for _ in $(seq 50); do grep -q ready "$WORK/sniff.err" && break; sleep 0.1; done
  fi
  fa0=$(downs "$kind" "$da"); fb0=$(downs "$kind" "$db")
  ca0=$(cpu_ticks "$pa"); cb0=$(cpu_ticks "$pb")
  [ -n "$xa" ] && xa0=$(cpu_ticks "$xa"); [ -n "$xb" ] && xb0=$(cpu_ticks "$xb")
  sa0=$(udp_snmp "$NS_A"); sb0=$(udp_snmp "$NS_B"); v0=$(veth_pkts "$NS_A" "$IF_A")
  tw0=$(date +%s.%N)
  sleep "$WIN"
  wait "$SNIFF_PID"; SNIFF_PID=""
  [ -n "$HOG_PID" ] && { kill "$HOG_PID"; wait "$HOG_PID" 2>/dev/null; HOG_PID=""; }
  local tw fa1 fb1 ca1 cb1 xa1=0 xb1=0 sa1 sb1 v1
  tw=$(echo "$(date +%s.%N) - $tw0" | bc)
  ca1=$(cpu_ticks "$pa"); cb1=$(cpu_ticks "$pb")
  [ -n "$xa" ] && xa1=$(cpu_ticks "$xa"); [ -n "$xb" ] && xb1=$(cpu_ticks "$xb")
  sa1=$(udp_snmp "$NS_A"); sb1=$(udp_snmp "$NS_B"); v1=$(veth_pkts "$NS_A" "$IF_A")
  fa1=$(downs "$kind" "$da"); fb1=$(downs "$kind" "$db")
  local rssa rssb
  rssa=$(rss_kb "$pa"); rssb=$(rss_kb "$pb")
  ua=$(up_count "$kind" "$da"); ub=$(up_count "$kind" "$db")
  stop_all
  local pct flaps cpua cpub auxa auxb pps rbea rbeb gw g99 g50 sdrop us holds
  pct() { echo "scale=1; ($2 - $1) * 100 / $CLK_TCK / $tw" | bc; }
  cpua=$(pct "$ca0" "$ca1"); cpub=$(pct "$cb0" "$cb1"); auxa=$(pct "$xa0" "$xa1"); auxb=$(pct "$xb0" "$xb1")
  flaps=$(( fa1 - fa0 + fb1 - fb0 ))
  pps=$(echo "($v1 - $v0) / $tw" | bc)
  rbea=$(( ${sa1#* } - ${sa0#* } )); rbeb=$(( ${sb1#* } - ${sb0#* } ))
  gw=$(sed -n 's/^worst_gap_ms_max=//p' "$WORK/sniff.out"); g99=$(sed -n 's/^worst_gap_ms_p99=//p' "$WORK/sniff.out")
  g50=$(sed -n 's/^worst_gap_ms_p50=//p' "$WORK/sniff.out"); sdrop=$(sed -n 's/^kernel_drops=//p' "$WORK/sniff.out")
  # CPU per packet: side a's daemon handles every packet on its veth (in + out).
  us=$( [ "$pps" -gt 0 ] && echo "scale=2; ($ca1 - $ca0 + $xa1 - $xa0) * 1000000 / $CLK_TCK / ($pps * $tw)" | bc || echo 0)
  holds=0
  [ -n "$tup" ] && [ "$flaps" -eq 0 ] && [ "$ua" -ge "$n" ] && [ "$ub" -ge "$n" ] && holds=1
  echo "$kind,$n,$iv,$MULT,${tup:-TIMEOUT},$ua,$ub,$flaps,$cpua,$cpub,$auxa,$auxb,$rssa,$rssb,$pps,$rbea,$rbeb,${gw:-},${g99:-},${g50:-},${sdrop:-},$us,$holds,$(cut -d' ' -f1 /proc/loadavg)" >> "$CSV"
  log "$kind n=$n iv=$iv: up in ${tup:-TIMEOUT}s, flaps $flaps, cpu a=$cpua% b=$cpub% (aux $auxa/$auxb), rss ${rssa}kB, ${pps} pps, rcvbuf err $rbea/$rbeb, worst gap ${gw}ms (p99 $g99), ${us} us/pkt"
  [ $holds = 1 ]
}

for n in $NS_LIST; do
  topo_up "$n"
  for iv in $IVS; do
    for kind in $IMPLS; do
      if [ -f "$WORK/broken-$kind-$iv" ]; then
        log "skip $kind n=$n iv=$iv: broke at a smaller N"; continue
      fi
      run_point "$kind" "$n" "$iv" || touch "$WORK/broken-$kind-$iv"
    done
  done
done
rm -f "$WORK"/broken-*
cleanup
log "matrix took $(( $(date +%s) - T_START )) s"
uptime > "$OUT/uptime"
"$REPO/target/release/hotpath" 10000 100 > "$OUT/hotpath.txt" || log "hotpath failed"
/usr/bin/python3 "$BENCH_DIR/report.py" "$OUT" || log "report failed"
cat "$OUT/results.md"
