#!/usr/bin/env bash
# mem.sh: memory per BFD session of the real daemon, in a private network
# namespace. N single-hop peers sit behind one end of a veth pair whose other
# end has no daemon (static neighbour entries, no ARP): sessions stay Down but
# own their sockets and table entries as an Up session does. Prints VmRSS/RssAnon and glibc's heap figures per N.
#
# usage: bench/mem.sh [N...]            default: 0 1000 5000
# env:   MEM_SETTLE=seconds to wait after the last session exists (default 3)
#        MEM_HEAPINFO=1 also asks glibc (through gdb) for bytes in use
set -u
NS=bfrs-rm-a
IF=bfrs-rm-v0
IF2=bfrs-rm-v1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$REPO/target/release/bfdd-rs}
WORK=${WORK:-/tmp/bfrs-rm}
SETTLE=${MEM_SETTLE:-3}
addr() { echo "10.$1.$(($2 / 250)).$(($2 % 250 + 1))"; }
pid=

cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && sleep 0.3
  ip netns del "$NS" 2>/dev/null
  true
}
trap cleanup EXIT

topo() { # topo N
  ip netns del "$NS" 2>/dev/null
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  ip -n "$NS" link add "$IF" type veth peer name "$IF2"
  {
    for i in $(seq 0 $(($1 - 1))); do
      echo "addr add $(addr 100 "$i")/15 dev $IF"
      echo "neigh replace $(addr 101 "$i") lladdr 02:00:00:00:00:01 dev $IF nud permanent"
    done
  } >"$WORK/addrs"
  ip -n "$NS" link set "$IF" up
  ip -n "$NS" link set "$IF2" up
  ip -n "$NS" -batch "$WORK/addrs"
}

conf() { # conf N
  {
    printf 'bfd\n'
    for i in $(seq 0 $(($1 - 1))); do
      printf ' peer %s local-address %s interface %s\n  receive-interval 300\n  transmit-interval 300\n exit\n !\n' \
        "$(addr 101 "$i")" "$(addr 100 "$i")" "$IF"
    done
    printf 'exit\n'
  } >"$WORK/bfdd.conf"
}

field() { awk -v k="$1:" '$1==k{print $2}' "/proc/$pid/status"; }

heapinfo() { # bytes in use per glibc (all arenas) and arena count
  local x="$WORK/mi.xml"
  rm -f "$x"
  gdb -batch -p "$pid" -ex "call (int)malloc_info(0, (void*)fopen(\"$x\",\"w\"))" \
    -ex 'call (int)fflush(0)' >/dev/null 2>&1
  [ -s "$x" ] || { echo "heap_in_use=? arenas=?"; return; }
  # The last <total type="rest"> and <system type="current"> are malloc's totals.
  python3 - "$x" <<'EOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
heaps = r.findall('heap')
cur = int(r.find("system[@type='current']").get('size'))
free = sum(int(t.get('size')) for t in r.findall("total"))
mmap = int(r.find("total[@type='mmap']").get('size'))
print(f"heap_arenas={len(heaps)} heap_system_kb={cur//1024} heap_free_kb={(free-mmap)//1024} heap_in_use_kb={(cur-(free-mmap))//1024}")
EOF
}

mkdir -p "$WORK"
for n in "${@:-0 1000 5000}"; do
  for n1 in $n; do
    topo "$n1"
    conf "$n1"
    rm -f "$WORK/bfdd.pid"
    ip netns exec "$NS" bash -c "ulimit -n \$(ulimit -Hn); exec $BIN --standalone -d -P 0 -u root -g root \
      -f $WORK/bfdd.conf -i $WORK/bfdd.pid --vty_socket $WORK --bfdctl $WORK/bfdd.sock \
      --zapi-socket $WORK/bfdd-zapi.sock --log file:$WORK/bfdd.log --log-level warnings" || exit 1
    for _ in $(seq 100); do [ -s "$WORK/bfdd.pid" ] && break; sleep 0.1; done
    pid=$(cat "$WORK/bfdd.pid")
    sleep "$SETTLE"
    fds=$(ls "/proc/$pid/fd" | wc -l)
    line="N=$n1 VmRSS_kb=$(field VmRSS) RssAnon_kb=$(field RssAnon) RssFile_kb=$(field RssFile) threads=$(field Threads) fds=$fds"
    [ "${MEM_HEAPINFO:-0}" = 1 ] && line="$line $(heapinfo)"
    echo "$line"
    kill "$pid"; sleep 0.5; pid=
  done
done
