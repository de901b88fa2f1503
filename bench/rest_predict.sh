#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2034  # functions run via traps and "${name}_cmd"; R_* via set -a
# REST predict benchmark: Serval against two peers, in one run, alternating.
#
#   serval   build/serval serving examples/make_models.py's half_plus_two
#   nginx    a fixed 200 JSON answer shaped like the predict response (the HTTP floor)
#   fastapi  $SHARED/bench/peers/fastapi_server.py (FastAPI + uvicorn + TorchScript)
#
# Each server runs alone, pinned to core 0; wrk runs pinned to core 1 (-t1 -c32), POSTing
# {"instances": [[1.0], [2.0], [5.0]]} to /v1/models/half_plus_two:predict. ROUNDS rounds of
# serval -> nginx -> fastapi; per server the median req/s, p50, p99 and server CPU per request
# (utime+stime of the server process over the measured run / completed requests), and the ratios
# serval/fastapi req/s (bar >= 10x) and serval/nginx CPU per request (goal <= 2x).
#
# Usage: [ROUNDS=3] [DURATION=10] [WARMUP=2] [SHARED=../shared] [STRICT=1] bench/rest_predict.sh
# Writes bench/results/rest_predict.md (or $OUT) and prints it. Exits non-zero if a server
# answers wrong, dies, or Serval answers any non-2xx; with STRICT=1 also if a bar is missed.
set -euo pipefail

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$repo"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-32}
SHARED=${SHARED:-$repo/../shared}
SERVAL=${SERVAL:-build/serval}
OUT=${OUT:-bench/results/rest_predict.md}
STRICT=${STRICT:-0}
SERVER_CPU=0
LOAD_CPU=1
PY=/usr/bin/python3
MODEL=half_plus_two
invocation="ROUNDS=$ROUNDS DURATION=$DURATION bench/rest_predict.sh"

die() { echo "rest_predict: $*" >&2; exit 1; }

# --- preconditions --------------------------------------------------------------------------
[[ -d $SHARED/bench/peers ]] || die "no peers at $SHARED/bench/peers (set SHARED=...)"
SHARED=$(cd "$SHARED" && pwd)
[[ -x $SERVAL ]] || die "$SERVAL not built: ninja -C build serval"
for tool in wrk nginx curl taskset getconf; do
  command -v "$tool" >/dev/null || die "$tool missing: tools/setup.sh --bench"
done
"$PY" -c 'import fastapi, uvicorn, torch' 2>/dev/null || die "python3-fastapi/uvicorn/torch missing"
(( $(nproc) >= 2 )) || die "needs 2 cores (server on core $SERVER_CPU, wrk on core $LOAD_CPU)"
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ ]] ||
  die "ROUNDS, DURATION, WARMUP must be whole numbers"
clk_tck=$(getconf CLK_TCK)

# --- scratch folder, and never leave a server behind ----------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serval-bench.XXXXXX")
server_pid=""
server_log=""
wrk_pid=""

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

