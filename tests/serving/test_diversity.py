"""Near-duplicate groups, their collapse and MMR diversification, on hand-made inputs."""

from __future__ import annotations

import numpy as np

from recommender.serving.diversity import canonical_url, duplicate_groups, mmr
from tests.oracles import collapse_duplicates


def test_canonical_urls_ignore_scheme_www_query_and_trailing_slash() -> None:
    a = canonical_url("https://www.Kabar.example/nasional/gempa?utm_source=feed#top")
    assert a == canonical_url("http://kabar.example/nasional/gempa/")
    assert a != canonical_url("https://kabar.example/nasional/gempa-2")


def test_a_url_no_parser_reads_groups_only_with_itself() -> None:
    """Snapshots built before imports refused `http://[zz]/x` still load and answer."""
    urls = ["http://[zz]/1", "http://[ZZ]/1", "https://a.example/1", "http://[yy]/1"]
    rows = np.array([[1], [0], [0], [0]], dtype=np.int32)
    groups = duplicate_groups(urls, rows, np.zeros((4, 1), dtype=np.float32), threshold=2.0)
    assert groups[0] == groups[1] and len({groups[0], groups[2], groups[3]}) == 3


def test_duplicate_groups_by_url_or_near_identical_vectors() -> None:
    urls = [
        "https://a.example/1",
        "http://a.example/1/",
        "https://a.example/2",
        "https://a.example/3",
    ]
    rows = np.array([[1, 2], [0, 2], [3, 0], [2, 0]], dtype=np.int32)
    scores = np.array([[0.5, 0.1], [0.5, 0.1], [0.97, 0.1], [0.97, 0.1]], dtype=np.float32)
    groups = duplicate_groups(urls, rows, scores, threshold=0.95)
    assert groups[0] == groups[1] and groups[2] == groups[3] and groups[0] != groups[2]
    assert len(set(duplicate_groups(urls, rows, scores, threshold=2.0))) == 3  # URLs only


def test_collapse_keeps_the_freshest_at_the_best_place() -> None:
    order = np.array([0, 1, 2, 3])
    groups = np.array([7, 8, 7, 9])
    published = np.array([100.0, 50.0, 200.0, 10.0])
    assert collapse_duplicates(order, groups, published, set()).tolist() == [2, 1, 3]
    assert collapse_duplicates(order, groups, published, {8}).tolist() == [2, 3]


def test_mmr_trades_relevance_for_novelty() -> None:
    vectors = np.array([[1, 0], [1, 0], [0.99, 0.14], [0, 1]], dtype=np.float32)
    scores = np.array([0.9, 0.89, 0.88, 0.5])
    order = np.array([0, 1, 2, 3])
    assert mmr(order, scores, vectors, 2, 1.0).tolist() == [0, 1]
    assert mmr(order, scores, vectors, 2, 0.5).tolist() == [0, 3]
