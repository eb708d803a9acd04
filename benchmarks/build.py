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
- `backends` (`--backends torch,openvino,onnx-int8`): a whole `run_build` of the same corpus per
  embedding backend (`RECOMMENDER_EMBEDDING_BACKEND` / `_QUANTIZE`), each with an empty cache, in
  one run: items/s and its ratio to torch fp32 (goal >= 2), dense-only P@5 (mean-centred, self
  excluded; same story on `detik-dev`, same category on the first `--backend-items` HuffPost
  items) and its difference to torch (goal within 0.005), and the cosine of every vector to
  torch's (min, p1, p5, median; goal min >= 0.99). Exports are made (once) before any timing.
  Skips a corpus whose data is absent.
"""

from __future__ import annotations

import argparse
import json
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

SHARED = REPO.parent / "shared" / "data"
HUFFPOST = SHARED / "huffpost-10k" / "articles.jsonl"
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


def backend_settings(name: str, data_dir: Path) -> Settings:
    """Settings for a backend named `torch`, `openvino`, `onnx` or `onnx-int8`."""
    backend, _, quantize = name.partition("-")
    return Settings(
        data_dir=data_dir,
        model_cache_dir=REPO / ".cache" / "models",
        embedding_backend=backend,
        embedding_quantize=quantize or "none",
    )


def precision_at_5(vectors: np.ndarray, labels: list[set[str]]) -> float:
    """Mean share of each item's 5 nearest (mean-centred cosine, self excluded) sharing a label."""
    centred = vectors - vectors.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    sims = centred @ centred.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :5]
    return float(np.mean([[bool(labels[i] & labels[j]) for j in row] for i, row in enumerate(top)]))


def bench_backends(
    data: Path, corpus: str, limit: int | None, backends: list[str], work: Path
) -> None:
    from recommender.ingest.importer import import_paths
    from recommender.jobs import embedding_cache, run_build
    from recommender.pipeline.embed import Embedder, embed_articles

    folder = data / corpus
    if not (folder / "articles.jsonl").is_file():
        note(f"backends: {corpus} skipped, {folder} is absent (shared evaluation data)")
        return
    lines = (folder / "articles.jsonl").read_bytes().splitlines()[:limit]
    source = work / f"{corpus}.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    articles = sorted(import_paths([source]).items.values(), key=lambda a: a.id)
    raw = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    labels = [set(raw[a.id].get("keywords") or [raw[a.id].get("category")]) for a in articles]
    embedders = {}
    for name in backends:  # load (and export, the first time) before anything is timed
        embedders[name] = Embedder.from_settings(backend_settings(name, work))
        embedders[name].encode(["passage: pemanasan"] * 16, progress=False)
    reference: np.ndarray | None = None
    torch_rate = torch_p5 = None
    for name in backends:
        settings = backend_settings(name, work / f"{corpus}-{name}")
        started = time.perf_counter()
        summary, _ = run_build([source], settings, embedder=embedders[name], progress=False)
        seconds = time.perf_counter() - started
        assert summary.embedded == len(articles), summary.as_dict()
        cache = embedding_cache(settings)
        vectors, misses = embed_articles(articles, embedders[name], cache, progress=False)
        cache.close()
        assert misses == 0
        rate, p5 = len(articles) / seconds, precision_at_5(vectors, labels)
        if reference is None:
            reference, torch_rate, torch_p5 = vectors, rate, p5
        cosine = np.sum(vectors * reference, axis=1)
        emit(
            {
                "bench": "build",
                "case": "backends",
                "corpus": corpus,
                "items": len(articles),
                "backend": name,
                "runtime": embedders[name].runtime,
                "build_s": round(seconds, 1),
                "items_per_s": round(rate, 2),
                "ratio_to_torch": round(rate / torch_rate, 2) if torch_rate else None,
                "p_at_5": round(p5, 4),
                "p_at_5_minus_torch": round(p5 - torch_p5, 4) if torch_p5 is not None else None,
                "cosine_to_torch": {
                    "min": round(float(cosine.min()), 5),
                    "p1": round(float(np.percentile(cosine, 1)), 5),
                    "p5": round(float(np.percentile(cosine, 5)), 5),
                    "median": round(float(np.median(cosine)), 5),
                },
                "goals": {"ratio_to_torch": 2.0, "p_at_5_within": 0.005, "cosine_min": 0.99},
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
    parser.add_argument(
        "--backends",
        default="",
        help="compare embedding backends in whole builds, torch first (e.g. torch,openvino,onnx-int8)",
    )
    parser.add_argument("--backend-items", type=int, default=1000, help="HuffPost items for it")
    parser.add_argument("--data", type=Path, default=SHARED, help="the shared evaluation data")
    parser.add_argument("--only-backends", action="store_true", help="skip the other cases")
    args = parser.parse_args()
    if args.backends:
        names = ["torch", *(b for b in args.backends.split(",") if b and b != "torch")]
        emit({"bench": "build", "machine": machine(), "note": "2 cores shared with other work"})
        with tempfile.TemporaryDirectory(prefix="bench-backends-") as tmp:
            bench_backends(args.data, "detik-dev", None, names, Path(tmp))
            bench_backends(args.data, "huffpost-10k", args.backend_items, names, Path(tmp))
        if args.only_backends:
            return
    emit({"bench": "build", "machine": machine(), "note": "2 cores shared with other work"})
    k = Settings().build.neighbours_k
    for n in (int(s) for s in args.sizes.split(",") if s):
        bench_faiss(n, k)
    if not args.skip_embedding:
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            bench_embedding(args.embed_items, Path(tmp))


if __name__ == "__main__":
    main()
