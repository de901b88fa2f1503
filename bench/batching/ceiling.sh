#!/usr/bin/env bash
# shellcheck disable=SC2317  # run_serval and run_raw are called as "run_$kind"
# Batching benchmark (1): how close Serval with dynamic batching comes to the compute ceiling,
# raw in-process LibTorch at the same batch size and thread count, in one run, alternating.
#
# For each model in MODELS (resnet18, mlp from $SHARED/bench/models/make_models.py, each with a
# config.yaml declaring its input shape), ROUNDS rounds of two runs, in alternating order (odd
# rounds Serval first, even rounds raw first), both pinned to core 0:
#   serval  build/serval serve, that model only, --enable_batching with max_batch_size B
#           (RESNET18_BATCH 8, MLP_BATCH 32), batch_timeout_micros BATCH_TIMEOUT_US (5000),
#           num_batch_threads = --instances_per_model = INSTANCES (1), --intra_op_threads THREADS
#           (1), one REST I/O thread; started fresh each round. Saturated by wrk (core 1,
#           -t1 -c CONNECTIONS, default 4 x B, ROWS rows per request, default 1): WARMUP seconds
#           discarded, DURATION seconds measured.
#   raw     $SHARED/bench/raw/raw_libtorch.cpp (built here with the documented g++ command):
#           forward() in a loop at batch B on THREADS threads for DURATION seconds.
# Reported per model: images (items) per second of each, the ratio Serval / raw (goal >= 0.9),
# the batch sizes Serval actually ran, and where a request's time goes in the server (from
# /metrics deltas and per-thread CPU over the measured window).
#
# Usage: [ROUNDS=3] [DURATION=10] [WARMUP=3] [MODELS="resnet18 mlp"] [RESNET18_BATCH=8]
#        [MLP_BATCH=32] [BATCH_TIMEOUT_US=5000] [THREADS=1] [INSTANCES=1] [ROWS=1]
#        [CONNECTIONS=4xB] [DRAIN_INTERVAL=1] [STRICT=0] [OUT_DIR=bench/results] bench/batching/ceiling.sh
# Smoke: ROUNDS=1 DURATION=2 WARMUP=1 OUT_DIR=/tmp/bb bench/batching/ceiling.sh
# Writes OUT_DIR/batching_ceiling.md and prints it. Exits non-zero if Serval answers wrong or
# any non-2xx / socket error under load, or dies; with STRICT=1 also if resnet18 misses 0.9.
bb_name=ceiling
# shellcheck source=bench/batching/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
MODELS=${MODELS:-resnet18 mlp}
RESNET18_BATCH=${RESNET18_BATCH:-8}
MLP_BATCH=${MLP_BATCH:-32}
HALF_PLUS_TWO_BATCH=${HALF_PLUS_TWO_BATCH:-32}
BATCH_TIMEOUT_US=${BATCH_TIMEOUT_US:-5000}
THREADS=${THREADS:-1}
INSTANCES=${INSTANCES:-1}
REST_THREADS=${REST_THREADS:-1}
ROWS=${ROWS:-1}
CONNECTIONS=${CONNECTIONS:-}
STRICT=${STRICT:-0}
DRAIN_INTERVAL=${DRAIN_INTERVAL:-1}
lc_numbers ROUNDS DURATION WARMUP RESNET18_BATCH MLP_BATCH HALF_PLUS_TWO_BATCH BATCH_TIMEOUT_US \
  THREADS INSTANCES REST_THREADS ROWS
[[ -z $CONNECTIONS ]] || lc_numbers CONNECTIONS
(( ROUNDS >= 1 && DURATION >= 1 && THREADS >= 1 && INSTANCES >= 1 && REST_THREADS >= 1 && ROWS >= 1 )) ||
  die "ROUNDS, DURATION, THREADS, INSTANCES, REST_THREADS, ROWS must be >= 1"
read -ra models <<<"$MODELS"
(( ${#models[@]} >= 1 )) || die "MODELS is empty"
invocation="ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP MODELS=\"$MODELS\" RESNET18_BATCH=$RESNET18_BATCH MLP_BATCH=$MLP_BATCH BATCH_TIMEOUT_US=$BATCH_TIMEOUT_US THREADS=$THREADS INSTANCES=$INSTANCES ROWS=$ROWS${CONNECTIONS:+ CONNECTIONS=$CONNECTIONS} bench/batching/ceiling.sh"

batch_of() {
  case $1 in
    resnet18) echo "$RESNET18_BATCH" ;;
    mlp) echo "$MLP_BATCH" ;;
    half_plus_two) echo "$HALF_PLUS_TWO_BATCH" ;;
    *) die "unknown model $1 (resnet18, mlp, half_plus_two)" ;;
  esac
}
conns_of() { echo "${CONNECTIONS:-$(( 4 * $(batch_of "$1") ))}"; }

# --- models, bodies, batching parameters, raw_libtorch --------------------------------------
lc_models
for m in "${models[@]}"; do
  b=$(batch_of "$m")
  (( b >= ROWS )) || die "$m: ROWS=$ROWS is more than the batch size $b"
  bb_repo "$m" "$tmp/repo_$m"
  bb_params "$tmp/batching_$m.txt" "$b" "$BATCH_TIMEOUT_US" "$INSTANCES"
  "$PY" "$BB/batching.py" body "$m" "$ROWS" "$tmp/body_$m.json"
