#!/usr/bin/env bash
# Lifecycle benchmark (a): failed requests over SWAPS version swaps under continuous load.
#
# One model `m` served from --model_base_path with file-system polling; wrk (swap_load.lua) and
# a Python client (lifecycle.py client, CLIENT_THREADS keep-alive connections) POST predicts the
# whole time. Each swap publishes version N+1 as a publisher does (copy into DIR/.tmp-N+1, mv to
# DIR/N+1), waits until GET /v1/models/m shows N+1 AVAILABLE and N not, then removes DIR/N.
# Reported: requests, failures (non-200 + socket errors; must be 0), swaps done, swap times,
# which versions answered (X-Serval-Model-Version) and whether each connection saw them in order.
#
# Usage: [SWAPS=100] [MODEL=mlp] [CONNECTIONS=8] [CLIENT_THREADS=4] [FS_POLL=1] [SWAP_TIMEOUT=120]
#        [SETTLE=2] [OUT_DIR=bench/results] [SHARED=../shared] [SERVAL=build/serval]
#        bench/lifecycle/version_swaps.sh
# Smoke: SWAPS=3 OUT_DIR=/tmp/lc bench/lifecycle/version_swaps.sh
# Writes OUT_DIR/lifecycle_version_swaps.md, rebuilds OUT_DIR/lifecycle.md, prints the section.
# Exits non-zero on any failed request, a swap that does not complete, or a status poll that
# showed no version AVAILABLE.
lc_name=version_swaps
# shellcheck source=bench/lifecycle/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SWAPS=${SWAPS:-100}
MODEL=${MODEL:-mlp}
CONNECTIONS=${CONNECTIONS:-8}
CLIENT_THREADS=${CLIENT_THREADS:-4}
FS_POLL=${FS_POLL:-1}
SWAP_TIMEOUT=${SWAP_TIMEOUT:-120}
SETTLE=${SETTLE:-2}
lc_numbers SWAPS CONNECTIONS CLIENT_THREADS FS_POLL SWAP_TIMEOUT SETTLE
(( SWAPS >= 1 )) || die "SWAPS must be at least 1"
(( CONNECTIONS + CLIENT_THREADS >= 1 )) || die "no load: CONNECTIONS and CLIENT_THREADS are both 0"
invocation="SWAPS=$SWAPS MODEL=$MODEL CONNECTIONS=$CONNECTIONS CLIENT_THREADS=$CLIENT_THREADS FS_POLL=$FS_POLL bench/lifecycle/version_swaps.sh"

# --- model folder with version 1 ------------------------------------------------------------
lc_models
[[ -f $tmp/models/$MODEL/1/model.pt ]] || die "make_models.py wrote no $MODEL"
base="$tmp/base/m"
mkdir -p "$base/1"
cp "$tmp/models/$MODEL/1/model.pt" "$base/1/model.pt"
lc_config "$MODEL" "$base"
"$PY" "$LC/lifecycle.py" body "$MODEL" "$tmp/body.json"

# --- server ---------------------------------------------------------------------------------
port=$(lc_free_port)
mport=$(lc_free_port)
server_cmd=("${srv_pin[@]}" "$SERVAL" serve --model_base_path="$base" --model_name=m
  --rest_api_port="$port" --rest_api_address=127.0.0.1 --port=-1 --rest_api_num_threads=1 --intra_op_threads=1
  --file_system_poll_wait_seconds="$FS_POLL" --management_port="$mport")
say "serving $MODEL as m on 127.0.0.1:$port (management $mport)"
lc_start_server "${server_cmd[@]}"
"$PY" "$LC/lifecycle.py" wait-available --port "$port" --model m ||
  die "version 1 never became AVAILABLE"
code=$(curl -s -o "$tmp/first.json" -w '%{http_code}' --max-time 10 -D "$tmp/first.headers" \
  -H 'Content-Type: application/json' --data-binary @"$tmp/body.json" "http://127.0.0.1:$port/v1/models/m:predict" || true)
[[ $code == 200 ]] || die "first predict answered HTTP $code: $(head -c 300 "$tmp/first.json")"
grep -qi '^X-Serval-Model-Version: *1' "$tmp/first.headers" ||
  say "WARNING: the first predict carried no 'X-Serval-Model-Version: 1' header: $(tr -d '\r' <"$tmp/first.headers" | paste -sd'|')"

