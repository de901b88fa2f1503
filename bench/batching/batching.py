"""Helpers of bench/batching/*.sh: predict bodies, answer checks, and the report writers.

Standard library only; run with /usr/bin/python3. Subcommands:

  body MODEL ROWS FILE        a TF Serving "instances" body of ROWS rows for half_plus_two, mlp, resnet18
  check FILE MODEL ROWS       the predict answer in FILE has ROWS rows of the model's output shape
  one-line RUN                one progress line for a measured run
  bench-json FILE             "req/s errors p50_ms p99_ms" from a `serval bench --output=FILE.json`
  report-ceiling | report-onoff | report-tools
                              the markdown reports (environment from the R_* variables)

A measured run is a folder written by the shell scripts: `meta` (key=value lines), the load
generator's output (`wrk.txt`, `bench.json`/`bench.txt`, or `raw.txt` for raw_libtorch), and
snapshots taken just before and just after the measured window (bench/batching/lib.sh,
bb_snapshot): `before.time`/`after.time` (unix time), `*.core` (core 0's busy, idle and steal
clock ticks from /proc/stat), `*.threads` (per thread of the server: tid, name, CPU ns from
/proc/PID/task/TID/schedstat), `*.metrics` (GET /metrics), and `idle_before.threads`/
`idle_after.threads` for a second server that sat idle during the window.
"""
import argparse
import collections
import json
import math
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True  # importing lifecycle.py must not write into bench/lifecycle
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lifecycle"))
import lifecycle  # noqa: E402  (env_lines: the environment block shared with the lifecycle reports)

OUTPUT_WIDTH = {"half_plus_two": 1, "mlp": 10, "resnet18": 1000}


# --- bodies and answers -----------------------------------------------------------------------

def cmd_body(a):
    rows = a.rows
    if a.model == "half_plus_two":
        inst = [[float(i + 1)] for i in range(rows)]
    elif a.model == "mlp":
        inst = [[round(0.01 * i, 2) for i in range(64)] for _ in range(rows)]
    elif a.model == "resnet18":
        img = [[[0.5] * 224 for _ in range(224)] for _ in range(3)]
        inst = [img] * rows
    else:
        sys.exit(f"no predict body known for model {a.model!r}")
    with open(a.file, "w") as f:
        json.dump({"instances": inst}, f, separators=(", ", ": "))


def cmd_check(a):
    try:
        got = json.load(open(a.file))["predictions"]
    except Exception as e:  # noqa: BLE001
        sys.exit(f"no predictions in the answer: {e!r}")
    width = OUTPUT_WIDTH.get(a.model)
    if len(got) != a.rows:
        sys.exit(f"{len(got)} rows in the answer, {a.rows} sent")
    for row in got:
        if not isinstance(row, list) or (width and len(row) != width):
            sys.exit(f"a row of the answer is not {width} numbers: {str(row)[:100]}")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in row):
            sys.exit("a value of the answer is not a finite number")
        if a.model == "mlp" and abs(sum(row) - 1) > 1e-3:
            sys.exit(f"mlp's softmax row sums to {sum(row)}")


# --- parsing a run ----------------------------------------------------------------------------

UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def parse_wrk(path):
    text = open(path).read()

    def lat(p):
        m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % p, text, re.M)
        return float(m.group(1)) * UNITS_MS[m.group(2)] if m else None
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, re.M)
    if not m:
        sys.exit(f"no request count in wrk output {path}:\n{text}")
    out = {"requests": int(m.group(1)), "wrk_seconds": float(m.group(2)) * UNITS_MS[m.group(3)] / 1e3}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    out["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"^\s*Latency\s+([\d.]+)(us|ms|s|m|h)\s+\S+\s+([\d.]+)(us|ms|s|m|h)", text, re.M)
    out["avg_ms"] = float(m.group(1)) * UNITS_MS[m.group(2)] if m else None
    out["max_ms"] = float(m.group(3)) * UNITS_MS[m.group(4)] if m else None
    out["p50_ms"], out["p99_ms"] = lat(50), lat(99)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket"] = sum(int(x) for x in m.groups()) if m else 0
    return out


def parse_bench_json(path):
    """`serval bench --output=X.json`: the first level's throughput (successful req/s), errors and
    latency. Written against src/tools/bench_report.cc: {"levels": [{"throughput", "requests",
    "seconds", "errors", "latency_ms": {"mean", "p50", "p99", ...}}]}; tolerant of a flatter shape."""
    data = json.load(open(path))
    level = data["levels"][0] if isinstance(data.get("levels"), list) and data["levels"] else data
    rps = None
    for key in ("throughput", "requests_per_second", "rps", "qps"):
        if isinstance(level.get(key), (int, float)):
            rps = float(level[key])
            break
    if rps is None and level.get("requests") and level.get("seconds"):
        rps = level["requests"] / level["seconds"]
    if rps is None:
        sys.exit(f"no throughput in {path}: {json.dumps(data)[:300]}")
    lat = level.get("latency_ms") or {}
    return {"rps": rps, "requests": level.get("requests"), "errors": int(level.get("errors") or 0),
            "first_error": level.get("first_error") or "",
            "avg_ms": lat.get("mean"), "p50_ms": lat.get("p50"), "p99_ms": lat.get("p99")}


def cmd_bench_json(a):
    r = parse_bench_json(a.file)
    print(f"{r['rps']:.3f} {r['errors']} {r['p50_ms'] if r['p50_ms'] is not None else 'nan'} "
          f"{r['p99_ms'] if r['p99_ms'] is not None else 'nan'}")


def parse_raw(path):
    text = open(path).read()
    m = re.search(r"batch (\d+) threads (\d+) calls/s ([\d.eE+-]+) items/s ([\d.eE+-]+) us/call ([\d.eE+-]+)", text)
    if not m:
        sys.exit(f"no result in raw_libtorch output {path}:\n{text}")
    return {"raw_batch": int(m.group(1)), "calls_per_s": float(m.group(3)),
            "items_per_s": float(m.group(4)), "us_per_call": float(m.group(5))}


def parse_metrics(path, model):
    """{(metric, le-or-code): value}, summed over the model's versions."""
    vals = collections.defaultdict(float)
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)", line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if labels.get("model") != model:
            continue
        try:
            vals[(m.group(1), labels.get("le") or labels.get("code") or "")] += float(m.group(3))
        except ValueError:
            pass
    return vals


