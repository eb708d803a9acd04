"""Memory of `recommender serve --workers N`: what each extra worker costs, the snapshot's arrays
being memory-mapped (shared page cache) by every worker rather than copied (#15, point 2).

Usage: ``python benchmarks/workers_memory.py [--items 100000] [--workers 1,2,4] [--requests 4000]
[--in-memory-max-bytes N]``.

A synthetic snapshot (`synthetic.py`) of `--items` items is served by `recommender serve` with 1,
2 and 4 workers in turn (the same run, the same snapshot). Each server gets `--requests` answers
for articles drawn uniformly over the catalogue, from 8 client threads on fresh connections (so
every worker takes a share: its CPU time is reported), then each worker's memory is read from
/proc/PID/smaps_rollup: RSS, PSS (shared pages divided among their users), and private bytes (its
alone). The cost of an extra worker is the growth of the processes' summed PSS per added worker,
against one worker's PSS (`extra_worker_ratio`, baseline in the same run) and against the
snapshot's mapped arrays (`extra_worker_to_arrays`). One JSON line per worker count.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from serve import Server, cpu_seconds, free_port, snapshot_sizes  # noqa: E402
from synthetic import build_synthetic_snapshot  # noqa: E402

from index.snapshots import SnapshotStore  # noqa: E402
from recommender.snapshot import ITEMS_FILE  # noqa: E402

MIB = 1024 * 1024
CLIENTS = 8


class Workers(Server):
    """`recommender serve --workers N` (serve.py's Server, with workers)."""

    def __init__(self, data_dir: Path, log: Path, workers: int, extra_env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "recommender.cli", "serve", "--data-dir", str(data_dir)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        env = {**os.environ, "PYTHONPATH": str(REPO), **extra_env}
        self.log = log.open("wb")
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=self.log, env=env)


def rollup(pid: int) -> dict[str, float]:
    """MiB of one process from smaps_rollup: rss, pss, private (clean + dirty), anonymous."""
    kb: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        kb[key] = int(rest.split()[0])
    return {
        "rss_mb": round(kb["Rss"] / 1024, 1),
        "pss_mb": round(kb["Pss"] / 1024, 1),
        "private_mb": round((kb["Private_Clean"] + kb["Private_Dirty"]) / 1024, 1),
        "anon_mb": round(kb["Anonymous"] / 1024, 1),
    }


def children(pid: int) -> list[int]:
    """The worker processes of a supervisor (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return [p for p in found if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]


def drive(base: str, ids: list[str], requests: int) -> None:
    """`requests` answers over fresh connections (urllib: one each), from CLIENTS threads."""
    rng = random.Random(5)
    chosen = [rng.choice(ids) for _ in range(requests)]

    def client(part: list[str]) -> None:
        for article in part:
            url = f"{base}/v1/recommendations?article_id={article}"
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()

    threads = [threading.Thread(target=client, args=(chosen[n::CLIENTS],)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(
    data_dir: Path, workers: int, ids: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    log = Path(tempfile.gettempdir()) / f"workers-memory-{workers}.log"
    env = {}
    if args.in_memory_max_bytes is not None:
        env["RECOMMENDER_SNAPSHOT_IN_MEMORY_MAX_BYTES"] = str(args.in_memory_max_bytes)
    server = Workers(data_dir, log, workers, env)
    try:
        server.wait_ready(timeout=120)
        deadline = time.monotonic() + 120
        while len(children(server.proc.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        drive(server.base, ids, args.requests)
        pids = children(server.proc.pid) if workers > 1 else [server.proc.pid]
        per = [{"pid": p, **rollup(p), "cpu_s": round(cpu_seconds(p), 2)} for p in pids]
        supervisor = rollup(server.proc.pid) if workers > 1 else None
    finally:
        server.stop()
    total_pss = sum(w["pss_mb"] for w in per) + (supervisor["pss_mb"] if supervisor else 0.0)
    return {
        "workers": workers,
        "per_worker": per,
        "supervisor": supervisor,
        "total_pss_mb": round(total_pss, 1),
        "mean_worker_rss_mb": round(sum(w["rss_mb"] for w in per) / len(per), 1),
        "mean_worker_private_mb": round(sum(w["private_mb"] for w in per) / len(per), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--requests", type=int, default=4_000)
    parser.add_argument(
        "--in-memory-max-bytes",
        type=int,
        help="SNAPSHOT_IN_MEMORY_MAX_BYTES of the servers (default: the setting's, 64 MiB; 0 maps"
        " every array)",
    )
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    emit({"bench": "workers_memory", "case": "machine", **machine()})
    with tempfile.TemporaryDirectory(prefix="bench-workers-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        note(f"workers_memory: building a synthetic snapshot of {args.items} items")
        build_synthetic_snapshot(data_dir, args.items)
        store = SnapshotStore(data_dir / "snapshots")
        version = store.current_version()
        assert version is not None
        folder = store.path(version)
        sizes = snapshot_sizes(folder)
        lines = (folder / ITEMS_FILE).read_bytes().splitlines()
        ids = [line.split(b'"id":"', 1)[1].split(b'"', 1)[0].decode() for line in lines]
        rows = []
        for workers in counts:
            note(f"workers_memory: {workers} worker(s)")
            rows.append(measure(data_dir, workers, ids, args))
    one = rows[0]
    for row in rows:
        extra = row["workers"] - one["workers"]
        per_extra = (row["total_pss_mb"] - one["total_pss_mb"]) / extra if extra else None
        emit({
            "bench": "workers_memory",
            "case": f"workers_{row['workers']}",
            "items": args.items,
            "snapshot_in_memory_max_bytes": args.in_memory_max_bytes,
            **sizes,
            **row,
            "pss_per_extra_worker_mb": round(per_extra, 1) if per_extra is not None else None,
            "extra_worker_ratio": round(per_extra / one["total_pss_mb"], 3)
            if per_extra is not None else None,
            "extra_worker_to_arrays": round(per_extra / sizes["serving_mb"], 3)
            if per_extra is not None else None,
        })  # fmt: skip


if __name__ == "__main__":
    main()
