"""Interleaving through the real app and event log: answers interleaved per page view, teams
signed in the event token, clicks attributed, and `recommender experiments report`."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from scipy.stats import binomtest
from typer.testing import CliRunner

from index.snapshots import SnapshotStore
from recommender.cli import app
from recommender.experiments.config import load_experiments
from recommender.experiments.interleave import page_view_random, team_draft
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.settings import Settings
from service.app import create_app
from tests.beacons import batch, beacon, event, events_of, token_payload
from tests.conftest import make_settings, tiny_env
from tests.event_stores import Backend
from tests.server import running_server

SECTION = "rekomendasi_artikel"
ARTICLE = "banjir-1"
EXPERIMENTS = """
[diversity]
[diversity.relevance]
[diversity.diverse]
mmr_lambda = 0.3
"""
PARAMS = {"article_id": ARTICLE, "articles": 5, "videos": 0, "sponsored": 0}


@pytest.fixture
def settings(data_dir: Path, backend: Backend) -> Settings:
    """Each event store in turn (#15): clicks go through the service into it, the report reads it."""
    path = data_dir / "experiments.toml"
    path.write_text(EXPERIMENTS, encoding="utf-8")
    return make_settings(data_dir, experiments_file=path, **backend.overrides())


def page_view(n: int) -> str:
    return f"interleavedview{n:05d}"


def ask(client: Any, n: int) -> dict[str, Any]:
    r = client.get("/v1/recommendations", params={**PARAMS, "page_view": page_view(n)})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def teams_of(answer: dict[str, Any]) -> list[str | None]:
    experiment, sections = token_payload(answer["event_token"])["x"]
    assert experiment == "diversity"
    return dict((key, arms) for key, arms in sections)[SECTION]


def engine_of(settings: Settings) -> Recommender:
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    assert version is not None
    return Recommender(Catalog.load(store.path(version)), settings)


def test_answers_are_the_arms_lists_team_drafted_by_page_view(settings: Settings) -> None:
    engine = engine_of(settings)
    experiment = load_experiments(settings.ranking).by_name("diversity")
    assert experiment is not None
    lists = []
    for arm in experiment.arms:  # each arm's own list, asked without interleaving
        req = engine.request(ARTICLE, articles=5, videos=0, sponsored=0, ranking=arm.ranking)
        lists.append(list(engine.sections(req)[0].rows))
    assert lists[0] != lists[1]
    ids = engine.catalog.records
    orders = set()
    with TestClient(create_app(settings)) as client:
        for n in range(12):
            answer = ask(client, n)
            rng = page_view_random("diversity", page_view(n), SECTION)
            rows, teams = team_draft(lists, 5, rng)
            shown = [item["id"] for item in answer["sections"][0]["items"]]
            assert shown == [ids[r]["id"] for r in rows]
            assert teams_of(answer) == [experiment.arms[t].name for t in teams]
            assert ask(client, n) == answer  # the same page view gets the same answer
            orders.add(tuple(shown))
        plain = client.get("/v1/recommendations", params=PARAMS)
        assert "x" not in token_payload(plain.json()["event_token"])  # no page view: no draw
        assert plain.json()["sections"][0]["items"][0]["id"] == ids[lists[0][0]]["id"]
        interleaved = client.get(
            "/v1/recommendations", params={**PARAMS, "page_view": page_view(0)}
        )
        assert interleaved.headers["cache-control"].startswith("private")
    assert len(orders) > 1  # page views are independent draws


def click_plan(n: int) -> list[str]:
    """Which arms' items page view `n` clicks: 8 prefer diverse, 2 relevance, 1 both, 1 none."""
    if n < 8:
        return ["diverse"]
    if n < 10:
        return ["relevance"]
    return ["relevance", "diverse"] if n == 10 else []


def serve_and_click(client: Any, views: int) -> None:
    for n in range(views):
        answer = ask(client, n)
        arms = teams_of(answer)
        events = events_of(answer, "impression", SECTION)
        items = answer["sections"][0]["items"]
        for wanted in click_plan(n):
            position = arms.index(wanted)
            events.append(event("click", SECTION, items[position]["id"], position))
        r = beacon(client, batch(answer, events, page_view=page_view(n)))
        assert r.status_code == 204, r.text


def report(settings: Settings) -> dict[str, Any]:
    env = {
        **tiny_env(settings.data_dir),
        "RECOMMENDER_EXPERIMENTS_FILE": str(settings.ranking.experiments_file),
    }
    if settings.events.events_url is not None:
        env["RECOMMENDER_EVENTS_URL"] = settings.events.events_url.get_secret_value()
    result = CliRunner().invoke(app, ["experiments", "report", "--json"], env=env)
    assert result.exit_code == 0, result.output
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_clicks_are_attributed_and_reported(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        serve_and_click(client, 12)
    (experiment,) = report(settings)["experiments"]
    assert experiment["arms"] == ["relevance", "diverse"]
    assert experiment["page_views"] == 12 and experiment["clicked_page_views"] == 11
    assert experiment["clicks"] == {"relevance": 3, "diverse": 9}
    (pair,) = experiment["pairs"]
    assert (pair["a"], pair["b"]) == ("relevance", "diverse")
    assert (pair["wins"], pair["ties"], pair["losses"]) == (2, 1, 8)
    assert pair["p_value"] == pytest.approx(binomtest(2, 10).pvalue, abs=1e-6)


def test_a_client_cannot_move_a_click_to_another_team(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        answer = ask(client, 0)
        signature = answer["event_token"].split(".")[1]
        payload = token_payload(answer["event_token"])
        payload["x"][1] = [[SECTION, ["diverse"] * 5]]  # every item claimed for one arm
        forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        click = event("click", SECTION, answer["sections"][0]["items"][0]["id"], 0)
        r = beacon(client, batch(answer, [click], page_view=page_view(0)))
        assert r.status_code == 204
        forged_answer = {**answer, "event_token": f"{forged}.{signature}"}
        r = beacon(client, batch(forged_answer, [click], page_view=page_view(1)))
        assert (
            r.status_code == 422 and r.json()["error"]["details"][0]["reason"] == "token_signature"
        )


def test_without_experiments_a_page_view_changes_nothing(data_dir: Path) -> None:
    settings = make_settings(data_dir)
    with TestClient(create_app(settings)) as client:
        plain = client.get("/v1/recommendations", params=PARAMS)
        with_view = client.get("/v1/recommendations", params={**PARAMS, "page_view": "p" * 20})
    assert with_view.content == plain.content  # byte for byte, token included
    assert with_view.headers["etag"] == plain.headers["etag"]
    assert "x" not in token_payload(plain.json()["event_token"])


def test_through_a_real_server(settings: Settings) -> None:
    with running_server(create_app(settings)) as base, httpx.Client(base_url=base) as client:
        serve_and_click(client, 12)
    (experiment,) = report(settings)["experiments"]
    (pair,) = experiment["pairs"]
    assert (pair["wins"], pair["ties"], pair["losses"]) == (2, 1, 8)
