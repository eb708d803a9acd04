"""The bounded lexical neighbour search (#3): what it finds and the scores it keeps."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.pipeline.lexical import Analyser, LexicalIndex, default_stopwords, top_terms
from recommender.pipeline.relate import LexicalScores, sparse_top_k, top_k_rows
from tests.conftest import CORPUS, FIXTURES, make_settings


def corpus() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    lines += (FIXTURES / "ranking_extra.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def brute_force(index: LexicalIndex, lexical_weight: float, title_weight: float) -> np.ndarray:
    """Every pair's weighted "more like this" score, the O(N^2) way."""
    body = (index.body @ index.body.T).toarray() / index.body_self[:, None]
    title = (index.title @ index.title.T).toarray() / index.title_self[:, None]
    return lexical_weight * body + title_weight * title


def test_top_terms_keeps_each_rows_largest_weights() -> None:
    weights = sp.csr_matrix(np.array([[0.1, 0.5, 0.3, 0.0], [0.2, 0.0, 0.0, 0.0], [0, 0, 0, 0]]))
    kept = top_terms(weights, 2).toarray()
    assert kept.tolist() == [
        [0.0, np.float32(0.5), np.float32(0.3), 0.0],
        [np.float32(0.2), 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ]


def test_sparse_top_k_matches_the_dense_top_k_without_the_banned_column() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((20, 40)).astype(np.float32)
    dense[dense < 0.6] = 0.0  # sparse rows, some with fewer than k values
    banned = rng.integers(-1, 40, size=20).astype(np.int32)
    cols, values = sparse_top_k(sp.csr_matrix(dense), 5, banned)
    masked = dense.copy()
    for i, b in enumerate(banned):
        if b >= 0:
            masked[i, b] = 0.0
    expected = top_k_rows(masked, 5)
    for i in range(20):
        positive = expected[i][masked[i, expected[i]] > 0]
        assert cols[i, : len(positive)].tolist() == positive.tolist()
        assert (cols[i, len(positive) :] == -1).all()
        assert np.allclose(values[i, : len(positive)], masked[i, positive])


def test_found_scores_are_exact_without_limits_and_a_lower_bound_with_them() -> None:
    records = corpus()
    index = LexicalIndex.build(records, Analyser(default_stopwords(), stem=False))
    settings = make_settings(FIXTURES).build
    members = np.arange(len(records), dtype=np.int64)
    exact = brute_force(index, settings.lexical_weight, settings.title_weight)
    unbounded = LexicalScores(index, members, settings, query_terms=10**6, postings=10**6)
    assert np.allclose(unbounded.found(np.arange(len(records))).toarray(), exact, atol=1e-5)
    bounded = LexicalScores(index, members, settings, query_terms=3, postings=2)
    found = bounded.found(np.arange(len(records)))
    assert (found.toarray() <= exact + 1e-5).all()
    # Two fields, each query at most 3 terms, each term at most 2 items.
    assert np.diff(found.indptr).max() <= 2 * 3 * 2
    assert found.nnz < np.count_nonzero(exact)


def test_kept_pairs_are_scored_exactly_whatever_the_limits() -> None:
    records = corpus()
    index = LexicalIndex.build(records, Analyser(default_stopwords(), stem=False))
    settings = make_settings(FIXTURES).build
    members = np.arange(len(records), dtype=np.int64)
    exact = brute_force(index, settings.lexical_weight, settings.title_weight)
    scores = LexicalScores(index, members, settings, query_terms=1, postings=1)
    anchors, items = np.meshgrid(members, members, indexing="ij")
    pairs = scores.pairs(anchors.ravel(), items.ravel()).reshape(exact.shape)
    assert np.allclose(pairs, exact, atol=1e-5)
    assert np.allclose(np.diag(pairs), settings.lexical_weight + settings.title_weight, atol=1e-5)
