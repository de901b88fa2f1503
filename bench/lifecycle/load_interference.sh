#!/usr/bin/env bash
# Lifecycle benchmark (b): p99 latency of one model while a ~45 MB model loads, against the same
# p99 with no load in progress, in one run.
#
# One server with a repository of mlp (small, under wrk -c CONNECTIONS) and resnet18 (~45 MB
# TorchScript). ROUNDS rounds, each with two DURATION-second wrk windows on mlp:
#   steady   resnet18 loaded and idle
#   loading  a driver loops POST /v1/manage/models/resnet18/unload then /load (each blocks until
#            the model has settled) for the whole window
# in alternating order (odd rounds steady first, even rounds loading first). Reported: mlp p50,
# p99, max and req/s per condition (medians over rounds), the loading/steady ratios, per window
# how much of it had a resnet18 load in progress, and mlp failures (must be 0).
#
# Usage: [ROUNDS=4] [DURATION=10] [WARMUP=2] [CONNECTIONS=8] [FS_POLL=0] [OUT_DIR=bench/results]
#        [SHARED=../shared] [SERVAL=build/serval] [SERVER_FLAGS="--load_thread_niceness=0"]
#        bench/lifecycle/load_interference.sh
# Smoke: ROUNDS=1 DURATION=3 OUT_DIR=/tmp/lc bench/lifecycle/load_interference.sh
# Writes OUT_DIR/lifecycle_load_interference.md, rebuilds OUT_DIR/lifecycle.md, prints the
# section. Exits non-zero if mlp answers any non-2xx or socket error, or a load/unload fails.
lc_name=load_interference
# shellcheck source=bench/lifecycle/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-8}
FS_POLL=${FS_POLL:-0}
SMALL=mlp
BIG=resnet18
lc_numbers ROUNDS DURATION WARMUP CONNECTIONS FS_POLL
(( ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= 1 )) || die "ROUNDS, DURATION, CONNECTIONS must be >= 1"
SERVER_FLAGS=${SERVER_FLAGS:-}
invocation="ROUNDS=$ROUNDS DURATION=$DURATION CONNECTIONS=$CONNECTIONS FS_POLL=$FS_POLL${SERVER_FLAGS:+ SERVER_FLAGS=\"$SERVER_FLAGS\"} bench/lifecycle/load_interference.sh"

# --- repository: mlp and resnet18 -----------------------------------------------------------
lc_models
repo_dir="$tmp/repo"
for m in "$SMALL" "$BIG"; do
  [[ -f $tmp/models/$m/1/model.pt ]] || die "make_models.py wrote no $m"
  mkdir -p "$repo_dir/$m/1"
  cp "$tmp/models/$m/1/model.pt" "$repo_dir/$m/1/model.pt"
  lc_config "$m" "$repo_dir/$m"
done
big_mb=$(stat -c %s "$repo_dir/$BIG/1/model.pt" | awk '{ printf "%.1f", $1 / 1048576 }')
"$PY" "$LC/lifecycle.py" body "$SMALL" "$tmp/body.json"

# --- server ---------------------------------------------------------------------------------
port=$(lc_free_port)
mport=$(lc_free_port)
server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_repository="$repo_dir"
  --rest_api_port="$port" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads=1 --intra_op_threads=1
  --file_system_poll_wait_seconds="$FS_POLL" --management_port="$mport")
# shellcheck disable=SC2206  # extra flags are split on spaces on purpose
[[ -n $SERVER_FLAGS ]] && server_cmd+=($SERVER_FLAGS)
say "serving $SMALL and $BIG ($big_mb MiB) on 127.0.0.1:$port (management $mport)"
lc_start_server "${server_cmd[@]}"
"$PY" "$LC/lifecycle.py" wait-available --port "$port" --model "$SMALL" --model "$BIG" ||
  die "the models never became AVAILABLE"
url="http://127.0.0.1:$port/v1/models/$SMALL:predict"
code=$(curl -s -o "$tmp/first.json" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
  --data-binary @"$tmp/body.json" "$url" || true)
[[ $code == 200 ]] || die "$SMALL predict answered HTTP $code: $(head -c 300 "$tmp/first.json")"

