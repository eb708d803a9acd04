"""Snapshots are written whole, then published by flipping CURRENT; the live one is never touched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.snapshots import SnapshotStore
from recommender.serving.catalog import Catalog
from tests.conftest import CORPUS, make_settings, model_cache_dir, model_name


def test_publish_flips_pointer_and_manifest_is_complete(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    [info] = store.snapshots()
    assert info.current and store.current_version() == info.version
    m = info.manifest
    assert m["version"] == info.version
    assert m["model"]["dimension"] > 0 and m["model"]["name"] == model_name()
    assert m["counts"] == {"items": 31, "article": 21, "video": 6, "sponsored": 4}
    assert set(m) >= {"created_at", "package_version", "settings_hash", "neighbours_k"}
    catalog = Catalog.load(info.path)
    assert "retracted-1" not in catalog.row_of  # unpublished items are never in a snapshot


def test_unsealed_folder_is_never_current_and_is_cleaned(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    good = store.current_version()
    staging = store.begin()
    (staging / "items.jsonl").write_text("half", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        store.point_to(staging.name)
    assert store.current_version() == good
    assert [i.version for i in store.snapshots()] == [good]
    assert store.clean_temporary() == [staging.name]
    assert not staging.exists()


def test_prune_keeps_newest_and_current(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    versions = []
    for _ in range(4):
        versions.append(store.publish(store.begin(), {"n": len(versions)}))
    store.point_to(versions[0])
    removed = store.prune(2)
    left = [i.version for i in store.snapshots()]
    assert versions[0] in left and versions[3] in left and versions[2] in left
    assert removed == [versions[1]]


def test_killed_build_leaves_previous_snapshot_serving(data_dir: Path) -> None:
    """SIGKILL a real `recommender build` at several moments; the old snapshot always survives."""
    store = SnapshotStore(data_dir / "snapshots")
    before = store.current_version()
    env = {
        **os.environ,
        "RECOMMENDER_MODEL": model_name(),
        "RECOMMENDER_MODEL_CACHE_DIR": str(model_cache_dir()),
        "RECOMMENDER_DATA_DIR": str(data_dir),
    }
    cmd = [sys.executable, "-m", "recommender.cli", "build", "--input", str(CORPUS)]
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = store.current_version()
        assert current is not None
        catalog = Catalog.load(store.path(current))  # whatever CURRENT names is complete
        assert catalog.size == 31
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["snapshot"] == store.current_version() != before
    assert not [p for p in (data_dir / "snapshots").iterdir() if p.name.startswith(".tmp-")]
    settings = make_settings(data_dir)
    assert len(store.snapshots()) <= settings.keep_snapshots
