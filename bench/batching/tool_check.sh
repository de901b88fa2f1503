#!/usr/bin/env bash
# Batching benchmark (3): is `serval bench` (the project's own load generator) a trustworthy
# meter? Its req/s against wrk's on the same target, body and concurrency, in one run,
# alternating; they should agree within 10%.
#
# Targets, one at a time, pinned to core 0, started fresh each round: `serval` (build/serval
# serve, one REST I/O thread, one intra-op thread, no batching unless SERVER_FLAGS says so) and
# `fastapi` ($SHARED/bench/peers/fastapi_server.py, one torch thread), both serving MODEL
# (half_plus_two, or mlp) from make_models.py. Per round and target, in alternating order (odd
# rounds wrk first): wrk -t1 -c CONCURRENCY (WARMUP s discarded, then DURATION s) and
# `serval bench --url=... --model=MODEL --request_file=BODY --concurrency=CONCURRENCY
# --duration=DURATIONs --warmup=WARMUPs --output=FILE.json BENCH_FLAGS` (BENCH_FLAGS default
# --threads=1, to match wrk -t1), both pinned to core 1. Reported per target: both tools' req/s,
# the ratio bench / wrk and whether it is within 10%, and each tool's p50 and p99.
#
# Usage: [ROUNDS=3] [DURATION=10] [WARMUP=2] [CONCURRENCY=8] [MODEL=half_plus_two]
#        [SERVERS="serval fastapi"] [BENCH="build/serval bench"] [BENCH_FLAGS=--threads=1]
#        [SERVER_FLAGS=] [STRICT=0] [OUT_DIR=bench/results] bench/batching/tool_check.sh
# Smoke: ROUNDS=1 DURATION=2 WARMUP=1 OUT_DIR=/tmp/bb bench/batching/tool_check.sh
# Writes OUT_DIR/batching_tool_check.md and prints it. Exits non-zero if `serval bench` is not
# there (exit 2, before anything runs), a server answers wrong or dies, or either tool counts
# errors; with STRICT=1 also if a ratio is off by more than 10%.
bb_name=tool_check
# shellcheck source=bench/batching/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-8}
MODEL=${MODEL:-half_plus_two}
SERVERS=${SERVERS:-serval fastapi}
BENCH=${BENCH:-$SERVAL bench}
BENCH_FLAGS=${BENCH_FLAGS---threads=1}
SERVER_FLAGS=${SERVER_FLAGS:-}
STRICT=${STRICT:-0}
lc_numbers ROUNDS DURATION WARMUP CONCURRENCY
(( ROUNDS >= 1 && DURATION >= 1 && CONCURRENCY >= 1 )) || die "ROUNDS, DURATION, CONCURRENCY must be >= 1"
case $MODEL in half_plus_two | mlp) ;; *) die "MODEL must be half_plus_two or mlp" ;; esac
read -ra servers <<<"$SERVERS"
for s in "${servers[@]}"; do
  case $s in serval | fastapi) ;; *) die "SERVERS: unknown server '$s' (serval, fastapi)" ;; esac
done
# shellcheck disable=SC2206  # BENCH and the flags are split on spaces on purpose
bench=($BENCH)
# shellcheck disable=SC2206
bench_flags=($BENCH_FLAGS)
invocation="ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=$CONCURRENCY MODEL=$MODEL SERVERS=\"$SERVERS\" BENCH=\"$BENCH\" BENCH_FLAGS=\"$BENCH_FLAGS\"${SERVER_FLAGS:+ SERVER_FLAGS=\"$SERVER_FLAGS\"} bench/batching/tool_check.sh"

# --- is serval bench there? -----------------------------------------------------------------
if ! "${bench[@]}" --help >"$tmp/bench_help.txt" 2>&1; then
  echo "$lc_name: '$BENCH' is not available ($(head -n 1 "$tmp/bench_help.txt")); build it first" \
    "(ninja -C build serval) or point BENCH= at a binary that has it. Nothing was measured." >&2
  exit 2
fi
for flag in --url --model --request_file --concurrency --duration --warmup --output; do
  grep -q -- "$flag" "$tmp/bench_help.txt" || say "warning: '$BENCH --help' does not mention $flag"
done
if [[ " ${servers[*]} " == *" fastapi "* ]]; then
  "$PY" -c 'import fastapi, uvicorn' 2>/dev/null || die "python3-fastapi/uvicorn missing (the FastAPI peer)"
fi

# --- repository, body -----------------------------------------------------------------------
lc_models
bb_repo "$MODEL" "$tmp/repo"
if [[ $MODEL == half_plus_two ]]; then rows=3; else rows=1; fi
"$PY" "$BB/batching.py" body "$MODEL" "$rows" "$tmp/body.json"
mkdir -p "$tmp/runs"

server_cmd_for() {  # serval|fastapi PORT -> array server_cmd
  if [[ $1 == serval ]]; then
    server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_repository="$tmp/repo"
      --rest_api_port="$2" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads=1 --intra_op_threads=1
      --management_port=-1 --file_system_poll_wait_seconds=0)
    # shellcheck disable=SC2206  # extra flags are split on spaces on purpose
    [[ -n $SERVER_FLAGS ]] && server_cmd+=($SERVER_FLAGS)
  else
    server_cmd=("${srv_pin[@]}" "$PY" "$SHARED/bench/peers/fastapi_server.py" "$tmp/repo" "$2" 1)
  fi
  return 0
}
bench_cmd_for() {  # PORT OUTFILE -> array bench_cmd
  bench_cmd=("${load_pin[@]}" "${bench[@]}" --url="http://127.0.0.1:$1" --model="$MODEL"
    --request_file="$tmp/body.json" --concurrency="$CONCURRENCY" --duration="${DURATION}s"
    --warmup="${WARMUP}s" --output="$2" "${bench_flags[@]}")
}

