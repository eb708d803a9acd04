"""Build speed: embedding inside `recommender build` vs the bare model, FAISS index and neighbours.

Usage: ``python benchmarks/build.py [--embed-items 500] [--sizes 10000,100000]``.

- `embedding`: the same texts (the first N HuffPost items of `../shared/data/huffpost-10k`, as
  `recommender build` makes them: title + lead + body with the model's prefix) embedded by the
  bare sentence-transformers `encode` and by a whole `run_build` (import, cache look-ups,
  embedding, centring, indexes, neighbour lists, writing and publishing the snapshot) with the same
  loaded model and an empty cache. Prints items/s of each and their ratio (goal >= 0.9), then the
  same build again with every vector in the embedding cache. Skips when the data is absent.
- `faiss`: synthetic unit vectors (384-d, clustered around n/50 random topics like real embeddings;
  uniform random vectors have no near neighbours at all and HNSW recall on them means nothing): index
  build, the batched top-K neighbour search of every item (self excluded) as the builder runs it,
  and the recall@K of those lists against exact brute force on 200 sampled items. Pools larger
  than `flat_index_max_items` (50,000) use HNSW, smaller ones the exact flat index.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from synthetic import clustered_unit_vectors  # noqa: E402

from index.vector_index import VectorIndex  # noqa: E402
from recommender.pipeline.index import search_neighbours  # noqa: E402
from recommender.settings import Settings  # noqa: E402

HUFFPOST = REPO.parent / "shared" / "data" / "huffpost-10k" / "articles.jsonl"
RECALL_SAMPLE = 200


def bench_embedding(n: int, work: Path) -> None:
    from recommender.ingest.importer import import_paths
    from recommender.ingest.text import item_text
    from recommender.jobs import run_build
    from recommender.pipeline.embed import Embedder

    if not HUFFPOST.is_file():
        note(f"embedding: skipped, {HUFFPOST} is absent (shared evaluation data)")
        return
    lines = HUFFPOST.read_bytes().splitlines()[:n]
    source = work / "items.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    settings = Settings(data_dir=work / "data", model_cache_dir=REPO / ".cache" / "models")
    embedder = Embedder.from_settings(settings)
    articles = sorted(import_paths([source]).items.values(), key=lambda a: a.id)
    texts = [embedder.prefix + item_text(a) for a in articles]
    embedder.model.encode(texts[:16], batch_size=embedder.batch_size)  # threads, allocator warm
    started = time.perf_counter()
    embedder.model.encode(
        texts,
        batch_size=embedder.batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    bare = time.perf_counter() - started
    started = time.perf_counter()
    summary, _ = run_build([source], settings, embedder=embedder, progress=False)
    build = time.perf_counter() - started
    assert summary.embedded == len(texts), summary.as_dict()
    started = time.perf_counter()
    cached, _ = run_build([source], settings, embedder=embedder, progress=False)
    rebuild = time.perf_counter() - started
    emit(
        {
            "bench": "build",
            "case": "embedding",
            "items": len(texts),
            "model": embedder.name,
            "max_seq_length": embedder.max_seq_length,
            "bare_encode_items_per_s": round(len(texts) / bare, 2),
            "build_items_per_s": round(len(texts) / build, 2),
            "ratio": round(bare / build, 3),
            "goal": 0.9,
            "bare_s": round(bare, 2),
            "build_s": round(build, 2),
            "cached_rebuild_s": round(rebuild, 2),
            "cached_rebuild_embedded": cached.embedded,
            "cached_rebuild_published": cached.snapshot != summary.snapshot,
        }
    )


def bench_faiss(n: int, k: int) -> None:
    settings = Settings()
    rng = np.random.default_rng(5)
    vectors = clustered_unit_vectors(n, rng)
    ids = np.arange(n, dtype=np.int64)
    started = time.perf_counter()
    index = VectorIndex.build(
        vectors,
        ids,
        flat_max=settings.build.flat_index_max_items,
        hnsw_m=settings.build.hnsw_m,
        ef_search=settings.jobs.hnsw_ef_search,
    )
    build = time.perf_counter() - started
    started = time.perf_counter()
    rows, _ = search_neighbours(index, vectors, ids, k)
    search = time.perf_counter() - started
    sample = rng.choice(n, size=min(RECALL_SAMPLE, n), replace=False)
    exact = vectors[sample] @ vectors.T
    exact[np.arange(len(sample)), sample] = -np.inf  # self excluded, as in the lists
    truth = np.argpartition(-exact, k, axis=1)[:, :k]
    recall = np.mean([len(set(truth[i]) & set(rows[r])) / k for i, r in enumerate(sample)])
    emit(
        {
            "bench": "build",
            "case": "faiss",
            "items": n,
            "dimension": int(vectors.shape[1]),
            "index": index.kind,
            "k": k,
            "index_build_s": round(build, 2),
            "neighbours_s": round(search, 2),
            "neighbours_per_s": round(n / search, 1),
            "recall_at_k": round(float(recall), 4),
            "vectors": "synthetic: unit vectors around n/50 random topics",
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embed-items", type=int, default=500, help="HuffPost items to embed")
    parser.add_argument("--sizes", default="10000,100000", help="vector counts for FAISS")
    parser.add_argument("--skip-embedding", action="store_true")
    args = parser.parse_args()
    emit({"bench": "build", "machine": machine(), "note": "2 cores shared with other work"})
    k = Settings().build.neighbours_k
    for n in (int(s) for s in args.sizes.split(",") if s):
        bench_faiss(n, k)
    if not args.skip_embedding:
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            bench_embedding(args.embed_items, Path(tmp))


if __name__ == "__main__":
    main()
