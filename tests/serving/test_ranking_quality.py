"""Ranking behaviour that rests on the real model's semantics (#3): how strongly the stories of the
hand-made corpus hang together, and an English story found for Indonesian ones (cross-lingual).

The corpus of test_ranking.py, built with the real model (from `real_built_dir`'s embedding cache:
only the extra items are embedded here).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.snapshots import SnapshotStore
from recommender.jobs import run_build
from recommender.pipeline.embed import Embedder
from recommender.serving.catalog import Catalog
from service.app import create_app
from tests.conftest import CORPUS, real_settings
from tests.serving.test_ranking import EXTRA, FLOOD, ask, engine, write_rules


@pytest.fixture(scope="module")
def catalog(
    tmp_path_factory: pytest.TempPathFactory, real_built_dir: Path, embedder: Embedder
) -> Catalog:
    data_dir = tmp_path_factory.mktemp("ranking-real") / "data"
    shutil.copytree(real_built_dir, data_dir)
    settings = real_settings(data_dir)
    run_build([CORPUS, EXTRA], settings, embedder=embedder, progress=False)
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


def test_freshness_half_life_and_off(catalog: Catalog) -> None:
    off = ask(engine(catalog), "timnas-1", articles=3, explain=True)["rekomendasi_artikel"]
    assert all(i["explain"]["freshness"] == 0 for i in off)
    on = engine(catalog, freshness_half_life_hours=24, freshness_weight=1.0)
    items = ask(on, "timnas-1", articles=3, explain=True)["rekomendasi_artikel"]
    by_date = sorted(items, key=lambda i: i["published_at"])
    boosts = [i["explain"]["freshness"] for i in by_date]
    assert boosts == sorted(boosts) and boosts[-1] > boosts[0] > 0
    assert items[0]["id"] == "timnas-4"  # a strong freshness weight puts the newest first


def test_rules_reload_with_each_snapshot_and_cold_start(
    tmp_path: Path, real_built_dir: Path, embedder: Embedder
) -> None:
    """A new build brings new items (recommendable at once, both ways) and re-reads the rules."""
    rules = write_rules(tmp_path / "rules.toml", '[block]\nitems = ["banjir-3"]\n')
    shutil.copytree(real_built_dir, tmp_path / "data")  # the fixture corpus, built
    settings = real_settings(tmp_path / "data", rules_file=rules, response_cache_size=0)
    params = {"article_id": "banjir-1", "articles": 20, "videos": 0, "sponsored": 0}
    with TestClient(create_app(settings)) as client:
        first = [
            i["id"]
            for i in client.get("/v1/recommendations", params=params).json()["sections"][0]["items"]
        ]
        assert "banjir-3" not in first and "gempa-3" not in first
        write_rules(rules, '[block]\nitems = ["banjir-4"]\n')
        run_build([CORPUS, EXTRA], settings, embedder=embedder, progress=False)
        runtime = client.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.reload()
        second = [
            i["id"]
            for i in client.get("/v1/recommendations", params=params).json()["sections"][0]["items"]
        ]
        assert "banjir-3" in second and "banjir-4" not in second
        assert "en-flood-1" in second[:5]  # the newcomer is a candidate at once
        fresh = client.get("/v1/recommendations", params={**params, "article_id": "en-flood-1"})
        assert fresh.status_code == 200
        assert {i["id"] for i in fresh.json()["sections"][0]["items"][:3]} <= FLOOD
