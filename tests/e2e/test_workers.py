"""`recommender serve --workers 2` (#15, point 2): `/metrics` is the sum over the workers.

A real server process with two uvicorn workers (tests/replicas.py) on the tiny snapshot, its
metric files in a folder the test names (RECOMMENDER_METRICS_DIR) so that each worker's own share
can be read from its files and compared with what `/metrics` answers.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.multiprocess import MultiProcessCollector

from index.snapshots import SnapshotStore
from recommender.snapshot import ITEMS_FILE
from tests.replicas import Replica, current_version, replica_env, running_replicas
from tests.snapshot_faults import clone, flip_byte

REQUESTS = 60
ROUTE = 'recommender_http_requests_total{method="GET",route="/v1/recommendations",status="200"}'
STALE = 1000.0


def ask(replica: Replica) -> int:
    """One widget request on a new connection (the kernel hands each to either worker)."""
    with httpx.Client(base_url=replica.base, timeout=10) as http:
        return http.get("/v1/recommendations", params={"article_id": "banjir-1"}).status_code


def answered_per_worker(folder: Path) -> dict[int, float]:
    """Widget answers counted in each worker's own counter file."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        total = 0.0
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):
            for sample in metric.samples:
                if sample.name == "recommender_http_requests_total" and (
                    sample.labels.get("route") == "/v1/recommendations"
                ):
                    total += sample.value
        counts[pid] = total
    return counts


def stale_counts(folder: Path) -> None:
    """A dead server's counter file left in the folder (a process that counted STALE answers)."""
    code = (
        "from prometheus_client import Counter; "
        "Counter('recommender_http_requests', 'x', ['route', 'method', 'status'], registry=None)"
        f".labels('/v1/recommendations', 'GET', '200').inc({STALE})"
    )
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert list(folder.glob("counter_*.db"))


def total(text: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(ROUTE))
    return float(line.rsplit(" ", 1)[1])


def loaded(text: str) -> dict[str, str]:
    """pid -> version of the snapshot_info series whose value is 1."""
    found = re.findall(r'recommender_snapshot_info\{pid="(\d+)",version="(\w+)"\} 1\.0', text)
    return dict(found)


def test_metrics_are_summed_over_the_workers(tmp_path: Path, built_dir: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built_dir, data_dir)
    folder = tmp_path / "metrics"
    folder.mkdir()
    stale_counts(folder)
    env = replica_env(data_dir, metrics_dir=folder, reload_interval_seconds=0.2)
    with running_replicas(1, env, tmp_path / "logs", workers=2) as (server,):
        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(lambda _: ask(server), range(REQUESTS)))
        assert statuses == [200] * REQUESTS
        # Both workers answered some (each counted its own), and none of the stale count is left.
        per_worker = answered_per_worker(folder)
        assert len(per_worker) == 2, per_worker
        assert all(count > 0 for count in per_worker.values()), per_worker
        assert sum(per_worker.values()) == REQUESTS
        # Whichever worker answers the scrape (a new connection each time), it is the sum.
        scrapes = [httpx.get(server.base + "/metrics", timeout=10).text for _ in range(6)]
        assert [total(text) for text in scrapes] == [REQUESTS] * 6
        first = current_version(data_dir)
        assert loaded(scrapes[-1]) == {str(pid): first for pid in per_worker}

        # A new snapshot: each worker reloads it, and the scrape shows it per worker.
        store = SnapshotStore(data_dir / "snapshots")
        second = clone(store, first).name
        store.point_to(second)
        deadline = time.monotonic() + 60
        while loaded(text := server.metrics()) != {str(pid): second for pid in per_worker}:
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
        pid = next(iter(per_worker))
        assert f'recommender_snapshot_info{{pid="{pid}",version="{first}"}} 0.0' in text

        # A corrupted one: each worker rejects it once; the scrape counts both rejections (a
        # counter is the sum) and shows the rejection once (a gauge, 1 when any worker rejects).
        third = clone(store, second)
        flip_byte(third, ITEMS_FILE)
        store.point_to(third.name)
        failures = 'recommender_snapshot_load_failures_total{reason="checksum"} 2.0'
        while failures not in (text := server.metrics()):
            assert time.monotonic() < deadline, text
            time.sleep(0.2)
        rejected = f'recommender_snapshot_rejected{{reason="checksum",version="{third.name}"}} 1.0'
        assert rejected in text
        assert loaded(text) == {str(pid): second for pid in per_worker}
    assert not list(folder.glob("*.db"))  # the folder is emptied when the server stops
