# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # shared variables: set by, or used by, the scripts that source this file
# Shared by bench/batching/*.sh (sourced, not run). Builds on bench/lifecycle/lib.sh (scratch
# folder, pinning, models and their config.yaml, starting and stopping servers, the environment
# block) and adds what the batching benchmarks need: batching parameter files, predict bodies,
# wrk runs, snapshots of the server's per-thread CPU, core 0 and /metrics around each measured
# window, the raw LibTorch timer, and publishing bench/results/batching_<name>.md.
# Each script sets bb_name before sourcing.
lc_name=batching_$bb_name
# shellcheck source=bench/lifecycle/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lifecycle/lib.sh"

BB=bench/batching
# The binary as it was when the run started (another build may replace it while we run).
bb_binary_at_start="$SERVAL ($(stat -c '%y' "$SERVAL" | cut -d. -f1), sha256 $(sha256sum "$SERVAL" | cut -c1-12))"
export CLK_TCK; CLK_TCK=$(getconf CLK_TCK)
WRK_TIMEOUT=${WRK_TIMEOUT:-30}
lc_numbers WRK_TIMEOUT

# bb_params FILE MAX_BATCH TIMEOUT_US THREADS [ALLOWED_SIZE...]: TF Serving's text
# BatchingParameters.
bb_params() {
  local file=$1 b=$2 t=$3 n=$4 s
  shift 4
  {
    printf 'max_batch_size { value: %s }\n' "$b"
    printf 'batch_timeout_micros { value: %s }\n' "$t"
    printf 'max_enqueued_batches { value: 1000 }\n'
    printf 'num_batch_threads { value: %s }\n' "$n"
    for s in "$@"; do printf 'allowed_batch_sizes: %s\n' "$s"; done
  } >"$file"
}

# bb_repo MODEL DIR: DIR/MODEL/1/model.pt (from lc_models' output) and DIR/MODEL/config.yaml.
bb_repo() {
  [[ -f $tmp/models/$1/1/model.pt ]] || die "make_models.py wrote no $1"
  mkdir -p "$2/$1/1"
  cp "$tmp/models/$1/1/model.pt" "$2/$1/1/model.pt"
  lc_config "$1" "$2/$1"
}

# bb_dims MODEL: the per-item shape for raw_libtorch.
bb_dims() {
  case $1 in
    half_plus_two) echo 1 ;;
    mlp) echo 64 ;;
    resnet18) echo 3,224,224 ;;
    *) die "no input shape known for $1" ;;
  esac
}

# bb_check URL BODY MODEL ROWS: one predict must answer 200 with ROWS rows of the model's
# output shape.
bb_check() {
  local code
  code=$(curl -s -o "$tmp/check.json" -w '%{http_code}' --max-time 60 -H 'Content-Type: application/json' \
    --data-binary @"$2" "$1" || true)
  [[ $code == 200 ]] || die "predict on $1 answered HTTP $code: $(head -c 300 "$tmp/check.json")"
  "$PY" "$BB/batching.py" check "$tmp/check.json" "$3" "$4" || die "wrong answer from $1: $(head -c 300 "$tmp/check.json")"
}

# bb_wrk CONNECTIONS SECONDS URL BODY OUTFILE: wrk -t1, pinned to the load core.
bb_wrk() {
  local rc=0
  lc_fg env WRK_BODY="$4" "${load_pin[@]}" wrk -t1 -c"$1" -d"$2"s --timeout "${WRK_TIMEOUT}s" --latency \
    -s "$SHARED/bench/peers/post.lua" "$3" >"$5" 2>&1 || rc=$?
  (( rc == 0 )) || { cat "$5" >&2; die "wrk failed (exit $rc)"; }
}

# bb_wrk_cmd CONNECTIONS SECONDS URL BODY: the wrk command line as the report shows it.
bb_wrk_cmd() {
  echo "WRK_BODY=$4 ${load_pin[*]} wrk -t1 -c$1 -d$2s --timeout ${WRK_TIMEOUT}s --latency -s \$SHARED/bench/peers/post.lua $3"
}