def thread_group(name):
    if name.startswith("serval-http"):
        return "http"
    if name.startswith(("batch", "executor", "instance")):  # batch: batching on; executor: off
        return "batch"
    return "other"


def parse_threads(path):
    out = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3:
            out[parts[0]] = (parts[1], int(parts[2]))
    return out


def thread_cpu(before, after):
    """CPU seconds per group (http, batch, other) and per thread name, over the window."""
    b, a = parse_threads(before), parse_threads(after)
    groups, names = collections.defaultdict(float), collections.defaultdict(float)
    for tid, (name, ns) in a.items():
        d = (ns - b[tid][1]) / 1e9 if tid in b else ns / 1e9
        groups[thread_group(name)] += d
        names[name] += d
    return dict(groups), dict(names)


def load_run(d, clk_tck):
    r = {"dir": d}
    for line in open(os.path.join(d, "meta")):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            r[k] = v
    for k in ("round", "order", "batch", "rows", "connections", "duration"):
        if k in r and r[k].isdigit():
            r[k] = int(r[k])
    p = lambda name: os.path.join(d, name)  # noqa: E731
    r["window"] = float(open(p("after.time")).read()) - float(open(p("before.time")).read())
    cb = [int(x) for x in open(p("before.core")).read().split()]
    ca = [int(x) for x in open(p("after.core")).read().split()]
    r["core_busy"], r["core_idle"], r["core_steal"] = [(y - x) / clk_tck for x, y in zip(cb, ca)]
    if os.path.exists(p("wrk.txt")):
        r.update(parse_wrk(p("wrk.txt")))
        r["tool"] = r.get("tool", "wrk")
    if os.path.exists(p("bench.json")):
        r.update(parse_bench_json(p("bench.json")))
    if os.path.exists(p("raw.txt")):
        r.update(parse_raw(p("raw.txt")))
    if os.path.exists(p("after.threads")):
        r["cpu"], r["cpu_by_name"] = thread_cpu(p("before.threads"), p("after.threads"))
        r["server_cpu"] = sum(r["cpu"].values())
    if os.path.exists(p("idle_after.threads")):
        g, _ = thread_cpu(p("idle_before.threads"), p("idle_after.threads"))
        r["idle_server_cpu"] = sum(g.values())
    if os.path.exists(p("after.metrics")) and r.get("model"):
        mb, ma = parse_metrics(p("before.metrics"), r["model"]), parse_metrics(p("after.metrics"), r["model"])
        dm = {k: ma.get(k, 0.0) - mb.get(k, 0.0) for k in set(ma) | set(mb)}
        r["m"] = dm
        g = lambda name, sub="": dm.get((name, sub), 0.0)  # noqa: E731
        r["n"] = g("serval_request_duration_seconds_count")
        r["ok"] = g("serval_requests_total", "ok")
        r["cancelled"] = g("serval_requests_total", "cancelled")
        r["not_ok"] = sum(v for (k, c), v in dm.items()
                          if k == "serval_requests_total" and c not in ("ok", "cancelled"))
        r["batches"] = g("serval_batch_size_count")
        r["batch_rows"] = g("serval_batch_size_sum")
        r["compute_s"] = g("serval_compute_duration_seconds_sum")
        r["queue_s"] = g("serval_queue_duration_seconds_sum")
        r["queue_n"] = g("serval_queue_duration_seconds_count")
        r["in_server_s"] = g("serval_request_duration_seconds_sum")
        bounds = sorted(((float(le), v) for (k, le), v in dm.items()
                         if k == "serval_batch_size_bucket" and le != "+Inf"))
        hist, lo, prev = [], 0.0, 0.0
        for le, v in bounds + [(math.inf, g("serval_batch_size_bucket", "+Inf"))]:
            if v - prev > 0:
                hist.append((lo, le, v - prev))
            lo, prev = le, v
        r["batch_hist"] = hist  # (lower bound, upper bound, batches): batches of lo < size <= hi
    if os.path.exists(p("after.proc_cpu")):  # a child of the script (raw_libtorch): its CPU from bash's `times`
        r["proc_cpu"] = float(open(p("after.proc_cpu")).read()) - float(open(p("before.proc_cpu")).read())
        r["core_other"] = max(0.0, r["core_busy"] - r["proc_cpu"])
    if "cpu" in r:
        r["core_other"] = max(0.0, r["core_busy"] - r["server_cpu"] - r.get("idle_server_cpu", 0.0))
    return r


