#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2034  # functions run via traps and "${name}_cmd"; R_* via set -a
# gRPC predict benchmark (issue 5, point 8): Serval's gRPC front end against bare grpc++ servers
# answering with messages of the same size, and what each wire format costs Serval on a large
# input, in one run, alternating.
#
# (A) Serval vs echo, TF Serving's Predict over gRPC, QPS and p99 (goal: Serval QPS / echo QPS
#     >= 0.8 for each input; printed for each Serval variant against each echo peer, the issue's
#     peer being echo, the bare grpc++ server, and echo_cq a stricter reference), the servers of
#     SERVERS:
#       serval           build/serval serve, gRPC on --port with 1 gRPC thread (--grpc_max_threads=1),
#                        1 REST I/O thread, 1 intra-op thread, batching off
#       serval_batching  the same, with TF Serving's --enable_batching and a
#                        --batching_parameters_file of max_batch_size 32, batch_timeout_micros 0
#                        (a batch closes as soon as the model is free, taking what is queued; no
#                        added wait), max_enqueued_batches 1000, num_batch_threads 1 (both models)
#       echo             build/bench/grpc_echo_server (bench/grpc/echo_server.cc): grpc++'s callback
#                        API on gRPC's own threads, answering each input back as an output (same
#                        dtype, shape, bytes)
#       echo_cq          the same echo with --api=cq --threads=1: the completion-queue API on
#                        Serval's own GrpcServer and CallQueues (src/server/grpc), one thread, as
#                        Serval serves
#                        Both echoes, like serval, turn off absl::Mutex's deadlock detection (which
#                        Debian's Abseil leaves on, on every lock, gRPC's included).
#     on two inputs:
#       small   half_plus_two (examples/make_models.py, y = 0.5x + 2), x fp32 [1,4]
#       large   half_plus_two_224: the same TorchScript file with a config.yaml declaring x and y
#               fp32 [-1,224,224,3]; one multiply-add per element, so the time is the protocol's
#               (decoding and encoding 602 KB each way), not the model's. (resnet18 on
#               [N,3,224,224] would spend tens of ms per image in convolutions, dwarfing both.)
#     `serval bench --grpc --protocol=tfs --tensor_encoding=ENCODING --concurrency=N --threads=T`
#     (N = each level of CONCURRENCY in turn for small, LARGE_CONCURRENCY for large; T = THREADS
#     client threads, each with its own HTTP/2 connection: 602 KB messages go much slower when
#     several share one connection, so the large input runs one call per connection). ROUNDS rounds; round r runs
#     SERVERS starting at position (r - 1) mod N (N servers), so that none is always first; each
#     server fresh each round. A server's QPS depends on how many calls are in flight (a batching
#     server needs a queue to fill its batches), so the small input runs at several levels: each
#     server's capacity is its best median req/s over the levels, and the goal is checked on
#     capacities, with the ratios at each level beside them.
# (B) Serval alone, each of PROTOCOL_INPUTS (large, then small) over each wire, same server,
#     order rotating by round:
#       rest       TF Serving REST, JSON body {"instances": ...} (serval bench --url)
#       tfs_typed  gRPC Predict, TensorProto float_val
#       tfs_content gRPC Predict, TensorProto tensor_content
#       kserve     KServe v2 gRPC ModelInfer, raw_input_contents (binary)
#     at concurrency PROTOCOL_CONCURRENCY (1: client-side latency of one request at a time), one
#     client thread, and
#     Serval's CPU per request. (KServe's REST binary extension is not measured: serval bench has
#     no client for it.)
#
# Servers on core 0, serval bench (all its threads) on core 1 (taskset). Every measured run follows a discarded
# warm-up run of WARMUP seconds of the same shape, then runs DURATION seconds with --warmup=0, so
# that the server CPU counted (utime + stime of the server process, all threads, from
# /proc/PID/stat) covers the measured requests only. Each server is checked before its runs: a
# REST predict (Serval; the predictions must be 0.5x + 2) and a short gRPC run that must get only
# OK statuses.
#
# Usage: [ROUNDS=3] [DURATION=10] [WARMUP=2] [CONCURRENCY="16 32 64 128"] [LARGE_CONCURRENCY=2] [THREADS=2]
#        [PROTOCOL_CONCURRENCY=1] [PROTOCOL_INPUTS="large small"] [ENCODING=typed] [PHASES="A B"]
#        [SERVERS="serval serval_batching echo echo_cq"] [NOTE=...] [STRICT=0]
#        [SERVAL=build/serval] [ECHO=build/bench/grpc_echo_server] [OUT=bench/results/grpc_predict.md]
#        bench/grpc/predict.sh
# Smoke: ROUNDS=1 DURATION=2 WARMUP=1 OUT=/tmp/grpc_predict.md bench/grpc/predict.sh
# Writes OUT and prints it. Exits non-zero if a server answers wrong or dies, or any measured run
# counts an error (after writing the report); with STRICT=1 also if a capacity ratio (any Serval
# variant against any echo peer) is under 0.8.
set -euo pipefail

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$repo"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONCURRENCY=${CONCURRENCY:-16 32 64 128}
LARGE_CONCURRENCY=${LARGE_CONCURRENCY:-2}
THREADS=${THREADS:-2}
PROTOCOL_CONCURRENCY=${PROTOCOL_CONCURRENCY:-1}
ENCODING=${ENCODING:-typed}
PHASES=${PHASES:-A B}
PROTOCOL_INPUTS=${PROTOCOL_INPUTS:-large small}
SERVERS=${SERVERS:-serval serval_batching echo echo_cq}
NOTE=${NOTE:-}
STRICT=${STRICT:-0}
SERVAL=${SERVAL:-build/serval}
ECHO=${ECHO:-build/bench/grpc_echo_server}
OUT=${OUT:-bench/results/grpc_predict.md}
KEEP_TMP=${KEEP_TMP:-0}
SERVER_CPU=0
LOAD_CPU=1
PY=/usr/bin/python3
HERE=bench/grpc
SMALL_SPEC='x:fp32[1,4]'
LARGE_SPEC='x:fp32[1,224,224,3]'
invocation="ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=\"$CONCURRENCY\" LARGE_CONCURRENCY=$LARGE_CONCURRENCY THREADS=$THREADS PROTOCOL_CONCURRENCY=$PROTOCOL_CONCURRENCY ENCODING=$ENCODING PHASES=\"$PHASES\" PROTOCOL_INPUTS=\"$PROTOCOL_INPUTS\" SERVERS=\"$SERVERS\" bench/grpc/predict.sh"

