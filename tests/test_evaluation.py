"""`recommender eval`: metrics, filters, a fast run on a labelled fixture, the shared-data targets.

Ranking quality is the subject here: the labelled fixture and the shared data are evaluated with the
real model; the command's plumbing (JSON, the embedding cache, exit codes) with the tiny encoder."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.errors import InvalidInput
from recommender.evaluation import (
    evaluate,
    evaluate_files,
    load_labels,
    ndcg_at_k,
    parse_filter,
    precision_at_k,
    reciprocal_rank,
)
from recommender.ingest.importer import import_paths
from recommender.pipeline.embed import Embedder
from tests.conftest import CORPUS, FIXTURES, REPO, TINY_MODEL, real_settings, shared_data

EXTRA = FIXTURES / "ranking_extra.jsonl"
LABELS = FIXTURES / "ranking_labels.json"


def test_metrics_on_known_lists() -> None:
    hits = [False, True, False, True, False]
    assert precision_at_k(hits, 5) == 0.4
    assert reciprocal_rank(hits, 5) == 0.5
    assert reciprocal_rank([False] * 5, 5) == 0.0
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    assert ndcg_at_k(hits, 5, relevant=2) == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert ndcg_at_k([True, True], 5, relevant=2) == 1.0
    assert precision_at_k([True, True], 5) == 0.4  # a short list counts its gaps as misses


def test_labels_keywords_and_categories(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(
        json.dumps({"a": {"keywords": ["pajak", "APBN"], "topic": "x"}, "b": {"category": "TECH"}})
    )
    assert load_labels(path) == {
        "a": frozenset({"keyword:pajak", "keyword:APBN"}),
        "b": frozenset({"category:TECH"}),
    }
    path.write_text("[1, 2]")
    with pytest.raises(InvalidInput):
        load_labels(path)


def test_query_filters() -> None:
    items = import_paths([CORPUS]).items
    recent = parse_filter("published_at>=2026-11-15")
    assert recent(items["banjir-4"]) and not recent(items["banjir-3"])
    assert parse_filter("section=Olahraga")(items["timnas-1"])
    assert not parse_filter("language!=id")(items["timnas-1"])
    with pytest.raises(InvalidInput, match="bad --queries"):
        parse_filter("author~x")
    with pytest.raises(InvalidInput, match="bad date"):
        parse_filter("published_at>=yesterday")


def test_eval_on_a_labelled_fixture(embedder: Embedder, tmp_path: Path) -> None:
    items = list(import_paths([CORPUS, EXTRA]).items.values())
    labels = load_labels(LABELS)
    settings = real_settings(tmp_path / "data", dedupe=False)
    cache = tmp_path / "embeddings.sqlite"  # the three runs embed the corpus once
    result = evaluate(items, labels, settings, k=3, cache_path=cache, embedder=embedder)
    singletons = 7  # labelled, but nothing else shares their label: left out
    assert result["queries"] == len(labels) - singletons and result["skipped_queries"] == singletons
    for side in ("engine", "baseline"):
        assert all(0 <= result[side][m] <= 1 for m in ("p_at_k", "ndcg_at_k", "mrr"))
    assert result["engine"]["p_at_k"] >= result["baseline"]["p_at_k"]
    assert result["engine"]["ndcg_at_k"] > 0.9 and result["engine"]["mrr"] > 0.9
    assert result["ranking"]["freshness_half_life_hours"] == 0  # relevance measured alone
    assert not list((tmp_path / "data").glob("snapshots/*"))  # the snapshot was thrown away
    # Collapsing duplicates has a price when the labels count the copy as relevant: the two wire
    # copies and the two URLs of the quake story no longer find each other.
    deduped = evaluate(
        items, labels, real_settings(tmp_path / "d2"), k=3, cache_path=cache, embedder=embedder
    )
    assert deduped["engine"]["p_at_k"] < result["engine"]["p_at_k"]
    recent = evaluate(
        items,
        labels,
        settings,
        k=3,
        queries="published_at>=2026-11-14",
        cache_path=cache,
        embedder=embedder,
    )
    assert 0 < recent["queries"] < result["queries"]


def test_eval_command_prints_json(tmp_path: Path) -> None:
    env = {**os.environ, "RECOMMENDER_MODEL": TINY_MODEL}
    runner = CliRunner()
    args = ["eval", "--articles", str(EXTRA), "--labels", str(LABELS), "--k", "2"]
    result = runner.invoke(app, [*args, "--data-dir", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["queries"] == 5 and set(out["ratio"]) == {"p_at_k", "ndcg_at_k", "mrr"}
    assert (tmp_path / "cache" / "embeddings.sqlite").exists()  # reused by the next run
    again = runner.invoke(app, [*args, "--data-dir", str(tmp_path)], env=env)
    assert json.loads(again.stdout.strip().splitlines()[-1])["embedded"] == 0
    bad = runner.invoke(app, [*args, "--queries", "nope", "--data-dir", str(tmp_path)], env=env)
    assert bad.exit_code == 2


EVAL_CACHE = REPO / ".cache" / "eval"  # embeddings of the shared data, kept between slow runs


@pytest.mark.slow
def test_targets_on_detik() -> None:
    folder = shared_data("detik-dev")
    settings = real_settings(EVAL_CACHE)
    result = evaluate_files(folder / "articles.jsonl", folder / "labels.json", settings, k=5)
    assert result["engine"]["p_at_k"] >= 0.72, result
    assert result["ratio"]["p_at_k"] > 1.0, result


@pytest.mark.slow
def test_targets_on_huffpost() -> None:
    folder = shared_data("huffpost-10k")
    settings = real_settings(EVAL_CACHE)
    result = evaluate_files(
        folder / "articles.jsonl",
        folder / "labels.json",
        settings,
        k=5,
        queries="published_at>=2022-06-01",
    )
    assert result["ratio"]["p_at_k"] >= 1.15, result
