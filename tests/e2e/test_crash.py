"""SIGKILL a real build or update at exact points; the previous snapshot keeps serving throughout.

The points come from the test-only hook in recommender/faults.py (RECOMMENDER_CRASH_AT): during
embedding, in the middle of writing the staging folder, and with the new snapshot sealed but
CURRENT not yet flipped to it. After each kill: CURRENT still names the previous snapshot, every
sealed snapshot loads completely, a service following CURRENT never failed a request nor served
anything else, and the next run succeeds and removes the leftover temporary folders. A build is
also killed at moments spread over its run, wherever they fall.

The jobs are real `recommender` processes (tests/e2e/tiny_cli.py) on data dirs of the tiny
encoder: each starts in about a second instead of loading the real model.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.snapshots import TMP_PREFIX, SnapshotStore
from recommender.faults import CRASH_ENV
from recommender.serving.catalog import Catalog
from service.app import create_app
from tests.conftest import CORPUS, REPO, make_settings, tiny_env

CLI = [sys.executable, "-m", "tests.e2e.tiny_cli"]


def job_command(job: str, data_dir: Path, tmp: Path) -> list[str]:
    """A build of the corpus plus one new article, or an update adding that article."""
    first = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    new = {
        **first,
        "id": "gempa-crash",
        "title": "Gempa Magnitudo 5,2 Guncang Cianjur, Warga Berhamburan ke Luar Rumah",
        "url": "https://kabar.example/nasional/gempa-crash",
    }
    source = tmp / f"{job}.jsonl"
    rows = CORPUS.read_text(encoding="utf-8") if job == "build" else ""
    source.write_text(rows + json.dumps(new) + "\n", encoding="utf-8")
    return [*CLI, job, "--input", str(source)]


def job_env(data_dir: Path, crash_at: str | None) -> dict[str, str]:
    env = {**os.environ, **tiny_env(data_dir)}
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    return env


@contextmanager
def watched_service(data_dir: Path) -> Iterator[list[str]]:
    """A service following CURRENT every 50 ms, asked continuously; yields the versions served."""
    settings = make_settings(data_dir, reload_interval_seconds=0.05)
    served: list[str] = []
    stop = threading.Event()
    with TestClient(create_app(settings)) as client:

        def ask() -> None:
            while not stop.wait(0.02):
                r = client.get("/v1/recommendations", params={"article_id": "banjir-1"})
                served.append(r.json()["snapshot"] if r.status_code == 200 else f"!{r.text}")

        thread = threading.Thread(target=ask)
        thread.start()
        try:
            yield served
        finally:
            stop.set()
            thread.join()


def assert_all_sealed_snapshots_load(store: SnapshotStore) -> None:
    for info in store.snapshots():
        catalog = Catalog.load(info.path)
        assert catalog.size == info.manifest["counts"]["items"]
        assert not info.version.startswith(TMP_PREFIX)


def crash_then_recover(job: str, points: tuple[str, ...], data_dir: Path, tmp: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    before = store.current_version()
    command = job_command(job, data_dir, tmp)
    with watched_service(data_dir) as served:
        for point in points:
            killed = subprocess.run(
                command, env=job_env(data_dir, point), cwd=REPO, capture_output=True, timeout=300
            )
            assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
            assert not killed.stdout  # no summary: it never finished
            assert store.current_version() == before, point
            current = Catalog.load(store.path(before or ""))
            assert "gempa-crash" not in current.row_of
            assert_all_sealed_snapshots_load(store)
            leftovers = [p.name for p in store.root.iterdir() if p.name.startswith(TMP_PREFIX)]
            assert bool(leftovers) == (point == "index"), (point, leftovers)
        assert served and set(served) == {before}, sorted(set(served))[:3]
    done = subprocess.run(
        command, env=job_env(data_dir, None), cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["snapshot"] == store.current_version() != before
    assert "gempa-crash" in Catalog.load(store.path(summary["snapshot"])).row_of
    assert not [p for p in store.root.iterdir() if p.name.startswith(TMP_PREFIX)]
    assert_all_sealed_snapshots_load(store)


def test_update_killed_before_the_pointer_flip(data_dir: Path, tmp_path: Path) -> None:
    crash_then_recover("update", ("flip",), data_dir, tmp_path)


@pytest.mark.slow
def test_update_killed_while_embedding_and_writing(data_dir: Path, tmp_path: Path) -> None:
    crash_then_recover("update", ("embedding", "index"), data_dir, tmp_path)


@pytest.mark.slow
def test_build_killed_at_every_point(data_dir: Path, tmp_path: Path) -> None:
    crash_then_recover("build", ("embedding", "index", "flip"), data_dir, tmp_path)


def test_killed_build_leaves_a_complete_snapshot_current(data_dir: Path) -> None:
    """SIGKILL a real `recommender build` at moments spread over its run (before, during and
    after its work, wherever they fall): whatever CURRENT names is always complete."""
    store = SnapshotStore(data_dir / "snapshots")
    before = store.current_version()
    env = job_env(data_dir, None)
    cmd = [*CLI, "build", "--input", str(CORPUS)]
    started = time.monotonic()
    subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=True, timeout=300)
    run_time = time.monotonic() - started
    for fraction in (0.3, 0.6, 0.9):
        proc = subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        time.sleep(run_time * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = store.current_version()
        assert current is not None
        catalog = Catalog.load(store.path(current))  # whatever CURRENT names is complete
        assert catalog.size == 31
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["snapshot"] == store.current_version() != before
    assert not [p for p in (data_dir / "snapshots").iterdir() if p.name.startswith(TMP_PREFIX)]
    settings = make_settings(data_dir)
    assert len(store.snapshots()) <= settings.jobs.keep_snapshots