manage() {  # OP: POST /v1/manage/models/$BIG/OP, must answer 200
  local code
  code=$(curl -s -o "$tmp/manage.json" -w '%{http_code}' --max-time 300 -X POST \
    "http://127.0.0.1:$mport/v1/manage/models/$BIG/$1" || true)
  [[ $code == 200 ]] || die "POST /v1/manage/models/$BIG/$1 answered HTTP $code: $(head -c 300 "$tmp/manage.json")"
}

run_wrk() {  # SECONDS OUTFILE
  local rc=0
  lc_fg env WRK_BODY="$tmp/body.json" "${load_pin[@]}" wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency \
    -s "$SHARED/bench/peers/post.lua" "$url" >"$2" 2>&1 || rc=$?
  (( rc == 0 )) || { cat "$2" >&2; die "wrk failed (exit $rc)"; }
}

# Warm-up: one unload/load of the big model, and a discarded wrk run.
manage unload
manage load
(( WARMUP > 0 )) && run_wrk "$WARMUP" "$tmp/warmup.txt"

# --- the rounds -----------------------------------------------------------------------------
printf 'round\tcondition\tstart\tend\twrk\n' >"$tmp/rounds.tsv"
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order=(steady loading); else order=(loading steady); fi
  for cond in "${order[@]}"; do
    churn_pid=""
    if [[ $cond == loading ]]; then
      lc_bg "${load_pin[@]}" "$PY" "$LC/lifecycle.py" churn --mgmt-port "$mport" --model "$BIG" \
        --out "$tmp/churn.tsv"
      churn_pid=$lc_last_pid
      sleep 0.2
    fi
    t0=$(date +%s.%N)
    run_wrk "$DURATION" "$tmp/wrk.$round.$cond.txt"
    t1=$(date +%s.%N)
    if [[ -n $churn_pid ]]; then
      # It finishes the call in flight and ends with a load: the next steady window has $BIG loaded.
      kill -TERM "$churn_pid" 2>/dev/null || true
      churn_rc=0
      wait "$churn_pid" || churn_rc=$?
      (( churn_rc == 0 )) || die "the load/unload driver failed (exit $churn_rc): $(tail -n 3 "$tmp/churn.tsv")"
    fi
    lc_server_alive
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$cond" "$t0" "$t1" "$tmp/wrk.$round.$cond.txt" >>"$tmp/rounds.tsv"
    read -r p99 < <(sed -n 's/^ *99% *//p' "$tmp/wrk.$round.$cond.txt")
    say "round $round/$ROUNDS $cond: $SMALL p99 ${p99:-?}"
  done
done

# --- report ---------------------------------------------------------------------------------
lc_env
export R_INVOCATION=$invocation
R_SERVER_CMD=${server_cmd[*]//$tmp/\$tmp}
R_SERVER_CMD="${R_SERVER_CMD//--rest_api_port=$port/--rest_api_port=PORT} # \$tmp/repo: $SMALL and $BIG from make_models.py"
export R_SERVER_CMD=${R_SERVER_CMD//--management_port=$mport/--management_port=MPORT}
export R_LOAD_CMDS="WRK_BODY=\$tmp/body.json ${load_pin[*]} wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency -s \$SHARED/bench/peers/post.lua http://127.0.0.1:PORT/v1/models/$SMALL:predict
${load_pin[*]} $PY bench/lifecycle/lifecycle.py churn --mgmt-port MPORT --model $BIG --out \$tmp/churn.tsv   # loading windows only"
report_rc=0
"$PY" "$LC/lifecycle.py" report-interference --rounds "$tmp/rounds.tsv" --churn "$tmp/churn.tsv" \
  --model "$SMALL" --big "$BIG" --big-mb "$big_mb" --rounds-wanted "$ROUNDS" --duration "$DURATION" \
  >"$tmp/section.md" || report_rc=$?
(( report_rc == 0 || report_rc == 3 )) || die "report writer failed (exit $report_rc)"
lc_publish_section "$tmp/section.md"
(( report_rc == 0 )) || die "$SMALL failed requests or a failed load/unload: see the report"
exit 0
