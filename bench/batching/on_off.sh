#!/usr/bin/env bash
# Batching benchmark (2): what dynamic batching buys, and costs, for mlp at concurrency 1, 8, 32
# and 128, batching off against on, in one run, alternating.
#
# Two servers of the same mlp repository (make_models.py's mlp with a config.yaml) run for the
# whole benchmark, both pinned to core 0: `off` (no batching) and `on` (--enable_batching,
# max_batch_size BATCH 32, batch_timeout_micros BATCH_TIMEOUT_US 1000, one batch thread); both
# with --intra_op_threads THREADS (1), --instances_per_model INSTANCES (1), one REST I/O thread.
# Only one is loaded at a time; the other sits idle (its CPU over each window is reported). ROUNDS
# rounds; in each, for every concurrency N in CONCURRENCIES, wrk -t1 -cN (core 1) on off and on in
# alternating order (the order flips from one concurrency to the next and from one round to the
# next), each WARMUP seconds discarded then DURATION seconds measured. Reported per concurrency:
# req/s, p50 and p99 of each, the on/off ratios, and the batch sizes `on` ran (/metrics).
#
# Usage: [ROUNDS=3] [DURATION=10] [WARMUP=2] [CONCURRENCIES="1 8 32 128"] [BATCH=32]
#        [BATCH_TIMEOUT_US=1000] [THREADS=1] [INSTANCES=1] [OUT_DIR=bench/results]
#        bench/batching/on_off.sh
# Smoke: ROUNDS=1 DURATION=2 WARMUP=1 OUT_DIR=/tmp/bb bench/batching/on_off.sh
# Writes OUT_DIR/batching_on_off.md and prints it. Exits non-zero if a server answers wrong, any
# non-2xx or socket error, or a server dies.
bb_name=on_off
# shellcheck source=bench/batching/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCIES=${CONCURRENCIES:-1 8 32 128}
BATCH=${BATCH:-32}
BATCH_TIMEOUT_US=${BATCH_TIMEOUT_US:-1000}
THREADS=${THREADS:-1}
INSTANCES=${INSTANCES:-1}
REST_THREADS=${REST_THREADS:-1}
MODEL=mlp
lc_numbers ROUNDS DURATION WARMUP BATCH BATCH_TIMEOUT_US THREADS INSTANCES REST_THREADS
(( ROUNDS >= 1 && DURATION >= 1 && BATCH >= 1 && THREADS >= 1 && INSTANCES >= 1 && REST_THREADS >= 1 )) ||
  die "ROUNDS, DURATION, BATCH, THREADS, INSTANCES, REST_THREADS must be >= 1"
