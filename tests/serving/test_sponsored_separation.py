"""Property: sponsored items never reach editorial sections, and editorial items never the sponsored one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.snapshots import SnapshotStore
from recommender.articles import Article, Sponsor
from recommender.ingest.importer import import_paths
from recommender.pipeline.build import build_snapshot
from recommender.pipeline.embed import EmbeddingCache
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder

BASE = [a for a in import_paths([CORPUS]).items.values() if a.published]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@st.composite
def corpora(draw: st.DrawFn) -> list[Article]:
    """Items from the fixture texts with random types, sponsors and campaign windows."""
    picked = draw(
        st.lists(st.sampled_from(BASE), min_size=2, max_size=len(BASE), unique_by=lambda a: a.id)
    )
    out = []
    for article in picked:
        sponsored = draw(st.booleans())
        kind = draw(st.sampled_from(["article", "video"]))
        sponsor = None
        if sponsored:
            start = NOW + timedelta(days=draw(st.integers(-30, 5)))
            end = start + timedelta(days=draw(st.integers(1, 60)))
            sponsor = {"name": "S", "starts_at": start.isoformat(), "ends_at": end.isoformat()}
        data = article.model_dump(mode="json") | {"type": kind, "sponsor": sponsor}
        out.append(Article.model_validate(data))
    return out


def in_campaign(sponsor: Sponsor, now: datetime) -> bool:
    """Inside the campaign window [starts_at, ends_at)."""
    started = sponsor.starts_at is None or sponsor.starts_at <= now
    return started and (sponsor.ends_at is None or now < sponsor.ends_at)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prop")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    corpus=corpora(), counts=st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
)
def test_sections_never_mix(
    corpus: list[Article], counts: tuple[int, int, int], encoder: HashingEncoder, workdir: Path
) -> None:
    cfg = make_settings(workdir, neighbours_k=10, keep_snapshots=1)
    cache = EmbeddingCache(workdir / "cache.sqlite")
    try:
        result = build_snapshot(corpus, cfg, encoder, cache=cache, progress=False)
    finally:
        cache.close()
    catalog = Catalog.load(SnapshotStore(cfg.snapshots_dir).path(result.version))
    engine = Recommender(catalog, cfg)
    by_id = {a.id: a for a in corpus}
    a, v, s = counts
    for anchor in corpus:
        body = engine.recommend(
            engine.request(anchor.id, articles=a, videos=v, sponsored=s), NOW.timestamp()
        )
        editorial, videos, sponsored = (sec["items"] for sec in body["sections"])
        for item in editorial + videos:
            assert not by_id[item["id"]].sponsored and item["id"] != anchor.id
        assert all(by_id[i["id"]].type.value == "article" for i in editorial)
        assert all(by_id[i["id"]].type.value == "video" for i in videos)
        for item in sponsored:
            sponsor = by_id[item["id"]].sponsor
            assert sponsor is not None and in_campaign(sponsor, NOW)
        assert len(editorial) <= a and len(videos) <= v and len(sponsored) <= s
