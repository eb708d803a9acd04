"""A corrupt snapshot or a garbage CURRENT never stops the service (#11): the loaded snapshot keeps
serving, the rejection is logged, counted in /metrics and shown by /readyz, the reloader survives
and picks up the repaired snapshot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from index.snapshots import SnapshotStore
from recommender.errors import SnapshotCorrupt
from recommender.snapshot import related_file
from service.app import create_app
from service.reloader import follow
from service.runtime import Runtime
from tests.conftest import make_settings
from tests.service.test_reload import served_version, wait_for
from tests.snapshot_faults import (
    clone_current,
    current_folder,
    garbage_related_rows,
    sponsored_rows,
    truncate_vectors,
)

TOKEN = "a-very-long-admin-token-0123"
URL = "/v1/recommendations"


def client_for(data_dir: Path, **overrides: object) -> TestClient:
    settings = make_settings(data_dir, admin_token=TOKEN, **overrides)
    return TestClient(create_app(settings))


def admin(client: TestClient, method: str, path: str) -> object:
    return client.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})


def test_truncating_the_live_vectors_does_not_crash_the_service(data_dir: Path) -> None:
    with client_for(data_dir, reload_interval_seconds=0) as client:
        before = client.get(URL, params={"article_id": "timnas-1", "history": "banjir-1"})
        assert before.status_code == 200
        truncate_vectors(current_folder(SnapshotStore(data_dir / "snapshots")))
        for params in (
            {"article_id": "timnas-1", "history": "banjir-1"},
            {"article_id": "banjir-1"},
        ):
            assert client.get(URL, params=params).status_code == 200
        # The next tick notices the loaded snapshot changed on disk: said, still serving.
        reloaded = admin(client, "POST", "/v1/admin/reload")
        assert reloaded.status_code == 200  # type: ignore[attr-defined]
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready"
        assert ready["rejected"]["reason"] == "loaded_size"
        assert ready["rejected"]["file"] == "vectors.npy"


def test_a_restart_refuses_the_corrupt_snapshot_cleanly(data_dir: Path) -> None:
    truncate_vectors(current_folder(SnapshotStore(data_dir / "snapshots")))
    with client_for(data_dir, reload_interval_seconds=0) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        detail = ready.json()["error"]["details"][0]
        assert (detail["reason"], detail["file"]) == ("size", "vectors.npy")
        assert client.get(URL, params={"article_id": "timnas-1"}).status_code == 503
        metrics = client.get("/metrics").text
        assert 'recommender_snapshot_load_failures_total{reason="size"} 1.0' in metrics
        assert "recommender_snapshot_rejected{" in metrics


@pytest.mark.parametrize("kind", ["checksum", "in_range", "out_of_range"])
def test_a_corrupt_new_snapshot_is_never_loaded(data_dir: Path, kind: str) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    with client_for(data_dir, reload_interval_seconds=0) as client:
        old = served_version(client)
        bad = clone_current(store)
        rows = np.load(bad / related_file("article", "rows"))
        garbage = rows.copy()
        garbage[:, 0] = sponsored_rows(bad)[0] if kind != "out_of_range" else 10_000
        garbage_related_rows(
            bad,
            garbage if kind != "checksum" else np.roll(rows, 1, axis=0),
            reseal=kind != "checksum",
        )
        store.point_to(bad.name)
        answer = admin(client, "POST", "/v1/admin/reload")
        assert answer.status_code == 409  # type: ignore[attr-defined]
        assert "related-rows-article.npy" in answer.json()["error"]["message"]  # type: ignore[attr-defined]
        assert served_version(client) == old
        ready = client.get("/readyz").json()
        assert ready["snapshot"] == old and ready["status"] == "ready"
        assert ready["rejected"]["version"] == bad.name
        assert ready["rejected"]["reason"] == ("checksum" if kind == "checksum" else "invariant")
        metrics = client.get("/metrics").text
        assert (
            f'recommender_snapshot_rejected{{reason="{ready["rejected"]["reason"]}",version="{bad.name}"}} 1.0'
            in metrics
        )
        # No sponsored item ever reaches an editorial section.
        body = client.get(URL, params={"article_id": "timnas-1"}).json()
        for section in body["sections"]:
            if section["title"] != "Konten Sponsor":
                assert not any(item.get("sponsor") for item in section["items"]), section
        assert admin(client, "GET", "/v1/admin/snapshots").status_code == 200  # type: ignore[attr-defined]
        # Repaired, the next reload loads it.
        garbage_related_rows(bad, rows, reseal=True)
        assert admin(client, "POST", "/v1/admin/reload").json()["snapshot"] == bad.name  # type: ignore[attr-defined]
        assert (
            "rejected" not in client.get("/readyz").json()
            or client.get("/readyz").json()["rejected"] is None
        )


def test_binary_garbage_in_current_leaves_the_reloader_alive(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    with client_for(data_dir, reload_interval_seconds=0.05) as client:
        old = served_version(client)
        (store.root / "CURRENT").write_bytes(bytes(range(256))[128:192])
        wait_for(
            lambda: (client.get("/readyz").json().get("rejected") or {}).get("reason") == "pointer"
        )
        assert served_version(client) == old
        assert admin(client, "POST", "/v1/admin/reload").status_code == 200  # type: ignore[attr-defined]
        assert admin(client, "GET", "/v1/admin/snapshots").status_code == 200  # type: ignore[attr-defined]
        new = clone_current_of(store, old)
        store.point_to(new)  # the repair
        wait_for(lambda: served_version(client) == new)
        assert client.get("/readyz").json()["rejected"] is None


def clone_current_of(store: SnapshotStore, version: str) -> str:
    store.point_to(version)
    folder = clone_current(store)
    (store.root / "CURRENT").write_bytes(b"\xff\x00garbage again")
    return folder.name


def test_the_reload_loop_survives_any_exception(data_dir: Path) -> None:
    runtime = Runtime(make_settings(data_dir))
    calls: list[int] = []

    def explode() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("boom")
        if len(calls) == 3:
            raise SnapshotCorrupt("bad", reason="checksum")
        return False

    runtime.reload = explode  # type: ignore[method-assign]

    async def run() -> None:
        task = asyncio.create_task(follow(runtime, 0.01))
        while len(calls) < 5:
            await asyncio.sleep(0.01)
        assert not task.done()
        task.cancel()

    asyncio.run(run())
    assert runtime.reload_errors == 2
