"""The service's side of corruption that the fault-injection suite (tests/faults/) does not repeat
(#11): the loaded snapshot truncated under it, a corrupt snapshot at start-up, and a reload loop
that survives any exception. Every corruption of a new snapshot and of CURRENT: tests/faults/."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient

from index.snapshots import SnapshotStore
from recommender.errors import SnapshotCorrupt
from service.app import create_app
from service.reloader import follow
from service.runtime import Runtime
from tests.conftest import make_settings
from tests.snapshot_faults import current_folder, truncate_vectors

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
