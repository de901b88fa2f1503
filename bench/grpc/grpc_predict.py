#!/usr/bin/python3
"""Helpers of bench/grpc/predict.sh (standard library only).

  grpc_predict.py body small|large FILE       a REST predict body for the check
  grpc_predict.py check BODY RESPONSE         predictions must be 0.5 * x + 2 (exit 1 if not)
  grpc_predict.py line BENCH_JSON TICKS HZ LABEL   one progress line on stdout
  grpc_predict.py report RUNS_TSV             the markdown report on stdout (reads R_* variables)
"""
import csv
import json
import math
import os
import re
import statistics
import sys

SMALL = [[1.0, 2.0, 5.0, -3.0]]


def large_instance():
    # [224, 224, 3] of a few distinct values, exact in fp32.
    return [[[((h + w + c) % 8) * 0.25 - 1.0 for c in range(3)] for w in range(224)]
            for h in range(224)]


def body(which, path):
    instances = SMALL if which == "small" else [large_instance()]
    with open(path, "w") as f:
        json.dump({"instances": instances}, f, separators=(",", ":"))


def flatten(value):
    if isinstance(value, list):
        for item in value:
            yield from flatten(item)
    else:
        yield value


def check(body_path, response_path):
    sent = list(flatten(json.load(open(body_path))["instances"]))
    got = list(flatten(json.load(open(response_path))["predictions"]))
    ok = len(sent) == len(got) and all(
        math.isclose(0.5 * x + 2.0, y, rel_tol=1e-6, abs_tol=1e-6) for x, y in zip(sent, got))
    if not ok:
        print(f"expected {len(sent)} values 0.5x+2, got {len(got)}: {got[:6]}...", file=sys.stderr)
    return 0 if ok else 1


def level(path):
    return json.load(open(path))["levels"][0]


def line(path, ticks, hz, label):
    lv = level(path)
    cpu_us = int(ticks) / int(hz) / lv["requests"] * 1e6 if lv["requests"] else 0.0
    lat = lv["latency_ms"]
    print(f"  {label}: {lv['throughput']:,.0f} req/s, p50 {lat['p50']:.3f} ms, p99 {lat['p99']:.3f} ms, "
          f"{cpu_us:.1f} us server CPU/req, {lv['errors']} errors")


# --- the report -----------------------------------------------------------------------------------

def load_rows(path):
    rows = []
    for r in csv.DictReader(open(path), delimiter="\t"):
        lv = level(os.path.join(r["run"], "bench.json"))
        hz = int(os.environ["R_CLK_TCK"])
        ticks = int(r["cpu_ticks"])
        busy, idle, steal = int(r["core_busy"]), int(r["core_idle"]), int(r["core_steal"])
        total = max(busy + idle + steal, 1)
        first = open(os.path.join(r["run"], "bench.txt")).readline()
        m = re.search(r"requests of (\d+) bytes on average", first)
        r.update({
            "requests": lv["requests"], "errors": lv["errors"], "first_error": lv["first_error"],
            "rps": lv["throughput"], "p50": lv["latency_ms"]["p50"], "p99": lv["latency_ms"]["p99"],
            "mean": lv["latency_ms"]["mean"], "max": lv["latency_ms"]["max"],
            "cpu_s": ticks / hz,
            "cpu_us": ticks / hz / lv["requests"] * 1e6 if lv["requests"] else 0.0,
            "idle": 100.0 * idle / total, "other": 100.0 * max(busy - ticks, 0) / total,
            "steal": 100.0 * steal / total,
            "bytes": int(m.group(1)) if m else 0, "head": first.strip(),
        })
        rows.append(r)
    return rows


def med(rows, key):
    values = [float(r[key]) for r in rows]
    return statistics.median(values) if values else float("nan")


def spread(rows, key):
    values = [float(r[key]) for r in rows]
    m = statistics.median(values) if values else 0
    return (max(values) - min(values)) / m * 100 if m else 0.0


