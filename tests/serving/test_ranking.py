"""Ranking features on a small hand-made corpus whose right answers are known (#3).

The snapshot is made with the tests' tiny encoder; what needs the real model's sense of meaning
(relevance strong enough to outweigh freshness, an English story next to Indonesian ones) is in
test_ranking_quality.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from index.snapshots import SnapshotStore
from recommender.errors import InvalidInput
from recommender.jobs import run_build
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.serving.selection import Filters
from recommender.snapshot import lexical_file, related_file
from service.app import create_app
from tests.conftest import CORPUS, FIXTURES, make_settings
from tests.embedder import HashingEncoder

EXTRA = FIXTURES / "ranking_extra.jsonl"
NOW = datetime.fromisoformat("2026-11-20T12:00:00+07:00").timestamp()
FLOOD = {"banjir-1", "banjir-2", "banjir-3", "banjir-4", "en-flood-1", "en-flood-2"}
TIMNAS = {"timnas-1", "timnas-2", "timnas-3", "timnas-4"}


@pytest.fixture(scope="module")
def ranked_dir(tmp_path_factory: pytest.TempPathFactory, encoder: HashingEncoder) -> Path:
    data_dir = tmp_path_factory.mktemp("ranking")
    run_build([CORPUS, EXTRA], make_settings(data_dir), embedder=encoder, progress=False)
    return data_dir


@pytest.fixture(scope="module")
def catalog(ranked_dir: Path) -> Catalog:
    store = SnapshotStore(make_settings(ranked_dir).snapshots_dir)
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


def engine(catalog: Catalog, **overrides: Any) -> Recommender:
    overrides.setdefault("freshness_half_life_hours", 0)
    return Recommender(catalog, make_settings(Path("unused"), **overrides))


def ask(rec: Recommender, article_id: str, **options: Any) -> dict[str, list[dict[str, Any]]]:
    req = rec.request(article_id, **options)
    body = rec.recommend(req, now=NOW)
    return {s["key"]: s["items"] for s in body["sections"]}


def article_ids(rec: Recommender, article_id: str, **options: Any) -> list[str]:
    options.setdefault("articles", 6)
    return [i["id"] for i in ask(rec, article_id, **options)["rekomendasi_artikel"]]


def test_snapshot_holds_lexical_and_hybrid_lists(catalog: Catalog, ranked_dir: Path) -> None:
    folder = SnapshotStore(make_settings(ranked_dir).snapshots_dir)
    version = folder.current_version()
    assert version is not None
    path = folder.path(version)
    for pool in ("article", "video"):
        assert (path / lexical_file(pool, "rows")).exists()
        assert (path / related_file(pool, "parts")).exists()
    cat = catalog
    lexical = np.load(path / lexical_file("article", "rows"))
    assert cat.records[lexical[cat.row_of["cibeureum-1"]][0]]["id"] == "cibeureum-2"


def test_stories_come_first(catalog: Catalog) -> None:
    rec = engine(catalog)
    assert set(article_ids(rec, "banjir-1", articles=3)) <= FLOOD
    assert set(article_ids(rec, "timnas-1", articles=3)) == {"timnas-2", "timnas-3", "timnas-4"}
    assert article_ids(rec, "cibeureum-1", articles=1) == ["cibeureum-2"]


def test_explain_parts_add_up_to_the_score(catalog: Catalog) -> None:
    rec = engine(catalog, freshness_half_life_hours=72)
    sections = ask(rec, "beras-1", articles=5, videos=2, sponsored=2, explain=True)
    for key in ("rekomendasi_artikel", "video_pilihan"):
        for item in sections[key]:
            parts = item["explain"]
            total = sum(
                parts[k] for k in ("dense", "lexical", "neighbourhood", "freshness", "rule")
            )
            assert total == pytest.approx(item["score"], abs=1e-3)
            assert parts["dense"] != 0 and parts["freshness"] > 0
    for item in sections["konten_sponsor"]:
        assert item["explain"]["freshness"] == 0 and item["explain"]["rule"] == 0
    assert "explain" not in ask(rec, "beras-1", articles=1)["rekomendasi_artikel"][0]


def test_near_duplicates_collapse_to_the_freshest(catalog: Catalog) -> None:
    rec = engine(catalog)
    ids = article_ids(rec, "beras-1", articles=20)
    assert "wire-2" in ids and "wire-1" not in ids  # same text republished two hours later
    ids = article_ids(rec, "gempa-3", articles=20)
    assert "gempa-2" in ids and "gempa-1" not in ids  # same canonical URL, the later update
    assert "wire-2" not in article_ids(rec, "wire-1", articles=20)  # never a copy of the anchor
    plain = article_ids(engine(catalog, dedupe=False), "beras-1", articles=20)
    assert {"wire-1", "wire-2"} <= set(plain)


def test_mmr_diversifies(catalog: Catalog) -> None:
    relevant = article_ids(engine(catalog), "banjir-1", articles=4)
    diverse = article_ids(engine(catalog, mmr_lambda=0.3), "banjir-1", articles=4)
    assert diverse[0] == relevant[0]
    assert len(set(diverse) & FLOOD) < len(set(relevant) & FLOOD)


def count(ids: list[str], story: set[str]) -> int:
    return len(set(ids) & story)


def test_history_personalises_and_is_never_served_back(catalog: Catalog) -> None:
    rec = engine(catalog)
    plain = article_ids(rec, "data-1", articles=6)
    sport = article_ids(rec, "data-1", articles=6, history=["timnas-1", "timnas-2"])
    flood = article_ids(rec, "data-1", articles=6, history=["banjir-1", "banjir-2"])
    assert count(sport, TIMNAS) > count(plain, TIMNAS) and count(sport, FLOOD) == 0
    assert count(flood, FLOOD) > count(plain, FLOOD) and count(flood, TIMNAS) == 0
    assert not {"timnas-1", "timnas-2"} & set(sport)
    assert not {"banjir-1", "banjir-2"} & set(flood)
    assert set(sport[:2]) == set(plain[:2]) == {"data-2", "data-3"}  # the article weighs most


def test_history_weighs_the_most_recent_most(catalog: Catalog) -> None:
    rec = engine(catalog)
    timnas_last = article_ids(rec, "data-1", articles=6, history=["timnas-1", "banjir-1"])
    banjir_last = article_ids(rec, "data-1", articles=6, history=["banjir-1", "timnas-1"])
    assert count(timnas_last, TIMNAS) > count(banjir_last, TIMNAS)
    assert count(banjir_last, FLOOD) > count(timnas_last, FLOOD)


def test_unknown_history_and_exclude_ids_are_ignored(catalog: Catalog) -> None:
    rec = engine(catalog)
    ids = article_ids(
        rec, "banjir-1", history=["no-such-id", "timnas-1"], exclude=["banjir-2", "x"]
    )
    assert "banjir-2" not in ids and "timnas-1" not in ids and len(ids) == 6


def test_filters(catalog: Catalog) -> None:
    rec = engine(catalog)
    sport = ask(rec, "banjir-1", articles=4, filters=Filters(section="olahraga"))
    assert [i["section"] for i in sport["rekomendasi_artikel"]] == ["Olahraga"] * 4
    english = article_ids(rec, "banjir-1", articles=6, filters=Filters(language="en"))
    assert set(english) == {"en-flood-1", "en-flood-2"}
    recent = ask(rec, "banjir-1", articles=20, filters=Filters(max_age_days=3))
    oldest = NOW - 3 * 86400
    dates = [
        datetime.fromisoformat(i["published_at"]).timestamp() for i in recent["rekomendasi_artikel"]
    ]
    assert dates and min(dates) >= oldest
    assert article_ids(rec, "banjir-1", filters=Filters(section="no such section")) == []


def write_rules(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_pin_block_and_boost(catalog: Catalog, tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "rules.toml",
        """
