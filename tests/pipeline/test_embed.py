"""The embed stage: encoders (the tests' tiny one and the real model), the content-hash cache,
centring."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from recommender.articles import Article
from recommender.pipeline.embed import (
    Embedder,
    EmbeddingCache,
    center_and_normalise,
    corpus_mean,
    embed_articles,
)
from recommender.settings import DEFAULT_MODEL, Settings
from tests.conftest import REPO
from tests.embedder import HashingEncoder

TEXTS = [
    "Banjir rendam ribuan rumah di Kabupaten Bandung",
    "Korban banjir Bandung mengungsi ke masjid",
    "Timnas Indonesia menang atas Vietnam",
    "",
]


def article(item_id: str, title: str, **extra: object) -> Article:
    return Article.model_validate(
        {
            "id": item_id,
            "title": title,
            "url": f"https://kabar.example/{item_id}",
            "published_at": "2026-11-10T09:15:00+07:00",
            **extra,
        }
    )


def test_hashing_encoder_makes_unit_rows_and_shared_words_count() -> None:
    encoder = HashingEncoder()
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (4, encoder.dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.2  # the two flood stories share words
    assert encoder.encode([]).shape == (0, encoder.dimension)
    assert np.array_equal(encoder.encode(TEXTS[:2]), vectors[:2])  # batching changes nothing
    assert len(encoder.key) == 16 and HashingEncoder().key == encoder.key


def test_hashing_encoder_is_the_same_in_every_process() -> None:
    """Stable hashing (not Python's `hash`): snapshots of the suite are reproducible."""
    code = (
        "import sys; from tests.embedder import HashingEncoder; "
        f"sys.stdout.buffer.write(HashingEncoder().encode({TEXTS!r}).tobytes())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        check=True,
        env={"PYTHONHASHSEED": "4242", "PATH": ""},
    ).stdout
    assert out == HashingEncoder().encode(TEXTS).tobytes()


def test_the_cache_embeds_each_text_once_per_encoder(tmp_path: Path) -> None:
    encoder = HashingEncoder()
    items = [article("a-1", "Harga beras naik"), article("a-2", "Harga cabai turun")]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    try:
        first, misses = embed_articles(items, encoder, cache, progress=False)
        assert misses == 2
        edited = [items[0], article("a-2", "Harga cabai turun lagi")]
        again, misses = embed_articles(edited, encoder, cache, progress=False)
        assert misses == 1  # only the changed text
        assert np.array_equal(again[0], first[0]) and not np.array_equal(again[1], first[1])

        class Other(HashingEncoder):
            dimension = 64

        _, misses = embed_articles(items, Other(), cache, progress=False)
        assert misses == 2  # another encoder's vectors are never reused
    finally:
        cache.close()
    assert embed_articles(items, encoder, None, progress=False)[1] == 2


def test_centring_uses_the_editorial_mean_only() -> None:
    vectors = np.array([[1, 0], [0, 1], [10, 10]], dtype=np.float32)
    mean = corpus_mean(vectors, ["article", "video", "sponsored"])
    np.testing.assert_allclose(mean, [0.5, 0.5])
    centred = center_and_normalise(vectors, mean)
    np.testing.assert_allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(centred[0], [np.sqrt(0.5), -np.sqrt(0.5)], atol=1e-6)
    same = center_and_normalise(np.zeros((1, 2), dtype=np.float32), None)
    assert np.array_equal(same, np.zeros((1, 2)))  # a zero row stays zero, no division by 0


def test_the_real_model_follows_the_settings(embedder: Embedder) -> None:
    settings = Settings(data_dir=Path("unused"), model=DEFAULT_MODEL)  # type: ignore[call-arg]
    assert embedder.prefix == settings.build.resolved_embedding_prefix == "passage: "
    assert embedder.max_seq_length == settings.build.max_seq_length
    assert embedder.encode([]).shape == (0, embedder.dimension)
    vectors = embedder.encode(TEXTS[:3], progress=False)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2]
    other = Embedder(embedder.model, embedder.name, "query: ", embedder.batch_size)
    assert other.key != embedder.key  # the prefix changes the vectors, so their identity
