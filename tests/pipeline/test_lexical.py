"""The lexical side and the build-time fusion, on hand-made texts (no embedding model needed)."""

from __future__ import annotations

import json

import numpy as np

from recommender.pipeline.lexical import Analyser, LexicalIndex, default_stopwords
from recommender.pipeline.relate import lexical_file, ranking_arrays, related_file
from recommender.serving.diversity import canonical_url, duplicate_groups, mmr
from tests.conftest import FIXTURES, make_settings
from tests.oracles import collapse_duplicates


def test_analyser_lowercases_and_drops_stop_words_and_numbers() -> None:
    analyser = Analyser(default_stopwords(), stem=False)
    tokens = analyser.tokens("Presiden dan Menteri yang BARU itu bertemu di Jakarta pada 2025")
    assert tokens == ["presiden", "menteri", "bertemu", "jakarta"]  # "baru" is a stop word
    assert analyser.tokens("The floods and the rain", "en") == ["floods", "rain"]


def test_stemming_applies_to_indonesian_only() -> None:
    analyser = Analyser(default_stopwords(), stem=True)
    assert analyser.tokens("pemerintah menetapkan kebijakan", "id") == [
        "perintah",
        "tetap",
        "bijak",
    ]
    assert analyser.tokens("government policies", "en") == ["government", "policies"]


def records() -> list[dict[str, str]]:
    return [
        {"title": "Lomba Layang-layang di Desa Cibeureum", "lead": "Warga bermain layang-layang."},
        {"title": "Harga Cabai di Pasar Cibeureum Naik", "lead": "Pedagang cabai mengeluh."},
        {"title": "Timnas Menang atas Vietnam", "lead": "Gol di menit akhir."},
        {"title": "Petani Beras Panen Raya", "lead": "Gabah melimpah di sawah."},
    ]


def test_bm25_more_like_this_scores_are_normalised_by_the_anchor() -> None:
    index = LexicalIndex.build(records(), Analyser(default_stopwords(), stem=False))
    body = (index.body @ index.body.T).toarray() / index.body_self[:, None]
    assert np.allclose(np.diag(body), 1.0)
    assert body[0, 1] > 0 and body[0, 2] == 0  # only the place name links the first two


def test_a_name_the_vectors_miss_still_connects_stories() -> None:
    """Orthogonal vectors carry no similarity at all: the related list must come from BM25."""
    rows = records()
    vectors = np.eye(len(rows), 8, dtype=np.float32)
    dense_rows = np.array([[j for j in range(4) if j != i][:2] for i in range(4)], dtype=np.int32)
    settings = make_settings(FIXTURES, neighbours_k=10, neighbourhood_k=2)
    arrays = ranking_arrays(rows, vectors, {"article": dense_rows}, ["article"] * 4, settings)
    lexical_rows = arrays[lexical_file("article", "rows")]
    related_rows = arrays[related_file("article", "rows")]
    parts = arrays[related_file("article", "parts")]
    scores = arrays[related_file("article", "scores")]
    assert lexical_rows[0][0] == 1 and lexical_rows[1][0] == 0
    assert related_rows[0][0] == 1  # best related item of the kite story: same village
    assert 2 in related_rows[0]  # dense candidates are kept too, ranked below
    valid = related_rows >= 0
    assert np.allclose(parts.sum(axis=2)[valid], scores[valid], atol=1e-5)


def test_canonical_urls_ignore_scheme_www_query_and_trailing_slash() -> None:
    a = canonical_url("https://www.Kabar.example/nasional/gempa?utm_source=feed#top")
    assert a == canonical_url("http://kabar.example/nasional/gempa/")
    assert a != canonical_url("https://kabar.example/nasional/gempa-2")


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


def test_labels_fixture_matches_the_corpus() -> None:
    labels = json.loads((FIXTURES / "ranking_labels.json").read_text(encoding="utf-8"))
    assert "cibeureum-1" in labels and labels["wire-1"] == labels["wire-2"]