# bb_snapshot PREFIX [PID [PORT]]: PREFIX.time (unix time), PREFIX.core (core 0's busy, idle and
# steal, in clock ticks), PREFIX.threads (per thread of PID: tid, name, CPU ns from schedstat),
# PREFIX.metrics (GET /metrics on PORT).
bb_snapshot() {
  local prefix=$1 pid=${2:-} port=${3:-} t comm ns rest
  date +%s.%N >"$prefix.time"
  awk -v c="cpu$SERVER_CPU" '$1 == c { print $2 + $3 + $4 + $7 + $8, $5 + $6, $9 }' /proc/stat >"$prefix.core"
  if [[ -n $pid ]]; then
    : >"$prefix.threads"
    for t in /proc/"$pid"/task/*; do
      { read -r comm <"$t/comm" && read -r ns rest <"$t/schedstat"; } 2>/dev/null || continue
      printf '%s\t%s\t%s\n' "${t##*/}" "$comm" "$ns" >>"$prefix.threads"
    done
  fi
  if [[ -n $port ]]; then
    curl -s --max-time 10 "http://127.0.0.1:$port/metrics" >"$prefix.metrics" ||
      die "GET /metrics on port $port failed"
  fi
}

# bb_drain PORT MODEL [INTERVAL]: wait until the server has finished the requests a stopped wrk
# left behind (it runs requests whose client has gone): MODEL's queue depth is 0 and its answered
# count did not move over INTERVAL seconds (default 0.5; longer than one batch). At most 120 s.
bb_drain() {
  local port=$1 model=$2 interval=${3:-0.5} a b deadline=$((SECONDS + 120))
  a=$(bb_progress "$port" "$model")
  while :; do
    sleep "$interval"
    b=$(bb_progress "$port" "$model")
    [[ $a == "$b" && $b == *" 0" ]] && return 0
    (( SECONDS < deadline )) || die "the server did not drain in 120 s (answered, queued: $b)"
    a=$b
  done
}

# bb_progress PORT MODEL: "ANSWERED QUEUED" from /metrics (requests answered, items queued).
bb_progress() {
  curl -s --max-time 10 "http://127.0.0.1:$1/metrics" | awk -v m="model=\"$2\"" '
    index($0, m) && /^serval_request_duration_seconds_count/ { n += $NF }
    index($0, m) && /^serval_queue_depth/ { q += $NF }
    END { printf "%d %d\n", n, q }'
}

# bb_children_cpu FILE: the CPU seconds (user + system) of every child this shell has waited
# for so far (bash's `times`, run here and not in a subshell, which would count its own).
bb_children_cpu() {
  times >"$1.times"
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.3f\n", t }' \
    "$1.times" >"$1"
  rm -f "$1.times"
}

# bb_raw_build: $tmp/raw_libtorch from $SHARED/bench/raw/raw_libtorch.cpp, with the g++ command
# of $SHARED/bench/README.md; the command in $bb_raw_build_cmd.
bb_raw_build() {
  command -v g++ >/dev/null || die "g++ missing (needed for raw_libtorch.cpp)"
  bb_raw_build_cmd="g++ -O2 -std=c++17 \$SHARED/bench/raw/raw_libtorch.cpp -o \$tmp/raw_libtorch -I/usr/include/torch/csrc/api/include -ltorch -ltorch_cpu -lc10"
  say "building raw_libtorch (g++, about 10-20 s)"
  g++ -O2 -std=c++17 "$SHARED/bench/raw/raw_libtorch.cpp" -o "$tmp/raw_libtorch" \
    -I/usr/include/torch/csrc/api/include -ltorch -ltorch_cpu -lc10 >"$tmp/raw_build.log" 2>&1 ||
    { cat "$tmp/raw_build.log" >&2; die "building raw_libtorch failed"; }
}

# bb_blas_loaded PID: the BLAS libraries PID has mapped.
bb_blas_loaded() {
  grep -oE '/[^ ]*(blas|lapack|mkl)[^ ]*\.so[^ ]*' "/proc/$1/maps" 2>/dev/null |
    sort -u | xargs -r -n1 readlink -f | sort -u | paste -sd' ' || true
}

# bb_env: lc_env, plus the clock tick and the pinned cores for the report writer.
bb_env() {
  lc_env
  if [[ $R_BINARY != "$bb_binary_at_start" ]]; then
    R_BINARY="$bb_binary_at_start at the start; REPLACED during the run, now $R_BINARY"
  fi
  export R_CLK_TCK=$CLK_TCK R_SERVER_CPU=$SERVER_CPU R_LOAD_CPU=$LOAD_CPU
  export R_SHARED=$SHARED
}

# bb_publish FILE: print the report and copy it to $OUT_DIR/batching_$bb_name.md.
bb_publish() {
  mkdir -p "$OUT_DIR"
  cp "$1" "$OUT_DIR/batching_$bb_name.md"
  cat "$1"
  say "wrote $OUT_DIR/batching_$bb_name.md"
}
