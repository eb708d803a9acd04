"""The #11 reproductions against a real server (uvicorn over sockets, tiny encoder): truncating the
live vectors.npy and garbage in CURRENT never crash it; it recovers once CURRENT is repaired."""

from __future__ import annotations

from pathlib import Path

import httpx

from index.snapshots import SnapshotStore
from service.app import create_app
from tests.conftest import make_settings
from tests.server import running_server
from tests.service.test_reload import wait_for
from tests.snapshot_faults import clone_current, current_folder, truncate_vectors

URL = "/v1/recommendations"


def test_a_real_server_survives_corruption_and_recovers(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    app = create_app(make_settings(data_dir, reload_interval_seconds=0.05))
    with running_server(app) as base, httpx.Client(base_url=base) as http:
        old = http.get("/readyz").json()["snapshot"]
        spare = clone_current(store)  # a good snapshot to repair with later
        truncate_vectors(current_folder(store))  # truncate -s 1000 .../vectors.npy
        for _ in range(20):
            r = http.get(URL, params={"article_id": "timnas-1", "history": "banjir-1"})
            assert r.status_code == 200
        wait_for(
            lambda: (http.get("/readyz").json()["rejected"] or {}).get("file") == "vectors.npy"
        )
        (store.root / "CURRENT").write_bytes(bytes(range(256))[:64])  # head -c64 /dev/urandom
        wait_for(lambda: (http.get("/readyz").json()["rejected"] or {}).get("reason") == "pointer")
        assert http.get(URL, params={"article_id": "timnas-1"}).json()["snapshot"] == old
        store.point_to(spare.name)  # repaired: the reloader is alive and follows
        wait_for(lambda: http.get("/readyz").json()["snapshot"] == spare.name)
        assert http.get("/readyz").json()["rejected"] is None
        assert http.get(URL, params={"article_id": "timnas-1"}).status_code == 200