die() { echo "grpc_predict: $*" >&2; exit 1; }
say() { echo "grpc_predict: $*" >&2; }

# --- preconditions --------------------------------------------------------------------------
for v in ROUNDS DURATION WARMUP LARGE_CONCURRENCY THREADS PROTOCOL_CONCURRENCY; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
read -ra concurrencies <<<"$CONCURRENCY"
(( ${#concurrencies[@]} >= 1 )) || die "CONCURRENCY is empty"
for c in "${concurrencies[@]}"; do
  if ! [[ $c =~ ^[0-9]+$ ]] || (( c < 1 )); then die "CONCURRENCY: '$c' is not a whole number >= 1"; fi
done
(( ROUNDS >= 1 && DURATION >= 1 && LARGE_CONCURRENCY >= 1 && THREADS >= 1 && PROTOCOL_CONCURRENCY >= 1 )) ||
  die "ROUNDS, DURATION, THREADS and the concurrencies must be >= 1"
case $ENCODING in typed | content) ;; *) die "ENCODING must be typed or content" ;; esac
read -ra phases <<<"$PHASES"
read -ra protocol_inputs <<<"$PROTOCOL_INPUTS"
for p in "${protocol_inputs[@]}"; do
  case $p in large | small) ;; *) die "PROTOCOL_INPUTS: unknown input '$p' (large, small)" ;; esac