# start_target NAME PORT: start it (log in $server_log), wait until a predict answers 200.
start_target() {
  local name=$1 port=$2 code="" deadline=$((SECONDS + 180))
  server_log=$tmp/$name.log
  server_cmd_for "$name" "$port"
  "${server_cmd[@]}" >>"$server_log" 2>&1 &
  server_pid=$!
  while :; do
    kill -0 "$server_pid" 2>/dev/null || { server_pid=""; die "$name exited at start"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H 'Content-Type: application/json' \
      --data-binary @"$tmp/body.json" "http://127.0.0.1:$port/v1/models/$MODEL:predict" || true)
    [[ $code == 200 ]] && break
    (( SECONDS < deadline )) || die "$name not answering after 180 s (last status $code)"
    sleep 0.2
  done
}

# settle NAME PORT: let the target finish what a stopped load generator left behind.
settle() {
  if [[ $1 == serval ]]; then bb_drain "$2" "$MODEL" 0.3; else sleep 0.5; fi
}

run_tool() {  # TOOL SERVER PORT ROUND ORDER
  local tool=$1 name=$2 port=$3 rc=0 url="http://127.0.0.1:$3/v1/models/$MODEL:predict"
  run_no=$((run_no + 1))
  run=$tmp/runs/$(printf '%03d' "$run_no")
  mkdir -p "$run"
  printf 'tool=%s\nserver=%s\nround=%s\norder=%s\nconnections=%s\nduration=%s\n' \
    "$tool" "$name" "$4" "$5" "$CONCURRENCY" "$DURATION" >"$run/meta"
  if [[ $tool == wrk ]]; then
    (( WARMUP > 0 )) && bb_wrk "$CONCURRENCY" "$WARMUP" "$url" "$tmp/body.json" "$run/warmup.txt"
    settle "$name" "$port"
    bb_snapshot "$run/before" "$server_pid"
    bb_wrk "$CONCURRENCY" "$DURATION" "$url" "$tmp/body.json" "$run/wrk.txt"
    bb_snapshot "$run/after" "$server_pid"
  else
    # serval bench warms up and measures in one run: the snapshots span both.
    bench_cmd_for "$port" "$run/bench.json"
    bb_snapshot "$run/before" "$server_pid"
    lc_fg "${bench_cmd[@]}" >"$run/bench.txt" 2>&1 || rc=$?
    bb_snapshot "$run/after" "$server_pid"
    (( rc == 0 )) || { cat "$run/bench.txt" >&2; die "serval bench failed (exit $rc)"; }
    [[ -s $run/bench.json ]] || { cat "$run/bench.txt" >&2; die "serval bench wrote no $run/bench.json"; }
  fi
  settle "$name" "$port"
  lc_server_alive
}

# --- the rounds -----------------------------------------------------------------------------
run_no=0
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order=(wrk bench); else order=(bench wrk); fi
  for name in "${servers[@]}"; do
    port=$(lc_free_port)
    say "round $round/$ROUNDS: $name on 127.0.0.1:$port"
    start_target "$name" "$port"
    bb_check "http://127.0.0.1:$port/v1/models/$MODEL:predict" "$tmp/body.json" "$MODEL" "$rows"
    i=0
    for tool in "${order[@]}"; do
      i=$((i + 1))
      run_tool "$tool" "$name" "$port" "$round" "$i"
      "$PY" "$BB/batching.py" one-line "$run" >&2 || true
    done
    lc_stop_server
  done
done

# --- report ---------------------------------------------------------------------------------
server_log=$tmp/serval.log
bb_env
export R_INVOCATION=$invocation R_BODY
R_BODY=$(head -c 300 "$tmp/body.json")
cmds=""
for name in "${servers[@]}"; do
  server_cmd_for "$name" PORT
  cmds+="# $name"$'\n'"${server_cmd[*]}"$'\n'
done
cmds+="# load, one at a time"$'\n'"$(bb_wrk_cmd "$CONCURRENCY" "$DURATION" "http://127.0.0.1:PORT/v1/models/$MODEL:predict" "\$tmp/body.json")"$'\n'
bench_cmd_for PORT "\$tmp/runs/N/bench.json"
cmds+="${bench_cmd[*]}"
cmds=${cmds//$tmp/\$tmp}
export R_COMMANDS=${cmds//$SHARED/\$SHARED}
export R_TOOLS
R_TOOLS="$R_WRK; $BENCH ($(stat -c '%y' "${bench[0]}" 2>/dev/null | cut -d. -f1)); FastAPI peer: $("$PY" -c 'import fastapi, uvicorn, torch; print("fastapi %s, uvicorn %s, torch %s" % (fastapi.__version__, uvicorn.__version__, torch.__version__))')"
report_rc=0
"$PY" "$BB/batching.py" report-tools --runs "$tmp/runs" --concurrency "$CONCURRENCY" --strict "$STRICT" \
  >"$tmp/report.md" || report_rc=$?
(( report_rc == 0 || report_rc == 3 || report_rc == 4 )) || die "report writer failed (exit $report_rc)"
bb_publish "$tmp/report.md"
(( report_rc != 3 )) || die "a tool counted errors: see the report"
(( report_rc != 4 )) || die "a ratio is off by more than 10% (STRICT=1): see the report"
exit 0
