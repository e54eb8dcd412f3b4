# bench/lib.sh - shared pieces of bench/run.sh and bench/detect.sh (sourced).
#
# Topology: namespaces bfrs-bn-a and bfrs-bn-b joined by the veth pair
# bfrs-bn-va (in a) / bfrs-bn-vb (in b). Side a carries 10.100.x.y/15, side b
# 10.101.x.y/15: session i runs between the i-th address of each side, so N
# single-hop sessions need N addresses (and N neighbour entries) per side.
# Every daemon runs in its own state dir under $WORK/<side>; each pid we start
# is recorded and only those are stopped. Implementations (KIND): rs (bfdd-rs,
# standalone), rsrt (bfdd-rs --realtime, run as root so SCHED_FIFO is
# permitted), frr (FRR zebra + bfdd), bird (BIRD 2).

NS_A=bfrs-bn-a
NS_B=bfrs-bn-b
IF_A=bfrs-bn-va
IF_B=bfrs-bn-vb
FRR_BIN=${FRR_BIN:-/usr/lib/frr}
CLK_TCK=$(getconf CLK_TCK)
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
RS_BIN=$REPO/target/release/bfdd-rs
SNIFF=$REPO/target/release/bfd-sniff
UDPCEIL=$REPO/target/release/udp-ceiling
WORK=${WORK:-/tmp/bfrs-bn}
STARTED_PIDS=()
SAVED_SYSCTL=()
# One socket per session (bfdd-rs, FRR bfdd): 20,000 sessions need more
# descriptors than a common hard limit of 20,000. Root may raise it; every
# daemon started from here inherits it.
ulimit -n 262144 2>/dev/null || true

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# addr SIDE_NET I: the I-th address of a side (SIDE_NET 100 = a, 101 = b)
addr() { echo "10.$1.$(( $2 / 250 )).$(( $2 % 250 + 1 ))"; }

need_packages() {
  local missing=() p
  command -v /usr/lib/frr/bfdd >/dev/null || missing+=(frr)
  command -v bird >/dev/null || missing+=(bird2)
  command -v nft >/dev/null || missing+=(nftables)
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null || log "apt-get failed for ${missing[*]}"
  fi
  for p in "$@"; do :; done
}

build() {
  log "cargo build --release (bfdd-rs, bench tools)"
  (cd "$REPO" && cargo build --release -q -p bfdd-rs -p bfdd-bench) || die "build failed"
}

# ---- host sysctls: raised for the run, restored only if still ours ------------
raise_sysctl() {   # raise_sysctl KEY MIN
  local k=$1 want=$2 cur
  cur=$(sysctl -n "$k")
  [ "$cur" -ge "$want" ] && return 0
  SAVED_SYSCTL+=("$k=$cur=$want")
  sysctl -qw "$k=$want"
}
restore_sysctls() {
  local e k old ours cur
  for e in "${SAVED_SYSCTL[@]}"; do
    IFS== read -r k old ours <<<"$e"
    cur=$(sysctl -n "$k")
    # Someone else may have raised it further meanwhile: leave theirs alone.
    [ "$cur" = "$ours" ] && sysctl -qw "$k=$old"
  done
  SAVED_SYSCTL=()
}
raise_neigh_limits() {   # raise_neigh_limits N
  local n=$1 v
  for v in 4 6; do
    raise_sysctl "net.ipv$v.neigh.default.gc_thresh1" $(( 2 * n + 1024 ))
    raise_sysctl "net.ipv$v.neigh.default.gc_thresh2" $(( 4 * n + 2048 ))
    raise_sysctl "net.ipv$v.neigh.default.gc_thresh3" $(( 4 * n + 4096 ))
  done
}