def load_runs(runs_dir, clk_tck):
    return [load_run(os.path.join(runs_dir, d), clk_tck) for d in sorted(os.listdir(runs_dir))]


def div(a, b):
    return a / b if b else None


def derived(r):
    """Per-request figures (microseconds) of a Serval run with metrics and thread CPU."""
    n = r.get("n") or 0
    out = {}
    if not n:
        return out
    us = 1e6
    out["client_us"] = r["avg_ms"] * 1e3 if r.get("avg_ms") is not None else None
    out["in_server_us"] = r["in_server_s"] / n * us
    out["queue_us"] = div(r["queue_s"], r["queue_n"]) * us if r["queue_n"] else None
    out["batch_compute_us"] = div(r["compute_s"], r["batches"]) * us if r["batches"] else None
    out["mean_batch"] = div(r["batch_rows"], r["batches"])
    if out["queue_us"] is not None and out["batch_compute_us"] is not None:
        out["in_server_rest_us"] = out["in_server_us"] - out["queue_us"] - out["batch_compute_us"]
    if out["client_us"] is not None:
        out["outside_us"] = out["client_us"] - out["in_server_us"]
    out["core_per_req_us"] = r["window"] / n * us
    if "cpu" in r:
        out["http_us"] = r["cpu"].get("http", 0.0) / n * us
        out["batch_thread_us"] = r["cpu"].get("batch", 0.0) / n * us
        out["other_threads_us"] = r["cpu"].get("other", 0.0) / n * us
        out["server_cpu_us"] = r["server_cpu"] / n * us
        out["forward_us"] = r["compute_s"] / n * us
        out["batch_nonforward_us"] = out["batch_thread_us"] - out["forward_us"]
        out["other_procs_us"] = r["core_other"] / n * us
        out["idle_us"] = r["core_idle"] / n * us
        out["steal_us"] = r["core_steal"] / n * us
        out["cpu_ceiling_rps"] = div(1e6, out["server_cpu_us"])
    return out


def med(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def fmt(x, digits=1, comma=False):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}" if comma else f"{x:.{digits}f}"


def hist_text(hist):
    """'8: 120, 3-4: 2' (batches per size range of the histogram)."""
    def rng(lo, hi):
        if math.isinf(hi):
            return f">{lo:g}"
        return f"{hi:g}" if hi - lo <= 1 else f"{lo + 1:g}-{hi:g}"
    return ", ".join(f"{rng(lo, hi)}: {int(v)}" for lo, hi, v in hist) or "none"


def cmd_one_line(a):
    r = load_run(a.run, int(os.environ.get("CLK_TCK", "100")))
    if r.get("kind") == "raw":
        print(f"  raw: {r['items_per_s']:,.1f} items/s ({r['us_per_call']:,.1f} us per batch of {r['raw_batch']})")
        return
    d = derived(r)
    rows = r["rows"] if isinstance(r.get("rows"), int) else 1
    items = f" = {r.get('rps', 0) * rows:,.1f} items/s" if rows > 1 else ""
    batch = f", mean batch run {fmt(d['mean_batch'], 2)}" if d.get("mean_batch") is not None else ""
    print(f"  {r.get('kind', r.get('tool', '?'))}: {r.get('rps', 0):,.1f} req/s{items}, "
          f"p50 {fmt(r.get('p50_ms'), 2)} ms, p99 {fmt(r.get('p99_ms'), 2)} ms{batch}, errors {errors_of(r)}")


# --- report helpers ---------------------------------------------------------------------------

def env_block(extra=()):
    e = os.environ
    lines = [lifecycle.env_lines(extra)]
    if e.get("R_BLAS_LOADED"):
        lines.append(f"- BLAS mapped by the running serval: `{e['R_BLAS_LOADED']}`")
    return "\n".join(lines)


def head(title, lead):
    e = os.environ
    return (f"# {title}\n\n{e.get('R_DATE', '?')}, commit `{e.get('R_COMMIT', '?')}`. {lead}\n\n"
            f"Command:\n\n```\n{e.get('R_INVOCATION', '?')}\n```\n")


def raw_outputs(runs, label):
    out = ["<details><summary>Raw output of every measured run</summary>\n"]
    for r in runs:
        for name in ("wrk.txt", "raw.txt", "bench.txt", "bench.json"):
            p = os.path.join(r["dir"], name)
            if os.path.exists(p):
                out.append(f"{label(r)}, `{name}`:\n\n```\n{open(p).read().rstrip()}\n```\n")
    out.append("</details>")
    return "\n".join(out)