done
for p in "${phases[@]}"; do case $p in A | B) ;; *) die "PHASES: unknown phase '$p' (A, B)" ;; esac; done
read -ra servers <<<"$SERVERS"
(( ${#servers[@]} >= 1 )) || die "SERVERS is empty"
for s in "${servers[@]}"; do
  case $s in serval | serval_batching | echo | echo_cq) ;;
    *) die "SERVERS: unknown server '$s' (serval, serval_batching, echo, echo_cq)" ;; esac
done
[[ $(printf '%s\n' "${servers[@]}" | sort | uniq -d) == "" ]] || die "SERVERS lists a server twice"
[[ -x $SERVAL ]] || die "$SERVAL not built: ninja -C build serval"
[[ -x $ECHO ]] || die "$ECHO not built: ninja -C build grpc_echo_server"
# (Help texts captured first: grep -q on a pipe would stop the writer early, failing the pipe.)
bench_help=$("$SERVAL" bench --help 2>&1 || true)
serve_help=$("$SERVAL" serve --help 2>&1 || true)
[[ $bench_help == *--grpc=* ]] || die "'$SERVAL bench' has no --grpc mode; rebuild it"
[[ $serve_help == *--grpc_address* ]] ||
  die "'$SERVAL serve' has no gRPC front end (--port, --grpc_address); rebuild it"
[[ $serve_help == *--grpc_max_threads* && $serve_help == *--batching_parameters_file* ]] ||
  die "'$SERVAL serve' has no --grpc_max_threads or --batching_parameters_file; rebuild it"
for tool in curl taskset getconf; do
  command -v "$tool" >/dev/null || die "$tool missing"
done
"$PY" -c 'import torch' 2>/dev/null || die "$PY cannot import torch (apt-get install python3-torch)"
(( $(nproc) >= 2 )) || die "needs 2 cores (server on core $SERVER_CPU, load on core $LOAD_CPU)"
clk_tck=$(getconf CLK_TCK)
binary_at_start="$SERVAL ($(stat -c '%y' "$SERVAL" | cut -d. -f1), sha256 $(sha256sum "$SERVAL" | cut -c1-12))"

# --- scratch folder, and never leave a process behind -----------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/serval-grpc-bench.XXXXXX")
server_pid=""
server_log=""
load_pid=""

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 150); do
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
  if [[ -n $load_pid ]]; then
    kill -TERM "$load_pid" 2>/dev/null
    wait "$load_pid" 2>/dev/null
  fi
  stop_server
  if (( rc != 0 )); then
    echo "grpc_predict: FAILED (exit $rc)" >&2
    if [[ -n $server_log && -s $server_log ]]; then
      echo "--- last 40 lines of $(basename "$server_log")" >&2
      tail -n 40 "$server_log" >&2
    fi
  fi
  if [[ $KEEP_TMP == 1 ]]; then echo "grpc_predict: scratch folder kept: $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU time (user + system, all threads) the process has used so far, in clock ticks.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# Core $SERVER_CPU so far, in clock ticks: "busy idle steal".
core_ticks() {
  awk -v c="cpu$SERVER_CPU" '$1 == c { print $2 + $3 + $4 + $7 + $8, $5 + $6, $9 }' /proc/stat
}

# --- models -----------------------------------------------------------------------------------
"$PY" examples/make_models.py "$tmp/models" >"$tmp/make_models.log" 2>&1 ||
  { cat "$tmp/make_models.log" >&2; die "examples/make_models.py failed"; }
rm -rf "$tmp/models/mlp"  # not measured; one model less to load
mkdir -p "$tmp/models/half_plus_two_224/1"
cp "$tmp/models/half_plus_two/1/model.pt" "$tmp/models/half_plus_two_224/1/model.pt"
cat >"$tmp/models/half_plus_two_224/config.yaml" <<'YAML'
# half_plus_two's TorchScript file (y = 0.5 * x + 2, elementwise) on images: the compute is one
# multiply-add per element, so a request's cost is the protocol's.
platform: torchscript
inputs:
  - name: x
    dtype: fp32
    shape: [-1, 224, 224, 3]
outputs:
  - name: y
    dtype: fp32
    shape: [-1, 224, 224, 3]
YAML
# TF Serving's batching parameters (text BatchingParameters) for serval_batching: "natural"
# batching, a batch closes as soon as the model's instance is free (no added wait).
cat >"$tmp/batching.txt" <<'TXT'
max_batch_size { value: 32 }
batch_timeout_micros { value: 0 }
max_enqueued_batches { value: 1000 }
num_batch_threads { value: 1 }
TXT
"$PY" "$HERE/grpc_predict.py" body small "$tmp/small.json"
"$PY" "$HERE/grpc_predict.py" body large "$tmp/large.json"

