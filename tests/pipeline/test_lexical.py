"""The lexical side and the build-time fusion (the relate stage), on hand-made texts (no embedding
model needed)."""

from __future__ import annotations

import json

import numpy as np

from recommender.pipeline.lexical import Analyser, LexicalIndex, default_stopwords
from recommender.pipeline.relate import relate
from tests.conftest import FIXTURES, fresh_python, make_settings


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
    lists = relate(rows, vectors, {"article": dense_rows}, ["article"] * 4, settings.build)
    related, lexical = lists["article"]
    lexical_rows = lexical.rows
    related_rows, parts, scores = related.rows, related.parts, related.scores
    assert lexical_rows[0][0] == 1 and lexical_rows[1][0] == 0
    assert related_rows[0][0] == 1  # best related item of the kite story: same village
    assert 2 in related_rows[0]  # dense candidates are kept too, ranked below
    valid = related_rows >= 0
    assert np.allclose(parts.sum(axis=2)[valid], scores[valid], atol=1e-5)


def test_labels_fixture_matches_the_corpus() -> None:
    labels = json.loads((FIXTURES / "ranking_labels.json").read_text(encoding="utf-8"))
    assert "cibeureum-1" in labels and labels["wire-1"] == labels["wire-2"]


NUMBA_CHECKS = {
    False: "assert 'numba' not in sys.modules and not bm25s.NUMBA_AVAILABLE\n",
    True: "assert sys.modules['numba'] is numba and bm25s.NUMBA_AVAILABLE\n",
}


def test_a_job_does_not_import_numba() -> None:
    """bm25s imports numba when it is installed; the lexical module imports bm25s without it
    (0.3 s of every job's start), and bm25s' BM25 weights are the same either way. A process
    that imported numba before keeps it."""
    weights = []
    for first in (False, True):
        code = (
            f"import sys{', numba' if first else ''}\n"
            "import recommender.jobs, recommender.cli, bm25s\n"
            f"{NUMBA_CHECKS[first]}"
            "from recommender.pipeline.lexical import bm25_matrix\n"
            "m = bm25_matrix([['banjir', 'jakarta'], ['banjir', 'bogor', 'bogor'], ['gempa']])\n"
            "print(m.toarray().round(6).tolist())\n"
        )
        weights.append(fresh_python(code))
    assert weights[0] == weights[1] and weights[0].startswith("[[")