[[pin]]
item = "solo-3"
position = 1

[[pin]]
item = "solo-5"
position = 2
sections = ["Olahraga"]

[[pin]]
item = "vid-solo-1"
position = 1
articles = ["beras-1"]

[[pin]]
item = "sp-bank-1"   # sponsored: never pinned into an editorial section

[block]
items = ["banjir-2"]
sections = ["Ekonomi"]

[[boost]]
section = "Teknologi"
weight = 0.5
""",
    )
    rec = engine(catalog, rules_file=rules)
    sections = ask(rec, "banjir-1", articles=6, videos=2, sponsored=1, explain=True)
    articles = sections["rekomendasi_artikel"]
    assert articles[0]["id"] == "solo-3" and articles[0]["explain"]["pinned"]
    assert "banjir-2" not in [i["id"] for i in articles]
    assert not any(i["section"] == "Ekonomi" for i in articles)
    assert [i["explain"]["pinned"] for i in articles] == [True] + [False] * 5  # one pin applies
    boosted = [i for i in articles if i["section"] == "Teknologi"]
    assert boosted and all(i["explain"]["rule"] == 0.5 for i in boosted)
    assert sections["video_pilihan"][0]["id"] != "vid-solo-1"
    sport = [i["id"] for i in ask(rec, "timnas-1", articles=4)["rekomendasi_artikel"]]
    assert sport[:2] == ["solo-3", "solo-5"]
    assert ask(rec, "beras-1", videos=2)["video_pilihan"][0]["id"] == "vid-solo-1"
    # the pinned item is not shown under itself, nor twice
    assert article_ids(rec, "solo-3", articles=6).count("solo-3") == 0


def test_a_pinned_item_already_chosen_moves_to_its_place(catalog: Catalog, tmp_path: Path) -> None:
    plain = article_ids(engine(catalog), "banjir-1", articles=4)
    rules = write_rules(tmp_path / "rules.toml", f'[[pin]]\nitem = "{plain[0]}"\nposition = 3\n')
    items = ask(engine(catalog, rules_file=rules), "banjir-1", articles=4, explain=True)
    pinned = items["rekomendasi_artikel"]
    assert [i["id"] for i in pinned] == [plain[1], plain[2], plain[0], plain[3]]  # not twice
    assert [i["explain"]["pinned"] for i in pinned] == [False, False, True, False]


def test_rules_never_touch_sponsored_items(catalog: Catalog, tmp_path: Path) -> None:
    plain = ask(engine(catalog), "wire-1", sponsored=2)["konten_sponsor"]
    rules = write_rules(
        tmp_path / "rules.toml",
        '[block]\nsections = ["Ekonomi"]\nitems = ["sp-bank-1"]\n\n'
        '[[boost]]\nsection = "Otomotif"\nweight = 1.0\n',
    )
    ruled = ask(engine(catalog, rules_file=rules), "wire-1", sponsored=2)["konten_sponsor"]
    assert [i["id"] for i in ruled] == [i["id"] for i in plain]
    assert [i["score"] for i in ruled] == [i["score"] for i in plain]
    assert "sp-bank-1" in [i["id"] for i in ruled]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[[pin]]\nitem = 'bad id!'\n", "pin.0.item"),
        ("[block]\nitem = ['x']\n", "block.item"),
        ("[[boost]]\nsection = 'A'\nweight = 5\n", "boost.0.weight"),
    ],
)
def test_invalid_rules_are_refused_at_load(
    catalog: Catalog, tmp_path: Path, text: str, field: str
) -> None:
    rules = write_rules(tmp_path / "rules.toml", text)
    with pytest.raises(InvalidInput) as caught:
        engine(catalog, rules_file=rules)
    assert field in [d["field"] for d in caught.value.details]
    with pytest.raises(InvalidInput, match="not valid TOML"):
        engine(catalog, rules_file=write_rules(tmp_path / "broken.toml", "[[pin]\n"))


@pytest.fixture
def client(ranked_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(ranked_dir, response_cache_size=0))) as c:
        yield c


def test_api_query_parameters(client: TestClient) -> None:
    r = client.get(
        "/v1/recommendations",
        params={
            "article_id": "banjir-1",
            "history": "timnas-1,unknown-id",
            "exclude": "banjir-2",
            "language": "id",
            "section": "Nasional",
            "max_age_days": 3650,
            "explain": "true",
            "articles": 3,
        },
    )
    assert r.status_code == 200, r.text
    items = r.json()["sections"][0]["items"]
    assert items and all(i["section"] == "Nasional" for i in items)
    assert not {"banjir-2", "timnas-1"} & {i["id"] for i in items}
    assert set(items[0]["explain"]) == {
        "dense",
        "lexical",
        "neighbourhood",
        "freshness",
        "rule",
        "pinned",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"history": ",".join(f"a-{i}" for i in range(51))}, "history"),
        ({"history": "ok-1,bad id"}, "history"),
        ({"exclude": "../etc"}, "exclude"),
        ({"max_age_days": "-1"}, "max_age_days"),
    ],
)
def test_api_refuses_bad_lists(client: TestClient, params: dict[str, str], field: str) -> None:
    r = client.get("/v1/recommendations", params={"article_id": "banjir-1", **params})
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "invalid_input"
    assert field in str(body)
