"""The FAISS index agrees with a plain numpy brute-force search (the oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.vector_index import VectorIndex, use_hnsw


def unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def oracle(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = queries @ vectors.T
    return ids[np.argsort(-scores, axis=1)[:, :k]]


@pytest.mark.parametrize("n", [1, 7, 500])
def test_flat_search_matches_brute_force(n: int) -> None:
    rng = np.random.default_rng(n)
    vectors = unit(rng, n, 32)
    ids = rng.choice(10_000, size=n, replace=False).astype(np.int64)
    index = VectorIndex.build(vectors, ids)
    queries = unit(rng, 40, 32)
    k = min(10, n)
    scores, found = index.search(queries, k)
    assert index.kind == "flat"
    np.testing.assert_array_equal(found, oracle(vectors, ids, queries, k))
    np.testing.assert_allclose(scores[:, 0], np.max(queries @ vectors.T, axis=1), rtol=1e-5)


def test_hnsw_above_threshold_has_high_recall(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vectors = unit(rng, 3000, 24)
    ids = np.arange(3000, dtype=np.int64) * 3
    index = VectorIndex.build(vectors, ids, flat_max=1000, hnsw_m=16, ef_search=128)
    assert index.kind == "hnsw" and use_hnsw(3000, 1000) and not use_hnsw(1000, 1000)
    queries = unit(rng, 100, 24)
    _, found = index.search(queries, 10)
    truth = oracle(vectors, ids, queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)])
    assert recall > 0.95
    with (tmp_path / "i.faiss").open("wb") as out:
        index.write(out.write)
    loaded = VectorIndex.load(tmp_path / "i.faiss")
    np.testing.assert_array_equal(loaded.search(queries, 10)[1], found)


def test_add_and_write_load(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    vectors = unit(rng, 50, 16)
    ids = np.arange(100, 150, dtype=np.int64)
    index = VectorIndex.build(vectors[:40], ids[:40])
    index.add(vectors[40:], ids[40:])
    assert index.size == 50
    _, found = index.search(vectors[45:47], 1)
    assert found[:, 0].tolist() == [145, 146]  # added rows are found by their own ids
    with (tmp_path / "x.faiss").open("wb") as out:
        index.write(out.write)
    assert VectorIndex.load(tmp_path / "x.faiss").size == 50


def test_hnsw_search_wider_than_ef_search_still_fills_and_finds_the_list() -> None:
    """Build-time top-100 lists need a breadth of at least 2k, whatever efSearch is set to."""
    rng = np.random.default_rng(3)
    vectors = unit(rng, 2000, 16)
    ids = np.arange(2000, dtype=np.int64)
    index = VectorIndex.build(vectors, ids, flat_max=100, hnsw_m=16, ef_search=16)
    queries = vectors[:50]
    _, found = index.search(queries, 100)
    assert (found >= 0).all()
    truth = oracle(vectors, ids, queries, 100)
    recall = np.mean([len(set(a) & set(b)) / 100 for a, b in zip(found, truth, strict=True)])
    assert recall > 0.9


def test_the_index_is_written_in_chunks_as_faiss_serialises_it(tmp_path: Path) -> None:
    """The snapshot writer gets the index chunk by chunk (no whole-index buffer), and the bytes
    are faiss's own format, the same `serialize_index` gives."""
    import faiss

    rng = np.random.default_rng(4)
    vectors = unit(rng, 3000, 64)
    index = VectorIndex.build(vectors, np.arange(3000, dtype=np.int64), flat_max=1000)
    chunks: list[bytes] = []
    index.write(chunks.append, chunk=1 << 16)
    assert len(chunks) > 1 and max(map(len, chunks)) <= 1 << 16
    assert b"".join(chunks) == faiss.serialize_index(index._index).tobytes()
    (tmp_path / "c.faiss").write_bytes(b"".join(chunks))
    assert VectorIndex.load(tmp_path / "c.faiss").size == 3000
