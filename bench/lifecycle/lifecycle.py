"""Helpers of bench/lifecycle/*.sh: load clients, lifecycle drivers and the report writers.

Standard library only; run with /usr/bin/python3. Subcommands:

  body MODEL FILE            write a predict body for half_plus_two, mlp or resnet18
  wait-available             wait until GET /v1/models/{m} shows a version AVAILABLE
  client                     predict loop in threads until SIGTERM; per-connection version order
  swaps                      publish versions into a base path, time each swap
  churn                      unload/load one model through the management API until SIGTERM
  cycles                     unload/load/predict N times, sampling the server's RSS
  report-swaps | report-interference | report-cycles
                             markdown sections (environment from the R_* variables)
  combine OUT_DIR            OUT_DIR/lifecycle.md from OUT_DIR/lifecycle_*.md
"""
import argparse
import collections
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import sys
import threading
import time

VERSION_HEADER = "X-Serval-Model-Version"
SECTIONS = ["version_swaps", "load_interference", "load_cycles"]


# --- HTTP -----------------------------------------------------------------------------------

class Http:
    """One keep-alive connection to 127.0.0.1:port, reopened after an error."""

    def __init__(self, port, timeout):
        self.port, self.timeout, self.conn = port, timeout, None

    def call(self, method, path, body=None):
        """-> (status, body bytes, response). Raises on a socket error (after closing)."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            self.conn.request(method, path, body, headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.will_close:
                self.close()
            return resp.status, data, resp
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def tfs_states(data):
    """TF Serving model status JSON -> {version: state}."""
    doc = json.loads(data)
    return {int(v["version"]): v.get("state", "") for v in doc.get("model_version_status", [])}


def manage_states(data):
    """Management API model JSON -> {version: state}."""
    doc = json.loads(data)
    return {int(v["version"]): v.get("state", "") for v in doc.get("versions", [])}


def available(states):
    return sorted(v for v, s in states.items() if s == "AVAILABLE")


def server_times(data, version=None):
    """Management API model JSON -> (load_ms, warmup_ms) the server reports for `version` (default:
    the highest AVAILABLE one); (None, None) when it does not say."""
    try:
        versions = json.loads(data).get("versions", [])
        if version is None:
            ready = [v for v in versions if v.get("state") == "AVAILABLE"]
            v = max(ready, key=lambda v: int(v["version"])) if ready else None
        else:
            v = next((v for v in versions if int(v["version"]) == version), None)
        if v is None or "load_ms" not in v:
            return None, None
        return float(v["load_ms"]), float(v.get("warmup_ms", 0.0))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, None


def stop_event():
    """An Event set by SIGTERM or SIGINT."""
    ev = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: ev.set())
    return ev


def ts(t):
    """Unix time -> 'HH:MM:SS.mmm' UTC, for samples in the reports."""
    return time.strftime("%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}"


def pct(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


# --- bodies ---------------------------------------------------------------------------------

def body_for(model):
    if model == "half_plus_two":
        inst = [[1.0], [2.0], [5.0]]
        return json.dumps({"instances": inst})
    if model == "mlp":
        return json.dumps({"instances": [[round(0.01 * i, 2) for i in range(64)]]})
    if model == "resnet18":
        img = [[[0.5] * 224 for _ in range(224)] for _ in range(3)]
        return json.dumps({"instances": [img]})
    sys.exit(f"no predict body known for model {model!r}")


def cmd_body(a):
    with open(a.file, "w") as f:
        f.write(body_for(a.model))


# --- wait-available -------------------------------------------------------------------------

def cmd_wait_available(a):
    deadline = time.monotonic() + a.timeout
    h = Http(a.port, 5)
    for m in a.model:
        last = ""
        while True:
            try:
                code, data, _ = h.call("GET", f"/v1/models/{m}")
                last = f"HTTP {code}: {data[:300].decode(errors='replace')}"
                if code == 200 and available(tfs_states(data)):
                    break
            except Exception as e:  # noqa: BLE001 - reported below
                last = repr(e)
            if time.monotonic() > deadline:
                sys.exit(f"model {m} has no AVAILABLE version after {a.timeout} s; last: {last}")
            time.sleep(0.1)


# --- client: predict in threads, record which version answered -----------------------------

def cmd_client(a):
    body = open(a.body, "rb").read()
    path = f"/v1/models/{a.model}:predict"
    stop = stop_event()
    results = [None] * a.threads

    def worker(i):
        h = Http(a.port, a.timeout)
        r = {"requests": 0, "ok": 0, "non200": collections.Counter(), "errors": collections.Counter(),
             "samples": [], "no_header": 0, "regressions": 0, "regression_samples": [],
             "runs": [], "lat_ms": []}
        highest = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            r["requests"] += 1
            try:
                code, data, resp = h.call("POST", path, body)
            except Exception as e:  # noqa: BLE001 - every socket error is a failed request
                r["errors"][type(e).__name__] += 1
                if len(r["samples"]) < 5:
                    r["samples"].append(f"{ts(time.time())} {e!r}")
                time.sleep(0.001)
                continue
            now = time.time()
            r["lat_ms"].append((time.perf_counter() - t0) * 1e3)
            if code != 200:
                r["non200"][str(code)] += 1
                if len(r["samples"]) < 5:
                    r["samples"].append(f"{ts(now)} HTTP {code}: {data[:200].decode(errors='replace')}")
                continue
            r["ok"] += 1
            v = resp.getheader(VERSION_HEADER)
            if v is None or not v.strip().isdigit():
                r["no_header"] += 1
                continue
            v = int(v)
            if v < highest:
                r["regressions"] += 1
                if len(r["regression_samples"]) < 5:
                    r["regression_samples"].append(f"{ts(now)} v{v} after v{highest}")
            highest = max(highest, v)
            runs = r["runs"]
            if runs and runs[-1][0] == v:
                runs[-1][1] += 1
                runs[-1][3] = now
            else:
                runs.append([v, 1, now, now])
        h.close()
        results[i] = r

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(a.threads)]
    t_start = time.time()
    for t in threads:
        t.start()
    while not stop.wait(0.2):
        pass
    for t in threads:
        t.join(a.timeout + 5)
    t_end = time.time()
    done = [r for r in results if r is not None]
    lat = [x for r in done for x in r["lat_ms"]]
    per_version = collections.Counter()
    first_seen, last_seen = {}, {}
    for r in done:
        for v, n, t0, t1 in r["runs"]:
            per_version[v] += n
            first_seen[v] = min(first_seen.get(v, t0), t0)
            last_seen[v] = max(last_seen.get(v, t1), t1)
    out = {
        "threads": a.threads, "threads_finished": len(done), "seconds": t_end - t_start,
        "requests": sum(r["requests"] for r in done), "ok": sum(r["ok"] for r in done),
        "non200": dict(sum((r["non200"] for r in done), collections.Counter())),
        "errors": dict(sum((r["errors"] for r in done), collections.Counter())),
        "samples": [s for r in done for s in r["samples"]][:10],
        "no_header": sum(r["no_header"] for r in done),
        "regressions": sum(r["regressions"] for r in done),
        "regression_samples": [s for r in done for s in r["regression_samples"]][:10],
        "versions": {str(v): per_version[v] for v in sorted(per_version)},
        "first_seen": {str(v): first_seen[v] for v in sorted(first_seen)},
        "last_seen": {str(v): last_seen[v] for v in sorted(last_seen)},
        # Per connection (thread), the versions in the order they answered, runs collapsed.
        "order": [[run[0] for run in r["runs"]] for r in done],
        "p50_ms": pct(lat, 50) if lat else None, "p99_ms": pct(lat, 99) if lat else None,
        "max_ms": max(lat) if lat else None,
    }
    with open(a.out, "w") as f:
        json.dump(out, f)


# --- swaps: publish version N+1, wait for it, retire N --------------------------------------

def cmd_swaps(a):
    h = Http(a.port, 10)
    status_path = f"/v1/models/{a.model}"
    summary = {"polls": 0, "status_errors": 0, "no_available_polls": 0, "no_available_samples": [],
               "both_available_polls": 0}

    def poll():
        summary["polls"] += 1
        try:
            code, data, _ = h.call("GET", status_path)
        except Exception as e:  # noqa: BLE001
            summary["status_errors"] += 1
            return None, repr(e)
        if code != 200:
            summary["status_errors"] += 1
            return None, f"HTTP {code}: {data[:300].decode(errors='replace')}"
        states = tfs_states(data)
        if not available(states):
            summary["no_available_polls"] += 1
            if len(summary["no_available_samples"]) < 5:
                summary["no_available_samples"].append(f"{ts(time.time())} {states}")
        return states, data[:300].decode(errors="replace")

    cur = a.first
    states, last = poll()
    if not states or states.get(cur) != "AVAILABLE":
        sys.exit(f"swaps: version {cur} is not AVAILABLE at the start: {last}")
    rows = open(a.out, "w")
    rows.write("swap\tversion\tpublish_unix\tnew_available_s\told_gone_s\told_state\tload_ms\twarmup_ms\n")
    mg = Http(a.mgmt_port, 10) if a.mgmt_port else None
    for i in range(1, a.swaps + 1):
        new = cur + 1
        hidden = os.path.join(a.base, f".tmp-{new}")
        os.makedirs(hidden)
        shutil.copy(a.model_file, os.path.join(hidden, "model.pt"))
        t_unix = time.time()
        t0 = time.monotonic()
        os.rename(hidden, os.path.join(a.base, str(new)))
        t_new = t_old = None
        while True:
            states, last = poll()
            now = time.monotonic()
            if states is not None:
                if t_new is None and states.get(new) == "AVAILABLE":
                    t_new = now
                if t_new is not None and states.get(cur) != "AVAILABLE":
                    t_old = now
                    break
                if states.get(new) == "AVAILABLE" and states.get(cur) == "AVAILABLE":
                    summary["both_available_polls"] += 1
            if now - t0 > a.timeout:
                rows.close()
                with open(a.summary, "w") as f:
                    json.dump(summary, f)
                sys.exit(f"swaps: swap {i} (version {cur} -> {new}) not done after {a.timeout} s; "
                         f"last status: {last}")
            time.sleep(a.poll)
        shutil.rmtree(os.path.join(a.base, str(cur)))
        load_ms = warmup_ms = None
        if mg is not None:
            try:
                code, data, _ = mg.call("GET", f"/v1/manage/models/{a.model}")
                if code == 200:
                    load_ms, warmup_ms = server_times(data, new)
            except Exception:  # noqa: BLE001 - the times are extra information only
                pass
        rows.write(f"{i}\t{new}\t{t_unix:.3f}\t{t_new - t0:.4f}\t{t_old - t0:.4f}\t"
                   f"{states.get(cur, 'absent')}\t{'' if load_ms is None else load_ms}\t"
                   f"{'' if warmup_ms is None else warmup_ms}\n")
        rows.flush()
        if i % 10 == 0 or i == a.swaps:
            print(f"swaps: {i}/{a.swaps} done (version {new} serving)", file=sys.stderr)
        cur = new
    rows.close()
    with open(a.summary, "w") as f:
        json.dump(summary, f)


# --- churn: unload and load one model until told to stop ------------------------------------

def manage(h, model, op):
    """POST /v1/manage/models/{model}/{op} -> (ok, message, body). ok: 200, and after unload no
    version AVAILABLE, after load or reload one."""
    code, data, _ = h.call("POST", f"/v1/manage/models/{model}/{op}", b"")
    if code != 200:
        return False, f"HTTP {code}: {data[:300].decode(errors='replace')}", data
    states = manage_states(data)
    if op == "unload" and available(states):
        return False, f"still AVAILABLE after unload: {data[:300].decode(errors='replace')}", data
    if op in ("load", "reload") and not available(states):
        return False, f"nothing AVAILABLE after {op}: {data[:300].decode(errors='replace')}", data
    return True, "", data


def cmd_churn(a):
    stop = stop_event()
    h = Http(a.mgmt_port, a.timeout)
    out = open(a.out, "a")  # appended to: one file over every loading window of a run
    if out.tell() == 0:
        out.write("op\tstart_unix\tend_unix\tok\tload_ms\twarmup_ms\tdetail\n")
    failures = 0
    loaded = True
    while True:
        for op in ("unload", "load"):
            if op == "unload" and stop.is_set():
                break
            t0 = time.time()
            data = b""
            try:
                ok, detail, data = manage(h, a.model, op)
            except Exception as e:  # noqa: BLE001
                ok, detail = False, repr(e)
            t1 = time.time()
            failures += 0 if ok else 1
            loaded = op == "load"
            load_ms, warmup_ms = server_times(data) if ok and op == "load" else (None, None)
            out.write(f"{op}\t{t0:.4f}\t{t1:.4f}\t{int(ok)}\t{'' if load_ms is None else load_ms}\t"
                      f"{'' if warmup_ms is None else warmup_ms}\t{' '.join(detail.split())}\n")
            out.flush()
            if not ok and failures >= 3:
                sys.exit(f"churn: {op} of {a.model} failed 3 times; last: {detail}")
        if stop.is_set() and loaded:
            break
    out.close()


# --- cycles: unload/load/predict N times, RSS of the server along the way -------------------

def proc_sample(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"):
                fields[k] = int(v.split()[0])
    fields["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return fields


def cmd_cycles(a):
    mg = Http(a.mgmt_port, a.timeout)
    rest = Http(a.port, a.timeout)
    body = body_for(a.model).encode() if a.predict else None
    marks = {0, 1, 10, a.cycles} | set(range(a.every, a.cycles + 1, a.every)) if a.every else {0, 1, 10, a.cycles}
    out = open(a.out, "w")
    # A row per cycle (reading /proc is cheap); mark=1 on the cycles of the report's curve.
    out.write("cycle\tunix\tVmRSS_kB\tRssAnon_kB\tRssFile_kB\tVmHWM_kB\tThreads\tfds\t"
              "unload_s\tload_s\tpredict_s\tserver_load_ms\tserver_warmup_ms\tmark\n")

    def predict():
        code, data, _ = rest.call("POST", f"/v1/models/{a.model}:predict", body)
        if code != 200:
            sys.exit(f"cycles: predict on {a.model} answered HTTP {code}: {data[:300]!r}")

    def sample(i, tu, tl, tp, load_data=b""):
        s = proc_sample(a.pid)
        load_ms, warmup_ms = server_times(load_data) if load_data else (None, None)
        out.write(f"{i}\t{time.time():.3f}\t{s['VmRSS']}\t{s['RssAnon']}\t{s['RssFile']}\t{s['VmHWM']}\t"
                  f"{s['Threads']}\t{s['fds']}\t{tu:.4f}\t{tl:.4f}\t{tp:.4f}\t"
                  f"{'' if load_ms is None else load_ms}\t{'' if warmup_ms is None else warmup_ms}\t"
                  f"{int(i in marks)}\n")
        out.flush()
        return s

    if body is not None:
        predict()
    sample(0, 0, 0, 0)
    t_start = time.monotonic()
    for i in range(1, a.cycles + 1):
        t0 = time.monotonic()
        ok, detail, _ = manage(mg, a.model, "unload")
        if not ok:
            sys.exit(f"cycles: cycle {i}: unload of {a.model}: {detail}")
        t1 = time.monotonic()
        ok, detail, load_data = manage(mg, a.model, "load")
        if not ok:
            sys.exit(f"cycles: cycle {i}: load of {a.model}: {detail}")
        t2 = time.monotonic()
        if body is not None:
            predict()
        t3 = time.monotonic()
        s = sample(i, t1 - t0, t2 - t1, t3 - t2, load_data)
        if i in marks:
            print(f"cycles: {a.model} cycle {i}/{a.cycles}: VmRSS {s['VmRSS']} kB, "
                  f"{s['Threads']} threads, {s['fds']} fds", file=sys.stderr)
    out.close()
    print(f"cycles: {a.model}: {a.cycles} cycles in {time.monotonic() - t_start:.1f} s", file=sys.stderr)


# --- reports --------------------------------------------------------------------------------

def env_lines(extra=()):
    e = os.environ
    lines = [
        f"- CPU: {e.get('R_CPU', '?')} ({e.get('R_CORES', '?')} cores visible), kernel {e.get('R_KERNEL', '?')}; "
        f"load average at the end: {e.get('R_LOADAVG', '?')}",
        f"- {e.get('R_PINNING', '')}",
        f"- BLAS: libblas.so.3 -> `{e.get('R_BLAS', '?')}`; LibTorch: {e.get('R_LIBTORCH', '?')}",
        f"- serval binary: {e.get('R_BINARY', '?')}; {e.get('R_WRK', 'wrk')}",
    ]
    if e.get("R_LOG_NOTES"):
        lines.append(f"- {e['R_LOG_NOTES']}")
    return "\n".join(lines + list(extra))


def header(title, lead):
    e = os.environ
    return (f"## {title}\n\n{e.get('R_DATE', '?')}, commit `{e.get('R_COMMIT', '?')}`. {lead}\n\n"
            f"Command:\n\n```\n{e.get('R_INVOCATION', '?')}\n```\n")


def parse_wrk(path):
    text = open(path).read()
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}

    def latency(p):
        m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % p, text, re.M)
        return float(m.group(1)) * units[m.group(2)] if m else None
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, re.M)
    if not m:
        sys.exit(f"no request count in wrk output {path}:\n{text}")
    requests = int(m.group(1))
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    rps = float(m.group(1)) if m else 0.0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    sock = dict(zip(("connect", "read", "write", "timeout"), (int(x) for x in m.groups()))) if m else {}
    m = re.search(r"^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m|h)", text, re.M)
    max_ms = float(m.group(1)) * units[m.group(2)] if m else None
    lua = collections.defaultdict(dict)
    for kind, key, n in re.findall(r"^lifecycle: (status|version) (\S+) (\d+)$", text, re.M):
        lua[kind][key] = int(n)
    m = re.search(r"^lifecycle: regressions (\d+)$", text, re.M)
    return {"requests": requests, "rps": rps, "p50_ms": latency(50), "p99_ms": latency(99),
            "max_ms": max_ms, "non2xx": non2xx, "socket": sock, "socket_total": sum(sock.values()),
            "statuses": lua["status"], "versions": lua["version"],
            "regressions": int(m.group(1)) if m else None}


def fmt_ms(x):
    return "n/a" if x is None else f"{x:.3f}"


def floats(values):
    """The non-empty strings of `values` as floats."""
    return [float(v) for v in values if v not in ("", None)]


def mean_max(values, unit=" ms", digits=1):
    """'mean (max M)' of a list of floats."""
    return f"{statistics.mean(values):.{digits}f}{unit} (max {max(values):.{digits}f})" if values else "n/a"


def cmd_report_swaps(a):
    e = os.environ
    swaps = [r.split("\t") for r in open(a.swaps).read().splitlines()[1:] if r]
    summary = json.load(open(a.summary)) if os.path.exists(a.summary) else {}
    client = json.load(open(a.client)) if a.client and os.path.exists(a.client) else None
    wrk = parse_wrk(a.wrk) if a.wrk and os.path.exists(a.wrk) else None
    n = len(swaps)
    new_s = [float(r[3]) for r in swaps]
    gone_s = [float(r[4]) for r in swaps]
    published = list(range(a.first, a.first + n + 1))
    failures = 0
    rows = []
    if wrk:
        wrk_non200 = sum(c for s, c in wrk["statuses"].items() if s != "200") if wrk["statuses"] else wrk["non2xx"]
        failures += wrk_non200 + wrk["socket_total"]
        rows.append(f"| wrk (`-c{a.connections}`) | {wrk['requests']:,} | {wrk_non200} | {wrk['socket_total']} "
                    f"| {fmt_ms(wrk['p50_ms'])} | {fmt_ms(wrk['p99_ms'])} | {fmt_ms(wrk['max_ms'])} |")
    if client:
        c_non200 = sum(client["non200"].values())
        c_err = sum(client["errors"].values())
        failures += c_non200 + c_err
        rows.append(f"| Python client ({client['threads']} connections) | {client['requests']:,} | {c_non200} "
                    f"| {c_err} | {fmt_ms(client['p50_ms'])} | {fmt_ms(client['p99_ms'])} | {fmt_ms(client['max_ms'])} |")
    total = (wrk["requests"] if wrk else 0) + (client["requests"] if client else 0)
    seen = set()
    if wrk:
        seen |= {int(v) for v in wrk["versions"] if v.isdigit()}
    if client:
        seen |= {int(v) for v in client["versions"]}
    missing = [v for v in published if v not in seen]
    unexpected = sorted(v for v in seen if v not in published)
    in_order = client is not None and client["regressions"] == 0 and all(
        all(x < y for x, y in zip(o, o[1:])) for o in client["order"])
    no_header = (client["no_header"] if client else 0) + (wrk["versions"].get("none", 0) if wrk else 0)
    ok = failures == 0 and n == a.swaps_wanted and summary.get("no_available_polls", 0) == 0
    out = [header("(a) Failed requests over version swaps under continuous load",
                  f"{n} swaps of `{a.model}` published into `--model_base_path` while wrk and a Python "
                  "client POST predicts to it the whole time.")]
    out.append("| measure | value | target |")
    out.append("| --- | ---: | --- |")
    out.append(f"| swaps done | {n} of {a.swaps_wanted} | |")
    out.append(f"| requests sent (wrk + Python client) | {total:,} | |")
    out.append(f"| failed requests (non-200 + socket errors) | **{failures}** | 0 ({'met' if failures == 0 else 'MISSED'}) |")
    if n:
        out.append(f"| swap time, mean (publish -> new AVAILABLE and old not) | {statistics.mean(gone_s):.3f} s | |")
        out.append(f"| swap time, median / max | {statistics.median(gone_s):.3f} / {max(gone_s):.3f} s | |")
        out.append(f"| publish -> new version AVAILABLE, mean / max | {statistics.mean(new_s):.3f} / {max(new_s):.3f} s | |")
        loads = floats(r[6] if len(r) > 6 else "" for r in swaps)
        warms = floats(r[7] if len(r) > 7 else "" for r in swaps)
        out.append(f"| the server's load, warm-up of each new version, mean | "
                   f"{mean_max(loads)}, {mean_max(warms)} | |")
    out.append(f"| versions that answered | {len(seen & set(published))} of {len(published)} published"
               f"{' (missing: ' + ', '.join(map(str, missing[:20])) + (' ...' if len(missing) > 20 else '') + ')' if missing else ''} | all |")
    if client:
        out.append(f"| versions in increasing order on every client connection | "
                   f"{'yes' if in_order else 'NO'} ({client['regressions']} responses from an older version after a newer one) | yes |")
    if unexpected:
        out.append(f"| versions that answered but were never published | {unexpected} | none |")
    out.append(f"| 200 responses without `{VERSION_HEADER}` | {no_header} | 0 |")
    out.append(f"| status polls with no version AVAILABLE | {summary.get('no_available_polls', '?')} of {summary.get('polls', '?')} | 0 |")
    out.append(f"| status polls that failed | {summary.get('status_errors', '?')} | 0 |")
    out.append("")
    out.append("Swap time runs from the `mv` of the hidden folder into place to the first status poll "
               f"(every {a.poll * 1000:.0f} ms) that shows the new version AVAILABLE and the old one not; it "
               f"includes the wait for the server's file-system poll (`--file_system_poll_wait_seconds={a.fs_poll}`, "
               "so up to that long), the load and warm-up of the new version, and the unload of the old one.\n")
    out.append("### Load\n")
    out.append("| client | requests | non-200 | socket errors | p50 (ms) | p99 (ms) | max (ms) |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    out.extend(rows)
    out.append("")
    if wrk and wrk["statuses"]:
        out.append("wrk responses by status: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(wrk["statuses"].items())) + ".")
    if client and (client["samples"] or client["regression_samples"]):
        out.append("\nFirst failures / order violations seen by the Python client:\n\n```")
        out.extend(client["samples"] + client["regression_samples"])
        out.append("```")
    if summary.get("no_available_samples"):
        out.append("\nStatus polls with no AVAILABLE version:\n\n```")
        out.extend(summary["no_available_samples"])
        out.append("```")
    if client:
        counts = [client["versions"].get(str(v), 0) for v in published]
        if counts:
            out.append(f"\nPython client requests per version: min {min(counts)}, median "
                       f"{statistics.median(counts):.0f}, max {max(counts)}.")
    out.append("\n### How it was measured\n")
    out.append("```\n" + e.get("R_SERVER_CMD", "?") + "\n" + e.get("R_LOAD_CMDS", "?") + "\n```\n")
    out.append("Each swap, as a publisher does it: copy `model.pt` into `DIR/.tmp-N+1/`, `mv` it to `DIR/N+1`, "
               "poll `GET /v1/models/m` until version N+1 is AVAILABLE and N is not (default policy: latest 1), "
               "then `rm -rf DIR/N`. The load runs from before the first swap until after the last; wrk "
               "counts statuses and the `X-Serval-Model-Version` of every answer (`bench/lifecycle/swap_load.lua`), "
               "and the Python client checks that each of its keep-alive connections sees versions only go up.\n")
    out.append("### Environment\n")
    out.append(env_lines())
    if n:
        out.append("\n<details><summary>Every swap</summary>\n")
        out.append("| swap | version | publish -> new AVAILABLE (s) | publish -> old gone (s) | old version's state then "
                   "| server's load (ms) | warm-up (ms) |")
        out.append("| ---: | ---: | ---: | ---: | --- | ---: | ---: |")
        for r in swaps:
            r = r + [""] * (8 - len(r))
            out.append(f"| {r[0]} | {r[1]} | {float(r[3]):.3f} | {float(r[4]):.3f} | {r[5]} "
                       f"| {r[6] or 'n/a'} | {r[7] or 'n/a'} |")
        out.append("\n</details>")
    if wrk:
        out.append("\n<details><summary>Raw wrk output</summary>\n\n```")
        out.append(open(a.wrk).read().rstrip())
        out.append("```\n\n</details>")
    print("\n".join(out))
    sys.exit(0 if ok else 3)


def overlap(intervals, t0, t1):
    return sum(max(0.0, min(b, t1) - max(a, t0)) for a, b in intervals)


def cmd_report_interference(a):
    e = os.environ
    rows = [dict(zip(("round", "condition", "start", "end", "wrk"), r.split("\t")))
            for r in open(a.rounds).read().splitlines()[1:] if r]
    ops = []
    if os.path.exists(a.churn):
        for r in open(a.churn).read().splitlines()[1:]:
            f = r.split("\t")
            f += [""] * (7 - len(f))
            ops.append({"op": f[0], "t0": float(f[1]), "t1": float(f[2]), "ok": f[3] == "1",
                        "load_ms": f[4], "warmup_ms": f[5], "detail": f[6]})
    loads = [(o["t0"], o["t1"]) for o in ops if o["op"] == "load"]
    unloads = [(o["t0"], o["t1"]) for o in ops if o["op"] == "unload"]
    for r in rows:
        r.update(parse_wrk(r["wrk"]))
        t0, t1 = float(r["start"]), float(r["end"])
        r["load_busy"] = overlap(loads, t0, t1) / (t1 - t0) * 100
        r["unload_busy"] = overlap(unloads, t0, t1) / (t1 - t0) * 100
        r["loads_done"] = sum(1 for a_, b in loads if t0 <= b <= t1)
    conds = ["steady", "loading"]

    def med(c, k):
        v = [r[k] for r in rows if r["condition"] == c and r[k] is not None]
        return statistics.median(v) if v else None
    m = {c: {k: med(c, k) for k in ("p50_ms", "p99_ms", "max_ms", "rps", "load_busy")} for c in conds}
    ratio = lambda k: (m["loading"][k] / m["steady"][k]) if m["loading"][k] and m["steady"][k] else None  # noqa: E731
    failures = sum(r["non2xx"] + r["socket_total"] for r in rows)
    bad_ops = [o for o in ops if not o["ok"]]
    load_times = [b - a_ for a_, b in loads]
    unload_times = [b - a_ for a_, b in unloads]
    out = [header("(b) p99 of one model while another (~45 MB) loads",
                  f"`{a.model}` under wrk while `{a.big}` ({a.big_mb:.1f} MiB TorchScript file) is unloaded and "
                  f"loaded again and again through the management API, against the same without loads; "
                  f"{a.rounds_wanted} round{'s' if a.rounds_wanted != 1 else ''} x {a.duration} s per condition, the order alternating per round.")]
    out.append("### Medians over rounds\n")
    out.append(f"| condition | {a.model} p50 (ms) | {a.model} p99 (ms) | max (ms) | req/s | time with a load of {a.big} in progress |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c in conds:
        mm = m[c]
        out.append(f"| {c} | {fmt_ms(mm['p50_ms'])} | {fmt_ms(mm['p99_ms'])} | {fmt_ms(mm['max_ms'])} "
                   f"| {mm['rps'] or 0:,.0f} | {mm['load_busy'] or 0:.0f}% |")
    r50, r99, rr = ratio("p50_ms"), ratio("p99_ms"), ratio("rps")
    out.append("")
    out.append("| ratio, loading / steady (of the medians) | value |")
    out.append("| --- | ---: |")
    out.append(f"| p99 | **{r99:.2f}x** |" if r99 else "| p99 | n/a |")
    out.append(f"| p50 | {r50:.2f}x |" if r50 else "| p50 | n/a |")
    out.append(f"| req/s | {rr:.2f}x |" if rr else "| req/s | n/a |")
    out.append("")
    out.append(f"{a.model} failed requests (non-2xx + socket errors) over all windows: **{failures}**. "
               f"Management calls: {len(loads)} loads (mean {statistics.mean(load_times) if load_times else 0:.3f} s, "
               f"max {max(load_times) if load_times else 0:.3f} s), {len(unloads)} unloads (mean "
               f"{statistics.mean(unload_times) if unload_times else 0:.3f} s), {len(bad_ops)} failed. "
               f"The server's own account of each {a.big} load, mean: load "
               f"{mean_max(floats(o['load_ms'] for o in ops), ' ms')}, warm-up "
               f"{mean_max(floats(o['warmup_ms'] for o in ops), ' ms')}.\n")
    if bad_ops:
        out.append("Failed management calls:\n\n```")
        out.extend(f"{o['op']} at {ts(o['t0'])}: {o['detail']}" for o in bad_ops[:10])
        out.append("```\n")
    out.append("### Per window\n")
    out.append("| round | condition | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | non-2xx | socket errors "
               "| loads done | load in progress | unload in progress |")
    out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        out.append(f"| {r['round']} | {r['condition']} | {r['requests']:,} | {r['rps']:,.0f} | {fmt_ms(r['p50_ms'])} "
                   f"| {fmt_ms(r['p99_ms'])} | {fmt_ms(r['max_ms'])} | {r['non2xx']} | {r['socket_total']} "
                   f"| {r['loads_done']} | {r['load_busy']:.0f}% | {r['unload_busy']:.0f}% |")
    out.append("\nSame-round p99 ratios (loading / steady): " + ", ".join(
        f"round {rd}: {x:.2f}x" for rd, x in sorted(
            ((rd, lo["p99_ms"] / st["p99_ms"]) for rd in {r["round"] for r in rows}
             for st in [next((r for r in rows if r["round"] == rd and r["condition"] == "steady"), None)]
             for lo in [next((r for r in rows if r["round"] == rd and r["condition"] == "loading"), None)]
             if st and lo and st["p99_ms"] and lo["p99_ms"]), key=lambda x: int(x[0]))) + ".\n")
    out.append("### How it was measured\n")
    out.append("```\n" + e.get("R_SERVER_CMD", "?") + "\n" + e.get("R_LOAD_CMDS", "?") + "\n```\n")
    out.append(f"In a `loading` window a driver (`lifecycle.py churn`) loops `POST /v1/manage/models/{a.big}/unload` "
               f"then `/load`, each blocking until the model has settled, from just before wrk starts until wrk "
               f"ends (it then finishes with a load, so `{a.big}` is loaded and idle in every `steady` window). "
               f"\"load in progress\": the share of the window during which a `/load` call was outstanding. "
               f"Both models live on the server's one core, so the load competes with `{a.model}`'s inference for "
               "CPU: this measures what a load costs the other model's tail on a busy core, not only locking.\n")
    out.append("### Environment\n")
    out.append(env_lines())
    out.append("\n<details><summary>Raw wrk output of every window</summary>\n")
    for r in rows:
        out.append(f"round {r['round']}, {r['condition']}:\n\n```")
        out.append(open(r["wrk"]).read().rstrip())
        out.append("```\n")
    out.append("</details>")
    print("\n".join(out))
    sys.exit(0 if failures == 0 and not bad_ops else 3)


def cmd_report_cycles(a):
    out = [header("(c) Server RSS over load/unload cycles",
                  "One TorchScript model at a time, in a fresh server, unloaded and loaded again through "
                  "the management API (each call blocks until settled), with one predict after each load; "
                  "the server's `/proc/PID/status` read along the way.")]
    summary = []
    curves = []
    ok = True
    for spec in a.runs:
        model, path = spec.split("=", 1)
        rows = [dict(zip(["cycle", "unix", "VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads", "fds",
                          "unload_s", "load_s", "predict_s", "srv_load_ms", "srv_warmup_ms", "mark"],
                         r.split("\t")))
                for r in open(path).read().splitlines()[1:] if r]
        for r in rows:
            for k in r:
                r[k] = float(r[k]) if r[k] != "" else None
        by = {int(r["cycle"]): r for r in rows}
        last = max(by)
        if 10 not in by:
            summary.append(f"| {model} | {last} | n/a (fewer than 10 cycles) | | | | | | | | |")
            continue
        r10, rl = by[10], by[last]
        growth = (rl["VmRSS"] - r10["VmRSS"]) / r10["VmRSS"] * 100
        # Less sensitive to the allocator's swings from one cycle to the next: the median over
        # cycles 10-19 against the median over the last 10 cycles.
        early = [by[i]["VmRSS"] for i in range(10, 20) if i in by]
        late = [by[i]["VmRSS"] for i in range(max(1, last - 9), last + 1) if i in by]
        med_growth = ((statistics.median(late) - statistics.median(early)) / statistics.median(early) * 100
                      if early and late and len(by) > 20 else None)
        rss_all = [r["VmRSS"] for r in rows if r["cycle"] >= 10]
        anon = (rl["RssAnon"] - r10["RssAnon"]) / r10["RssAnon"] * 100 if r10["RssAnon"] else 0.0
        kb_per = (rl["VmRSS"] - r10["VmRSS"]) / (last - 10) if last > 10 else 0.0
        met = growth <= 5.0
        med_met = med_growth is None or med_growth <= 5.0
        # The exit status follows the medians where there are enough cycles for them: one reading
        # against another can miss by the allocator's swing alone (see the note under the table).
        ok = ok and (med_met if med_growth is not None else met)
        summary.append(f"| {model} | {last} | {by[0]['VmRSS'] / 1024:.1f} | {r10['VmRSS'] / 1024:.1f} | "
                       f"{rl['VmRSS'] / 1024:.1f} | **{growth:+.2f}%** ({'met' if met else 'missed'}) | "
                       + ("n/a" if med_growth is None else
                          f"**{med_growth:+.2f}%** ({'met' if med_met else 'MISSED'})") + " | "
                       f"{min(rss_all) / 1024:.1f} - {max(rss_all) / 1024:.1f} | {anon:+.2f}% | "
                       f"{kb_per:+.1f} | {int(r10['Threads'])} -> {int(rl['Threads'])} | "
                       f"{int(r10['fds'])} -> {int(rl['fds'])} |")
        curve = [f"{model}:\n", "| cycle | VmRSS (MiB) | RssAnon (MiB) | RssFile (MiB) | VmHWM (MiB) | threads | fds "
                 "| unload (s) | load (s) | predict (s) | server's load / warm-up (ms) |",
                 "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            if not r.get("mark"):
                continue
            curve.append(f"| {int(r['cycle'])} | {r['VmRSS'] / 1024:.1f} | {r['RssAnon'] / 1024:.1f} | "
                         f"{r['RssFile'] / 1024:.1f} | {r['VmHWM'] / 1024:.1f} | {int(r['Threads'])} | {int(r['fds'])} "
                         f"| {r['unload_s']:.3f} | {r['load_s']:.3f} | {r['predict_s']:.3f} "
                         f"| {fmt_ms(r.get('srv_load_ms'))} / {fmt_ms(r.get('srv_warmup_ms'))} |")
        curves.extend(curve + [""])
    out.append("| model | cycles | RSS at start (MiB) | after cycle 10 (MiB) | after the last (MiB) | growth, 10 -> last "
               "(goal <= 5%) | growth of the medians, cycles 10-19 -> last 10 (goal <= 5%) | RSS range from "
               "cycle 10 on (MiB) | RssAnon growth, 10 -> last | kB per cycle, 10 -> last | threads, 10 -> last "
               "| open fds, 10 -> last |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    out.extend(summary)
    out.append("\nRSS at start: after the model's first load and one predict, before cycle 1. One cycle: "
               "`POST /v1/manage/models/{m}/unload`, `POST .../load` (checked: no version AVAILABLE after the "
               "first, one AVAILABLE after the second), then one predict (checked: 200). RSS is read after "
               "every cycle; the goal compares the reading after cycle 10 with the one after the last, and "
               "since the allocator's footprint swings from cycle to cycle with a large model (a reading can "
               "sit several MiB above or below its neighbours), the medians of cycles 10-19 and of the last "
               "10, and the range, are given too; the script's exit status follows the medians. A leak shows "
               "in both, and as a range that keeps climbing in the curve. kB per cycle: "
               "(VmRSS after the last - VmRSS after cycle 10) / (cycles - 10).\n")
    out.append("### Curves\n")
    out.extend(curves)
    out.append("\n### How it was measured\n")
    out.append("```\n" + os.environ.get("R_SERVER_CMD", "?") + "\n" + os.environ.get("R_LOAD_CMDS", "?") + "\n```\n")
    out.append("### Environment\n")
    out.append(env_lines())
    print("\n".join(out))
    sys.exit(0 if ok else 3)


def cmd_combine(a):
    parts = ["# Lifecycle benchmarks (issue 3, point 11)\n",
             "Each section below is written by its script in `bench/lifecycle/` to "
             "`bench/results/lifecycle_<name>.md`; this file is their concatenation, rebuilt by every run "
             "of any of them. Sections can come from different runs: each names its own date, commit and "
             "command. See `bench/README.md`, \"Lifecycle\".\n"]
    for name in SECTIONS:
        p = os.path.join(a.out_dir, f"lifecycle_{name}.md")
        if os.path.exists(p):
            parts.append(open(p).read().rstrip() + "\n")
        else:
            parts.append(f"## {name}\n\nNot run yet: `bench/lifecycle/{name}.sh`.\n")
    with open(os.path.join(a.out_dir, "lifecycle.md"), "w") as f:
        f.write("\n".join(parts))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("body")
    s.add_argument("model")
    s.add_argument("file")
    s = sub.add_parser("wait-available")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--model", action="append", required=True)
    s.add_argument("--timeout", type=float, default=180)
    s = sub.add_parser("client")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--model", required=True)
    s.add_argument("--body", required=True)
    s.add_argument("--threads", type=int, default=4)
    s.add_argument("--timeout", type=float, default=10)
    s.add_argument("--out", required=True)
    s = sub.add_parser("swaps")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--model", required=True)
    s.add_argument("--base", required=True)
    s.add_argument("--model-file", required=True)
    s.add_argument("--mgmt-port", type=int, default=0)
    s.add_argument("--first", type=int, default=1)
    s.add_argument("--swaps", type=int, required=True)
    s.add_argument("--timeout", type=float, default=120)
    s.add_argument("--poll", type=float, default=0.02)
    s.add_argument("--out", required=True)
    s.add_argument("--summary", required=True)
    s = sub.add_parser("churn")
    s.add_argument("--mgmt-port", type=int, required=True)
    s.add_argument("--model", required=True)
    s.add_argument("--timeout", type=float, default=300)
    s.add_argument("--out", required=True)
    s = sub.add_parser("cycles")
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--mgmt-port", type=int, required=True)
    s.add_argument("--model", required=True)
    s.add_argument("--cycles", type=int, required=True)
    s.add_argument("--every", type=int, default=100)
    s.add_argument("--predict", type=int, default=1)
    s.add_argument("--timeout", type=float, default=300)
    s.add_argument("--out", required=True)
    s = sub.add_parser("report-swaps")
    s.add_argument("--swaps", required=True)
    s.add_argument("--summary", required=True)
    s.add_argument("--client")
    s.add_argument("--wrk")
    s.add_argument("--model", required=True)
    s.add_argument("--first", type=int, default=1)
    s.add_argument("--swaps-wanted", type=int, required=True)
    s.add_argument("--connections", type=int, default=0)
    s.add_argument("--poll", type=float, default=0.02)
    s.add_argument("--fs-poll", default="1")
    s = sub.add_parser("report-interference")
    s.add_argument("--rounds", required=True)
    s.add_argument("--churn", required=True)
    s.add_argument("--model", required=True)
    s.add_argument("--big", required=True)
    s.add_argument("--big-mb", type=float, required=True)
    s.add_argument("--rounds-wanted", type=int, required=True)
    s.add_argument("--duration", type=int, required=True)
    s = sub.add_parser("report-cycles")
    s.add_argument("runs", nargs="+", help="MODEL=TSV")
    s = sub.add_parser("combine")
    s.add_argument("out_dir")
    a = p.parse_args()
    {"body": cmd_body, "wait-available": cmd_wait_available, "client": cmd_client, "swaps": cmd_swaps,
     "churn": cmd_churn, "cycles": cmd_cycles, "report-swaps": cmd_report_swaps,
     "report-interference": cmd_report_interference, "report-cycles": cmd_report_cycles,
     "combine": cmd_combine}[a.cmd](a)


if __name__ == "__main__":
    main()
