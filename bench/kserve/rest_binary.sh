#!/usr/bin/env bash
# KServe v2 REST binary tensor data against JSON, on one large input (issue 5, point 8: "the REST
# JSON vs gRPC vs KServe binary cost for the large input"; the gRPC wires are measured by
# bench/grpc/predict.sh).
#
# One Serval (batching off, 1 REST I/O thread, 1 intra-op thread) pinned to core 0 serves
# half_plus_two_224: examples' half_plus_two model file with a config.yaml declaring x and y fp32
# [-1,224,224,3], so the model's work is one multiply-add per element and the time is the
# protocol's. wrk (-t1 -c1, pinned to core 1) POSTs, one request at a time:
#   tfs_json      /v1/models/half_plus_two_224:predict   {"instances": [...]}
#   kserve_json   /v2/models/half_plus_two_224/infer     {"inputs": [{..., "data": [...]}]}
#   kserve_binary /v2/models/half_plus_two_224/infer     JSON header + 602,112 raw bytes,
#                 Inference-Header-Content-Length, binary output asked for
# ROUNDS rounds, the order rotating by round; per run req/s, p50, p99 and the server's CPU per
# request (utime + stime of its process over the run / requests).
#
# Usage: [ROUNDS=3] [DURATION=10] [SERVAL=build/serval] [OUT=bench/results/kserve_rest_binary.md]
#        bench/kserve/rest_binary.sh
set -euo pipefail

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$repo"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
SERVAL=${SERVAL:-build/serval}
OUT=${OUT:-bench/results/kserve_rest_binary.md}
invocation="ROUNDS=$ROUNDS DURATION=$DURATION bench/kserve/rest_binary.sh"

die() { echo "rest_binary: $*" >&2; exit 1; }
[[ -x $SERVAL ]] || die "no $SERVAL (run make build)"
command -v wrk >/dev/null || die "no wrk (tools/setup.sh --bench)"
[[ -f build/test_models/examples/half_plus_two/1/model.pt ]] || die "no test models (make build)"

tmp=$(mktemp -d /tmp/serval-kserve-binary.XXXXXX)
server_pid=""
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

mkdir -p "$tmp/models/half_plus_two_224/1"
cp build/test_models/examples/half_plus_two/1/model.pt "$tmp/models/half_plus_two_224/1/"
cat >"$tmp/models/half_plus_two_224/config.yaml" <<'YAML'
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
header_length=$(python3 bench/kserve/make_bodies.py "$tmp")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
taskset -c 0 "$SERVAL" serve --model_repository="$tmp/models" --rest_api_port="$port" \
  --rest_api_address=127.0.0.1 --rest_api_num_threads=1 --intra_op_threads=1 --port=-1 \
  --management_port=-1 --file_system_poll_wait_seconds=0 >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -sf "127.0.0.1:$port/v2/health/ready" >/dev/null && break
  sleep 0.1
done
curl -sf "127.0.0.1:$port/v2/health/ready" >/dev/null || die "server did not start: $(cat "$tmp/serve.log")"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)

# run WIRE PATH BODY CONTENT_TYPE HEADER_LENGTH -> "req/s p50_ms p99_ms cpu_us_per_req"
run() {
  local wire=$1
  export TARGET_PATH=$2 BODY=$3 CONTENT_TYPE=$4 HEADER_LENGTH=$5
  # A short discarded warm-up, then the measured run.
  taskset -c 1 wrk -t1 -c1 -d2s -s bench/kserve/post_file.lua "http://127.0.0.1:$port" >/dev/null
  local before after
  before=$(cpu_ticks)
  taskset -c 1 wrk -t1 -c1 -d"${DURATION}s" -s bench/kserve/post_file.lua \
    "http://127.0.0.1:$port" >"$tmp/$wire.out"
  after=$(cpu_ticks)
  local requests non200 p50 p99
  requests=$(awk '/requests in/ {print $1}' "$tmp/$wire.out")
  non200=$(awk '/^non200/ {print $2}' "$tmp/$wire.out")
  p50=$(awk '/^p50_us/ {print $2}' "$tmp/$wire.out")
  p99=$(awk '/^p99_us/ {print $2}' "$tmp/$wire.out")
  [[ $non200 == 0 ]] || die "$wire: $non200 non-200 answers"
  python3 -c "print('%.1f %.3f %.3f %.1f' % ($requests / $DURATION, $p50 / 1000, $p99 / 1000, ($after - $before) / $hz * 1e6 / $requests))"
}

wires=(tfs_json kserve_json kserve_binary)
declare -A args=(
  [tfs_json]="/v1/models/half_plus_two_224:predict $tmp/tfs.json application/json -"
  [kserve_json]="/v2/models/half_plus_two_224/infer $tmp/kserve.json application/json -"
  [kserve_binary]="/v2/models/half_plus_two_224/infer $tmp/kserve.bin application/octet-stream $header_length"
)
for round in $(seq "$ROUNDS"); do
  for i in 0 1 2; do
    wire=${wires[$(( (i + round - 1) % 3 ))]}
    read -r path body type length <<<"${args[$wire]}"
    [[ $length == - ]] && length=""
    result=$(run "$wire" "$path" "$body" "$type" "$length")
    echo "round $round $wire: $result" >&2
    echo "$round $wire $result" >>"$tmp/rows.txt"
  done
done

python3 - "$OUT" "$invocation" "$(git rev-parse --short=12 HEAD)" "$header_length" \
  "$tmp/rows.txt" <<'PY'
import statistics, sys, datetime
out, invocation, commit, header_length, rows_path = sys.argv[1:6]
rows = [line.split() for line in open(rows_path).read().strip().splitlines()]
names = {"tfs_json": "TF Serving REST, JSON `{\"instances\": ...}`",
         "kserve_json": "KServe v2 REST, JSON `data`",
         "kserve_binary": "KServe v2 REST, binary tensor data (in and out)"}
med = {}
for wire in names:
    runs = [r for r in rows if r[1] == wire]
    med[wire] = [statistics.median(float(r[i]) for r in runs) for i in range(2, 6)]
base = med["tfs_json"][3]
lines = ["# KServe v2 REST: binary tensor data against JSON, on a 224x224x3 input", "",
         f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit `{commit}`. One Serval (batching off, "
         "1 REST I/O thread, 1 intra-op thread) on core 0 serving `half_plus_two_224` (x, y fp32 "
         "[-1,224,224,3]: one multiply-add per element, so the time is the protocol's); wrk -t1 -c1 "
         "on core 1, one request at a time; order rotating by round. Medians over rounds.", "",
         "Command:", "", "```", invocation, "```", "",
         "| wire | req/s | p50 (ms) | p99 (ms) | server CPU (us/req) | CPU vs TF Serving JSON |",
         "| --- | ---: | ---: | ---: | ---: | ---: |"]
for wire, name in names.items():
    rps, p50, p99, cpu = med[wire]
    lines.append(f"| {name} | {rps:,.1f} | {p50:.3f} | {p99:.3f} | {cpu:,.1f} | {cpu / base:.3f}x |")
lines += ["", f"The binary body is a {header_length}-byte JSON header and 602,112 bytes of little-endian "
          "floats; its answer is binary too. The gRPC wires on the same input are in "
          "`grpc_predict.md` (phase B).", "", "Per run (round, wire, req/s, p50 ms, p99 ms, server "
          "CPU us/req):", "", "```"] + [" ".join(r) for r in rows] + ["```", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
