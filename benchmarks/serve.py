"""Serving speed: the real server (`recommender serve`, uvicorn) under `wrk`, on loopback.

Usage: ``python benchmarks/serve.py [--sizes 10000,100000] [--million] [--data-dir DIR]``.

For each snapshot (synthetic items with random vectors of each size, see `synthetic.py`, or an
existing data dir) it starts the server as its own process with the production settings, then
drives it with `wrk` (another process, fixed duration, a fixed number of connections) through
these cases, in the same run:

- `healthz`: `GET /healthz`, the framework's floor (an async route returning a constant);
- `article_hot`: a known article from a set of 100 "most read" ones (the response cache's case);
- `article`: a known article drawn uniformly from the whole catalogue (mostly cache misses);
- `history`: an article plus `history=` of 2 read ids (personal: never cached; the widget sends
  the reader's last one or two articles);
- `history10`: the same with 10 read ids;
- `filters`: an article plus `section=` (drawn uniformly).

Each case is measured in `--rounds` paired rounds (5 by default): a run of the floor, then a
run of the case, each `--duration` seconds; a pair's ratio is the case's requests/s over its own
floor run's, and the median pair is reported (its ratio in `ratio_to_floor`, every pair's in
`ratio_rounds`). On a shared machine the floor drifts between runs a minute apart by more than a
case's own changes, and one floor run compared with every case skews them all; single pairs
still swing (0.47 to 0.96 for the same code within one run here), hence five.

One JSON line per case: requests/s, client p50/p99 (wrk, includes queueing behind the other
connections), server-side p50/p99 (from the server's own latency histogram, the time inside the
app), the ratio to the floor, the cache hit ratio, the snapshot's size and the server's memory.
A last line checks the targets. Needs `wrk` (Debian: `apt-get install wrk`); skips without it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import counter, emit, histogram, machine, note, proc_memory, quantile  # noqa: E402
from synthetic import SECTIONS, build_synthetic_snapshot  # noqa: E402

from index.snapshots import SnapshotStore  # noqa: E402
from recommender.snapshot import ITEMS_FILE  # noqa: E402

LUA = r"""
local ids, sections, mode = {}, {}, nil
init = function(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  for word in string.gmatch(args[2], "[^,]+") do sections[#sections + 1] = word end
  mode = args[3]
  math.randomseed(tonumber(args[4]))
end
request = function()
  if mode == "healthz" then return wrk.format("GET", "/healthz") end
  local n = #ids
  if mode == "article_hot" then n = math.min(HOT, n) end
  local path = "/v1/recommendations?article_id=" .. ids[math.random(n)]
  if mode == "history" or mode == "history10" then
    local read, count = {}, HISTORY
    if mode == "history10" then count = 10 end
    for i = 1, count do read[i] = ids[math.random(#ids)] end
    path = path .. "&history=" .. table.concat(read, ",")
  elseif mode == "filters" then
    path = path .. "&section=" .. sections[math.random(#sections)]
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,'
    .. '"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""
ROUTE = "/v1/recommendations"
FLOOR = "healthz"
CASES = (FLOOR, "article_hot", "article", "history", "history10", "filters")
HOT = 100  # "most read" articles in the hot case
HISTORY = 2  # ids in the history case (history10: 10)
LATENCY = "recommender_http_request_duration_seconds"
TARGETS = {"article": 0.8, "history": 0.5}
P99_TARGET_MS = 2.0
RSS_TARGET = 1.3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


class Server:
    """`recommender serve` in its own process, on a free loopback port."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "recommender.cli", "serve", "--data-dir", str(data_dir)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.log = log.open("wb")
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=self.log, env=env)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                get(self.base + "/readyz")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def wrk(
    base: str, ids: Path, case: str, seconds: float, connections: int, seed: int = 7
) -> dict[str, Any]:
    """Drive `base` with wrk for `seconds`; each request is drawn at random for `case`, from
    the random sequence `seed` names."""
    script = ids.with_name("cases.lua")
    script.write_text(LUA.replace("HOT", str(HOT)).replace("HISTORY", str(HISTORY)))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script)]
    command += [base + "/", "--", str(ids), ",".join(SECTIONS), case, str(seed)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result: dict[str, Any] = json.loads(line[6:])
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (robust to other load on the machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def snapshot_sizes(folder: Path) -> dict[str, float]:
    """MiB on disk: the whole snapshot, and what the server holds: every array it maps (vectors,
    dense neighbour lists, hybrid related lists with their score parts) and the item records.
    The FAISS index files are not opened by the server (a known article is never searched)."""
    mib = 1024 * 1024
    total = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    arrays = sum(p.stat().st_size for p in folder.glob("*.npy"))
    items = (folder / ITEMS_FILE).stat().st_size
    return {
        "snapshot_mb": round(total / mib, 1),
        "serving_mb": round((arrays + items) / mib, 1),
        "items_file_mb": round(items / mib, 1),
    }


class Measure:
    """One measured run of a case against a running server: wrk's figures, the server's own
    latency quantiles and CPU per request, and the response cache's hits, over that run."""

    def __init__(self, server: Server, id_file: Path, args: argparse.Namespace) -> None:
        self.server, self.id_file, self.args = server, id_file, args

    def __call__(self, case: str, round_: int) -> dict[str, Any]:
        base, args = self.server.base, self.args
        # Warm-up on another random sequence: with the measured one, the warm-up would have put
        # the first second's answers in the response cache (uniform 1M: 34% "hits"). Each round
        # draws its own sequences.
        wrk(base, self.id_file, case, 1, args.connections, seed=8 + 10 * round_)
        before = get(base + "/metrics").decode()
        cpu = cpu_seconds(self.server.proc.pid)
        result = wrk(base, self.id_file, case, args.duration, args.connections, 7 + 10 * round_)
        cpu = cpu_seconds(self.server.proc.pid) - cpu
        after = get(base + "/metrics").decode()
        labels = {"route": "/healthz" if case == FLOOR else ROUTE, "status": "200"}
        h0, h1 = histogram(before, LATENCY, labels), histogram(after, LATENCY, labels)
        hits, misses = (
            counter(after, f"recommender_response_cache_{k}")
            - counter(before, f"recommender_response_cache_{k}")
            for k in ("hits", "misses")
        )
        server_p50, server_p99 = quantile(0.5, h0, h1), quantile(0.99, h0, h1)
        return {
            "rps": result["requests"] / (result["duration_us"] / 1e6),
            "p50_ms": round(result["p50_us"] / 1000, 3),
            "p99_ms": round(result["p99_us"] / 1000, 3),
            "server_p50_ms": round(server_p50 * 1000, 3) if server_p50 is not None else None,
            "server_p99_ms": round(server_p99 * 1000, 3) if server_p99 is not None else None,
            "cache_hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None,
            "server_cpu_us_per_request": round(cpu / result["requests"] * 1e6, 1),
            "errors": result["status_errors"] + result["socket_errors"],
            "requests": result["requests"],
        }


def run_size(label: str, data_dir: Path, args: argparse.Namespace, work: Path) -> list[dict]:
    store = SnapshotStore(data_dir / "snapshots")
    version = store.current_version()
    assert version is not None, f"no snapshot under {data_dir}"
    folder = store.path(version)
    manifest = store.snapshots()[0].manifest if store.snapshots() else {}
    ids = [line.split(b'"id":"', 1)[1].split(b'"', 1)[0].decode() for line in _lines(folder)]
    random.Random(11).shuffle(ids)  # the first HOT ids are the hot articles
    id_file = work / f"ids-{label}.txt"
    id_file.write_text("\n".join(ids) + "\n")
    server = Server(data_dir, work / f"server-{label}.log")
    rows: list[dict] = []
    try:
        started = time.perf_counter()
        server.wait_ready(timeout=args.ready_timeout)
        ready_s = time.perf_counter() - started
        schema = json.loads(get(server.base + "/openapi.json"))
        operation = schema["paths"][ROUTE]["get"]
        query_params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        measure = Measure(server, id_file, args)
        # Paired rounds: every case right after a floor run of its own, the ratio taken per
        # pair and its median over the rounds kept: on a shared machine the floor drifts by
        # more than a case's changes between runs a minute apart.
        floors: list[dict[str, Any]] = []
        paired: dict[str, list[tuple[float, dict[str, Any]]]] = {c: [] for c in CASES[1:]}
        for round_ in range(args.rounds):
            for case in CASES[1:]:
                floor = measure(FLOOR, round_)
                got = measure(case, round_)
                floors.append(floor)
                paired[case].append((got["rps"] / floor["rps"], got))
        floor_runs = sorted(floors, key=lambda m: m["rps"])
        chosen = {FLOOR: (1.0, floor_runs[len(floor_runs) // 2])}
        for case, runs in paired.items():
            chosen[case] = sorted(runs, key=lambda pair: pair[0])[len(runs) // 2]
        for case in CASES:
            ratio, got = chosen[case]
            row = {
                "bench": "serve",
                "case": case,
                "items": len(ids),
                "snapshot": label,
                "neighbours": manifest.get("neighbours", "exact"),
                "rps": round(got["rps"], 1),
                "ratio_to_floor": round(ratio, 3),
                "ratio_rounds": [round(r, 3) for r, _ in paired[case]] if case != FLOOR else None,
                **{k: v for k, v in got.items() if k != "rps"},
                **proc_memory(server.proc.pid),
                **snapshot_sizes(folder),
                "ready_s": round(ready_s, 2),
                "connections": args.connections,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "history_param": "history" in query_params,
                "filter_param": "section" in query_params,
            }
            row["rss_ratio"] = round(row["rss_mb"] / row["serving_mb"], 3)
            # Python objects (records, lookup tables) against the records file they come from.
            row["anon_to_items_file"] = round(row["rss_anon_mb"] / row["items_file_mb"], 2)
            emit(row)
            rows.append(row)
    finally:
        server.stop()
    return rows


def _lines(folder: Path) -> list[bytes]:
    with (folder / ITEMS_FILE).open("rb") as handle:
        return [line for line in handle if line.strip() and b'"sponsor":null' in line]


def verdict(rows: list[dict]) -> dict[str, Any]:
    """Which targets the run met, at the largest size measured."""
    largest = max(r["items"] for r in rows)
    at = {r["case"]: r for r in rows if r["items"] == largest}
    checks = {
        f"{case}_ratio>={floor}": at[case]["ratio_to_floor"] >= floor
        for case, floor in TARGETS.items()
        if case in at
    }
    if "article_hot" in at:
        checks[f"article_hot_ratio>={TARGETS['article']}"] = (
            at["article_hot"]["ratio_to_floor"] >= TARGETS["article"]
        )
    if "article" in at and at["article"]["server_p99_ms"] is not None:
        checks[f"article_server_p99<={P99_TARGET_MS}ms"] = (
            at["article"]["server_p99_ms"] <= P99_TARGET_MS
        )
    checks[f"rss_ratio<={RSS_TARGET}"] = max(r["rss_ratio"] for r in at.values()) <= RSS_TARGET
    return {"bench": "serve", "summary": True, "items": largest, "targets": checks}


def at_least_one(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (got {value})")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="synthetic snapshot sizes")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 items (~10 min)")
    parser.add_argument("--data-dir", type=Path, help="benchmark this data dir instead")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run of a case")
    parser.add_argument(
        "--rounds",
        type=at_least_one,
        default=5,
        help="paired rounds (floor, then case); median kept",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--ready-timeout", type=float, default=900.0)
    parser.add_argument("--work-dir", type=Path, help="keep synthetic snapshots here (reused)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        note("skipped: `wrk` is not installed (Debian: apt-get install wrk)")
        return
    emit({"bench": "serve", "machine": machine(), "note": "2 cores shared with other work"})
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        if args.data_dir:
            rows += run_size(args.data_dir.name, args.data_dir, args, work)
        else:
            sizes = [int(s) for s in args.sizes.split(",") if s]
            sizes += [1_000_000] if args.million else []
            for n in sizes:
                data_dir = work / f"synthetic-{n}"
                if SnapshotStore(data_dir / "snapshots").current_version() is None:
                    started = time.perf_counter()
                    build_synthetic_snapshot(data_dir, n)
                    note(
                        f"built synthetic snapshot of {n} items in {time.perf_counter() - started:.0f} s"
                    )
                rows += run_size(f"synthetic-{n}", data_dir, args, work)
        emit(verdict(rows))
    finally:
        if args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
