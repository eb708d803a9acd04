"""Settings: flat names in, groups out; the environment; validation; what the build hash covers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from recommender.settings import GROUPS, BuildSettings, Settings

DATA = Path("data-for-tests")


def test_flat_names_reach_their_groups() -> None:
    s = Settings(data_dir=DATA, neighbours_k=50, mmr_lambda=0.5, port=9000, articles_default=3)
    assert (s.build.neighbours_k, s.ranking.mmr_lambda) == (50, 0.5)
    assert (s.service.port, s.widget.articles_default) == (9000, 3)
    assert s.flat()["neighbours_k"] == 50 and s.flat()["data_dir"] == DATA


def test_every_field_has_one_flat_name() -> None:
    fields = Settings.fields()
    assert len(fields) == 1 + sum(len(model.model_fields) for model in GROUPS.values())
    assert set(Settings(data_dir=DATA).flat()) == set(fields)


def test_an_unknown_name_is_an_error() -> None:
    with pytest.raises(ValidationError, match="unknown settings"):
        Settings(data_dir=DATA, neighbors_k=50)  # a typo must not pass silently


def test_groups_may_be_given_whole() -> None:
    build = BuildSettings(neighbours_k=20)  # type: ignore[call-arg]
    assert Settings(data_dir=DATA, build=build).build is build
    given = Settings(data_dir=DATA, build={"neighbours_k": 30}, hnsw_m=8)
    assert (given.build.neighbours_k, given.build.hnsw_m) == (30, 8)


def test_replace_copies_and_validates() -> None:
    s = Settings(data_dir=DATA, neighbours_k=50)
    t = s.replace(freshness_weight=0)
    assert t.ranking.freshness_weight == 0 and t.build.neighbours_k == 50
    assert s.ranking.freshness_weight != 0  # the original is untouched
    with pytest.raises(ValidationError):
        s.replace(neighbours_k=5)  # below the minimum


def test_the_environment_uses_the_flat_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOMMENDER_NEIGHBOURS_K", "40")
    monkeypatch.setenv("RECOMMENDER_CORS_ORIGINS", '["https://a.example", "https://b.example/"]')
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", "/srv/recommender")
    s = Settings()  # type: ignore[call-arg]
    assert s.build.neighbours_k == 40 and s.data_dir == Path("/srv/recommender")
    assert s.service.cors_origins == ["https://a.example", "https://b.example"]
    assert Settings(neighbours_k=60).build.neighbours_k == 60  # an override beats the variable


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"dense_weight": 0, "lexical_weight": 0, "title_weight": 0}, "cannot all be 0"),
        ({"sponsored_disclosure": "Iklan."}, "who made the content"),
        ({"articles_default": 30, "max_items_per_section": 20}, "exceeds max_items_per_section"),
        ({"cors_origins": ["kabar.example/path"]}, "not an origin"),
    ],
)
def test_inconsistent_values_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(data_dir=DATA, **values)


def test_prefix_and_derived_paths() -> None:
    e5 = Settings(data_dir=DATA)
    assert e5.build.resolved_embedding_prefix == "passage: "
    assert Settings(data_dir=DATA, model="some/minilm").build.resolved_embedding_prefix == ""
    assert Settings(data_dir=DATA, embedding_prefix="doc: ").build.resolved_embedding_prefix == (
        "doc: "
    )
    assert e5.resolved_model_cache_dir == DATA / "models"
    assert e5.resolved_event_log_path == DATA / "events.sqlite3"
    assert e5.snapshots_dir == DATA / "snapshots"
    assert e5.widget.disclosure_text.count("Kabar Nusantara") == 1


def test_the_build_hash_covers_the_build_group_only() -> None:
    base = Settings(data_dir=DATA)
    assert base.build_hash() == Settings(data_dir=Path("elsewhere")).build_hash()
    assert base.build_hash() == base.replace(freshness_weight=0.3, keep_snapshots=2).build_hash()
    assert base.build_hash() != base.replace(neighbours_k=50).build_hash()
    explicit = base.replace(embedding_prefix="passage: ")  # the resolved prefix is what counts
    assert explicit.build_hash() == base.build_hash()
