"""Signals end to end: signed clicks through a real uvicorn server into the real event log,
`recommender signals`, then the service reloads the signals file: "terpopuler", the blend parts in
`explain=true`, the response cache following the signals, and /metrics.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from recommender.cli import app as cli
from recommender.settings import Settings
from recommender.signals.file import signals_path
from service.app import create_app
from tests.beacons import batch, beacon, event, events_of
from tests.conftest import make_settings, tiny_env
from tests.server import running_server

ANCHOR = "banjir-1"
CLICKS = 30  # page views that click the favourite
URL = "/v1/recommendations"


@pytest.fixture
def signal_settings(data_dir: Path) -> Settings:
    return make_settings(
        data_dir,
        popularity_weight=1.0,
        ctr_weight=0.5,
        coread_weight=0.5,
        reload_interval_seconds=0.1,
        response_cache_ttl_seconds=600,  # only a new signals version may refresh the answers
    )


@pytest.fixture
def base(signal_settings: Settings) -> Iterator[str]:
    with running_server(create_app(signal_settings)) as url:
        yield url


def answer(client: httpx.Client, article_id: str, **params: Any) -> dict[str, Any]:
    r = client.get(URL, params={"article_id": article_id, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def section(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = [s for s in body["sections"] if s["key"] == key]
    assert found, f"no section {key!r} in {[s['key'] for s in body['sections']]}"
    items: list[dict[str, Any]] = found[0]["items"]
    return items


def run_signals(data_dir: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["signals", "--data-dir", str(data_dir)], env=tiny_env(data_dir)
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = orjson.loads(result.stdout.strip().splitlines()[-1])
    return summary


def wait_for(check: Any, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_clicked_item_leads_terpopuler_and_shows_its_parts(
    base: str, signal_settings: Settings
) -> None:
    with httpx.Client(base_url=base) as client:
        first = answer(client, ANCHOR, popular=5)
        assert section(first, "terpopuler") == []  # no signals yet: an empty section, no error
        articles = section(first, "rekomendasi_artikel")
        favourite = articles[-1]["id"]  # the text ranks it last: the clicks must lift it
        runner_up = articles[-2]["id"]
        for n in range(CLICKS):
            page_view = f"pv-{n:04d}-0123456789abcdef"
            shown = answer(client, ANCHOR)
            clicks = [event("click", "rekomendasi_artikel", favourite, len(articles) - 1)]
            if n % 6 == 0:  # a few clicks on another item: the favourite must still lead
                clicks.append(event("click", "rekomendasi_artikel", runner_up, len(articles) - 2))
            body = batch(shown, events_of(shown, "impression", "rekomendasi_artikel"), page_view)
            assert beacon(client, body).status_code == 204
            assert beacon(client, batch(shown, clicks, page_view)).status_code == 204

        summary = run_signals(signal_settings.data_dir)
        assert summary["clicks"] == CLICKS + len(range(0, CLICKS, 6))
        assert signals_path(signal_settings.data_dir).is_file()

        other = "banjir-2"  # another article: the favourite leads "terpopuler" there

        def popular_now() -> list[dict[str, Any]]:
            return section(answer(client, other, popular=5, explain="true"), "terpopuler")

        popular = wait_for(popular_now)
        assert popular, "the service never showed the signals"
        assert popular[0]["id"] == favourite
        assert popular[0]["explain"]["popularity"] == 1.0
        assert [p["id"] for p in popular[:2]] == [favourite, runner_up]
        # The same request as the very first one is answered anew, not from the cache.
        again = answer(client, ANCHOR, popular=5)
        assert [p["id"] for p in section(again, "terpopuler")] == [favourite, runner_up]
        on_itself = answer(client, favourite, popular=5)
        assert [p["id"] for p in section(on_itself, "terpopuler")] == [runner_up]
        scope = section(
            answer(client, "timnas-1", popular=5, popular_scope="section"), "terpopuler"
        )
        assert scope == []  # no Olahraga item was clicked
        assert favourite not in {
            p["id"]
            for p in section(answer(client, other, popular=5, history=favourite), "terpopuler")
        }

        explained = section(answer(client, ANCHOR, explain="true"), "rekomendasi_artikel")
        parts = {i["id"]: i["explain"] for i in explained}
        assert explained[0]["id"] == favourite  # lifted from the last place by the blend
        assert parts[favourite]["popularity"] == 1.0  # weight 1 x popularity 1
        assert parts[favourite]["ctr"] > 0  # far above its section's CTR
        assert {"coread", "dense", "lexical", "freshness"} <= set(parts[favourite])
        text = sum(v for k, v in parts[favourite].items() if k != "pinned")
        assert text == pytest.approx(explained[0]["score"], abs=1e-3)  # the parts make the score

        metrics = client.get("/metrics").text
        assert "recommender_signals_used 1.0" in metrics
        position = len(articles) - 1
        assert (
            f'recommender_widget_events_total{{kind="click",position="{position}",'
            f'section="rekomendasi_artikel"}} {float(CLICKS)}' in metrics
        )


def test_a_corrupt_signals_file_means_text_only(base: str, signal_settings: Settings) -> None:
    with httpx.Client(base_url=base) as client:
        before = answer(client, ANCHOR, popular=3)
        signals_path(signal_settings.data_dir).write_text("{not json", encoding="utf-8")
        time.sleep(0.5)  # several reloads
        after = answer(client, ANCHOR, popular=3)
        assert after == before
        assert section(after, "terpopuler") == []
        metrics = client.get("/metrics").text
        assert 'recommender_signals_unusable_total{reason="corrupt"} 1.0' in metrics
        assert "recommender_signals_used 0.0" in metrics


def test_the_grafana_dashboard_reads_metrics_the_service_exposes(
    base: str, signal_settings: Settings
) -> None:
    """Every metric docs/grafana-dashboard.json queries is one /metrics has (once an event and a
    signals run happened)."""
    import re

    from tests.conftest import REPO

    dashboard = orjson.loads((REPO / "docs" / "grafana-dashboard.json").read_bytes())
    queried = {
        name
        for p in dashboard["panels"]
        for t in p["targets"]
        for name in re.findall(r"\b(recommender_[a-z_]+)", t["expr"])
    }
    with httpx.Client(base_url=base) as client:
        shown = answer(client, ANCHOR)
        first = events_of(shown, "click", "rekomendasi_artikel")[:1]
        body = batch(shown, events_of(shown, "impression", "rekomendasi_artikel"))
        assert beacon(client, body).status_code == 204
        assert beacon(client, batch(shown, first)).status_code == 204
        assert beacon(client, body).status_code == 204  # duplicates
        beacon(client, batch(shown, first, event_token="forged.token-forged-token"))
        run_signals(signal_settings.data_dir)
        signals_path(signal_settings.data_dir).write_text("{", encoding="utf-8")  # one refusal
        time.sleep(0.4)
        run_signals(signal_settings.data_dir)
        wait_for(lambda: "recommender_signals_used 1.0" in client.get("/metrics").text)
        exposed = set(re.findall(r"^(recommender_[a-z_]+)", client.get("/metrics").text, re.M))
    missing = sorted(q for q in queried if q not in exposed)
    assert not missing, missing


def test_a_click_keeps_the_history_of_its_answer_for_coreading(
    base: str, signal_settings: Settings
) -> None:
    """The answer's token carries the history it used (signed); a click stores it; co-reading
    pairs the history with the click."""
    from tests.beacons import rows, token_payload

    log = signal_settings.resolved_event_log_path
    with httpx.Client(base_url=base) as client:
        plain = answer(client, ANCHOR)
        assert "h" not in token_payload(plain["event_token"])
        shown = answer(client, ANCHOR, history=f"timnas-1,{ANCHOR},no-such-id,beras-2,timnas-1")
        assert token_payload(shown["event_token"])["h"] == ["timnas-1", "beras-2"]
        item = section(shown, "rekomendasi_artikel")[0]["id"]
        impressions = events_of(shown, "impression", "rekomendasi_artikel")
        assert beacon(client, batch(shown, impressions)).status_code == 204
        click = event("click", "rekomendasi_artikel", item, 0)
        assert beacon(client, batch(shown, [click])).status_code == 204
        # A forged history cannot be sent: the token is signed.
        forged = (
            shown["event_token"].split(".")[0][:-2] + "xx." + shown["event_token"].split(".")[1]
        )
        assert beacon(client, batch(shown, [click], event_token=forged)).status_code == 422
    stored = rows(log, "SELECT kind, history FROM events ORDER BY id")
    assert ("click", "timnas-1,beras-2") in stored
    assert {h for kind, h in stored if kind == "impression"} == {None}
    run_signals(signal_settings.data_dir)
    from recommender.signals.file import load_signals

    coread = load_signals(signals_path(signal_settings.data_dir)).coread
    assert item in dict(coread["timnas-1"]) and item in dict(coread[ANCHOR])


@pytest.mark.parametrize("weights", ["zero", "default"])
def test_clicks_make_terpopuler_and_weight_0_keeps_the_text_ranking(
    data_dir: Path, weights: str
) -> None:
    """After clicks and `recommender signals`, "terpopuler" leads with the clicked item and
    explains its signals; at weight 0 the editorial sections are unchanged, at the default
    weights their explain shows the signal parts."""
    from fastapi.testclient import TestClient

    zero = {"popularity_weight": 0.0, "ctr_weight": 0.0, "coread_weight": 0.0}
    settings = make_settings(data_dir, response_cache_size=0, **(zero if weights == "zero" else {}))
    with TestClient(create_app(settings)) as client:
        before = client.get(URL, params={"article_id": ANCHOR, "explain": "true"}).json()
        articles = section(before, "rekomendasi_artikel")
        favourite = articles[-1]["id"]
        for n in range(8):
            page_view = f"default-{n:04d}-0123456789abcdef"
            shown = client.get(URL, params={"article_id": ANCHOR}).json()
            body = batch(shown, events_of(shown, "impression", "rekomendasi_artikel"), page_view)
            assert beacon(client, body).status_code == 204
            click = event("click", "rekomendasi_artikel", favourite, len(articles) - 1)
            assert beacon(client, batch(shown, [click], page_view)).status_code == 204
        run_signals(data_dir)
        client.app.state.runtime.reload()  # type: ignore[attr-defined]  # as the next tick would
        after = client.get(URL, params={"article_id": ANCHOR, "explain": "true", "popular": 3})
        body = after.json()
        popular = section(body, "terpopuler")
        assert popular[0]["id"] == favourite
        parts = popular[0]["explain"]
        assert parts["popularity"] == 1.0 and parts["clicks"] > 7 and parts["ctr"] > 0
        assert 0 <= parts["coread"] <= 1
        if weights == "zero":
            assert section(body, "rekomendasi_artikel") == articles  # the text ranking
        else:
            clicked = next(i for i in section(body, "rekomendasi_artikel") if i["id"] == favourite)
            assert clicked["explain"]["popularity"] > 0 and clicked["explain"]["ctr"] > 0


def test_answers_with_signals_match_the_response_model(
    base: str, signal_settings: Settings
) -> None:
    from service.schemas import ExplainOut, PopularExplainOut, RecommendationsOut

    with httpx.Client(base_url=base) as client:
        shown = answer(client, ANCHOR)
        click = events_of(shown, "click", "rekomendasi_artikel")[:1]
        assert beacon(client, batch(shown, events_of(shown, "impression"))).status_code == 204
        assert beacon(client, batch(shown, click)).status_code == 204
        run_signals(signal_settings.data_dir)
        other = "beras-1" if click[0]["item_id"] != "beras-1" else "beras-2"

        def with_popular() -> dict[str, Any] | None:
            body = answer(client, other, popular=3, explain="true")
            return body if section(body, "terpopuler") else None

        body = wait_for(with_popular)
    model = RecommendationsOut.model_validate(body)
    kinds = {s.key: {type(i.explain) for i in s.items} for s in model.sections if s.items}
    assert kinds["terpopuler"] == {PopularExplainOut}
    assert kinds["rekomendasi_artikel"] == {ExplainOut}
    assert all(
        i.explain.popularity is not None
        for s in model.sections
        if s.key == "rekomendasi_artikel"
        for i in s.items
    )  # type: ignore[union-attr]