on_exit() {
  local rc=$?
  set +e
  if [[ -n $wrk_pid ]]; then
    kill -TERM "$wrk_pid" 2>/dev/null
    wait "$wrk_pid" 2>/dev/null
  fi
  stop_server
  if (( rc != 0 )); then
    echo "rest_predict: FAILED (exit $rc)" >&2
    local logs=("$tmp/serval.log")  # Serval's log always; the failing peer's too
    [[ -n $server_log && $server_log != "$tmp/serval.log" ]] && logs+=("$server_log")
    for log in "${logs[@]}"; do
      [[ -s $log ]] || continue
      echo "--- last 40 lines of $(basename "$log")" >&2
      tail -n 40 "$log" >&2
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU seconds (user + system, all threads) the process has used so far, in clock ticks.
cpu_ticks() {
  # Fields after the ")" that closes comm: state is 1st, utime 12th, stime 13th.
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# Core $SERVER_CPU's time so far, in clock ticks: "busy idle steal" (busy: user, nice, system,
# irq, softirq; idle: idle, iowait). Shows whether anything else ran on the server's core.
core_ticks() {
  awk -v c="cpu$SERVER_CPU" '$1 == c { print $2 + $3 + $4 + $7 + $8, $5 + $6, $9 }' /proc/stat
}

# --- models, body, peers' commands ----------------------------------------------------------
"$PY" examples/make_models.py "$tmp/models" >"$tmp/make_models.log" 2>&1 ||
  { cat "$tmp/make_models.log" >&2; die "examples/make_models.py failed"; }
body='{"instances": [[1.0], [2.0], [5.0]]}'
printf '%s' "$body" >"$tmp/body.json"
expected='[[2.5], [3.0], [4.5]]'

# Each sets the array cmd to the server's command line for port $1.
serval_cmd() {
  cmd=(taskset -c "$SERVER_CPU" "$SERVAL" serve --model_repository="$tmp/models"
    --rest_api_port="$1" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads=1 --intra_op_threads=1)
}
nginx_cmd() {
  mkdir -p "$tmp/nginx"
  sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$1|g" bench/nginx.conf >"$tmp/nginx/nginx.conf"
  cmd=(taskset -c "$SERVER_CPU" nginx -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log")
}
fastapi_cmd() {
  cmd=(taskset -c "$SERVER_CPU" "$PY" "$SHARED/bench/peers/fastapi_server.py" "$tmp/models" "$1" 1)
}

predict_url() { echo "http://127.0.0.1:$1/v1/models/$MODEL:predict"; }

post() {  # URL OUTFILE -> prints the HTTP status
  curl -s -o "$2" -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data-binary @"$tmp/body.json" "$1" || echo 000
}

start_server() {  # NAME PORT
  local name=$1 port=$2
  "${name}_cmd" "$port"
  server_log="$tmp/$name.log"
  # taskset execs the server, so $! is the server's own pid.
  "${cmd[@]}" >>"$server_log" 2>&1 &
  server_pid=$!
  local deadline=$((SECONDS + 120)) code
  while :; do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" || true; server_pid=""; die "$name exited during start-up"; }
    if [[ $name == serval ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/health/ready" || true)
    else
      code=$(post "$(predict_url "$port")" /dev/null)
    fi
    [[ $code == 200 ]] && break
    (( SECONDS < deadline )) || die "$name not ready after 120 s (last status $code)"
    sleep 0.2
  done
}

verify() {  # NAME PORT: the body must get 200 and the right predictions
  local name=$1 port=$2 code
  code=$(post "$(predict_url "$port")" "$tmp/$name.response")
  [[ $code == 200 ]] || die "$name answered HTTP $code to $body: $(head -c 500 "$tmp/$name.response")"
  "$PY" - "$tmp/$name.response" "$expected" <<'PY' || die "$name answered wrong predictions: $(head -c 500 "$tmp/$name.response")"
import json, math, sys
got = json.load(open(sys.argv[1]))["predictions"]
want = json.loads(sys.argv[2])
ok = len(got) == len(want) and all(
    len(g) == len(w) and all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(g, w))
    for g, w in zip(got, want))
sys.exit(0 if ok else 1)
PY
}

run_wrk() {  # PORT SECONDS OUTFILE
  # In the background and waited for, so that a signal to this script stops it at once.
  WRK_BODY="$tmp/body.json" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2"s --latency \
    -s "$SHARED/bench/peers/post.lua" "$(predict_url "$1")" >"$3" 2>&1 &
  wrk_pid=$!
  local rc=0
  wait "$wrk_pid" || rc=$?
  wrk_pid=""
  (( rc == 0 )) || { cat "$3" >&2; die "wrk failed (exit $rc)"; }
}

# wrk output -> "requests rps p50_ms p99_ms non2xx socket_errors"
parse_wrk() {
  "$PY" - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
units = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
def latency(pct):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % pct, text, re.M)
    if not m:
        sys.exit("no %s%% latency in wrk output" % pct)
    return float(m.group(1)) * units[m.group(2)]
requests = int(re.search(r"^\s*(\d+) requests in", text, re.M).group(1))
rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M).group(1))
m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
non2xx = int(m.group(1)) if m else 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
sock = sum(int(x) for x in m.groups()) if m else 0
print(requests, rps, round(latency(50), 4), round(latency(99), 4), non2xx, sock)
PY
}

# --- the rounds -------------------------------------------------------------------------------
servers=(serval nginx fastapi)
printf 'round\tserver\trequests\trps\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tcpu_s\tcpu_us_per_req\tcore_idle\tcore_other\tcore_steal\n' >"$tmp/rounds.tsv"
blas_loaded=""
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for round in $(seq "$ROUNDS"); do
  for name in "${servers[@]}"; do
    port=$(free_port)
    echo "round $round/$ROUNDS: $name on 127.0.0.1:$port" >&2
    start_server "$name" "$port"
    verify "$name" "$port"
    if [[ $name == serval && -z $blas_loaded ]]; then
      blas_loaded=$(grep -oE '/[^ ]*(blas|lapack|mkl)[^ ]*\.so[^ ]*' "/proc/$server_pid/maps" |
        sort -u | xargs -r -n1 readlink -f | sort -u | paste -sd' ' || true)
    fi
    (( WARMUP > 0 )) && run_wrk "$port" "$WARMUP" "$tmp/warmup.txt"
    read -r core_busy0 core_idle0 core_steal0 < <(core_ticks)
    before=$(cpu_ticks "$server_pid")
    run_wrk "$port" "$DURATION" "$tmp/wrk.$name.$round.txt"
    after=$(cpu_ticks "$server_pid")
    read -r core_busy1 core_idle1 core_steal1 < <(core_ticks)
    kill -0 "$server_pid" 2>/dev/null || die "$name died under load"
    read -r requests rps p50 p99 non2xx sock < <(parse_wrk "$tmp/wrk.$name.$round.txt")
    # Re-check the answer after the load, then stop: only one server runs at a time.
    verify "$name" "$port"
    stop_server
    cpu_s=$(awk -v t=$((after - before)) -v hz="$clk_tck" 'BEGIN { printf "%.3f", t / hz }')
    cpu_us=$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$requests" \
      'BEGIN { printf "%.2f", (n > 0 ? t / hz / n * 1e6 : 0) }')
    # Core 0 over the run, in % of its time: idle, used by other processes, stolen by the host.
    core=$(awk -v b=$((core_busy1 - core_busy0)) -v i=$((core_idle1 - core_idle0)) \
      -v st=$((core_steal1 - core_steal0)) -v srv=$((after - before)) 'BEGIN {
        t = b + i + st; if (t <= 0) t = 1
        o = b - srv; if (o < 0) o = 0
        printf "%.1f\t%.1f\t%.1f", 100 * i / t, 100 * o / t, 100 * st / t }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$requests" "$rps" \
      "$p50" "$p99" "$non2xx" "$sock" "$cpu_s" "$cpu_us" "$core" >>"$tmp/rounds.tsv"
    echo "  $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req, non-2xx $non2xx;" \
      "core $SERVER_CPU idle/other/steal %: ${core//$'\t'/\/}" >&2
  done
done

# --- environment and report -------------------------------------------------------------------
set -a  # every R_* below goes to the report writer
R_INVOCATION=$invocation
R_DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
R_COMMIT=$(git describe --always --dirty --abbrev=12)
R_BINARY="$SERVAL ($(stat -c '%y' "$SERVAL" | cut -d. -f1), sha256 $(sha256sum "$SERVAL" | cut -c1-12))"
R_CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
R_CORES=$(nproc)
R_KERNEL=$(uname -r)
R_LOAD="$load_before (before) / $(cut -d' ' -f1-3 /proc/loadavg) (after)"
R_BLAS_ALT=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p' || true)
R_BLAS_REAL=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
R_BLAS_LOADED=${blas_loaded:-none found in /proc/PID/maps}
R_LIBTORCH=$(dpkg-query -W -f='${Package} ${Version}\n' 'libtorch2*' 'libtorch-dev' 2>/dev/null | paste -sd, - || true)
R_VERSIONS="$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | sed 's/.*: //'); $("$PY" -c 'import fastapi, uvicorn, torch, sys; print("python %s, fastapi %s, uvicorn %s, torch %s" % (sys.version.split()[0], fastapi.__version__, uvicorn.__version__, torch.__version__))')"
serval_cmd PORT
R_SERVAL_CMD=${cmd[*]//$tmp/\$tmp}
R_NGINX_CMD="taskset -c $SERVER_CPU nginx -p \$tmp/nginx/ -c \$tmp/nginx/nginx.conf -e \$tmp/nginx/error.log   # bench/nginx.conf with @PREFIX@=\$tmp/nginx, @PORT@=PORT"
fastapi_cmd PORT
R_FASTAPI_CMD=${cmd[*]//$tmp/\$tmp}
R_FASTAPI_CMD=${R_FASTAPI_CMD//$SHARED/\$SHARED}
R_WRK_CMD="WRK_BODY=\$tmp/body.json taskset -c $LOAD_CPU wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency -s \$SHARED/bench/peers/post.lua http://127.0.0.1:PORT/v1/models/$MODEL:predict"
R_BODY=$body R_DURATION=$DURATION R_WARMUP=$WARMUP R_ROUNDS=$ROUNDS R_SHARED=$SHARED
set +a
for name in "${servers[@]}"; do
  export "R_RESPONSE_$name=$(head -c 300 "$tmp/$name.response")"
done

mkdir -p "$(dirname "$OUT")"
"$PY" - "$tmp/rounds.tsv" "$tmp" >"$OUT" <<'PY'
import csv, os, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
tmp = sys.argv[2]
e = os.environ
servers = ["serval", "nginx", "fastapi"]
what = {"serval": "Serval, half_plus_two",
        "nginx": "nginx, fixed 200 JSON body (HTTP floor)",
        "fastapi": "FastAPI + uvicorn + TorchScript, half_plus_two"}
def col(server, key):
    return [float(r[key]) for r in rows if r["server"] == server]
med = {s: {k: statistics.median(col(s, k)) for k in ("rps", "p50_ms", "p99_ms", "cpu_us_per_req")}
       for s in servers}
tot = {s: {k: int(sum(col(s, k))) for k in ("non2xx", "socket_errors")} for s in servers}
def spread(s, k):
    v = col(s, k)
    return (max(v) - min(v)) / statistics.median(v) * 100 if statistics.median(v) else 0.0
tput = med["serval"]["rps"] / med["fastapi"]["rps"]
cpu = med["serval"]["cpu_us_per_req"] / med["nginx"]["cpu_us_per_req"]
print("# REST predict: Serval vs nginx vs FastAPI\n")
print(f"{e['R_DATE']}, commit `{e['R_COMMIT']}`, {e['R_ROUNDS']} rounds x {e['R_DURATION']} s "
      f"(+{e['R_WARMUP']} s warm-up each), server pinned to core 0, wrk to core 1.\n")
print("Command:\n\n```\n" + e["R_INVOCATION"] + "\n```\n")
print("## Medians over rounds\n")
print("| server | req/s | p50 (ms) | p99 (ms) | server CPU (us/req) | non-2xx | socket errors | req/s spread |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in servers:
    m = med[s]
    print(f"| {s} | {m['rps']:,.0f} | {m['p50_ms']:.3f} | {m['p99_ms']:.3f} | {m['cpu_us_per_req']:.2f} "
          f"| {tot[s]['non2xx']} | {tot[s]['socket_errors']} | {spread(s, 'rps'):.1f}% |")
print("\nreq/s spread: (max - min) / median over the rounds. non-2xx and socket errors: summed over the measured runs.\n")
print("## Ratios (of the medians)\n")
print("| ratio | value | target | |")
print("| --- | ---: | --- | --- |")
print(f"| Serval req/s / FastAPI req/s | {tput:.1f}x | >= 10x (bar) | {'met' if tput >= 10 else 'MISSED'} |")
print(f"| Serval CPU per request / nginx CPU per request | {cpu:.2f}x | <= 2x (goal) | {'met' if cpu <= 2 else 'missed'} |")
print(f"| Serval req/s / nginx req/s | {med['serval']['rps'] / med['nginx']['rps']:.2f}x | (for orientation) | |")
print("\n## Per round\n")
print("| round | server | requests | req/s | p50 (ms) | p99 (ms) | CPU (s) | CPU (us/req) | non-2xx | socket errors | core 0 idle / other / steal (%) |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['round']} | {r['server']} | {r['requests']} | {float(r['rps']):,.0f} | {float(r['p50_ms']):.3f} "
          f"| {float(r['p99_ms']):.3f} | {r['cpu_s']} | {r['cpu_us_per_req']} | {r['non2xx']} | {r['socket_errors']} "
          f"| {r['core_idle']} / {r['core_other']} / {r['core_steal']} |")
print("\nCore 0 columns, over each measured run: idle, busy with anything but the server, and stolen by the "
      "hypervisor. Non-zero idle means the server left its core unused; other or steal means noise.")
rounds = sorted({r["round"] for r in rows}, key=int)
print("\nSame-round ratios:\n")
print("| round | Serval/FastAPI req/s | Serval/nginx CPU per request |")
print("| ---: | ---: | ---: |")
for rd in rounds:
    v = {r["server"]: r for r in rows if r["round"] == rd}
    print(f"| {rd} | {float(v['serval']['rps']) / float(v['fastapi']['rps']):.1f}x "
          f"| {float(v['serval']['cpu_us_per_req']) / float(v['nginx']['cpu_us_per_req']):.2f}x |")
print("\n## How it was measured\n")
print(f"Request body (POST, `Content-Type: application/json`): `{e['R_BODY']}`; each server's answer was "
      "checked with curl before and after the load (predictions `[[2.5], [3.0], [4.5]]`).\n")
for s in servers:
    print(f"- {s} ({what[s]}) answered: `{e['R_RESPONSE_' + s]}`")
print("\nServers, one at a time, started fresh each round (PORT: a free port picked per start, "
      "$tmp: a scratch folder):\n")
print("```\n" + "\n".join([e["R_SERVAL_CMD"] + "   # stderr to $tmp/serval.log; ready on GET /v2/health/ready",
                            e["R_NGINX_CMD"], e["R_FASTAPI_CMD"]]) + "\n```\n")
print("Load (after a discarded warm-up run of the same shape):\n")
print("```\n" + e["R_WRK_CMD"] + "\n```\n")
print("Server CPU per request: utime + stime of the server process (all threads, /proc/PID/stat) "
      "over the measured wrk run, divided by the requests wrk completed.\n")
print("## Environment\n")
print(f"- CPU: {e['R_CPU']} ({e['R_CORES']} cores visible), kernel {e['R_KERNEL']}")
print(f"- load average: {e['R_LOAD']}")
print(f"- BLAS: libblas.so.3 alternative `{e['R_BLAS_ALT']}` -> `{e['R_BLAS_REAL']}`; "
      f"mapped by the running serval: `{e['R_BLAS_LOADED']}`")
print(f"- LibTorch: {e['R_LIBTORCH']}")
print(f"- serval binary: {e['R_BINARY']}")
print(f"- peers: {e['R_VERSIONS']}; SHARED={e['R_SHARED']}")
print("\n<details><summary>Raw wrk output of every measured run</summary>\n")
for r in rows:
    print(f"round {r['round']}, {r['server']}:\n\n```")
    print(open(os.path.join(tmp, f"wrk.{r['server']}.{r['round']}.txt")).read().rstrip())
    print("```\n")
print("</details>")
PY
cat "$OUT"
echo "rest_predict: wrote $OUT" >&2

# --- verdicts ---------------------------------------------------------------------------------
serval_non2xx=$(awk -F'\t' '$2 == "serval" { n += $7 } END { print n + 0 }' "$tmp/rounds.tsv")
(( serval_non2xx == 0 )) || die "serval answered $serval_non2xx non-2xx responses under load"
if [[ $STRICT == 1 ]]; then
  grep -q '| MISSED |\|| missed |' "$OUT" && die "a bar or goal was missed (STRICT=1)"
fi
exit 0
