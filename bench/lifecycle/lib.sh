# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # shared variables: set by, or used by, the scripts that source this file
# Shared by bench/lifecycle/*.sh (sourced, not run): scratch folder, models, starting and
# stopping servers and background load, the environment block of the reports, and the combined
# bench/results/lifecycle.md. Each script sets lc_name before sourcing.
set -euo pipefail

lc_repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$lc_repo"

PY=/usr/bin/python3
LC=bench/lifecycle
SHARED=${SHARED:-$lc_repo/../shared}
SERVAL=${SERVAL:-build/serval}
OUT_DIR=${OUT_DIR:-bench/results}
KEEP_TMP=${KEEP_TMP:-0}
SERVER_CPU=0
LOAD_CPU=1

die() { echo "$lc_name: $*" >&2; exit 1; }
say() { echo "$lc_name: $*" >&2; }

# lc_numbers NAME...: each named variable must be a whole number.
lc_numbers() {
  local v
  for v in "$@"; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
  done
}

# --- preconditions ----------------------------------------------------------------------------
[[ -d $SHARED/bench/models ]] || die "no $SHARED/bench/models (set SHARED=...)"
SHARED=$(cd "$SHARED" && pwd)
[[ -x $SERVAL ]] || die "$SERVAL not built: ninja -C build serval"
for tool in curl wrk; do
  command -v "$tool" >/dev/null || die "$tool missing: tools/setup.sh --bench"
done
"$PY" -c 'import torch, torchvision' 2>/dev/null ||
  die "$PY cannot import torch and torchvision (apt-get install python3-torch python3-torchvision)"

# Server on core 0, everything of ours (wrk, clients, drivers) on core 1, when we can pin.
srv_pin=()
load_pin=()
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  srv_pin=(taskset -c "$SERVER_CPU")
  load_pin=(taskset -c "$LOAD_CPU")
  lc_pinning="server pinned to core $SERVER_CPU; wrk, clients and drivers to core $LOAD_CPU"
else
  lc_pinning="not pinned (no taskset or fewer than 2 cores)"
fi

# --- scratch folder, and never leave a process behind -----------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serval-$lc_name.XXXXXX")
server_pid=""
server_log="$tmp/serval.log"
lc_bg_pids=()  # background load and drivers, stopped on exit

# lc_stop PID SIGNAL: signal one process we started, wait up to 30 s, then kill it.
lc_stop() {
  local pid=$1 sig=${2:-TERM}
  [[ -n $pid ]] || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

lc_stop_server() {
  [[ -n $server_pid ]] || return 0
  lc_stop "$server_pid" TERM
  server_pid=""
}

lc_on_exit() {
  local rc=$?
  set +e
  local pid
  for pid in "${lc_bg_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${lc_bg_pids[@]}"; do
    lc_stop "$pid" KILL
  done
  lc_stop_server
  if (( rc != 0 )); then
    echo "$lc_name: FAILED (exit $rc)" >&2
    if [[ -s $server_log ]]; then
      echo "--- last 40 lines of the server's log" >&2
      tail -n 40 "$server_log" >&2
    fi
  fi
  if [[ $KEEP_TMP == 1 ]]; then
    echo "$lc_name: scratch folder kept: $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap lc_on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

lc_free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# lc_models: the shared benchmark models, into $tmp/models/<name>/1/model.pt.
lc_models() {
  "$PY" "$SHARED/bench/models/make_models.py" "$tmp/models" >"$tmp/make_models.log" 2>&1 ||
    { cat "$tmp/make_models.log" >&2; die "make_models.py failed"; }
}

# lc_config MODEL DIR: DIR/config.yaml declaring the model's input and output shapes, so that
# the server's warm-up runs each new version at a real shape (without it Serval guesses the
# shape, the warm-up fails on mlp and resnet18, and is skipped with a warning).
lc_config() {
  local shape out
  case $1 in
    half_plus_two) shape='[-1, -1]'; out='[-1, -1]' ;;
    mlp) shape='[-1, 64]'; out='[-1, 10]' ;;
    resnet18) shape='[-1, 3, 224, 224]'; out='[-1, 1000]' ;;
    *) die "no config.yaml known for $1" ;;
  esac
  printf 'platform: torchscript\ninputs:\n  - name: x\n    dtype: fp32\n    shape: %s\noutputs:\n  - name: output_0\n    dtype: fp32\n    shape: %s\n' \
    "$shape" "$out" >"$2/config.yaml"
}