# --- servers ----------------------------------------------------------------------------------
# Each sets the array cmd: the server's command line, for gRPC port $1 (and REST port $2).
serval_cmd() {
  cmd=(taskset -c "$SERVER_CPU" "$SERVAL" serve --model_repository="$tmp/models"
    --port="$1" --grpc_address=127.0.0.1 --rest_api_port="$2" --rest_api_address=127.0.0.1
    --grpc_max_threads=1 --rest_api_num_threads=1 --intra_op_threads=1 --management_port=-1
    --file_system_poll_wait_seconds=0)
}
serval_batching_cmd() {
  serval_cmd "$@"
  cmd+=(--enable_batching --batching_parameters_file="$tmp/batching.txt")
}
echo_cmd() {
  cmd=(taskset -c "$SERVER_CPU" "$ECHO" --port="$1" --address=127.0.0.1)
}
echo_cq_cmd() {
  echo_cmd "$@"
  cmd+=(--api=cq --threads=1)
}

# quote_cmd ARGS...: the command line as a shell would take it back, quoting only where needed.
quote_cmd() {
  local out="" arg q="'"
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then out+="$arg "; else out+="$q${arg//$q/$q\\$q$q}$q "; fi
  done
  echo "${out% }"
}

# bench_cmd ARGS...: the load generator's command line (array cmd), pinned to the load core.
bench_cmd() {
  cmd=(taskset -c "$LOAD_CPU" "$SERVAL" bench "$@")
}

# grpc_ok PORT MODEL SPEC: a short gRPC run that gets only OK statuses (exit 0).
grpc_ok() {
  bench_cmd --grpc="127.0.0.1:$1" --model="$2" --input_spec="$3" --concurrency=1 --threads=1 \
    --duration=300ms --warmup=0 --timeout=10s
  "${cmd[@]}" >"$tmp/probe.txt" 2>&1
}

# rest_check PORT CASE: a REST predict whose predictions must be 0.5x + 2 of the body's inputs.
rest_check() {
  local model code
  model=$([[ $2 == small ]] && echo half_plus_two || echo half_plus_two_224)
  code=$(curl -s -o "$tmp/check.json" -w '%{http_code}' --max-time 60 -H 'Content-Type: application/json' \
    --data-binary @"$tmp/$2.json" "http://127.0.0.1:$1/v1/models/$model:predict" || echo 000)
  [[ $code == 200 ]] || die "serval answered HTTP $code to the $2 REST check: $(head -c 300 "$tmp/check.json")"
  "$PY" "$HERE/grpc_predict.py" check "$tmp/$2.json" "$tmp/check.json" ||
    die "serval answered wrong predictions to the $2 REST check"
}