done
bb_raw_build
mkdir -p "$tmp/runs"

server_cmd_for() {  # MODEL PORT -> array server_cmd
  server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_repository="$tmp/repo_$1"
    --rest_api_port="$2" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads="$REST_THREADS"
    --intra_op_threads="$THREADS" --instances_per_model="$INSTANCES" --management_port=-1
    --file_system_poll_wait_seconds=0 --enable_batching --batching_parameters_file="$tmp/batching_$1.txt")
}
raw_cmd_for() {  # MODEL -> array raw_cmd
  raw_cmd=("${srv_pin[@]}" "$tmp/raw_libtorch" "$tmp/models/$1/1/model.pt" "$(bb_dims "$1")"
    "$(batch_of "$1")" "$THREADS" "$DURATION")
}

blas_loaded=""
run_no=0
new_run() {  # KIND MODEL ROUND ORDER -> $run (a folder with meta)
  run_no=$((run_no + 1))
  run=$tmp/runs/$(printf '%03d' "$run_no")
  mkdir -p "$run"
  printf 'kind=%s\nmodel=%s\nround=%s\norder=%s\nbatch=%s\nrows=%s\nconnections=%s\nduration=%s\n' \
    "$1" "$2" "$3" "$4" "$(batch_of "$2")" "$ROWS" "$(conns_of "$2")" "$DURATION" >"$run/meta"
}

run_serval() {  # MODEL ROUND ORDER
  local m=$1 url
  new_run serval "$@"
  port=$(lc_free_port)
  server_cmd_for "$m" "$port"
  lc_start_server "${server_cmd[@]}"
  [[ -n $blas_loaded ]] || blas_loaded=$(bb_blas_loaded "$server_pid")
  url="http://127.0.0.1:$port/v1/models/$m:predict"
  bb_check "$url" "$tmp/body_$m.json" "$m" "$ROWS"
  (( WARMUP > 0 )) && bb_wrk "$(conns_of "$m")" "$WARMUP" "$url" "$tmp/body_$m.json" "$run/warmup.txt"
  bb_drain "$port" "$m" "$DRAIN_INTERVAL"
  bb_snapshot "$run/before" "$server_pid" "$port"
  bb_wrk "$(conns_of "$m")" "$DURATION" "$url" "$tmp/body_$m.json" "$run/wrk.txt"
  bb_snapshot "$run/after" "$server_pid" "$port"
  lc_server_alive
  bb_check "$url" "$tmp/body_$m.json" "$m" "$ROWS"
  lc_stop_server
}

run_raw() {  # MODEL ROUND ORDER
  local m=$1 rc=0
  new_run raw "$@"
  raw_cmd_for "$m"
  bb_children_cpu "$run/before.proc_cpu"
  bb_snapshot "$run/before"
  lc_fg "${raw_cmd[@]}" >"$run/raw.txt" 2>&1 || rc=$?
  bb_snapshot "$run/after"
  bb_children_cpu "$run/after.proc_cpu"
  (( rc == 0 )) || { cat "$run/raw.txt" >&2; die "raw_libtorch failed (exit $rc)"; }
}

# --- the rounds -----------------------------------------------------------------------------
for round in $(seq "$ROUNDS"); do
  for m in "${models[@]}"; do
    if (( round % 2 == 1 )); then order=(serval raw); else order=(raw serval); fi
    i=0
    for kind in "${order[@]}"; do
      i=$((i + 1))
      say "round $round/$ROUNDS, $m, $kind (batch $(batch_of "$m"))"
      "run_$kind" "$m" "$round" "$i"
      "$PY" "$BB/batching.py" one-line "$run" >&2 || true
    done
  done
done

# --- report ---------------------------------------------------------------------------------
bb_env
export R_INVOCATION=$invocation R_BLAS_LOADED=${blas_loaded:-none found in /proc/PID/maps}
export R_RAW_BUILD=$bb_raw_build_cmd
cmds=""
for m in "${models[@]}"; do
  server_cmd_for "$m" PORT
  raw_cmd_for "$m"
  cmds+="# $m, batch $(batch_of "$m")"$'\n'"${server_cmd[*]}"$'\n'
  cmds+="$(bb_wrk_cmd "$(conns_of "$m")" "$DURATION" "http://127.0.0.1:PORT/v1/models/$m:predict" "\$tmp/body_$m.json")"$'\n'
  cmds+="${raw_cmd[*]}"$'\n'
done
cmds=${cmds//$tmp/\$tmp}
export R_COMMANDS=$cmds
params=""
for m in "${models[@]}"; do
  params+="# \$tmp/batching_$m.txt"$'\n'"$(cat "$tmp/batching_$m.txt")"$'\n'
done
export R_PARAMS=$params
report_rc=0
"$PY" "$BB/batching.py" report-ceiling --runs "$tmp/runs" --rounds "$ROUNDS" --warmup "$WARMUP" \
  --timeout-us "$BATCH_TIMEOUT_US" --threads "$THREADS" --instances "$INSTANCES" --strict "$STRICT" \
  >"$tmp/report.md" || report_rc=$?
(( report_rc == 0 || report_rc == 3 || report_rc == 4 )) || die "report writer failed (exit $report_rc)"
bb_publish "$tmp/report.md"
(( report_rc != 3 )) || die "Serval answered non-2xx or had socket errors under load: see the report"
(( report_rc != 4 )) || die "the ratio goal was missed (STRICT=1): see the report"
exit 0