read -ra concs <<<"$CONCURRENCIES"
(( ${#concs[@]} >= 1 )) || die "CONCURRENCIES is empty"
for c in "${concs[@]}"; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "CONCURRENCIES must be whole numbers >= 1 (got '$c')"
done
invocation="ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONCURRENCIES=\"$CONCURRENCIES\" BATCH=$BATCH BATCH_TIMEOUT_US=$BATCH_TIMEOUT_US THREADS=$THREADS INSTANCES=$INSTANCES bench/batching/on_off.sh"

# --- repository, body, parameters -----------------------------------------------------------
lc_models
bb_repo "$MODEL" "$tmp/repo"
bb_params "$tmp/batching.txt" "$BATCH" "$BATCH_TIMEOUT_US" "$INSTANCES"
"$PY" "$BB/batching.py" body "$MODEL" 1 "$tmp/body.json"
mkdir -p "$tmp/runs"

server_cmd_for() {  # off|on PORT -> array server_cmd
  server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_repository="$tmp/repo"
    --rest_api_port="$2" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads="$REST_THREADS"
    --intra_op_threads="$THREADS" --instances_per_model="$INSTANCES" --management_port=-1
    --file_system_poll_wait_seconds=0)
  [[ $1 == on ]] && server_cmd+=(--enable_batching --batching_parameters_file="$tmp/batching.txt")
  return 0
}

# --- both servers ---------------------------------------------------------------------------
declare -A pid_of port_of
for kind in off on; do
  port=$(lc_free_port)
  server_log=$tmp/$kind.log
  server_cmd_for "$kind" "$port"
  say "starting $kind on 127.0.0.1:$port"
  lc_start_server "${server_cmd[@]}"
  pid_of[$kind]=$server_pid
  port_of[$kind]=$port
  lc_bg_pids+=("$server_pid")  # stopped on exit, whichever of them
  bb_check "http://127.0.0.1:$port/v1/models/$MODEL:predict" "$tmp/body.json" "$MODEL" 1
done
blas_loaded=$(bb_blas_loaded "${pid_of[on]}")
alive() {
  local k
  for k in off on; do
    kill -0 "${pid_of[$k]}" 2>/dev/null || { server_log=$tmp/$k.log; die "the $k server died"; }
  done
}

# --- the rounds -----------------------------------------------------------------------------
run_no=0
flip=0
for round in $(seq "$ROUNDS"); do
  for c in "${concs[@]}"; do
    if (( (round + flip) % 2 == 1 )); then order=(off on); else order=(on off); fi
    flip=$((flip + 1))
    i=0
    for kind in "${order[@]}"; do
      i=$((i + 1))
      if [[ $kind == on ]]; then idle=off; else idle=on; fi
      run_no=$((run_no + 1))
      run=$tmp/runs/$(printf '%03d' "$run_no")
      mkdir -p "$run"
      printf 'kind=%s\nmodel=%s\nround=%s\norder=%s\nconnections=%s\nrows=1\nduration=%s\n' \
        "$kind" "$MODEL" "$round" "$i" "$c" "$DURATION" >"$run/meta"
      url="http://127.0.0.1:${port_of[$kind]}/v1/models/$MODEL:predict"
      say "round $round/$ROUNDS, concurrency $c, batching $kind"
      (( WARMUP > 0 )) && bb_wrk "$c" "$WARMUP" "$url" "$tmp/body.json" "$run/warmup.txt"
      bb_drain "${port_of[off]}" "$MODEL" 0.3
      bb_drain "${port_of[on]}" "$MODEL" 0.3
      bb_snapshot "$run/idle_before" "${pid_of[$idle]}"
      bb_snapshot "$run/before" "${pid_of[$kind]}" "${port_of[$kind]}"
      bb_wrk "$c" "$DURATION" "$url" "$tmp/body.json" "$run/wrk.txt"
      bb_snapshot "$run/after" "${pid_of[$kind]}" "${port_of[$kind]}"
      bb_snapshot "$run/idle_after" "${pid_of[$idle]}"
      alive
      "$PY" "$BB/batching.py" one-line "$run" >&2 || true
    done
  done
done
for kind in off on; do
  bb_check "http://127.0.0.1:${port_of[$kind]}/v1/models/$MODEL:predict" "$tmp/body.json" "$MODEL" 1
done

# --- report ---------------------------------------------------------------------------------
server_log=$tmp/on.log
bb_env
export R_INVOCATION=$invocation R_BLAS_LOADED=${blas_loaded:-none found in /proc/PID/maps}
server_cmd_for off PORT_OFF
cmds="# off"$'\n'"${server_cmd[*]}"$'\n'
server_cmd_for on PORT_ON
cmds+="# on"$'\n'"${server_cmd[*]}"$'\n'
cmds+="# load, N in $CONCURRENCIES, PORT one of them"$'\n'
cmds+="$(bb_wrk_cmd N "$DURATION" "http://127.0.0.1:PORT/v1/models/$MODEL:predict" "\$tmp/body.json")"
export R_COMMANDS=${cmds//$tmp/\$tmp}
R_PARAMS=$(cat "$tmp/batching.txt")
export R_PARAMS
report_rc=0
"$PY" "$BB/batching.py" report-onoff --runs "$tmp/runs" --timeout-us "$BATCH_TIMEOUT_US" >"$tmp/report.md" ||
  report_rc=$?
(( report_rc == 0 || report_rc == 3 )) || die "report writer failed (exit $report_rc)"
for kind in off on; do
  lc_stop "${pid_of[$kind]}" TERM
done
bb_publish "$tmp/report.md"
(( report_rc == 0 )) || die "a server answered non-2xx or had socket errors under load: see the report"
exit 0