def errors_of(r):
    # A `cancelled` request is one wrk left in flight when it stopped, dropped by the server because
    # its client had gone: at most one per connection; more would be an error.
    excess_cancelled = max(0, int(r.get("cancelled") or 0) - int(r.get("connections") or 0))
    return ((r.get("non2xx") or 0) + (r.get("socket") or 0) + (r.get("errors") or 0)
            + int(r.get("not_ok") or 0) + excess_cancelled)


def errors_cell(r):
    """The per-run errors cell: the errors, and the requests cancelled at wrk's stop, if any."""
    cancelled = int(r.get("cancelled") or 0)
    return f"{errors_of(r)} (+{cancelled} cancelled)" if cancelled else str(errors_of(r))


def core_cols(r):
    t = r["core_busy"] + r["core_idle"] + r["core_steal"]
    if t <= 0:
        return "n/a"
    other = f"{100 * r['core_other'] / t:.1f}" if "core_other" in r else "n/a"
    return f"{100 * r['core_idle'] / t:.1f} / {other} / {100 * r['core_steal'] / t:.1f}"


# --- report: ceiling --------------------------------------------------------------------------

def cmd_report_ceiling(a):
    e = os.environ
    runs = load_runs(a.runs, int(e.get("R_CLK_TCK", "100")))
    models = list(dict.fromkeys(r["model"] for r in runs))
    serval = lambda m: [r for r in runs if r["model"] == m and r["kind"] == "serval"]  # noqa: E731
    raw = lambda m: [r for r in runs if r["model"] == m and r["kind"] == "raw"]  # noqa: E731
    items = lambda r: r["rps"] * r["rows"] if r["kind"] == "serval" else r["items_per_s"]  # noqa: E731
    rounds = sorted({r["round"] for r in runs})
    out = [head("Batching: Serval at saturation against raw LibTorch",
                f"{len(rounds)} rounds; per round and model, Serval (fresh server, dynamic batching, "
                f"+{a.warmup} s discarded wrk warm-up) and raw in-process LibTorch at the same batch size "
                f"and thread count, in alternating order (odd rounds Serval first). Both pinned to core "
                f"{e.get('R_SERVER_CPU', 0)}, wrk to core {e.get('R_LOAD_CPU', 1)}. The goal: Serval >= 0.9x raw.")]
    out.append("## Result (medians over rounds)\n")
    out.append("| model | batch B | rows/request | connections | Serval items/s | raw LibTorch items/s | Serval / raw | goal >= 0.9 "
               "| mean batch run | Serval p50 / p99 (ms) | errors |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    missed, errors = False, 0
    ratios = {}
    for m in models:
        s, rw = serval(m), raw(m)
        if not s or not rw:
            continue
        si, ri = med([items(r) for r in s]), med([items(r) for r in rw])
        ratio = si / ri if ri else None
        ratios[m] = ratio
        err = sum(errors_of(r) for r in s)
        errors += err
        ok = ratio is not None and ratio >= 0.9
        if m == "resnet18" and not ok:
            missed = True
        mb = med([derived(r).get("mean_batch") for r in s])
        out.append(f"| {m} | {s[0]['batch']} | {s[0]['rows']} | {s[0]['connections']} | {fmt(si, 1, True)} | {fmt(ri, 1, True)} "
                   f"| {fmt(ratio, 3)} | {'met' if ok else 'missed'} | {fmt(mb, 2)} "
                   f"| {fmt(med([r.get('p50_ms') for r in s]), 2)} / {fmt(med([r.get('p99_ms') for r in s]), 2)} | {err} |")
    out.append("\nitems/s: images (resnet18) or rows (mlp) per second; for Serval wrk's requests/s x rows per "
               "request, for raw LibTorch `raw_libtorch`'s items/s. Mean batch run: rows per batch the server ran "
               "(`serval_batch_size` delta over the measured window): B means the batches were full. errors: "
               "non-2xx, socket errors and non-ok `serval_requests_total`, summed over rounds (must be 0); "
               "requests `cancelled` because wrk stopped with them in flight (the server drops a request "
               "whose client has gone) are not errors, up to one per connection per run, and are shown "
               "in the per-run table.")
    if "mlp" in ratios:
        out.append("\nmlp's forward is microseconds per row, so its ceiling is set by the per-request HTTP and JSON "
                   "work, not by LibTorch: see the breakdown below. The 0.9 goal is the one for resnet18 "
                   "(compute-bound); mlp's ratio is reported to show how far the per-request overhead is from it.")
    out.append("\n## Same-round ratios\n")
    out.append("| round | model | order | Serval items/s | raw items/s | Serval / raw | core 0 idle / other / steal %: Serval run; raw run |")
    out.append("| ---: | --- | --- | ---: | ---: | ---: | ---: |")
    for rd in rounds:
        for m in models:
            s = [r for r in serval(m) if r["round"] == rd]
            rw = [r for r in raw(m) if r["round"] == rd]
            if s and rw:
                s, rw = s[0], rw[0]
                order = "Serval, raw" if s["order"] < rw["order"] else "raw, Serval"
                out.append(f"| {rd} | {m} | {order} | {fmt(items(s), 1, True)} | {fmt(items(rw), 1, True)} "
                           f"| {fmt(items(s) / items(rw), 3)} | {core_cols(s)}; {core_cols(rw)} |")
    out.append("\nCore 0 over each measured window: idle, busy with anything but the server (or raw_libtorch), stolen "
               "by the hypervisor. A noise check: 'other' or steal above a few % means the machine was not quiet; idle "
               "above 0 means the server left its core unused.")

    # Breakdown.
    out.append("\n## Where a request's time goes in Serval\n")
    out.append("From deltas of `/metrics` (scraped just before and after the measured wrk window) and of each "
               "server thread's CPU time (`/proc/PID/task/TID/schedstat`) over the same window; medians over rounds "
               "of per-round values, microseconds per request.\n")
    for m in models:
        s = serval(m)
        if not s:
            continue
        ds = [derived(r) for r in s]
        raw_us_item = med([r["us_per_call"] / r["raw_batch"] for r in raw(m)])
        rows = s[0]["rows"]
        g = lambda k: med([d.get(k) for d in ds])  # noqa: E731
        out.append(f"### {m} (batch {s[0]['batch']}, {rows} row(s) per request, {s[0]['connections']} connections)\n")
        out.append("Latency of one request (wall time):\n")
        out.append("| part | us per request | how |")
        out.append("| --- | ---: | --- |")
        out.append(f"| client-side latency | {fmt(g('client_us'))} | wrk's mean latency |")
        out.append(f"| in-server end-to-end | {fmt(g('in_server_us'))} | `serval_request_duration_seconds` sum / count: from the "
                   "decoded request entering the inference service to its result (JSON decode and encode not included) |")
        out.append(f"| - waiting in the batch queue | {fmt(g('queue_us'))} | `serval_queue_duration_seconds` sum / count |")
        out.append(f"| - its batch's forward | {fmt(g('batch_compute_us'))} | `serval_compute_duration_seconds` sum / count "
                   f"(one batch, mean {fmt(g('mean_batch'), 2)} rows) |")
        rest = g("in_server_rest_us")
        out.append(f"| - rest in the server | {fmt(rest) if rest is None or rest >= 0 else 'n/a (' + fmt(rest) + ')'} "
                   "| in-server - queue - forward: joining the batch, splitting outputs, waking the request's thread. "
                   "Negative only from the window's edges (requests queued in it but answered after it; few long "
                   "batches) |")
        out.append(f"| outside the in-server time | {fmt(g('outside_us'))} | client-side - in-server: reading and parsing HTTP, "
                   "JSON decode, JSON encode and write, waiting for the REST I/O thread, loopback TCP, wrk |")
        out.append("\nAt saturation wall times are mostly waiting (Little's law: connections / throughput), so "
                   "where the core's time goes is read from CPU time instead:\n")
        out.append("| core 0 time | us per request | how |")
        out.append("| --- | ---: | --- |")
        out.append(f"| core time per request | {fmt(g('core_per_req_us'), 2)} | measured window / requests answered "
                   "(`serval_request_duration_seconds_count` delta) |")
        out.append(f"| - REST I/O thread(s) | {fmt(g('http_us'), 2)} | CPU of `serval-http-*` threads: HTTP, JSON decode "
                   "and encode, request dispatch |")
        out.append(f"| - batch thread(s) | {fmt(g('batch_thread_us'), 2)} | CPU of the `batch` thread(s), which run the model |")
        out.append(f"|   - forward | {fmt(g('forward_us'), 2)} | `serval_compute_duration_seconds` sum / requests "
                   f"(compute per batch / rows x {rows} row(s)); wall time of the forward, so it includes any "
                   "time the I/O thread preempted it on the shared core |")
        nf = g("batch_nonforward_us")
        nf_text = fmt(nf, 2) if nf is None or nf >= 0 else f"n/a ({fmt(nf, 2)})"
        out.append(f"|   - batching work besides the forward | {nf_text} | batch thread CPU - forward: "
                   "queue, joining inputs, splitting outputs, completing requests. Negative when the forward's wall "
                   "time holds time the thread was preempted (by the I/O thread or other processes), or when a batch "
                   "straddles the window's edges (long batches, short windows) |")
        out.append(f"| - other Serval threads | {fmt(g('other_threads_us'), 2)} | every other thread of the server |")
        out.append(f"| - other processes | {fmt(g('other_procs_us'), 2)} | core 0 busy time - the server's CPU |")
        out.append(f"| - idle / stolen | {fmt(g('idle_us'), 2)} / {fmt(g('steal_us'), 2)} | core 0 idle and steal time |")
        out.append(f"| raw LibTorch forward, same rows | {fmt(raw_us_item * rows if raw_us_item else None, 2)} | raw_libtorch "
                   f"us per call / B x {rows}, same rounds |")
        fw = g("forward_us")
        if fw is not None and g("batch_thread_us") is not None:
            fw = min(fw, g("batch_thread_us"))
        share = div(fw, g("server_cpu_us"))
        out.append(f"\nServer CPU per request {fmt(g('server_cpu_us'), 2)} us, so one core serves at most about "
                   f"{fmt(g('cpu_ceiling_rps'), 0, True)} req/s; the forward is {fmt(100 * share if share else None)}% of that "
                   "CPU. Even with a forward exactly as fast as raw LibTorch's, the ratio to raw could not exceed about "
                   "that share: the rest is spent outside the forward on the same core.\n")
    out.append("## Per run\n")
    out.append("| # | round | model | run | items/s | req/s | server-counted req/s | p50 (ms) | p99 (ms) | mean batch run | batch sizes run | "
               "CPU (s) | window (s) | errors | core 0 idle / other / steal % |")
    out.append("| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for i, r in enumerate(runs, 1):
        if r["kind"] == "raw":
            out.append(f"| {i} | {r['round']} | {r['model']} | raw | {fmt(items(r), 1, True)} | | | | | {r['raw_batch']} | "
                       f"| {fmt(r.get('proc_cpu'), 2)} | {fmt(r['window'], 2)} | | {core_cols(r)} |")
        else:
            d = derived(r)
            out.append(f"| {i} | {r['round']} | {r['model']} | serval | {fmt(items(r), 1, True)} | {fmt(r['rps'], 1, True)} "
                       f"| {fmt(div(r.get('n'), r['window']), 1, True)} "
                       f"| {fmt(r.get('p50_ms'), 2)} | {fmt(r.get('p99_ms'), 2)} | {fmt(d.get('mean_batch'), 2)} "
                       f"| {hist_text(r.get('batch_hist', []))} | {fmt(r.get('server_cpu'), 2)} | {fmt(r['window'], 2)} "
                       f"| {errors_cell(r)} | {core_cols(r)} |")
    out.append("\nreq/s: wrk's. Server-counted req/s: requests the server answered between the two /metrics scrapes "
               "around wrk's window, per second of that window (a cross-check; the snapshots also include wrk's start and "
               "the requests in flight when it stops). Batch sizes run: `serval_batch_size` histogram delta, batches per "
               "bucket (`5-8: 30`: 30 batches of 5 to 8 rows). The first batch after the warm-up drain can be short: the "
               "queue starts empty and wrk's connections send their first requests one after another. window: for raw, "
               "the whole process including loading the model; its core 0 'other' is core 0's busy time minus raw_libtorch's CPU time.")
    out.append("\n## How it was measured\n")
    out.append("Commands (PORT: a free port per start; $tmp: the scratch folder; $tmp/repo_MODEL holds MODEL/1/model.pt "
               "from `$SHARED/bench/models/make_models.py` and MODEL/config.yaml declaring input `x`, fp32, "
               "[-1, 64] (mlp) or [-1, 3, 224, 224] (resnet18)):\n")
    out.append("```\n" + e.get("R_COMMANDS", "").rstrip() + "\n```\n")
    out.append("raw_libtorch built with:\n\n```\n" + e.get("R_RAW_BUILD", "") + "\n```\n")
    out.append("Batching parameters files:\n\n```\n" + e.get("R_PARAMS", "").rstrip() + "\n```\n")
    out.append("Request bodies: `{\"instances\": [...]}` with ROWS rows: mlp rows `[0.0, 0.01, ..., 0.63]`; resnet18 "
               "images 3x224x224 of `0.5` (about 0.75 MB of JSON per image). Each server's answer was checked "
               "(status 200, ROWS rows of 10 or 1000 finite numbers; mlp rows sum to 1) before and after the load. "
               "raw_libtorch runs `forward` on one `torch::rand` batch in a loop after 3 warm-up calls, in "
               "`torch::InferenceMode`, and prints calls/s and items/s.\n")
    out.append("## Environment\n")
    out.append(env_block())
    out.append("")
    out.append(raw_outputs(runs, lambda r: f"round {r['round']}, {r['model']}, {r['kind']}"))
    print("\n".join(out))
    if errors:
        sys.exit(3)
    if a.strict and missed:
        sys.exit(4)


# --- report: on/off ---------------------------------------------------------------------------

def cmd_report_onoff(a):
    e = os.environ
    runs = load_runs(a.runs, int(e.get("R_CLK_TCK", "100")))
    concs = sorted({r["connections"] for r in runs})
    rounds = sorted({r["round"] for r in runs})
    sel = lambda kind, c: [r for r in runs if r["kind"] == kind and r["connections"] == c]  # noqa: E731
    out = [head("Batching on and off: mlp at concurrency 1 to 128",
                f"{len(rounds)} rounds; in each, for every concurrency, a window on the server without batching "
                f"(`off`) and one on the server with batching (`on`), in alternating order. Both servers run for "
                f"the whole benchmark, pinned to core {e.get('R_SERVER_CPU', 0)}, and the one not under load sits "
                f"idle (its CPU over each window is reported); wrk on core {e.get('R_LOAD_CPU', 1)}.")]
    out.append("## Medians over rounds\n")
    out.append("| concurrency | off req/s | on req/s | on / off req/s | off p50 (ms) | on p50 (ms) | off p99 (ms) | on p99 (ms) "
               "| on / off p99 | mean batch run (on) | errors off / on |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    summary = []
    errors = 0
    for c in concs:
        off, on = sel("off", c), sel("on", c)
        if not off or not on:
            continue
        m = {k: {f: med([r.get(f) for r in rs]) for f in ("rps", "p50_ms", "p99_ms")} for k, rs in (("off", off), ("on", on))}
        tput = div(m["on"]["rps"], m["off"]["rps"])
        p99 = div(m["on"]["p99_ms"], m["off"]["p99_ms"])
        mb = med([derived(r).get("mean_batch") for r in on])
        eo, en = sum(errors_of(r) for r in off), sum(errors_of(r) for r in on)
        errors += eo + en
        out.append(f"| {c} | {fmt(m['off']['rps'], 0, True)} | {fmt(m['on']['rps'], 0, True)} | {fmt(tput, 2)}x "
                   f"| {fmt(m['off']['p50_ms'], 3)} | {fmt(m['on']['p50_ms'], 3)} | {fmt(m['off']['p99_ms'], 3)} "
                   f"| {fmt(m['on']['p99_ms'], 3)} | {fmt(p99, 2)}x | {fmt(mb, 2)} | {eo} / {en} |")
        if tput is not None and p99 is not None:
            verdict = ("buys throughput" if tput >= 1.05 else "costs throughput" if tput <= 0.95 else "changes throughput little")
            summary.append(f"- concurrency {c}: batching {verdict}: {fmt(tput, 2)}x the requests/s "
                           f"({fmt(m['off']['rps'], 0, True)} -> {fmt(m['on']['rps'], 0, True)}), p99 {fmt(p99, 2)}x "
                           f"({fmt(m['off']['p99_ms'], 3)} -> {fmt(m['on']['p99_ms'], 3)} ms), batches of "
                           f"{fmt(mb, 1)} rows on average.")
    out.append("\nerrors: non-2xx, socket errors and non-ok `serval_requests_total`, summed over rounds (must be 0); "
               "requests `cancelled` because wrk stopped with them in flight are not errors, up to one per "
               "connection per run (shown in the per-run table).\n")
    out.append("## What batching buys\n")
    out.append("\n".join(summary) if summary else "(no complete pair of windows)")
    out.append(f"\nWith one request in flight per connection, a batch can hold at most `concurrency` rows; below "
               f"max_batch_size the batch thread waits up to batch_timeout_micros ({a.timeout_us} us) for more "
               "before it runs, which is what batching costs at low concurrency.\n")
    out.append("## Same-round ratios (on / off)\n")
    out.append("| round | concurrency | order | off req/s | on req/s | on / off req/s | on / off p99 |")
    out.append("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for rd in rounds:
        for c in concs:
            off = [r for r in sel("off", c) if r["round"] == rd]
            on = [r for r in sel("on", c) if r["round"] == rd]
            if off and on:
                off, on = off[0], on[0]
                order = "off, on" if off["order"] < on["order"] else "on, off"
                out.append(f"| {rd} | {c} | {order} | {fmt(off['rps'], 0, True)} | {fmt(on['rps'], 0, True)} "
                           f"| {fmt(div(on['rps'], off['rps']), 2)}x | {fmt(div(on['p99_ms'], off['p99_ms']), 2)}x |")
    out.append("\n## Per run\n")
    out.append("| # | round | concurrency | batching | req/s | p50 (ms) | p99 (ms) | max (ms) | mean batch run | queue (us/req) "
               "| server CPU (us/req) | idle server CPU (ms) | errors | core 0 idle / other / steal % |")
    out.append("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for i, r in enumerate(runs, 1):
        d = derived(r)
        out.append(f"| {i} | {r['round']} | {r['connections']} | {r['kind']} | {fmt(r['rps'], 0, True)} | {fmt(r.get('p50_ms'), 3)} "
                   f"| {fmt(r.get('p99_ms'), 3)} | {fmt(r.get('max_ms'), 3)} | {fmt(d.get('mean_batch'), 2)} "
                   f"| {fmt(d.get('queue_us'), 1)} | {fmt(d.get('server_cpu_us'), 2)} "
                   f"| {fmt(1e3 * r['idle_server_cpu'] if 'idle_server_cpu' in r else None, 1)} | {errors_cell(r)} | {core_cols(r)} |")
    out.append("\nqueue: `serval_queue_duration_seconds` sum / count over the window; server CPU: all threads of the "
               "measured server (schedstat) / requests it answered; idle server CPU: what the other server used over "
               "the same window (should be about 0).")
    out.append("\n## How it was measured\n")
    out.append("Servers (both started once; PORT_OFF, PORT_ON: free ports; $tmp/repo: mlp/1/model.pt from "
               "`$SHARED/bench/models/make_models.py` and mlp/config.yaml declaring input `x` fp32 [-1, 64]):\n")
    out.append("```\n" + e.get("R_COMMANDS", "").rstrip() + "\n```\n")
    out.append("Batching parameters file of `on`:\n\n```\n" + e.get("R_PARAMS", "").rstrip() + "\n```\n")
    out.append("Request body: `{\"instances\": [[0.0, 0.01, ..., 0.63]]}` (one row); both servers' answers "
               "were checked before and after the runs.\n")
    out.append("## Environment\n")
    out.append(env_block())
    out.append("")
    out.append(raw_outputs(runs, lambda r: f"round {r['round']}, concurrency {r['connections']}, batching {r['kind']}"))
    print("\n".join(out))
    if errors:
        sys.exit(3)


# --- report: tools ----------------------------------------------------------------------------

def cmd_report_tools(a):
    e = os.environ
    runs = load_runs(a.runs, int(e.get("R_CLK_TCK", "100")))
    servers = list(dict.fromkeys(r["server"] for r in runs))
    rounds = sorted({r["round"] for r in runs})
    sel = lambda s, t: [r for r in runs if r["server"] == s and r["tool"] == t]  # noqa: E731
    out = [head("Load generator check: `serval bench` against wrk",
                f"{len(rounds)} rounds; per round and server, wrk and `serval bench` load the same predict "
                f"endpoint with the same body and concurrency ({a.concurrency}), in alternating order (odd rounds "
                f"wrk first). Server pinned to core {e.get('R_SERVER_CPU', 0)}, both load generators to core "
                f"{e.get('R_LOAD_CPU', 1)}. The goal: their req/s agree within 10%.")]
    out.append("## Medians over rounds\n")
    out.append("| server | wrk req/s | serval bench req/s | bench / wrk | within 10% | wrk p50 / p99 (ms) | bench p50 / p99 (ms) | errors wrk / bench |")
    out.append("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    bad, errors = False, 0
    for s in servers:
        w, b = sel(s, "wrk"), sel(s, "bench")
        if not w or not b:
            continue
        wr, br = med([r["rps"] for r in w]), med([r["rps"] for r in b])
        ratio = div(br, wr)
        ok = ratio is not None and abs(ratio - 1) <= 0.10
        bad |= not ok
        ew, eb = sum(errors_of(r) for r in w), sum(errors_of(r) for r in b)
        errors += ew + eb
        out.append(f"| {s} | {fmt(wr, 0, True)} | {fmt(br, 0, True)} | {fmt(ratio, 3)} | {'yes' if ok else 'NO'} "
                   f"| {fmt(med([r.get('p50_ms') for r in w]), 3)} / {fmt(med([r.get('p99_ms') for r in w]), 3)} "
                   f"| {fmt(med([r.get('p50_ms') for r in b]), 3)} / {fmt(med([r.get('p99_ms') for r in b]), 3)} | {ew} / {eb} |")
    out.append("\nreq/s: wrk's Requests/sec (all answers); serval bench's `throughput` of its JSON output "
               "(successful requests per second of its measured window). Latency percentiles are each tool's own.\n")
    out.append("## Same-round ratios\n")
    out.append("| round | server | order | wrk req/s | bench req/s | bench / wrk | core 0 idle / other / steal % (wrk, bench) |")
    out.append("| ---: | --- | --- | ---: | ---: | ---: | --- |")
    for rd in rounds:
        for s in servers:
            w = [r for r in sel(s, "wrk") if r["round"] == rd]
            b = [r for r in sel(s, "bench") if r["round"] == rd]
            if w and b:
                w, b = w[0], b[0]
                order = "wrk, bench" if w["order"] < b["order"] else "bench, wrk"
                out.append(f"| {rd} | {s} | {order} | {fmt(w['rps'], 0, True)} | {fmt(b['rps'], 0, True)} "
                           f"| {fmt(div(b['rps'], w['rps']), 3)} | {core_cols(w)}; {core_cols(b)} |")
    out.append("\n## How it was measured\n")
    out.append("```\n" + e.get("R_COMMANDS", "").rstrip() + "\n```\n")
    out.append(f"Request body: `{e.get('R_BODY', '?')}`; each server's answer was checked before the runs.\n")
    out.append("## Environment\n")
    out.append(env_block([f"- load generators: {e.get('R_TOOLS', '?')}"]))
    out.append("")
    out.append(raw_outputs(runs, lambda r: f"round {r['round']}, {r['server']}, {r['tool']}"))
    print("\n".join(out))
    if errors:
        sys.exit(3)
    if a.strict and bad:
        sys.exit(4)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("body")
    s.add_argument("model")
    s.add_argument("rows", type=int)
    s.add_argument("file")
    s = sub.add_parser("check")
    s.add_argument("file")
    s.add_argument("model")
    s.add_argument("rows", type=int)
    s = sub.add_parser("one-line")
    s.add_argument("run")
    s = sub.add_parser("bench-json")
    s.add_argument("file")
    s = sub.add_parser("report-ceiling")
    s.add_argument("--runs", required=True)
    s.add_argument("--rounds", type=int, required=True)
    s.add_argument("--warmup", type=int, default=0)
    s.add_argument("--timeout-us", type=int, default=0)
    s.add_argument("--threads", type=int, default=1)
    s.add_argument("--instances", type=int, default=1)
    s.add_argument("--strict", type=int, default=0)
    s = sub.add_parser("report-onoff")
    s.add_argument("--runs", required=True)
    s.add_argument("--timeout-us", type=int, default=0)
    s = sub.add_parser("report-tools")
    s.add_argument("--runs", required=True)
    s.add_argument("--concurrency", type=int, required=True)
    s.add_argument("--strict", type=int, default=0)
    a = p.parse_args()
    {"body": cmd_body, "check": cmd_check, "one-line": cmd_one_line, "bench-json": cmd_bench_json,
     "report-ceiling": cmd_report_ceiling, "report-onoff": cmd_report_onoff,
     "report-tools": cmd_report_tools}[a.cmd](a)


if __name__ == "__main__":
    main()