# ---- topology ----------------------------------------------------------------
topo_down() {
  local ns
  for ns in "$NS_A" "$NS_B"; do
    ip netns list | grep -qw "^$ns" && ip netns del "$ns"
  done
  return 0
}
topo_up() {   # topo_up N
  local n=$1 i
  topo_down
  ip netns add "$NS_A"; ip netns add "$NS_B"
  ip link add "$IF_A" type veth peer name "$IF_B"
  ip link set "$IF_A" netns "$NS_A"; ip link set "$IF_B" netns "$NS_B"
  for i in $(seq 0 $(( n - 1 ))); do echo "addr add $(addr 100 "$i")/15 dev $IF_A"; done > "$WORK/addrs-a"
  for i in $(seq 0 $(( n - 1 ))); do echo "addr add $(addr 101 "$i")/15 dev $IF_B"; done > "$WORK/addrs-b"
  nsx "$NS_A" ip link set lo up; nsx "$NS_B" ip link set lo up
  nsx "$NS_A" ip -batch "$WORK/addrs-a"; nsx "$NS_B" ip -batch "$WORK/addrs-b"
  # The martian-source check on every received packet looks the source up in
  # the host-wide address hash, where our 2N addresses make long chains (10 %
  # of a daemon's CPU at 5000 sessions, paid alike by every implementation).
  # A router with thousands of peers has few local addresses; accept_local
  # (with rp_filter 0, the namespace default) skips the check.
  nsx "$NS_A" sysctl -qw "net.ipv4.conf.$IF_A.accept_local=1"
  nsx "$NS_B" sysctl -qw "net.ipv4.conf.$IF_B.accept_local=1"
  nsx "$NS_A" ip link set "$IF_A" up; nsx "$NS_B" ip link set "$IF_B" up
  # Neighbour entries for every peer address up front (no ARP storms at start).
  local maca macb
  maca=$(nsx "$NS_A" cat "/sys/class/net/$IF_A/address"); macb=$(nsx "$NS_B" cat "/sys/class/net/$IF_B/address")
  for i in $(seq 0 $(( n - 1 ))); do echo "neigh replace $(addr 101 "$i") lladdr $macb dev $IF_A nud permanent"; done > "$WORK/neigh-a"
  for i in $(seq 0 $(( n - 1 ))); do echo "neigh replace $(addr 100 "$i") lladdr $maca dev $IF_B nud permanent"; done > "$WORK/neigh-b"
  nsx "$NS_A" ip -batch "$WORK/neigh-a"; nsx "$NS_B" ip -batch "$WORK/neigh-b"
}

# ---- daemons -----------------------------------------------------------------
# write_conf KIND DIR IFACE MYNET PEERNET N IV MULT
write_conf() {
  local kind d=$2 ifc=$3 my=$4 peer=$5 n=$6 iv=$7 mult=$8 i
  kind=$(base "$1")
  case $kind in
  rs|frr)
    printf 'log file %s/zebra.log informational\n' "$d" > "$d/zebra.conf"
    {
      printf 'log file %s/bfdd.log debugging\nlog timestamp precision 6\ndebug bfd peer\n!\nbfd\n' "$d"
      for i in $(seq 0 $(( n - 1 ))); do
        printf ' peer %s local-address %s interface %s\n  receive-interval %s\n  transmit-interval %s\n  detect-multiplier %s\n exit\n !\n' \
          "$(addr "$peer" "$i")" "$(addr "$my" "$i")" "$ifc" "$iv" "$iv" "$mult"
      done
      printf 'exit\n!\n'
    } > "$d/bfdd.conf" ;;
  bird)
    {
      printf 'router id %s;\nlog "%s/bird.log" all;\ntimeformat log "%%F %%T.%%6f";\n' "$(addr "$my" 0)" "$d"
      printf 'debug protocols { states, events };\nprotocol device { scan time 60; }\n'
      printf 'protocol bfd bfd1 {\n  interface "%s" { min rx interval %s ms; min tx interval %s ms; idle tx interval 1000 ms; multiplier %s; };\n' \
        "$ifc" "$iv" "$iv" "$mult"
      for i in $(seq 0 $(( n - 1 ))); do
        printf '  neighbor %s dev "%s" local %s;\n' "$(addr "$peer" "$i")" "$ifc" "$(addr "$my" "$i")"
      done
      printf '}\n'
    } > "$d/bird.conf" ;;
  esac
}

# base KIND: the log/CLI flavour of an implementation (rsrt behaves as rs)
base() { [ "$1" = rsrt ] && echo rs || echo "$1"; }

wait_file() { local f=$1 i; for i in $(seq 100); do [ -s "$f" ] && return 0; sleep 0.1; done; return 1; }

