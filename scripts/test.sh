#!/bin/bash
# test.sh - the one test command of bfdd-rs. Run as root on Debian 12:
#
#   sudo scripts/test.sh
#
# 1. installs what the tests need when it is missing (frr, bird2, nftables,
#    iproute2, procps, build-essential, pkg-config), without starting any
#    FRR daemon as a system service;
# 2. cargo fmt --check, cargo clippy -D warnings, cargo build --release;
# 3. unit and integration tests (everything but the topotests);
# 4. the topotests: real FRR and BIRD peers in network namespaces
#    (bfrs-* names), one test at a time.
# Every step runs even if an earlier one failed; the summary at the end says
# which failed, and the exit status is non-zero if any did.
#
# Environment: TOPOTESTS_TIMEOUT (default 45m), TOPOTESTS_FILTER (a test name
# filter passed to the topotests), SKIP_INSTALL=1 (do not touch packages).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
LOG_DIR=$(mktemp -d /tmp/bfdd-rs-test.XXXXXX)
declare -a STEP_NAMES=() STEP_RESULTS=() STEP_TIMES=()
FAILED=0

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 2; }

# ---- root ------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -E bash "$0" "$@"
  fi
  die "run as root (network namespaces, FRR and BIRD need it)"
fi

# ---- packages ---------------------------------------------------------------
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
  local want=(frr bird2 nftables tshark iproute2 procps build-essential pkg-config ca-certificates)
  local missing=() p
  for p in "${want[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && { echo "all packages present"; return 0; }
  echo "installing: ${missing[*]}"
  # Keep packages from starting services (frr.service would start zebra,
  # staticd and watchfrr in the root namespace); we start daemons by hand.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  # apt-get update only when the package lists are empty or the install fails.
  if ! ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; then apt-get update -q || rc=$?; fi
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=1
  fi
  [ "$made_policy" = 1 ] && rm -f "$policy"
  return $rc
}

# ---- steps ------------------------------------------------------------------
# step NAME CMD...: run a step, log its output, record the result.
step() {
  local name=$1; shift
  local log="$LOG_DIR/$(echo "$name" | tr ' /' '__').log" start end rc
  say "$name: $*"
  start=$(date +%s)
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  end=$(date +%s)
  STEP_NAMES+=("$name"); STEP_TIMES+=("$((end - start))s")
  if [ "$rc" -eq 0 ]; then STEP_RESULTS+=("ok"); else STEP_RESULTS+=("FAILED (exit $rc)"); FAILED=1; fi
  return 0
}

# Namespaces a killed earlier run may have left (only our bfrs-t* names).
cleanup_netns() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^bfrs-t[0-9]+[ab]$/ {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    sleep 0.5
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null && echo "removed leftover namespace $ns"
  done
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  step "install packages" install_packages
fi

# cargo: rustup puts it in ~/.cargo/bin, which a root shell may not have on PATH.
for d in "$HOME/.cargo/bin" /root/.cargo/bin /usr/local/cargo/bin; do
  [ -x "$d/cargo" ] && case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
done
export PATH
command -v cargo >/dev/null 2>&1 || die "cargo not found: install a Rust toolchain (rustup, Rust >= 1.85)"
cargo --version
for comp in fmt clippy; do
  cargo "$comp" --version >/dev/null 2>&1 || {
    command -v rustup >/dev/null 2>&1 && rustup component add "$( [ $comp = fmt ] && echo rustfmt || echo clippy )"
  }
done

# FRR's state directory normally comes from systemd-tmpfiles at package
# install; /run is a tmpfs, so make sure it exists (tests mount over it).
if id frr >/dev/null 2>&1; then
  install -d -m 0755 -o frr -g frr /var/run/frr
fi

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cleanup_netns
trap cleanup_netns EXIT

step "cargo fmt" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "cargo build --release" cargo build --release
step "cargo build --release --examples" cargo build --release --examples
# The fuzz targets live in their own workspace (fuzz/): keep them compiling.
step "fuzz targets check" cargo check --manifest-path fuzz/Cargo.toml --bins
step "unit + integration tests" cargo test --workspace --exclude topotests --no-fail-fast
# The topotests run the release build of bfdd-rs (not the debug one the
# previous step may have rebuilt more recently).
export BFDD_RS_BIN="$TARGET_DIR/release/bfdd-rs"
step "topotests" timeout --kill-after=60 "${TOPOTESTS_TIMEOUT:-45m}" \
  cargo test -p topotests --release --no-fail-fast -- --test-threads=1 ${TOPOTESTS_FILTER:-}

# ---- summary ----------------------------------------------------------------
passed=0; failed=0; ignored=0
for log in "$LOG_DIR"/*.log; do
  while read -r p f i; do
    passed=$((passed + p)); failed=$((failed + f)); ignored=$((ignored + i))
  done < <(sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed; \([0-9]*\) ignored.*/\1 \2 \3/p' "$log")
done
echo
echo "==================== bfdd-rs test summary ===================="
for i in "${!STEP_NAMES[@]}"; do
  printf '  %-28s %-20s %s\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}" "${STEP_TIMES[$i]}"
done
if grep -h '^test .* FAILED$' "$LOG_DIR"/*.log >/dev/null 2>&1; then
  echo "  failed tests:"
  grep -h '^test .* FAILED$' "$LOG_DIR"/*.log | sed 's/^test /    /; s/ \.\.\. FAILED$//'
fi
echo "  logs: $LOG_DIR"
echo "=============================================================="
if [ "$FAILED" -ne 0 ]; then
  echo "RESULT: FAILED"
else
  echo "RESULT: ok"
fi
echo "tests: $passed passed, $failed failed, $ignored skipped"
exit "$FAILED"
