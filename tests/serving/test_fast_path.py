"""The faster request path answers exactly what the slower one did (issue #6): differential tests.

Each shortcut is checked against the code it replaced, kept here (or in tests/oracles.py) as the
oracle: the vectorised collapse against the original loop, the small `isin` against numpy's, a
partial sort against a full stable sort, the collapse of the best few against the collapse of
all, the merge of related lists against np.unique + bincount, the whole editorial selection
against the original pipeline, the pre-serialised rendering against `orjson.dumps` of the dict,
the live sponsored set kept between campaign instants against the mask of every request, and the
ASGI fast path against the FastAPI route. The catalogue keeps item bodies on disk (they are most
of an archive's bytes and serving never reads them) but still hands out complete records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from index.snapshots import SnapshotStore
from recommender.jobs import run_build
from recommender.serving.catalog import Catalog
from recommender.serving.diversity import collapse_top, isin, mmr
from recommender.serving.engine import Recommender
from recommender.serving.selection import Filters, Selector, history_weights
from recommender.serving.sponsored import SponsoredPool
from recommender.serving.topk import best_first
from recommender.snapshot import Related
from service.app import create_app
from service.fast_path import recommendations_json
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder
from tests.oracles import collapse_duplicates

NOW = 1_795_000_000.0  # 2026-11-18, inside and outside the fixture's campaign windows


@pytest.fixture(scope="module")
def catalog(built_dir: Path) -> Catalog:
    store = SnapshotStore(built_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


@pytest.fixture(scope="module")
def short_lists(tmp_path_factory: pytest.TempPathFactory, encoder: HashingEncoder) -> Catalog:
    """The fixture corpus with lists shorter than its pools (K=10), so that filters reach past
    them (`Selector.fill_up`), and items that expire before or after NOW."""
    tmp = tmp_path_factory.mktemp("short-lists")
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    for i, record in enumerate(records):
        if i % 5 == 1:
            record["expires_at"] = "2026-11-15T00:00:00+07:00"  # before NOW
        elif i % 5 == 3:
            record["expires_at"] = "2026-12-31T00:00:00+07:00"
    source = tmp / "corpus.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = make_settings(tmp / "data", neighbours_k=10)
    summary, _ = run_build([source], settings, embedder=encoder, progress=False)
    assert summary.snapshot is not None
    return Catalog.load(settings.snapshots_dir / summary.snapshot)


def collapse_duplicates_loop(
    order: np.ndarray, groups: np.ndarray, published: np.ndarray, banned_groups: set[int]
) -> np.ndarray:
    """The original implementation, kept here as the oracle."""
    freshest: dict[int, int] = {}
    for pos in order:
        g = int(groups[pos])
        best = freshest.get(g)
        if best is None or published[pos] > published[best]:
            freshest[g] = int(pos)
    out: list[int] = []
    seen: set[int] = set()
    for pos in order:
        g = int(groups[pos])
        if g in seen or g in banned_groups:
            continue
        seen.add(g)
        out.append(freshest[g])
    return np.asarray(out, dtype=np.int64)


@st.composite
def candidates(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[int]]:
    n = draw(st.integers(0, 60))
    groups = np.array(draw(st.lists(st.integers(0, 12), min_size=n, max_size=n)), dtype=np.int64)
    # few distinct times, so ties in freshness are common
    times = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 1e9]), min_size=n, max_size=n))
    published = np.array(times, dtype=np.float64)
    order = np.array(draw(st.permutations(range(n))), dtype=np.int64)
    order = order[: draw(st.integers(0, n))]
    banned = set(draw(st.lists(st.integers(0, 12), max_size=4)))
    return order, groups, published, banned


@settings(max_examples=300, deadline=None)
@given(candidates())
def test_vectorised_collapse_matches_the_loop(
    case: tuple[np.ndarray, np.ndarray, np.ndarray, set[int]],
) -> None:
    order, groups, published, banned = case
    got = collapse_duplicates(order, groups, published, banned)
    want = collapse_duplicates_loop(order, groups, published, banned)
    assert got.dtype == np.int64
    assert got.tolist() == want.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-1, 30), max_size=80),
    st.lists(st.integers(-1, 30), max_size=40),
)
def test_small_isin_matches_numpy(values: list[int], members: list[int]) -> None:
    a = np.array(values, dtype=np.int64)
    b = np.array(members, dtype=np.int64)
    assert isin(a, b).tolist() == np.isin(a, b).tolist()


scores_st = st.lists(
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 1.0, -0.0, -0.3, float("nan"), -np.inf]),
    max_size=900,
)


@settings(max_examples=300, deadline=None)
@given(scores_st, st.integers(0, 60))
def test_best_first_is_the_head_of_the_stable_sort(values: list[float], k: int) -> None:
    scores = np.array(values, dtype=np.float64)  # few distinct values: ties everywhere
    want = np.argsort(-scores, kind="stable")[:k]
    assert best_first(scores, k).tolist() == want.tolist()


@st.composite
def collapse_cases(draw: st.DrawFn) -> tuple[Any, ...]:
    n = draw(st.integers(0, 700))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = rng.choice([0.1, 0.2, 0.3, 0.5], n) + rng.integers(0, 3, n) * 0.01
    groups = rng.integers(0, draw(st.integers(1, 700)), n).astype(np.int64)
    published = rng.choice([0.0, 1.0, 2.0, 1e9], n)
    banned = set(draw(st.lists(st.integers(0, 30), max_size=5)))
    return scores, groups, published, banned, draw(st.integers(0, 80))


@settings(max_examples=300, deadline=None)
@given(collapse_cases())
def test_collapse_top_is_the_head_of_the_full_collapse(case: tuple[Any, ...]) -> None:
    scores, groups, published, banned, need = case
    order = np.argsort(-scores, kind="stable").astype(np.int64)
    want = collapse_duplicates(order, groups, published, banned)[:need]
    assert collapse_top(scores, groups, published, banned, need).tolist() == want.tolist()


def merged_reference(related: Related, anchors: np.ndarray, weights: np.ndarray) -> tuple:
    """The original merge of several related lists."""
    all_rows = np.asarray(related.rows[anchors], dtype=np.int64)
    all_parts = np.asarray(related.parts[anchors], dtype=np.float64) * weights[:, None, None]
    valid = all_rows >= 0
    rows, inverse = np.unique(all_rows[valid], return_inverse=True)
    flat = all_parts[valid]
    parts = np.stack([np.bincount(inverse, flat[:, j], len(rows)) for j in range(3)], axis=1)
    return rows, parts / weights.sum()


def select_reference(
    sel: Selector, pool: str, anchor: int, history: np.ndarray, banned: np.ndarray, n: int,
    filters: Filters, now: float,
) -> tuple[list[int], list[float]]:  # fmt: skip
    """The original editorial selection (before pins): every candidate scored, sorted, collapsed."""
    s = sel.settings
    anchors = np.concatenate([[anchor], history]).astype(np.int64)
    weights = np.concatenate(
        [[1.0], history_weights(len(history), s.history_weight, s.history_decay)]
    )
    related = sel.catalog.related[pool]
    if len(anchors) == 1:
        rows = np.asarray(related.rows[anchor], dtype=np.int64)
        parts = np.asarray(related.parts[anchor], dtype=np.float64)
        rows, parts = rows[rows >= 0], parts[rows >= 0]
    else:
        rows, parts = merged_reference(related, anchors, weights)
    keep = sel.servable(rows, now) & ~np.isin(rows, banned)
    if filters.active:
        keep &= sel.filter_mask(rows, filters, now)
    rows, parts = rows[keep], parts[keep]
    if filters.active and len(rows) < n:
        extra_rows, extra = sel.fill_up(pool, anchor, rows, banned, filters, now)
        rows, parts = np.concatenate([rows, extra_rows]), np.concatenate([parts, extra.T])
    published = sel.catalog.published[rows]
    scores = parts.sum(axis=1) + sel.freshness.boost(published, now) + sel.rules.boost[rows]
    order = np.argsort(-scores, kind="stable").astype(np.int64)
    if s.dedupe:
        seen = {int(g) for g in sel.groups[anchors]}
        order = collapse_duplicates(order, sel.groups[rows], published, seen)
    if s.mmr_lambda < 1.0:
        order = mmr(order, scores, np.asarray(sel.catalog.vectors[rows]), n, s.mmr_lambda)
    chosen = order[:n]
    return rows[chosen].tolist(), scores[chosen].tolist()


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"duplicate_threshold": 0.75},  # many near-duplicate groups in the small corpus
        {"duplicate_threshold": 0.6, "mmr_lambda": 0.6},
        {"dedupe": False},
        {"freshness_half_life_hours": 0},
    ],
)
@pytest.mark.parametrize("snapshot", ["catalog", "short_lists"])
def test_selection_matches_the_original_pipeline(
    request: pytest.FixtureRequest, snapshot: str, overrides: dict[str, Any]
) -> None:
    catalog: Catalog = request.getfixturevalue(snapshot)
    cfg = make_settings(Path("unused"), **overrides)
    sel = Selector(catalog, cfg.ranking, cfg.build.dense_weight)
    rng = np.random.default_rng(7)
    editorial = np.flatnonzero(catalog.pools != catalog.pool_code("sponsored"))
    filters = [Filters(), Filters(section="Nasional"), Filters(max_age_days=20.0)]
    checked = 0
    for anchor in editorial.tolist():
        for pool in ("article", "video"):
            history = rng.choice(editorial, rng.integers(0, 12)).astype(np.int64)
            history = np.array([r for r in dict.fromkeys(history.tolist()) if r != anchor])
            history = history.astype(np.int64)
            excluded = rng.choice(editorial, rng.integers(0, 3)).astype(np.int64)
            banned = np.concatenate([[anchor], history, excluded]).astype(np.int64)
            n = int(rng.choice([1, 3, 6, 20]))
            f = filters[checked % len(filters)]
            got = sel.select(pool, anchor, history, banned, n, f, NOW)
            want = select_reference(sel, pool, anchor, history, banned, n, f, NOW)
            assert (got.rows.tolist(), got.scores.tolist()) == want, (anchor, pool)
            checked += 1
    assert checked > 50


def test_merge_matches_unique_and_bincount(catalog: Catalog) -> None:
    cfg = make_settings(Path("unused"))
    sel = Selector(catalog, cfg.ranking, cfg.build.dense_weight)
    rng = np.random.default_rng(3)
    for pool in ("article", "video"):
        related = catalog.related[pool]
        for size in (2, 5, 11, 51):
            anchors = rng.integers(0, catalog.size, size).astype(np.int64)
            weights = np.concatenate([[1.0], history_weights(size - 1, 0.5, 0.8)])
            rows, columns = sel.candidates(pool, anchors, weights)
            want_rows, want_parts = merged_reference(related, anchors, weights)
            assert rows.tolist() == want_rows.tolist()
            assert np.array_equal(columns.T, want_parts)


def requests(rec: Recommender) -> Iterator[Any]:
    ids = [r["id"] for r in rec.catalog.records if not r.get("sponsor")]
    rng = np.random.default_rng(5)
    for i, article_id in enumerate(ids):
        history = [str(x) for x in rng.choice(ids, i % 5)]
        yield rec.request(
            article_id,
            articles=i % 8,
            sponsored=i % 4,
            history=history,
            exclude=[ids[(i + 3) % len(ids)]] if i % 3 == 0 else [],
            filters=Filters(max_age_days=30.0) if i % 7 == 0 else Filters(),
            explain=i % 2 == 0,
        )


def test_rendered_json_is_orjson_of_the_dict(catalog: Catalog) -> None:
    rec = Recommender(catalog, make_settings(Path("unused")))
    count = 0
    for req in requests(rec):
        body = rec.recommend_json(req, now=NOW)
        assert body == orjson.dumps(rec.recommend(req, now=NOW))
        count += 1
    assert count > 20


def test_a_signed_answer_is_the_dict_with_its_token(catalog: Catalog) -> None:
    """With a signer, the answer carries `event_token` (after `snapshot`): what the signer made
    of the snapshot, the article and every section's item ids in the order they are rendered."""
    rec = Recommender(catalog, make_settings(Path("unused")))
    calls: list[tuple[str, str, list[tuple[str, list[str]]]]] = []

    def sign(
        snapshot: str, article_id: str, sections: Any, teams: Any = None, history: Any = ()
    ) -> str:
        calls.append((snapshot, article_id, [(k, list(ids)) for k, ids in sections]))
        return f"token-{len(calls)}"

    for n, req in enumerate(requests(rec), start=1):
        body = rec.recommend_json(req, now=NOW, sign=sign)
        plain = rec.recommend(req, now=NOW)
        expected = {"article_id": plain["article_id"], "snapshot": plain["snapshot"],
                    "event_token": f"token-{n}", "sections": plain["sections"]}  # fmt: skip
        assert body == orjson.dumps(expected)
        rendered = [(s["key"], [i["id"] for i in s["items"]]) for s in plain["sections"]]
        assert calls[-1] == (catalog.version, req.article_id, rendered)


