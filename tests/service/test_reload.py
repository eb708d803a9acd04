"""The running service follows CURRENT on its own: new snapshots swap in without failed requests."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from index.snapshots import SnapshotStore, new_version
from recommender.jobs import run_update
from recommender.pipeline.embed import Encoder
from recommender.settings import Settings
from service.app import create_app
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder


def served_version(client: httpx.Client | TestClient) -> str:
    response = client.get("/v1/recommendations", params={"article_id": "timnas-1"})
    assert response.status_code == 200, response.text
    version: str = response.json()["snapshot"]
    return version


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the service did not follow in time"
        time.sleep(0.05)


def new_item(n: int) -> dict[str, object]:
    first = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    return {
        **first,
        "id": f"timnas-baru-{n}",
        "title": f"Timnas Indonesia Bersiap Hadapi Laga Kualifikasi ke-{n}",
        "url": f"https://kabar.example/sport/timnas-baru-{n}",
    }


def publish_update(settings: Settings, embedder: Encoder, tmp: Path, n: int) -> str:
    source = tmp / f"new-{n}.jsonl"
    source.write_text(json.dumps(new_item(n)) + "\n", encoding="utf-8")
    summary, _ = run_update([str(source)], settings, embedder=embedder, progress=False)
    assert summary.published and summary.snapshot
    return summary.snapshot


def test_reload_interval_zero_keeps_the_loaded_snapshot(
    data_dir: Path, encoder: HashingEncoder, tmp_path: Path
) -> None:
    settings = make_settings(data_dir, reload_interval_seconds=0)
    with TestClient(create_app(settings)) as client:
        first = served_version(client)
        publish_update(settings, encoder, tmp_path, 1)
        time.sleep(0.3)
        assert served_version(client) == first


def test_a_snapshot_that_cannot_load_is_skipped_and_the_old_one_serves(
    data_dir: Path, encoder: HashingEncoder, tmp_path: Path
) -> None:
    settings = make_settings(data_dir, reload_interval_seconds=0.05)
    store = SnapshotStore(settings.snapshots_dir)
    with TestClient(create_app(settings)) as client:
        first = served_version(client)
        # a sealed snapshot damaged on disk: CURRENT names it, the service keeps the old one
        broken = new_version()
        shutil.copytree(store.path(first), store.path(broken))
        (store.path(broken) / "vectors.npy").write_bytes(b"not a numpy file")
        store.point_to(broken)
        time.sleep(0.4)
        assert served_version(client) == first
        store.point_to(first)
        good = publish_update(settings, encoder, tmp_path, 2)
        wait_for(lambda: served_version(client) == good)
