"""The app behind a real uvicorn server, over real sockets."""

from __future__ import annotations

import httpx

from recommender.settings import Settings
from service.app import create_app
from tests.server import running_server


def test_real_server_answers_widget_requests(settings: Settings) -> None:
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