# --- load for the whole run -----------------------------------------------------------------
url="http://127.0.0.1:$port/v1/models/m:predict"
wrk_pid=""
client_pid=""
if (( CONNECTIONS > 0 )); then
  # Runs "for a day"; stopped with SIGINT after the last swap, on which wrk prints its summary.
  lc_bg env WRK_BODY="$tmp/body.json" "${load_pin[@]}" wrk -t1 -c"$CONNECTIONS" -d86400s \
    --timeout 10s --latency -s "$LC/swap_load.lua" "$url" >"$tmp/wrk.txt" 2>&1
  wrk_pid=$lc_last_pid
fi
if (( CLIENT_THREADS > 0 )); then
  lc_bg "${load_pin[@]}" "$PY" "$LC/lifecycle.py" client --port "$port" --model m \
    --body "$tmp/body.json" --threads "$CLIENT_THREADS" --out "$tmp/client.json"
  client_pid=$lc_last_pid
fi
sleep "$SETTLE"
[[ -z $wrk_pid ]] || kill -0 "$wrk_pid" 2>/dev/null || { cat "$tmp/wrk.txt" >&2; die "wrk exited early"; }
[[ -z $client_pid ]] || kill -0 "$client_pid" 2>/dev/null || die "the Python client exited early"

# --- the swaps ------------------------------------------------------------------------------
say "$SWAPS swaps under load"
swaps_rc=0
lc_fg "${load_pin[@]}" "$PY" "$LC/lifecycle.py" swaps --port "$port" --mgmt-port "$mport" --model m --base "$base" \
  --model-file "$tmp/models/$MODEL/1/model.pt" --swaps "$SWAPS" --timeout "$SWAP_TIMEOUT" \
  --out "$tmp/swaps.tsv" --summary "$tmp/swaps.json" || swaps_rc=$?
sleep "$SETTLE"  # a little load after the last swap too

# Stop the load: wrk prints its summary on SIGINT, the client writes its JSON on SIGTERM.
if [[ -n $wrk_pid ]]; then
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
fi
if [[ -n $client_pid ]]; then
  kill -TERM "$client_pid" 2>/dev/null || true
  wait "$client_pid" 2>/dev/null || true
fi
lc_server_alive
[[ -f $tmp/swaps.tsv ]] || die "the swap driver wrote nothing (exit $swaps_rc)"
(( swaps_rc == 0 )) || say "the swap driver failed (exit $swaps_rc); reporting what was done"

# --- report ---------------------------------------------------------------------------------
lc_env
export R_INVOCATION=$invocation
R_SERVER_CMD=${server_cmd[*]//$tmp/\$tmp}
R_SERVER_CMD="${R_SERVER_CMD//--rest_api_port=$port/--rest_api_port=PORT} # model $MODEL from make_models.py as \$tmp/base/m/1/model.pt"
export R_SERVER_CMD=${R_SERVER_CMD//--management_port=$mport/--management_port=MPORT}
load_cmds=""
(( CONNECTIONS > 0 )) && load_cmds+="WRK_BODY=\$tmp/body.json ${load_pin[*]} wrk -t1 -c$CONNECTIONS -d86400s --timeout 10s --latency -s bench/lifecycle/swap_load.lua http://127.0.0.1:PORT/v1/models/m:predict   # stopped by SIGINT after the last swap"$'\n'
(( CLIENT_THREADS > 0 )) && load_cmds+="${load_pin[*]} $PY bench/lifecycle/lifecycle.py client --port PORT --model m --body \$tmp/body.json --threads $CLIENT_THREADS"$'\n'
load_cmds+="${load_pin[*]} $PY bench/lifecycle/lifecycle.py swaps --port PORT --mgmt-port MPORT --model m --base \$tmp/base/m --model-file ... --swaps $SWAPS"
export R_LOAD_CMDS=$load_cmds
report_rc=0
"$PY" "$LC/lifecycle.py" report-swaps --swaps "$tmp/swaps.tsv" --summary "$tmp/swaps.json" \
  ${client_pid:+--client "$tmp/client.json"} ${wrk_pid:+--wrk "$tmp/wrk.txt"} --model "$MODEL" \
  --swaps-wanted "$SWAPS" --connections "$CONNECTIONS" --fs-poll "$FS_POLL" >"$tmp/section.md" || report_rc=$?
(( report_rc == 0 || report_rc == 3 )) || die "report writer failed (exit $report_rc)"
lc_publish_section "$tmp/section.md"
(( swaps_rc == 0 )) || die "swaps did not all complete"
(( report_rc == 0 )) || die "failed requests, missing swaps, or a moment with no version AVAILABLE: see the report"
exit 0