# lc_start_server CMD...: start the server (stdout and stderr to $server_log), wait for
# GET /v2/health/ready on $port to answer 200.
lc_start_server() {
  : >"$server_log"
  "$@" >>"$server_log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 180)) code=""
  while :; do
    kill -0 "$server_pid" 2>/dev/null || { server_pid=""; die "server exited at start"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/health/ready" || true)
    [[ $code == 200 ]] && break
    (( SECONDS < deadline )) || die "server not ready after 180 s (last status $code)"
    sleep 0.2
  done
}

lc_server_alive() {
  kill -0 "$server_pid" 2>/dev/null || die "the server died (pid $server_pid)"
}

# lc_bg CMD...: start a background process of ours; its pid in $lc_last_pid.
lc_bg() {
  "$@" &
  lc_last_pid=$!
  lc_bg_pids+=("$lc_last_pid")
}

# lc_fg CMD...: run in the background and wait, so a signal to this script acts at once.
lc_fg() {
  local rc=0
  "$@" &
  local pid=$!
  lc_bg_pids+=("$pid")
  wait "$pid" || rc=$?
  return "$rc"
}

# lc_env: the environment block's variables (R_*) for the report writers.
lc_env() {
  R_DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
  R_COMMIT=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
  R_BINARY="$SERVAL ($(stat -c '%y' "$SERVAL" | cut -d. -f1), sha256 $(sha256sum "$SERVAL" | cut -c1-12))"
  R_CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
  R_CORES=$(nproc)
  R_KERNEL=$(uname -r)
  R_LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
  R_BLAS=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
  R_LIBTORCH=$(dpkg-query -W -f='${Package} ${Version}\n' 'libtorch2*' 'libtorch-dev' 2>/dev/null | paste -sd, - || true)
  R_WRK=$( (wrk --version 2>&1 || true) | head -1 | cut -d' ' -f1-2)
  R_PINNING=$lc_pinning
  # The last server's WARN and ERROR lines, counted, the five commonest (numbers blurred) listed.
  R_LOG_NOTES=""
  if [[ -s $server_log ]]; then
    local n
    n=$(grep -cE ' (WARN|ERROR) ' "$server_log" || true)
    R_LOG_NOTES="$n WARN/ERROR lines in the (last) server's log"
    if (( n > 0 )); then
      R_LOG_NOTES+=$'\n'$(grep -E ' (WARN|ERROR) ' "$server_log" | cut -d' ' -f2- |
        sed -E 's/version [0-9]+/version N/g; s/[0-9.]+(us|ms|s)\b/_/g' | tr -d '\r' |
        sort | uniq -c | sort -rn | head -5 | sed -E 's/^ *([0-9]+) /    - \1x /' || true)
    fi
  fi
  export R_LOG_NOTES
  export R_DATE R_COMMIT R_BINARY R_CPU R_CORES R_KERNEL R_LOADAVG R_BLAS R_LIBTORCH R_WRK R_PINNING
}

# lc_publish_section FILE: print this benchmark's section, copy it to
# $OUT_DIR/lifecycle_$lc_name.md, and rebuild $OUT_DIR/lifecycle.md from every section there.
lc_publish_section() {
  mkdir -p "$OUT_DIR"
  cp "$1" "$OUT_DIR/lifecycle_$lc_name.md"
  cat "$1"
  "$PY" "$LC/lifecycle.py" combine "$OUT_DIR"
  say "wrote $OUT_DIR/lifecycle_$lc_name.md and $OUT_DIR/lifecycle.md"
}