def pick(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def capacity(rows, server, case):
    """(calls in flight, runs) of the level at which SERVER did best on CASE (median req/s)."""
    levels = {}
    for r in pick(rows, server=server, what=case):
        levels.setdefault(r["conc"], []).append(r)
    if not levels:
        return None
    return max(levels.items(), key=lambda item: med(item[1], "rps"))


def core(r):
    return f"{r['idle']:.1f} / {r['other']:.1f} / {r['steal']:.1f}"


def report(path):
    e = os.environ
    tmp = e["R_TMP"]
    rows = load_rows(path)
    a = pick(rows, phase="A")
    b = pick(rows, phase="B")
    cases = {"small": ("half_plus_two", "x fp32 [1,4] (4 floats)"),
             "large": ("half_plus_two_224", "x fp32 [1,224,224,3] (602,112 bytes)")}
    # (input, calls in flight) of phase A, in the order run: each small level, then large.
    cells = [("small", c) for c in e["R_CONCURRENCY"].split()] + [("large", e["R_LARGE_CONCURRENCY"])]
    wires = {"rest": "REST, JSON `{\"instances\": ...}`",
             "tfs_typed": "gRPC Predict, TensorProto `float_val`",
             "tfs_content": "gRPC Predict, TensorProto `tensor_content`",
             "kserve": "KServe v2 gRPC ModelInfer, `raw_input_contents`"}

    print("# gRPC predict: Serval vs bare grpc++ servers, and each wire's cost\n")
    print(f"{e['R_DATE']}, commit `{e['R_COMMIT']}`, {e['R_ROUNDS']} rounds x {e['R_DURATION']} s "
          f"per run (after a discarded {e['R_WARMUP']} s warm-up run each), servers pinned to core "
          f"{e['R_SERVER_CPU']}, `serval bench` (all its threads) to core {e['R_LOAD_CPU']}.\n")
    if e.get("R_NOTE"):
        print(f"**Note:** {e['R_NOTE']}\n")
    print("Command:\n\n```\n" + e["R_INVOCATION"] + "\n```\n")

    if a:
        present = {r["server"] for r in a}
        servers = [x for x in e.get("R_SERVERS", "serval echo").split() if x in present]
        servers += sorted(present - set(servers))
        variants = [x for x in servers if x.startswith("serval")]
        peers = [x for x in servers if x.startswith("echo")]
        about = {
            "serval": "`serval serve` with one gRPC completion-queue thread (`--grpc_max_threads=1`), "
                      "one REST I/O thread, one intra-op thread, batching off.",
            "serval_batching": "the same command with TF Serving's batching: `--enable_batching "
                               "--batching_parameters_file` of `" + e.get("R_BATCHING", "").replace(
                                   "\n", "`, `") + "` (no added wait: a batch closes as soon as "
                               "the model's instance is free, taking whatever is queued; both "
                               "models are batched).",
            "echo": "`bench/grpc/echo_server.cc`, grpc++'s callback API with gRPC's own threads.",
            "echo_cq": "the same echo on the completion-queue API through Serval's own GrpcServer "
                       "and CallQueues (`src/server/grpc`) with one thread (`--api=cq --threads=1`), "
                       "as Serval serves: the same gRPC plumbing without the model server.",
        }
        print("## (A) Serval vs echo servers: TF Serving Predict over gRPC\n")
        print("Servers, in the order of the first round (round r starts at position (r - 1) mod "
              f"{len(servers)}, so that none is always first):\n")
        for srv in servers:
            print(f"- `{srv}`: {about.get(srv, '')}")
        print("\nThe echo servers answer each input back as an output of the same dtype, shape and "
              "bytes, so their messages are the size of Serval's; they do no model work. Like "
              "`serval`, they run with absl::Mutex's deadlock detection off (Debian's Abseil leaves "
              "it on; it costs every lock, gRPC's included). Requests use "
              f"`--tensor_encoding={e['R_ENCODING']}`, from {e['R_THREADS']} client threads (one HTTP/2 "
              "connection each, the calls in flight split between them). Medians over rounds.\n")
        print("| input | calls in flight | server | req/s | p50 / p99 (ms) | CPU (us/req) |")
        print("| --- | ---: | --- | ---: | ---: | ---: |")
        for case, conc in cells:
            model, what = cases[case]
            for srv in servers:
                s = pick(a, server=srv, what=case, conc=conc)
                if not s:
                    continue
                print(f"| {case}: {model}, {what} | {conc} | {srv} | {med(s, 'rps'):,.0f} "
                      f"| {med(s, 'p50'):.3f} / {med(s, 'p99'):.3f} | {med(s, 'cpu_us'):.1f} |")
        print("\nCapacity: each server's best median req/s over the levels of calls in flight it ran "
              "at, for each input.\n")
        print("| input | server | capacity (req/s) | at calls in flight | p50 / p99 there (ms) "
              "| CPU there (us/req) |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for case in cases:
            for srv in servers:
                best = capacity(a, srv, case)
                if best:
                    conc, s = best
                    print(f"| {case} | {srv} | {med(s, 'rps'):,.0f} | {conc} "
                          f"| {med(s, 'p50'):.3f} / {med(s, 'p99'):.3f} | {med(s, 'cpu_us'):.1f} |")
        pairs = [(v, p) for v in variants for p in peers]
        if pairs:
            print("\nRatios, each Serval variant against each echo peer. The goal is checked on "
                  "capacities (the variant's capacity over the peer's); the issue's peer is `echo`, the "
                  "bare grpc++ server, and `echo_cq` a stricter reference. Beside it, at each level of calls "
                  "in flight: median req/s over median req/s, and the peer's median CPU per request over "
                  "the variant's (what the QPS ratio would be with each server alone on a saturated "
                  "core; less sensitive to other processes taking core 0 than QPS is).\n")
            print("| input | Serval variant | echo peer | capacity ratio | goal "
                  "| req/s ratio by calls in flight | CPU ratio by calls in flight |")
            print("| --- | --- | --- | ---: | --- | --- | --- |")
            for case in cases:
                for v, p in pairs:
                    cv, cp = capacity(a, v, case), capacity(a, p, case)
                    if not cv or not cp:
                        continue
                    ratio = med(cv[1], "rps") / med(cp[1], "rps") if med(cp[1], "rps") else float("nan")
                    verdict = "met" if ratio >= 0.8 else "MISSED"
                    by_level, by_cpu = [], []
                    for c in [c for k, c in cells if k == case]:
                        s, x = pick(a, server=v, what=case, conc=c), pick(a, server=p, what=case, conc=c)
                        if s and x and med(x, "rps") and med(s, "cpu_us"):
                            by_level.append(f"{c}: {med(s, 'rps') / med(x, 'rps'):.2f}")
                            by_cpu.append(f"{c}: {med(x, 'cpu_us') / med(s, 'cpu_us'):.2f}")
                    print(f"| {case} | {v} | {p} | {ratio:.2f} | >= 0.8: {verdict} "
                          f"| {', '.join(by_level)} | {', '.join(by_cpu)} |")
            print("\nSame-round ratios (Serval variant req/s / echo peer req/s, runs of the same "
                  "round): of the round's capacities (each server's best level in that round), and at "
                  "the same calls in flight:\n")
            print("| round | Serval variant / echo peer | small, capacities | "
                  + " | ".join(f"{case} x{conc}" for case, conc in cells) + " |")
            print("| ---: | --- | ---: |" + " ---: |" * len(cells))
            for rd in sorted({r["round"] for r in a}, key=int):
                for v, p in pairs:
                    cv = capacity(pick(a, round=rd), v, "small")
                    cp = capacity(pick(a, round=rd), p, "small")
                    row = [f"{cv[1][0]['rps'] / cp[1][0]['rps']:.2f}" if cv and cp and cp[1][0]["rps"]
                           else "-"]
                    for case, conc in cells:
                        s = pick(a, round=rd, server=v, what=case, conc=conc)
                        x = pick(a, round=rd, server=p, what=case, conc=conc)
                        row.append(f"{s[0]['rps'] / x[0]['rps']:.2f}" if s and x and x[0]["rps"]
                                   else "-")
                    print(f"| {rd} | {v} / {p} | " + " | ".join(row) + " |")
        print("\nPer run:\n")
        print("| round | order | server | input | in flight | requests | req/s | p50 (ms) | p99 (ms) "
              "| max (ms) | server CPU (s) | CPU (us/req) | errors | core 0 idle / other / steal (%) |")
        print("| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
              "| ---: |")
        for r in a:
            print(f"| {r['round']} | {r['order']} | {r['server']} | {r['what']} | {r['conc']} "
                  f"| {r['requests']} "
                  f"| {r['rps']:,.0f} | {r['p50']:.3f} | {r['p99']:.3f} | {r['max']:.3f} "
                  f"| {r['cpu_s']:.2f} | {r['cpu_us']:.1f} | {r['errors']} | {core(r)} |")
        print("\nreq/s spread over rounds (max - min) / median: " + ", ".join(
            f"{srv} {case} x{conc} {spread(pick(a, server=srv, what=case, conc=conc), 'rps'):.1f}%"
            for case, conc in cells for srv in servers if pick(a, server=srv, what=case, conc=conc))
            + ".")
        print("Core 0 over each measured run: idle (the server left its core unused: the client, not "
              "the server, set the pace); other: busy but not in the server process, which includes "
              "the kernel's softirq work for the server's loopback traffic (it grows with req/s) as "
              "well as other processes; steal: taken by the hypervisor.\n")

    if b:
        conc = e["R_PROTOCOL_CONCURRENCY"]
        inputs = [i for i in ("large", "small") if any(r["what"].startswith(i + ":") for r in b)]
        print("## (B) Serval alone, each input over each wire\n")
        print(f"One Serval per round, the four wires in an order rotating by round, for each input; one "
              f"client thread, concurrency {conc} (client-side latency of "
              f"{'one request at a time' if conc == '1' else conc + ' requests in flight'}). "
              "Medians over rounds. Request bytes: the mean size of what `serval bench` sends (the JSON "
              "body, or the serialized message); answers are about the same size (Serval answers TF "
              "Serving gRPC with `float_val` whatever the request used). KServe's REST binary extension "
              "is not measured: `serval bench` has no client for it.\n")
        for inp in inputs:
            model, what_in = cases[inp]
            print(f"**{inp}: {model}, {what_in}**\n")
            rest = pick(b, what=f"{inp}:rest")
            rest_cpu = med(rest, "cpu_us") if rest else float("nan")
            print("| wire | request bytes | req/s | p50 (ms) | p99 (ms) | mean (ms) "
                  "| server CPU (us/req) | CPU vs REST |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for wire, what in wires.items():
                w = pick(b, what=f"{inp}:{wire}")
                if not w:
                    continue
                print(f"| {what} | {int(med(w, 'bytes')):,} | {med(w, 'rps'):,.1f} | {med(w, 'p50'):.3f} "
                      f"| {med(w, 'p99'):.3f} | {med(w, 'mean'):.3f} | {med(w, 'cpu_us'):,.1f} "
                      f"| {med(w, 'cpu_us') / rest_cpu:.2f}x |")
            print()
        print("Per run:\n")
        print("| round | order | input: wire | requests | req/s | p50 (ms) | p99 (ms) | max (ms) "
              "| server CPU (s) | CPU (us/req) | errors | core 0 idle / other / steal (%) |")
        print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in b:
            print(f"| {r['round']} | {r['order']} | {r['what']} | {r['requests']} | {r['rps']:,.1f} "
                  f"| {r['p50']:.3f} | {r['p99']:.3f} | {r['max']:.3f} | {r['cpu_s']:.2f} "
                  f"| {r['cpu_us']:,.1f} | {r['errors']} | {core(r)} |")
        print()

    errors = [r for r in rows if int(r["errors"]) > 0 or r["rc"] != "0"]
    if errors:
        print("## Errors\n")
        for r in errors:
            print(f"- {r['phase']} round {r['round']} {r['server']} {r['what']}: {r['errors']} errors "
                  f"(exit {r['rc']}), first: `{r['first_error']}`")
        print()

    print("## How it was measured\n")
    print("Servers, one at a time, fresh for each round and phase (GRPC_PORT, REST_PORT: free ports "
          "picked per start; $tmp: a scratch folder with `examples/make_models.py`'s models and "
          "`half_plus_two_224`):\n")
    print("```\n" + e["R_SERVER_CMDS"].rstrip() + "\n```\n")
    if "serval_batching:" in e["R_SERVER_CMDS"]:
        print("`$tmp/batching.txt` (TF Serving's text `BatchingParameters`):\n")
        print("```\n" + e["R_BATCHING"] + "\n```\n")
    print("Before its runs each server must answer a 0.3 s `serval bench --grpc` run on each model "
          "with only OK statuses, and each Serval a REST predict of each model with predictions "
          "0.5x + 2 (again after its runs). Each measured run is preceded by a discarded warm-up run of the "
          "same command; the measured commands:\n")
    print("```")
    seen = set()
    for r in rows:
        key = (r["phase"], r["what"], r["conc"])  # the same for each server, but for its port
        if key in seen:
            continue
        seen.add(key)
        cmd = open(os.path.join(r["run"], "command")).read().strip().replace(tmp, "$tmp")
        cmd = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", cmd)
        print(cmd)
    print("```\n")
    print("Server CPU per request: utime + stime of the server process (all threads, "
          "`/proc/PID/stat`) over the measured run, divided by the requests `serval bench` counted. "
          "`serval bench --grpc` sends requests serialized once before the run (16 of random values, "
          "in turn) through grpc++'s generic stub and a completion queue per client thread, one "
          "HTTP/2 connection per client thread; REST, keep-alive HTTP/1.1 connections.\n")
    print("## Environment\n")
    print(f"- CPU: {e['R_CPU']} ({e['R_CORES']} cores visible), kernel {e['R_KERNEL']}")
    print(f"- load average: {e['R_LOAD']}")
    print(f"- gRPC / protobuf: {e['R_GRPC']}; LibTorch: {e['R_LIBTORCH']}")
    print(f"- serval binary: {e['R_BINARY']}; echo server: {e['R_ECHO']}")
    print("\n<details><summary>serval bench output of every measured run</summary>\n")
    for r in rows:
        print(f"{r['phase']}, round {r['round']}, {r['server']}, {r['what']}:\n\n```")
        print(open(os.path.join(r["run"], "bench.txt")).read().rstrip().replace(tmp, "$tmp"))
        print("```\n")
    print("</details>")


def main(argv):
    if len(argv) >= 3 and argv[1] == "body":
        return body(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    if len(argv) == 6 and argv[1] == "line":
        return line(*argv[2:])
    if len(argv) == 3 and argv[1] == "report":
        return report(argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