def test_live_sponsored_set_between_instants(catalog: Catalog) -> None:
    pool = SponsoredPool(catalog)
    assert pool.instants, "the fixture corpus has campaign windows"
    moments = [t + d for t in pool.instants for d in (-1.0, -1e-6, 0.0, 1e-6, 1.0)]
    moments += [pool.instants[0] - 1e6, pool.instants[-1] + 1e6, NOW]
    expires = catalog.expires[catalog.sponsored_rows]
    for now in moments + moments[::-1]:  # time also goes backwards (tests, `query --now`)
        mask = (catalog.campaign_start <= now) & (now < catalog.campaign_end) & (expires > now)
        live = pool.live(now)
        assert live.positions.tolist() == np.flatnonzero(mask).tolist(), now
        rows = catalog.sponsored_rows[live.positions]
        assert np.array_equal(live.vectors, catalog.vectors[rows])


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    # A private copy: the app writes event-keys.json into its data dir.
    settings = make_settings(data_dir, freshness_half_life_hours=0, response_cache_size=0)
    with TestClient(create_app(settings)) as c:
        yield c


def test_fast_path_answers_what_the_route_answers(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    sign = client.app.state.sign  # type: ignore[attr-defined]  # answers carry an event token
    rec = runtime.recommender
    for query in (
        "article_id=banjir-1",
        "article_id=banjir-1&history=timnas-1,banjir-2&exclude=banjir-3&explain=true",
        "article_id=timnas-2&articles=3&videos=0&sponsored=1&section=Olahraga",
    ):
        r = client.get(f"/v1/recommendations?{query}")
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.content == recommendations_json(rec, query.encode(), sign)
        assert b'"event_token":"' in r.content
    # Errors are the route's: the fast path hands them on, with the one error shape.
    r = client.get("/v1/recommendations?article_id=nope-404")
    assert r.status_code == 404 and r.json()["error"]["code"] == "article_not_found"
    r = client.get("/v1/recommendations?article_id=banjir-1&history=bad%20id")
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "history"
    r = client.get("/v1/recommendations?article_id=banjir-1&articles=51")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    metrics = client.get("/metrics").text
    assert 'route="/v1/recommendations",status="200"' in metrics


def test_catalog_keeps_bodies_on_disk(catalog: Catalog) -> None:
    row = catalog.row_of["banjir-1"]
    assert "body" not in catalog.records[row] and "content_hash" not in catalog.records[row]
    full = catalog.full_record(row)
    assert full["id"] == "banjir-1" and "body" in full and "content_hash" in full
    assert {k: v for k, v in full.items() if k not in ("body", "content_hash")} == catalog.records[
        row
    ]
    last = catalog.size - 1
    assert catalog.full_record(last)["id"] == catalog.records[last]["id"]
    assert isinstance(catalog.vectors, np.ndarray) and not isinstance(catalog.vectors, np.memmap)
