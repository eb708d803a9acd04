"""Events a publisher can trust (#10), through the real app: only what an answer's signed token
says was served is stored; forged, altered, expired or misplaced events get 422, nothing of their
batch is stored, and `/metrics` counts them by reason. Also the tokens of the app: the key file,
`EVENT_SECRET`, key rotation, and answers (and ETags) that stay the same from render to render.
"""

from __future__ import annotations

import base64
import json
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from recommender.cli import app as cli
from recommender.events.tokens import KEYS_FILE, EventKeys, KeySource, keys_from_secrets
from recommender.settings import Settings
from service.app import create_app
from tests.beacons import batch, beacon, count, event, events_of, rows, served
from tests.conftest import make_settings, tiny_env

FORGED: dict[str, Any] = {
    "page_view": "ffffffffffffffff0003",
    "article_id": "banjir-1",
    "snapshot": "x",
    "events": [
        {"kind": "click", "section": "konten_sponsor", "item_id": "sp-bank-1", "position": 0,
         "sponsored": True, "label": "Konten Bersponsor", "sponsor": "Bank Maju Bersama"},
    ],
}  # fmt: skip
SECRET = "an-event-secret-of-at-least-32-characters"
OTHER_SECRET = "another-event-secret-32-characters-long"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def answer_of(client: TestClient, article_id: str = "banjir-1", **params: Any) -> dict[str, Any]:
    r = client.get("/v1/recommendations", params={"article_id": article_id, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def app_keys(client: TestClient) -> EventKeys:
    keys: EventKeys = client.app.state.events.keys.keys()  # type: ignore[attr-defined]
    return keys


def sections_of(answer: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(s["key"], [i["id"] for i in s["items"]]) for s in answer["sections"]]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def payload_of(token: str) -> dict[str, Any]:
    body = token.split(".")[0]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return data


def rejected_by_reason(client: TestClient) -> dict[str, float]:
    out = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for s in family.samples:
            if s.name == "recommender_events_rejected_by_reason_total":
                out[s.labels["reason"]] = s.value
    return out


# --- the forged body of the issue, and every way around the token ------------------------------

Forgery = Callable[[TestClient], dict[str, Any]]


def the_forged_body(client: TestClient) -> dict[str, Any]:
    """The issue's body as it was: the client saying it showed an advert, and whose."""
    return FORGED


def forged_token(client: TestClient) -> dict[str, Any]:
    """The forged click in the new shape, with a token made up to list it."""
    made_up = {"v": 1, "k": "deadbeef", "t": int(time.time()), "s": "x", "a": "banjir-1",
               "i": [["konten_sponsor", ["sp-bank-1"]]]}  # fmt: skip
    token = b64(json.dumps(made_up).encode()) + "." + b64(bytes(16))
    click = event("click", "konten_sponsor", "sp-bank-1", 0)
    return {"page_view": FORGED["page_view"], "article_id": "banjir-1", "event_token": token,
            "events": [click]}  # fmt: skip


def altered_signature(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    body, _, signature = answer["event_token"].partition(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return batch(answer, events_of(answer)[:1], event_token=f"{body}.{flipped}")


def altered_payload(client: TestClient) -> dict[str, Any]:
    """A real token whose payload is edited to list the advert first (signature kept)."""
    answer = answer_of(client)
    payload = payload_of(answer["event_token"])
    payload["i"] = [[key, ["sp-bank-1", *ids]] for key, ids in payload["i"]]
    token = b64(json.dumps(payload, separators=(",", ":")).encode())
    token += "." + answer["event_token"].split(".")[1]
    click = event("click", "konten_sponsor", "sp-bank-1", 0)
    return batch(answer, [click], event_token=token)


def garbage_token(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    return batch(answer, events_of(answer)[:1], event_token="A" * 24 + "." + "B" * 22)


def another_key(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    token = keys_from_secrets(OTHER_SECRET, []).sign(
        answer["snapshot"], answer["article_id"], sections_of(answer), int(time.time())
    )
    return batch(answer, events_of(answer)[:2], event_token=token)


def wrong_position(client: TestClient) -> dict[str, Any]:
    """The issue's click (the bank's advert at position 0) where the bank's advert was not first."""
    answer = answer_of(client)
    adverts = {item: at for key, at, item in served(answer) if key == "konten_sponsor"}
    assert adverts.get("sp-bank-1", 0) != 0, adverts  # what the tiny model's answer serves
    click = event("click", "konten_sponsor", "sp-bank-1", 0)
    return batch(answer, [click], page_view=FORGED["page_view"])


def item_not_served(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    shown = {item for _, _, item in served(answer)}
    other = next(i for i in ("solo-5", "data-3", "beras-3", "wire-2") if i not in shown)
    return batch(answer, [event("impression", "rekomendasi_artikel", other, 0)])


def editorial_as_sponsored(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    article = events_of(answer, "impression", "rekomendasi_artikel")[0]
    return batch(answer, [{**article, "section": "konten_sponsor"}])


def one_bad_event_among_good(client: TestClient) -> dict[str, Any]:
    answer = answer_of(client)
    good = events_of(answer)
    bad = {**good[0], "position": good[0]["position"] + 1}
    return batch(answer, [*good, bad])


def signed_at(client: TestClient, issued: int, article_id: str = "banjir-1") -> dict[str, Any]:
    answer = answer_of(client, article_id)
    token = app_keys(client).sign(
        answer["snapshot"], answer["article_id"], sections_of(answer), issued
    )
    return batch(answer, events_of(answer), event_token=token)


def expired_token(client: TestClient) -> dict[str, Any]:
    max_age = int(client.app.state.events.settings.event_token_max_age_seconds)  # type: ignore[attr-defined]
    return signed_at(client, int(time.time()) - max_age - 120)


def token_from_the_future(client: TestClient) -> dict[str, Any]:
    return signed_at(client, int(time.time()) + 3600)


def another_articles_token(client: TestClient) -> dict[str, Any]:
    """timnas-1's answer and token, reported as banjir-1's page."""
    answer = answer_of(client, "timnas-1")
    return batch(answer, events_of(answer), article_id="banjir-1")


def unknown_item(client: TestClient) -> dict[str, Any]:
    """A (validly signed) answer listing an item the loaded snapshot does not have."""
    answer = answer_of(client)
    sections = [("rekomendasi_artikel", ["gone-1", "banjir-2"])]
    token = app_keys(client).sign(answer["snapshot"], "banjir-1", sections, int(time.time()))
    return batch(answer, [event("impression", "rekomendasi_artikel", "gone-1", 0)],
                 event_token=token)  # fmt: skip


FORGERIES: dict[str, tuple[Forgery, str]] = {
    "the forged body of the issue": (the_forged_body, "invalid"),
    "a made-up token": (forged_token, "token_signature"),
    "an altered signature": (altered_signature, "token_signature"),
    "an altered payload": (altered_payload, "token_signature"),
    "a token of garbage": (garbage_token, "token_malformed"),
    "a token signed with another key": (another_key, "token_signature"),
    "a wrong position": (wrong_position, "not_served"),
    "an item not served": (item_not_served, "not_served"),
    "an editorial item as sponsored": (editorial_as_sponsored, "not_served"),
    "one bad event among good ones": (one_bad_event_among_good, "not_served"),
    "an expired token": (expired_token, "token_expired"),
    "a token from the future": (token_from_the_future, "token_future"),
    "another article's token": (another_articles_token, "article_mismatch"),
    "an item the snapshot lacks": (unknown_item, "unknown_item"),
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_untrusted_events_get_4xx_and_nothing_is_stored(
    client: TestClient, settings: Settings, forgery: tuple[Forgery, str]
) -> None:
    make, reason = forgery
    body = make(client)
    r = beacon(client, body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    if reason == "invalid":
        assert error["code"] == "invalid_input"
    else:
        assert error["code"] == "event_rejected" and error["message"]
        assert error["details"] == [{"field": "event_token", "reason": reason}]
    path = settings.resolved_event_log_path
    assert count(path) == 0 and count(path, "sponsored_audit") == 0
    assert rejected_by_reason(client) == {reason: len(body["events"])}


def test_every_refusal_is_counted_by_reason(settings: Settings) -> None:
    """All the forgeries against one app: /metrics counts each reason, the log stores none of
    them, and the refusals are written to the log's `rejects` when the app stops."""
    expected: dict[str, int] = {}
    with TestClient(create_app(settings)) as client:
        for make, reason in FORGERIES.values():
            body = make(client)
            assert beacon(client, body).status_code == 422
            expected[reason] = expected.get(reason, 0) + len(body["events"])
        found = rejected_by_reason(client)
        assert found == expected
        assert set(found) == {"invalid", "token_signature", "token_malformed", "not_served",
                              "token_expired", "token_future", "article_mismatch",
                              "unknown_item"}  # fmt: skip
        total = client.get("/metrics").text
        assert f'recommender_events_total{{outcome="rejected"}} {sum(expected.values())}.0' in total
        # A real event still goes through afterwards.
        answer = answer_of(client)
        assert beacon(client, batch(answer, events_of(answer)[:1])).status_code == 204
    path = settings.resolved_event_log_path
    assert count(path) == 1 and count(path, "sponsored_audit") == 0
    assert dict(rows(path, "SELECT reason, SUM(count) FROM rejects GROUP BY reason")) == expected


# --- the keys -----------------------------------------------------------------------------------


def test_the_key_file_is_created_private_and_shared(data_dir: Path, settings: Settings) -> None:
    key_file = data_dir / KEYS_FILE
    assert not key_file.exists()
    with TestClient(create_app(settings)) as first:
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        answer = answer_of(first)
    created = key_file.read_bytes()
    # Another worker (another app on the same data dir) uses the same key, and accepts the token.
    with TestClient(create_app(settings)) as second:
        again = answer_of(second)
        assert again["event_token"] == answer["event_token"]
        assert beacon(second, batch(answer, events_of(answer))).status_code == 204
    assert key_file.read_bytes() == created


def test_event_secret_signs_instead_of_the_key_file(data_dir: Path) -> None:
    with TestClient(create_app(make_settings(data_dir, event_secret=SECRET))) as client:
        answer = answer_of(client)
    assert not (data_dir / KEYS_FILE).exists()
    served_ = keys_from_secrets(SECRET, []).verify(answer["event_token"], time.time(), 86400)
    assert served_.article_id == "banjir-1" and served_.snapshot == answer["snapshot"]
    assert [(k, list(ids)) for k, ids in served_.sections.items()] == sections_of(answer)

    # Rotated: the new secret signs, the previous one is still accepted during the grace period.
    rotated = make_settings(data_dir, event_secret=OTHER_SECRET, event_secret_previous=SECRET)
    with TestClient(create_app(rotated)) as client:
        new = answer_of(client)
        assert payload_of(new["event_token"])["k"] != payload_of(answer["event_token"])["k"]
        assert beacon(client, batch(answer, events_of(answer))).status_code == 204
        assert beacon(client, batch(new, events_of(new, "click"))).status_code == 204
    # After the grace period (the previous secret unset), its tokens are refused.
    with TestClient(create_app(make_settings(data_dir, event_secret=OTHER_SECRET))) as client:
        r = beacon(client, batch(answer, events_of(answer, "click"), page_view="7" * 32))
        assert r.status_code == 422
        assert r.json()["error"]["details"][0]["reason"] == "token_signature"


@pytest.mark.parametrize("weak", ["short", " " + SECRET, SECRET + "\n"])
def test_event_secrets_must_be_strong(tmp_path: Path, weak: str) -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        make_settings(tmp_path, event_secret=weak)
    with pytest.raises(ValueError, match="at least 32 characters"):
        make_settings(tmp_path, event_secret=SECRET, event_secret_previous=weak)


def test_rotate_key_reaches_running_workers(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`recommender events rotate-key` while the service runs: new answers are signed with the
    new key, tokens of the old one are still accepted for one token lifetime."""
    monkeypatch.setattr(KeySource, "RECHECK_SECONDS", 0.0)
    settings = make_settings(data_dir, response_cache_size=0)
    with TestClient(create_app(settings)) as client:
        before = answer_of(client)
        result = CliRunner().invoke(cli, ["events", "rotate-key"], env=tiny_env(data_dir))
        assert result.exit_code == 0, result.output
        new_key = json.loads(result.stdout)["key_id"]
        after = answer_of(client)
        assert payload_of(after["event_token"])["k"] == new_key
        assert payload_of(before["event_token"])["k"] != new_key
        assert beacon(client, batch(before, events_of(before))).status_code == 204
        assert beacon(client, batch(after, events_of(after, "click"))).status_code == 204
    assert stat.S_IMODE((data_dir / KEYS_FILE).stat().st_mode) == 0o600
    assert count(settings.resolved_event_log_path) == 2 * len(events_of(before))


def test_rotate_key_refuses_when_the_secret_is_configured(data_dir: Path) -> None:
    env = {**tiny_env(data_dir), "RECOMMENDER_EVENT_SECRET": SECRET}
    result = CliRunner().invoke(cli, ["events", "rotate-key"], env=env)
    assert result.exit_code == 2
    assert "RECOMMENDER_EVENT_SECRET_PREVIOUS" in result.stderr
    assert not (data_dir / KEYS_FILE).exists()


# --- one answer, one token, one ETag --------------------------------------------------------------


def test_renders_of_an_answer_keep_their_token_and_etag(data_dir: Path) -> None:
    """The token's issue time is quantised: rendering an answer again (response cache off, or
    after its TTL) gives the same body, so the same ETag, and If-None-Match still gets 304."""
    params = {"article_id": "banjir-1"}
    for overrides in ({"response_cache_size": 0}, {"response_cache_ttl_seconds": 0.05}):
        with TestClient(create_app(make_settings(data_dir, **overrides))) as client:
            first = client.get("/v1/recommendations", params=params)
            time.sleep(0.1)
            second = client.get("/v1/recommendations", params=params)
            cache = client.app.state.response_cache  # type: ignore[attr-defined]
            assert cache.hits == 0, overrides  # rendered twice
            assert second.content == first.content, overrides
            assert second.headers["etag"] == first.headers["etag"]
            etag = {"If-None-Match": first.headers["etag"]}
            assert client.get("/v1/recommendations", params=params, headers=etag).status_code == 304


def test_every_answer_is_signed_for_what_it_serves(client: TestClient) -> None:
    now = time.time()
    for article, params in (("banjir-1", {}), ("wire-1", {"sponsored": 10}),
                            ("timnas-2", {"articles": 2, "videos": 0})):  # fmt: skip
        answer = answer_of(client, article, **params)
        described = app_keys(client).verify(answer["event_token"], now, 86400)
        assert described.article_id == article and described.snapshot == answer["snapshot"]
        assert [(k, list(ids)) for k, ids in described.sections.items()] == sections_of(answer)
        assert now - 86400 / 4 - 1 <= described.issued <= now