# start NAME: a fresh server on free ports; checked (see the top) before returning.
start() {
  local name=$1 deadline=$((SECONDS + 180)) code
  grpc_port=$(free_port)
  rest_port=$(free_port)
  "${name}_cmd" "$grpc_port" "$rest_port"
  server_log="$tmp/$name.log"
  : >"$server_log"
  "${cmd[@]}" >>"$server_log" 2>&1 &
  server_pid=$!
  while :; do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" || true; server_pid=""; die "$name exited at start"; }
    if [[ $name == serval* ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$rest_port/v2/health/ready" || true)
      [[ $code == 200 ]] && grpc_ok "$grpc_port" half_plus_two "$SMALL_SPEC" && break
    else
      grep -q 'listening on' "$server_log" && grpc_ok "$grpc_port" half_plus_two "$SMALL_SPEC" && break
    fi
    (( SECONDS < deadline )) || die "$name not answering after 180 s: $(tail -n 3 "$tmp/probe.txt" 2>/dev/null)"
    sleep 0.2
  done
  grpc_ok "$grpc_port" half_plus_two_224 "$LARGE_SPEC" ||
    die "$name failed the large gRPC check: $(tail -n 3 "$tmp/probe.txt")"
  if [[ $name == serval* ]]; then
    rest_check "$rest_port" small
    rest_check "$rest_port" large
  fi
}

# measure PHASE ROUND SERVER WHAT CONC ORDER ARGS...: a discarded warm-up run, then the measured run
# (serval bench ARGS --warmup=0 --duration=DURATION) with the server's CPU and core 0 around it.
# Appends a row to $tmp/runs.tsv.
run_no=0
measure() {
  local phase=$1 round=$2 server=$3 what=$4 conc=$5 order=$6 rc=0
  shift 6
  run_no=$((run_no + 1))
  local run
  run=$tmp/runs/$(printf '%03d' "$run_no")
  mkdir -p "$run"
  if (( WARMUP > 0 )); then
    bench_cmd "$@" --warmup=0 --duration="${WARMUP}s"
    "${cmd[@]}" >"$run/warmup.txt" 2>&1 & load_pid=$!
    wait "$load_pid" || true
    load_pid=""
  fi
  bench_cmd "$@" --warmup=0 --duration="${DURATION}s" --output="$run/bench.json"
  quote_cmd "${cmd[@]}" >"$run/command"
  local before busy0 idle0 steal0 after busy1 idle1 steal1
  read -r busy0 idle0 steal0 < <(core_ticks)
  before=$(cpu_ticks "$server_pid")
  "${cmd[@]}" >"$run/bench.txt" 2>"$run/bench.err" & load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  after=$(cpu_ticks "$server_pid")
  read -r busy1 idle1 steal1 < <(core_ticks)
  kill -0 "$server_pid" 2>/dev/null || die "$server died under load"
  [[ -s $run/bench.json ]] || { cat "$run/bench.err" >&2; die "serval bench wrote no results (exit $rc)"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$round" "$server" "$what" "$conc" "$order" \
    "$run" "$rc" $((after - before)) $((busy1 - busy0)) $((idle1 - idle0)) $((steal1 - steal0)) >>"$tmp/runs.tsv"
  "$PY" "$HERE/grpc_predict.py" line "$run/bench.json" $((after - before)) "$clk_tck" "$server $what x$conc" >&2
}

# --- the rounds -------------------------------------------------------------------------------
mkdir -p "$tmp/runs"
printf 'phase\tround\tserver\twhat\tconc\torder\trun\trc\tcpu_ticks\tcore_busy\tcore_idle\tcore_steal\n' >"$tmp/runs.tsv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
protocols=(rest tfs_typed tfs_content kserve)

phase_a() {  # ROUND
  local round=$1 n=${#servers[@]} order=0 i s c
  for ((i = 0; i < n; i++)); do
    s=${servers[$(((i + round - 1) % n))]}
    order=$((order + 1))
    say "round $round/$ROUNDS (A): $s"
    start "$s"
    for c in "${concurrencies[@]}"; do
      measure A "$round" "$s" small "$c" "$order" --grpc="127.0.0.1:$grpc_port" --model=half_plus_two \
        --input_spec="$SMALL_SPEC" --tensor_encoding="$ENCODING" --concurrency="$c" --threads="$THREADS"
    done
    measure A "$round" "$s" large "$LARGE_CONCURRENCY" "$order" --grpc="127.0.0.1:$grpc_port" --model=half_plus_two_224 \
      --input_spec="$LARGE_SPEC" --tensor_encoding="$ENCODING" --concurrency="$LARGE_CONCURRENCY" --threads="$THREADS"
    grpc_ok "$grpc_port" half_plus_two "$SMALL_SPEC" || die "$s failed the gRPC check after the load"
    stop_server
  done
}

phase_b() {  # ROUND
  local round=$1 i p input model spec order=0
  say "round $round/$ROUNDS (B): serval, ${PROTOCOL_INPUTS// / and } over each wire"
  start serval
  for input in "${protocol_inputs[@]}"; do
    if [[ $input == large ]]; then model=half_plus_two_224 spec=$LARGE_SPEC; else model=half_plus_two spec=$SMALL_SPEC; fi
    local common=(--model="$model" --input_spec="$spec" --concurrency="$PROTOCOL_CONCURRENCY" --threads=1)
    for i in 0 1 2 3; do
      p=${protocols[$(((i + round - 1) % 4))]}
      order=$((order + 1))
      case $p in
        rest) measure B "$round" serval "$input:$p" "$PROTOCOL_CONCURRENCY" "$order" --url="http://127.0.0.1:$rest_port" "${common[@]}" ;;
        tfs_typed) measure B "$round" serval "$input:$p" "$PROTOCOL_CONCURRENCY" "$order" --grpc="127.0.0.1:$grpc_port" "${common[@]}" --tensor_encoding=typed ;;
        tfs_content) measure B "$round" serval "$input:$p" "$PROTOCOL_CONCURRENCY" "$order" --grpc="127.0.0.1:$grpc_port" "${common[@]}" --tensor_encoding=content ;;
        kserve) measure B "$round" serval "$input:$p" "$PROTOCOL_CONCURRENCY" "$order" --grpc="127.0.0.1:$grpc_port" "${common[@]}" --protocol=kserve ;;
      esac
    done
  done
  rest_check "$rest_port" large
  stop_server
}

