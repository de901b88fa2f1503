#!/usr/bin/env bash
# Lifecycle benchmark (c): the server's RSS after 10 and after CYCLES load/unload cycles of a
# TorchScript model (goal: within 5%).
#
# For each model (mlp for CYCLES cycles, then resnet18 for BIG_CYCLES), a fresh server serving
# only that model; a driver (lifecycle.py cycles) does, CYCLES times: POST
# /v1/manage/models/{m}/unload, POST .../load (each blocks until settled, and is checked), one
# predict (PREDICT=1); and reads VmRSS, RssAnon, RssFile, VmHWM, threads and open fds of the
# server from /proc at cycles 0, 1, 10, every EVERY, and the last. Reported: RSS after cycle 10
# and after the last, the growth (goal <= 5%), kB per cycle, and the curve.
#
# Usage: [CYCLES=1000] [BIG_CYCLES=50] [EVERY=100] [PREDICT=1] [FS_POLL=0] [MODEL=mlp]
#        [OUT_DIR=bench/results] [SHARED=../shared] [SERVAL=build/serval]
#        bench/lifecycle/load_cycles.sh
# Smoke: CYCLES=20 BIG_CYCLES=12 EVERY=5 OUT_DIR=/tmp/lc bench/lifecycle/load_cycles.sh
# BIG_CYCLES=0 skips resnet18. Writes OUT_DIR/lifecycle_load_cycles.md, rebuilds
# OUT_DIR/lifecycle.md, prints the section. Exits non-zero if a call fails or RSS grows > 5%.
lc_name=load_cycles
# shellcheck source=bench/lifecycle/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CYCLES=${CYCLES:-1000}
BIG_CYCLES=${BIG_CYCLES:-50}
EVERY=${EVERY:-100}
PREDICT=${PREDICT:-1}
FS_POLL=${FS_POLL:-0}
MODEL=${MODEL:-mlp}
BIG=resnet18
lc_numbers CYCLES BIG_CYCLES EVERY PREDICT FS_POLL
(( CYCLES >= 10 )) || die "CYCLES must be at least 10 (RSS is compared from cycle 10)"
(( BIG_CYCLES == 0 || BIG_CYCLES >= 10 )) || die "BIG_CYCLES must be 0 or at least 10"
invocation="CYCLES=$CYCLES BIG_CYCLES=$BIG_CYCLES EVERY=$EVERY PREDICT=$PREDICT FS_POLL=$FS_POLL MODEL=$MODEL bench/lifecycle/load_cycles.sh"

lc_models
runs=("$MODEL:$CYCLES")
(( BIG_CYCLES > 0 )) && runs+=("$BIG:$BIG_CYCLES")

report_args=()
server_cmds=""
driver_cmds=""
for run in "${runs[@]}"; do
  model=${run%%:*}
  cycles=${run##*:}
  [[ -f $tmp/models/$model/1/model.pt ]] || die "make_models.py wrote no $model"
  repo_dir="$tmp/repo-$model"
  mkdir -p "$repo_dir/$model/1"
  cp "$tmp/models/$model/1/model.pt" "$repo_dir/$model/1/model.pt"
  lc_config "$model" "$repo_dir/$model"

  port=$(lc_free_port)
  mport=$(lc_free_port)
  server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_repository="$repo_dir"
    --rest_api_port="$port" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads=1 --intra_op_threads=1
    --file_system_poll_wait_seconds="$FS_POLL" --management_port="$mport")
  say "$model: $cycles cycles, server on 127.0.0.1:$port (management $mport)"
  lc_start_server "${server_cmd[@]}"
  "$PY" "$LC/lifecycle.py" wait-available --port "$port" --model "$model" ||
    die "$model never became AVAILABLE"
  lc_fg "${load_pin[@]}" "$PY" "$LC/lifecycle.py" cycles --pid "$server_pid" --port "$port" \
    --mgmt-port "$mport" --model "$model" --cycles "$cycles" --every "$EVERY" --predict "$PREDICT" \
    --out "$tmp/cycles.$model.tsv" || die "$model: the cycle driver failed"
  lc_server_alive
  lc_stop_server
  report_args+=("$model=$tmp/cycles.$model.tsv")
  cmd_text=${server_cmd[*]//$tmp/\$tmp}
  cmd_text=${cmd_text//--rest_api_port=$port/--rest_api_port=PORT}
  server_cmds+="${cmd_text//--management_port=$mport/--management_port=MPORT}   # \$tmp/repo-$model: $model from make_models.py"$'\n'
  driver_cmds+="${load_pin[*]} $PY bench/lifecycle/lifecycle.py cycles --pid PID --port PORT --mgmt-port MPORT --model $model --cycles $cycles --every $EVERY --predict $PREDICT"$'\n'
done

# --- report ---------------------------------------------------------------------------------
lc_env
export R_INVOCATION=$invocation
export R_SERVER_CMD=${server_cmds%$'\n'}
export R_LOAD_CMDS=${driver_cmds%$'\n'}
report_rc=0
"$PY" "$LC/lifecycle.py" report-cycles "${report_args[@]}" >"$tmp/section.md" || report_rc=$?
(( report_rc == 0 || report_rc == 3 )) || die "report writer failed (exit $report_rc)"
lc_publish_section "$tmp/section.md"
(( report_rc == 0 )) || die "RSS grew more than 5%: see the report"
exit 0
