"""`recommender eval --events`: answers served by the real app, impressions and clicks posted
with their signed tokens into the real event log, then replayed against the snapshot."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from recommender.cli import app
from recommender.replay.eventlog import content_relevance, replay_event_log
from recommender.settings import Settings
from service.app import create_app
from tests.beacons import batch, beacon, event, events_of
from tests.conftest import current_catalog, make_settings, tiny_env
from tests.event_stores import Backend

runner = CliRunner()
SECTION = "rekomendasi_artikel"
ARTICLE = "banjir-1"


@pytest.fixture
def settings(data_dir: Path, backend: Backend) -> Settings:
    """Each event store in turn (#15): the events go through the service into it."""
    # Freshness off: the answer's order is then the text relevance alone.
    return make_settings(data_dir, freshness_weight=0.0, **backend.overrides())


def page_view(number: int) -> str:
    return f"replaypageview{number:04d}"


def serve_and_click(
    settings: Settings, views: int, clicked_position: int, *, impressions: bool = True
) -> list[dict[str, Any]]:
    """`views` page views of ARTICLE, each showing 5 articles and clicking one position (with
    the impressions reported, or, as some clients do, the click alone)."""
    answers = []
    with TestClient(create_app(settings)) as client:
        for n in range(views):
            r = client.get(
                "/v1/recommendations",
                params={"article_id": ARTICLE, "articles": 5, "videos": 0, "sponsored": 0},
            )
            assert r.status_code == 200, r.text
            answer = r.json()
            shown = events_of(answer, "impression", SECTION) if impressions else []
            item = answer["sections"][0]["items"][clicked_position]["id"]
            click = event("click", SECTION, item, clicked_position)
            posted = beacon(client, batch(answer, [*shown, click], page_view=page_view(n)))
            assert posted.status_code == 204, posted.text
            answers.append(answer)
            time.sleep(0.005)  # the next page view comes strictly after this one's click
    return answers


def test_content_relevance_is_the_engines_text_relevance(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        answer = client.get(
            "/v1/recommendations",
            params={"article_id": ARTICLE, "articles": 6, "explain": "true"},
        ).json()
    catalog = current_catalog(settings)
    items = answer["sections"][0]["items"]
    rows = [catalog.row_of[item["id"]] for item in items]
    got = content_relevance(catalog, settings.build.dense_weight, catalog.row_of[ARTICLE], rows)
    parts = [
        sum(item["explain"][p] for p in ("dense", "lexical", "neighbourhood")) for item in items
    ]
    assert got == pytest.approx(parts, abs=1e-3)  # explain rounds to 4 places
    assert list(got) == sorted(got, reverse=True)  # what the engine ranked first scores highest


def test_replay_scores_clicked_page_views_without_leaking(settings: Settings) -> None:
    # Readers always click the last (least relevant) of five: content ranks every click last,
    # popularity ranks it first once an earlier page view has clicked it.
    views = 6
    answers = serve_and_click(settings, views, clicked_position=4)
    assert len({tuple(i["id"] for i in a["sections"][0]["items"]) for a in answers}) == 1
    result = replay_event_log(settings, current_catalog(settings), popularity_weight=0.0)
    assert result["impressions"] == views and result["skipped_impressions"] == 0
    content, popularity = (result["configurations"][c] for c in ("content", "popularity"))
    assert content["auc"] == 0.0 and content["mrr"] == pytest.approx(1 / 5)
    # The first page view knows no earlier click (AUC 1/2, MRR of a 5-way tie under MIND's
    # argsort order); the others rank the click first.
    assert popularity["auc"] == pytest.approx((0.5 + views - 1) / views, abs=1e-4)
    assert popularity["auc"] > content["auc"]
    assert result["configurations"]["blend"] == content  # at weight 0 the blend is content
    blended = replay_event_log(settings, current_catalog(settings))  # POPULARITY_WEIGHT's default
    assert blended["configurations"]["blend"]["auc"] > content["auc"]
    heavy = replay_event_log(settings, current_catalog(settings), popularity_weight=10.0)
    assert heavy["configurations"]["blend"]["auc"] == pytest.approx((views - 1) / views, abs=1e-4)
    # Page views without a click are not replayed.
    assert result["left_out"]["sections_without_click"] == 0


def test_eval_events_command(settings: Settings) -> None:
    serve_and_click(settings, 3, clicked_position=0)
    env = {**tiny_env(settings.data_dir), "RECOMMENDER_POPULARITY_WEIGHT": "0.5"}
    if settings.events.events_url is not None:
        env["RECOMMENDER_EVENTS_URL"] = settings.events.events_url.get_secret_value()
    result = runner.invoke(app, ["eval", "--events", "--json", "--ctr-weight", "0.2"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["source"] == "events" and report["impressions"] == 3
    assert report["popularity_weight"] == 0.5 and report["ctr_weight"] == 0.2
    assert report["ctr_prior_strength"] == settings.ranking.ctr_prior_strength
    for name in ("content", "popularity", "blend"):
        means = report["configurations"][name]
        assert set(means) == {"auc", "mrr", "ndcg@5", "ndcg@10"}
        assert all(0.0 <= v <= 1.0 for v in means.values())
    # Clicks on the most relevant item: content is perfect.
    assert report["configurations"]["content"]["auc"] == 1.0
    assert np.isclose(report["configurations"]["content"]["ndcg@5"], 1.0)


def test_eval_events_without_a_log_says_so(data_dir: Path) -> None:
    result = runner.invoke(app, ["eval", "--events"], env=tiny_env(data_dir))
    assert result.exit_code == 2
    assert "no event log at" in result.output


def test_a_client_reporting_clicks_only_is_replayed_with_the_served_list(
    settings: Settings,
) -> None:
    views = 4
    serve_and_click(settings, views, clicked_position=4, impressions=False)
    result = replay_event_log(settings, current_catalog(settings))
    assert result["impressions"] == views  # each of five served items, the fifth clicked
    content = result["configurations"]["content"]
    assert content["auc"] == 0.0 and content["mrr"] == pytest.approx(1 / 5)


def test_a_click_only_client_teaches_the_ctr_with_the_served_list(
    data_dir: Path, backend: Backend
) -> None:
    # Readers click the fifth (least relevant) of five and the client reports no impression: the
    # served lists count as shown, so the four others gather impressions without clicks (a CTR
    # score below 0) and the fifth one clicks (above 0). The first page view knows nothing yet:
    # there the blend is content (AUC 0); a heavy CTR weight ranks the click first after it.
    settings = make_settings(
        data_dir, freshness_weight=0.0, ctr_prior_strength=1.0, **backend.overrides()
    )
    views = 4
    serve_and_click(settings, views, clicked_position=4, impressions=False)
    catalog = current_catalog(settings)
    result = replay_event_log(settings, catalog, popularity_weight=0.0, ctr_weight=10.0)
    assert result["ctr_weight"] == 10.0 and result["popularity_weight"] == 0.0
    content, blend = (result["configurations"][c] for c in ("content", "blend"))
    assert content["auc"] == 0.0
    assert blend["auc"] == pytest.approx((views - 1) / views, abs=1e-4)
    off = replay_event_log(settings, catalog, popularity_weight=0.0, ctr_weight=0.0)
    assert off["configurations"]["blend"] == content
