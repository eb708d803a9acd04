"""The admin API: off without a token, 401 without the right one, changes queued in the inbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from recommender.articles import Article
from recommender.ingest.inbox import inbox_dir, pending
from recommender.jobs import run_build
from service.app import create_app
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder

TOKEN = "admin-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ITEM = {
    "id": "baru-1",
    "type": "article",
    "title": "Jembatan Baru Diresmikan di Palembang",
    "lead": "Jembatan sepanjang 1,2 km menghubungkan dua kecamatan.",
    "url": "https://kabar.example/nasional/baru-1",
    "section": "Nasional",
    "published_at": "2026-11-20T08:00:00+07:00",
}


@pytest.fixture
def admin(data_dir: Path) -> Iterator[TestClient]:
    settings = make_settings(data_dir, admin_token=TOKEN, reload_interval_seconds=0)
    with TestClient(create_app(settings)) as client:
        yield client


def error_code(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return str(body["error"]["code"])


CALLS = [
    ("put", "/v1/admin/items/baru-1", ITEM),
    ("delete", "/v1/admin/items/baru-1", None),
    ("post", "/v1/admin/reload", None),
    ("get", "/v1/admin/snapshots", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_without_a_configured_token_the_admin_api_is_off(
    data_dir: Path, method: str, path: str, body: dict | None
) -> None:
    with TestClient(create_app(make_settings(data_dir, reload_interval_seconds=0))) as client:
        response = client.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert not inbox_dir(data_dir).exists()
    assert "/v1/admin/reload" not in client.app.openapi()["paths"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_wrong_token_is_refused_and_nothing_leaks(
    admin: TestClient,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: dict | None,
    headers: dict[str, str],
) -> None:
    caplog.set_level(logging.DEBUG)
    response = admin.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert error_code(response) == "unauthorized"
    assert TOKEN not in response.text
    assert TOKEN not in caplog.text and "wrong-token" not in caplog.text
    assert pending(data_dir).files == []


def test_unauthenticated_caller_learns_nothing_about_its_body(admin: TestClient) -> None:
    bad_json = admin.put("/v1/admin/items/baru-1", content=b"{not json")
    assert bad_json.status_code == 401
    huge = admin.put("/v1/admin/items/baru-1", content=b"x" * 2_000_000)
    assert huge.status_code == 401


def test_put_queues_the_full_record_atomically(admin: TestClient, data_dir: Path) -> None:
    response = admin.put("/v1/admin/items/baru-1", json=ITEM, headers=AUTH)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["id"] == "baru-1" and body["action"] == "upsert"
    files = pending(data_dir).files
    assert [f.name for f in files] == [body["queued_as"]]
    assert files[0].name.startswith("items-") and files[0].suffix == ".jsonl"
    lines = files[0].read_bytes().splitlines()
    assert len(lines) == 1
    stored = Article.model_validate(orjson.loads(lines[0]))
    assert stored == Article.model_validate(ITEM)
    leftovers = [p.name for p in inbox_dir(data_dir).iterdir() if p not in files]
    assert leftovers == []  # no temporary files


def test_delete_queues_the_id(admin: TestClient, data_dir: Path) -> None:
    first = admin.put("/v1/admin/items/baru-1", json=ITEM, headers=AUTH)
    response = admin.delete("/v1/admin/items/banjir-2", headers=AUTH)
    assert response.status_code == 202
    assert response.json()["action"] == "delete"
    batch = pending(data_dir)
    assert [f.name for f in batch.items] == [first.json()["queued_as"]]
    assert [f.name for f in batch.deletes] == [response.json()["queued_as"]]
    assert batch.deletes[0].read_text() == "banjir-2\n"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "lain-1"}, "id"),
        ({"url": "ftp://kabar.example/x"}, "url"),
        ({"published_at": "2026-11-20T08:00:00"}, "published_at"),
        ({"title": ""}, "title"),
        (
            {
                "sponsor": {
                    "name": "X",
                    "starts_at": "2026-01-02T00:00Z",
                    "ends_at": "2026-01-01T00:00Z",
                }
            },
            "sponsor",
        ),
    ],
)
def test_invalid_items_are_refused_with_details_and_not_queued(
    admin: TestClient, data_dir: Path, change: dict, field: str
) -> None:
    response = admin.put("/v1/admin/items/baru-1", json={**ITEM, **change}, headers=AUTH)
    assert response.status_code == 422
    assert error_code(response) == "invalid_input"
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert any(f.startswith(field) for f in fields), fields
    assert pending(data_dir).files == []


@pytest.mark.parametrize("item_id", ["-bad", "a" * 129, "spasi di tengah", "é"])
def test_bad_ids_in_the_path_are_422(admin: TestClient, item_id: str) -> None:
    assert admin.delete(f"/v1/admin/items/{item_id}", headers=AUTH).status_code == 422


def test_oversize_body_is_413_and_not_queued(admin: TestClient, data_dir: Path) -> None:
    big = {**ITEM, "body": "kata " * 300_000}
    response = admin.put("/v1/admin/items/baru-1", json=big, headers=AUTH)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert pending(data_dir).files == []


def test_snapshots_and_reload(admin: TestClient, data_dir: Path, encoder: HashingEncoder) -> None:
    listed = admin.get("/v1/admin/snapshots", headers=AUTH).json()["snapshots"]
    assert len(listed) == 1 and listed[0]["current"] and listed[0]["loaded"]
    assert listed[0]["items"] == 31  # 32 rows, one unpublished
    first = listed[0]["version"]
    assert admin.post("/v1/admin/reload", headers=AUTH).json() == {
        "reloaded": False,
        "snapshot": first,
    }

    settings = make_settings(data_dir)
    summary, _ = run_build([CORPUS], settings, embedder=encoder, progress=False)
    assert summary.snapshot != first
    reloaded = admin.post("/v1/admin/reload", headers=AUTH).json()
    assert reloaded == {"reloaded": True, "snapshot": summary.snapshot}
    answer = admin.get("/v1/recommendations", params={"article_id": "banjir-1"}).json()
    assert answer["snapshot"] == summary.snapshot
    listed = admin.get("/v1/admin/snapshots", headers=AUTH).json()["snapshots"]
    assert [s["version"] for s in listed] == [summary.snapshot, first]
    assert [(s["current"], s["loaded"]) for s in listed] == [(True, True), (False, False)]


def test_a_short_token_is_refused_at_startup(data_dir: Path) -> None:
    with pytest.raises(ValidationError, match="at least 16"):
        make_settings(data_dir, admin_token="short")


def test_oversize_chunked_body_is_413(admin: TestClient, data_dir: Path) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as bytes arrive
        yield b'{"id": "baru-1", "body": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    response = admin.put("/v1/admin/items/baru-1", content=chunks(), headers=AUTH)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert pending(data_dir).files == []


def test_overlong_query_string_is_414(admin: TestClient) -> None:
    response = admin.get("/v1/recommendations", params={"article_id": "banjir-1", "x": "y" * 9000})
    assert response.status_code == 414
    assert error_code(response) == "uri_too_long"