for round in $(seq "$ROUNDS"); do
  for p in "${phases[@]}"; do "phase_${p,,}" "$round"; done
done

# --- environment and report -------------------------------------------------------------------
set -a  # every R_* below goes to the report writer
R_INVOCATION=$invocation
R_NOTE=$NOTE
R_DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
R_COMMIT=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
R_BINARY=$binary_at_start
now_binary="$SERVAL ($(stat -c '%y' "$SERVAL" | cut -d. -f1), sha256 $(sha256sum "$SERVAL" | cut -c1-12))"
[[ $now_binary == "$binary_at_start" ]] || R_BINARY="$binary_at_start at the start; REPLACED during the run, now $now_binary"
R_ECHO="$ECHO (sha256 $(sha256sum "$ECHO" | cut -c1-12))"
R_CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
R_CORES=$(nproc)
R_KERNEL=$(uname -r)
R_LOAD="$load_before (before) / $(cut -d' ' -f1-3 /proc/loadavg) (after)"
R_GRPC=$(dpkg-query -W -f='${Package} ${Version}\n' 'libgrpc++1*' 'libprotobuf3*' 2>/dev/null | paste -sd, - || true)
R_LIBTORCH=$(dpkg-query -W -f='${Package} ${Version}\n' 'libtorch2*' 'libtorch-dev' 2>/dev/null | paste -sd, - || true)
R_CLK_TCK=$clk_tck
R_SERVERS=$SERVERS
# Each server's command line, one a line ("NAME: COMMAND"): phase A's, and serval for phase B.
ran=()
if [[ " ${phases[*]} " == *" A "* ]]; then ran+=("${servers[@]}"); fi
if [[ " ${phases[*]} " == *" B "* ]]; then ran+=(serval); fi
R_SERVER_CMDS=""
for s in "${ran[@]}"; do
  [[ $'\n'$R_SERVER_CMDS == *$'\n'"$s: "* ]] && continue
  "${s}_cmd" GRPC_PORT REST_PORT
  R_SERVER_CMDS+="$s: ${cmd[*]//$tmp/\$tmp}"$'\n'
done
R_BATCHING=$(cat "$tmp/batching.txt")
R_ROUNDS=$ROUNDS R_DURATION=$DURATION R_WARMUP=$WARMUP R_ENCODING=$ENCODING
R_CONCURRENCY=$CONCURRENCY R_LARGE_CONCURRENCY=$LARGE_CONCURRENCY R_THREADS=$THREADS R_PROTOCOL_CONCURRENCY=$PROTOCOL_CONCURRENCY
R_SERVER_CPU=$SERVER_CPU R_LOAD_CPU=$LOAD_CPU R_TMP=$tmp
set +a

mkdir -p "$(dirname "$OUT")"
"$PY" "$HERE/grpc_predict.py" report "$tmp/runs.tsv" >"$OUT"
cat "$OUT"
say "wrote $OUT"

# --- verdicts ---------------------------------------------------------------------------------
failed=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "rc") rc = i; next }
  $rc != 0 { n++ } END { print n + 0 }' "$tmp/runs.tsv")
(( failed == 0 )) || die "$failed measured runs counted errors (see the report)"
if [[ $STRICT == 1 ]]; then
  grep -q '>= 0.8: MISSED' "$OUT" && die "a capacity ratio is under 0.8 (STRICT=1)"
fi
exit 0
