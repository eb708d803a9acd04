"""/metrics in prometheus-client's multiprocess mode (#15) against the one-process rendering.

`serve --workers N` renders /metrics from the workers' shared files (service/multiprocess.py,
`StateMirror`); with one worker's files, what it shows must be what the in-process registry
shows for the same requests and snapshot events: the same counters, the same gauges (less the
`pid` label per worker), a series that went away reading 0 instead of being absent. The mode is
switched on as prometheus-client does at import (its value class), for this test's app only; the
end-to-end test with two real worker processes is tests/e2e/test_workers.py. Then the folder of
the files: emptied at start and stop, or made and removed; exited workers' gauges dropped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import values
from prometheus_client.parser import text_string_to_metric_families

from index.snapshots import SnapshotStore
from recommender.errors import RecommenderError
from recommender.snapshot import ITEMS_FILE
from service.app import create_app
from service.multiprocess import ENV, enabled, forget_dead_workers, metrics_folder
from tests.conftest import make_settings
from tests.snapshot_faults import clone, flip_byte

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
# Differ between two runs of the same requests: the clock (ages, latencies).
TIMED = ("_age_seconds", "_duration_seconds_sum", "_duration_seconds_bucket", "_created")


@pytest.fixture
def multiprocess_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "metrics"
    folder.mkdir()
    monkeypatch.setenv(ENV, str(folder))
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue())
    assert enabled()
    yield folder


def scrape(client: TestClient) -> Samples:
    text = client.get("/metrics").text
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name.endswith(TIMED):
                continue
            labels = frozenset((k, v) for k, v in s.labels.items() if k != "pid")
            out[(s.name, labels)] = s.value
    return out


def exercise(client: TestClient, data_dir: Path) -> list[Samples]:
    """Requests, a rejected snapshot, its repair; a scrape after each step."""
    scrapes = []
    for article in ("banjir-1", "banjir-1", "banjir-2", "tidak-ada"):
        client.get("/v1/recommendations", params={"article_id": article})
    client.post("/v1/events", content="{}", headers={"content-type": "text/plain"})
    scrapes.append(scrape(client))
    store = SnapshotStore(data_dir / "snapshots")
    current = store.current_version()
    assert current is not None
    bad = clone(store, current)
    good = (bad / ITEMS_FILE).read_bytes()
    flip_byte(bad, ITEMS_FILE)
    store.point_to(bad.name)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with contextlib.suppress(RecommenderError):
        runtime.reload()
    scrapes.append(scrape(client))
    (bad / ITEMS_FILE).write_bytes(good)
    assert runtime.reload()
    client.get("/v1/recommendations", params={"article_id": "banjir-1"})
    scrapes.append(scrape(client))
    return scrapes


def run(data_dir: Path) -> list[Samples]:
    settings = make_settings(data_dir, reload_interval_seconds=0)
    with TestClient(create_app(settings)) as client:
        return exercise(client, data_dir)


def test_one_workers_files_show_what_the_process_shows(
    tmp_path: Path, built_dir: Path, multiprocess_mode: Path
) -> None:
    plain_dir, shared_dir = tmp_path / "plain", tmp_path / "shared"
    shutil.copytree(built_dir, plain_dir)
    shutil.copytree(built_dir, shared_dir)
    with pytest.MonkeyPatch.context() as patch:  # the reference: one process, no files
        patch.setattr(values, "ValueClass", values.MutexValue)
        plain = run(plain_dir)
    shared = run(shared_dir)
    assert list(multiprocess_mode.glob("*.db"))  # it did write the files
    for step, (expected, found) in enumerate(zip(plain, shared, strict=True)):
        # Snapshot versions differ between the two data dirs (clones are named by the clock).
        expected, found = without_versions(expected), without_versions(found)
        gone = {key for key in found.keys() - expected.keys() if found[key] == 0}
        assert {k: v for k, v in found.items() if k not in gone} == expected, step
    rejected = [k for k in shared[2] if k[0] == "recommender_snapshot_rejected"]
    assert rejected and all(shared[2][k] == 0 for k in rejected)  # repaired: reads 0
    assert not [k for k in plain[2] if k[0] == "recommender_snapshot_rejected"]  # absent


def without_versions(samples: Samples) -> Samples:
    out: Samples = {}
    for (name, labels), value in samples.items():
        kept = frozenset((k, v) for k, v in labels if k != "version")
        out[(name, kept)] = out.get((name, kept), 0) + value
    return out


def test_a_configured_folder_is_emptied_of_metric_files_at_start_and_stop(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_4242.db").write_bytes(b"old counts")
    (folder / "README").write_text("not ours")
    before = os.environ.get(ENV)
    with metrics_folder(folder) as used:
        assert used == folder and os.environ[ENV] == str(folder)
        assert sorted(p.name for p in folder.iterdir()) == ["README"]
        (folder / "counter_4343.db").write_bytes(b"this server's")
    assert sorted(p.name for p in folder.iterdir()) == ["README"]
    assert os.environ.get(ENV) == before


def test_without_a_configured_folder_a_new_one_is_made_and_removed() -> None:
    with metrics_folder(None) as used:
        assert used.is_dir() and not list(used.iterdir())
        assert os.environ[ENV] == str(used)
    assert not used.exists()


def test_gauges_of_exited_workers_are_dropped_and_their_counts_kept(tmp_path: Path) -> None:
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    names = [
        f"gauge_liveall_{exited.pid}.db",
        f"gauge_livemax_{exited.pid}.db",
        f"counter_{exited.pid}.db",
        f"gauge_liveall_{os.getpid()}.db",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    forget_dead_workers(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([f"counter_{exited.pid}.db", f"gauge_liveall_{os.getpid()}.db"])


def test_an_unusable_metrics_dir_is_a_clear_error(tmp_path: Path) -> None:
    """`RECOMMENDER_METRICS_DIR` under a file: refused before any worker starts, naming it."""
    import re

    from recommender.errors import InvalidInput
    from service.multiprocess import ENV, metrics_folder

    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    folder = tmp_path / "taken" / "metrics"
    before = os.environ.get(ENV)
    expected = re.escape(f"metrics_dir {folder}: cannot use it: Not a directory")
    with pytest.raises(InvalidInput, match=expected), metrics_folder(folder):
        pass
    assert os.environ.get(ENV) == before
