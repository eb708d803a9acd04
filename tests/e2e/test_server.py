"""The app behind a real uvicorn server, over real sockets, on snapshots of the real model."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from index.snapshots import SnapshotStore
from recommender.jobs import run_rollback
from recommender.pipeline.embed import Embedder
from service.app import create_app
from tests.conftest import real_settings
from tests.server import running_server
from tests.service.test_reload import publish_update, wait_for

URL = "/v1/recommendations"


def test_real_server_answers_widget_requests(real_data_dir: Path) -> None:
    settings = real_settings(real_data_dir)
    with running_server(create_app(settings)) as base, httpx.Client(base_url=base) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        ready = http.get("/readyz").json()
        r = http.get("/v1/recommendations", params={"article_id": "data-1", "articles": 3})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/json")
        body = r.json()
        assert body["snapshot"] == ready["snapshot"]
        ids = [i["id"] for i in body["sections"][0]["items"]]
        assert len(ids) == 3 and set(ids[:2]) <= {"data-2", "data-3"}
        assert http.get("/v1/recommendations", params={"article_id": "zzz"}).status_code == 404


def test_caching_through_a_real_server(real_data_dir: Path) -> None:
    app = create_app(real_settings(real_data_dir, reload_interval_seconds=0))
    with running_server(app) as base, httpx.Client(base_url=base) as http:
        first = http.get(URL, params={"article_id": "banjir-1"})
        assert first.status_code == 200 and first.headers["etag"]
        second = http.get(
            URL, params={"article_id": "banjir-1"}, headers={"If-None-Match": first.headers["etag"]}
        )
        assert second.status_code == 304 and second.content == b""
        assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_uvicorn_serves_through_several_publishes_without_errors(
    real_data_dir: Path, embedder: Embedder, tmp_path: Path
) -> None:
    """The service follows CURRENT on its own: new snapshots swap in without failed requests."""
    settings = real_settings(real_data_dir, reload_interval_seconds=0.05, keep_snapshots=3)
    store = SnapshotStore(settings.snapshots_dir)
    published = {store.current_version()}
    answers: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def fire(base: str) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                try:
                    r = client.get("/v1/recommendations", params={"article_id": "timnas-1"})
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                    continue
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {r.text}")
                else:
                    answers.append(r.json()["snapshot"])

    with running_server(create_app(settings)) as base:
        firing = [threading.Thread(target=fire, args=(base,)) for _ in range(2)]
        for thread in firing:
            thread.start()
        try:
            for n in range(4):
                version = publish_update(settings, embedder, tmp_path, n)
                published.add(version)
                wait_for(lambda v=version: bool(answers) and answers[-1] == v)
            back = run_rollback(settings)["snapshot"]
            wait_for(lambda: answers[-1] == back)
        finally:
            stop.set()
            for thread in firing:
                thread.join(timeout=30)
    assert not failures, failures[:5]
    assert len(answers) > 50
    assert set(answers) <= published  # every answer names a real, published snapshot
    assert len(set(answers)) == 5  # the first and four updates (the rollback goes to the 4th)