# start_impl KIND NS DIR [TASKSET_CPU]: start the daemon(s), record their pids
start_impl() {
  local kind=$1 ns=$2 d=$3 cpu=${4:-} pfx=() extra=${RS_EXTRA:-}
  [ -n "$cpu" ] && pfx=(taskset -c "$cpu")
  chown -R frr:frr "$d" 2>/dev/null || true
  # The two sides pinned apart: a on CPU 0, b on the last CPU.
  [ "$kind" = rsrt ] && { extra="$extra --realtime -u root -g root"; kind=rs
    [ "$ns" = "$NS_A" ] && extra="$extra --realtime-cpu 0"; }
  case $kind in
  rs)
    nsx "$ns" bash -c "ulimit -n \$(ulimit -Hn); exec ${pfx[*]} $RS_BIN --standalone -d -P 0 $extra \
      -f $d/bfdd.conf -i $d/bfdd.pid --vty_socket $d --bfdctl $d/bfdd.sock --zapi-socket $d/bfdd-zapi.sock \
      --log file:$d/bfdd.rs.log --log-level info" \
      || die "bfdd-rs failed to start in $ns"
    wait_file "$d/bfdd.pid" || die "no bfdd-rs pid file"
    STARTED_PIDS+=("$(cat "$d/bfdd.pid")") ;;
  frr)
    nsx "$ns" "${pfx[@]}" "$FRR_BIN/zebra" -d -u frr -g frr -P 0 -f "$d/zebra.conf" -i "$d/zebra.pid" \
      --vty_socket "$d" -z "$d/zserv.api" >/dev/null 2>&1 || die "zebra failed in $ns"
    wait_file "$d/zebra.pid"; STARTED_PIDS+=("$(cat "$d/zebra.pid")")
    nsx "$ns" bash -c "ulimit -n \$(ulimit -Hn); exec ${pfx[*]} $FRR_BIN/bfdd -d -u frr -g frr -P 0 -f $d/bfdd.conf \
      -i $d/bfdd.pid --vty_socket $d -z $d/zserv.api --bfdctl $d/bfdd.sock" >/dev/null 2>&1 || die "bfdd failed in $ns"
    wait_file "$d/bfdd.pid"; STARTED_PIDS+=("$(cat "$d/bfdd.pid")") ;;
  bird)
    nsx "$ns" "${pfx[@]}" bird -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid" || die "bird failed in $ns"
    wait_file "$d/bird.pid"; STARTED_PIDS+=("$(cat "$d/bird.pid")") ;;
  esac
}
main_pid() { case $(base "$1") in rs|frr) cat "$2/bfdd.pid" ;; bird) cat "$2/bird.pid" ;; esac; }
aux_pid() { [ "$1" = frr ] && cat "$2/zebra.pid" 2>/dev/null; return 0; }

# up_count KIND DIR: sessions in state Up
up_count() {
  case $(base "$1") in
  # Bounded: a daemon busy at 100 % (FRR loading 5000 peers) can leave the
  # CLI unanswered for many minutes; the point then times out instead.
  rs|frr) timeout 15 vtysh --vty_socket "$2" -c 'show bfd peers brief' 2>/dev/null | awk '$NF=="up"{n++} END{print n+0}' ;;
  bird) timeout 15 birdc -s "$2/bird.ctl" show bfd sessions 2>/dev/null | awk '$3=="Up"||$4=="Up"{n++} END{print n+0}' ;;
  esac
}
# downs KIND DIR: Up->Down transitions logged so far
downs() {
  local f pat
  case $(base "$1") in
  rs) f=$2/bfdd.rs.log; pat='Up -> Down' ;;
  frr) f=$2/bfdd.log; pat='up -> down' ;;
  bird) f=$2/bird.log; pat='from Up to Down' ;;
  esac
  if [ -f "$f" ]; then grep -c "$pat" "$f"; else echo 0; fi
  return 0
}

# stop_all: SIGTERM every pid we started, SIGKILL after 5 s
stop_all() {
  local p i
  for p in "${STARTED_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${STARTED_PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  done
  STARTED_PIDS=()
}

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# udp_snmp NS: "InDatagrams RcvbufErrors" of the namespace
udp_snmp() { nsx "$1" awk '/^Udp:/{if(h){print $2, $6}else{h=1}}' /proc/net/snmp; }
veth_pkts() { nsx "$1" sh -c "echo \$(( \$(cat /sys/class/net/$2/statistics/tx_packets) + \$(cat /sys/class/net/$2/statistics/rx_packets) ))"; }

cleanup() {
  stop_all
  [ -n "${HOG_PID:-}" ] && kill "$HOG_PID" 2>/dev/null
  [ -n "${SNIFF_PID:-}" ] && kill "$SNIFF_PID" 2>/dev/null
  topo_down
  restore_sysctls
}
