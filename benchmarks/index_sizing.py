"""Sizing inputs for docs/scaling.md: snapshot bytes per item, and the vector index kinds for the
build's neighbour search (flat, HNSW, IVF-SQ8) measured side by side (#15, point 5).

Usage: ``python benchmarks/index_sizing.py [--items 100000] [--index-items 100000] [--queries 2000]
[--snapshot DATA_DIR/snapshots/VERSION]``.

1. A synthetic snapshot of `--items` items (`synthetic.py`: the builder's own writers, random
   content) is written and its files summed by family (vectors, dense neighbours, hybrid related
   lists, item records, FAISS indexes...): bytes per item, and the total for 1M and 10M items by
   linear extrapolation (every family is per item). `--snapshot` measures a real built snapshot
   the same way (a real one also has lexical and shared-neighbour lists, which synthetic ones lack).
2. `--index-items` clustered unit vectors (384 dimensions, topics of 50, like real embeddings) are
   indexed three ways: exact inner product (`IndexFlatIP`), HNSW (M=32, the build's default) and
   IVF with 8-bit scalar quantisation (nlist = 4·√N, nprobe 16). For each: build seconds, bytes
   per vector, search µs per query for the build's own query (k = 100, batches of `--queries`),
   recall@10 against the flat index; and the all-pairs neighbour pass (every item queries its
   pool, what `build` does) extrapolated to 1M and 10M items by each kind's cost law (flat ∝ N per
   query, IVF ∝ √N, HNSW ∝ log N). The flat index is the baseline of the same run.

Prints one JSON line per part.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from synthetic import build_synthetic_snapshot, clustered_unit_vectors  # noqa: E402

from index.vector_index import ef_construction, search_breadth  # noqa: E402

SCALES = (1_000_000, 10_000_000)
K = 100


def family(name: str) -> str:
    """`related-rows-article.npy` -> `related`; `index-video.faiss` -> `index`."""
    stem = name.split(".", 1)[0]
    if stem.startswith("neighbour"):
        return "neighbours"
    return stem.split("-", 1)[0]


def snapshot_bytes(folder: Path) -> dict[str, Any]:
    """Bytes per item of each file family of a snapshot folder, and the totals at SCALES."""
    import orjson

    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    items = int(manifest["counts"]["items"])
    sizes: dict[str, int] = defaultdict(int)
    for path in folder.iterdir():
        if path.is_file() and path.name != "manifest.json":
            sizes[family(path.name)] += path.stat().st_size
    per_item = {name: round(size / items, 1) for name, size in sorted(sizes.items())}
    total = sum(sizes.values()) / items
    served = total - per_item.get("index", 0.0)  # the service never opens the FAISS indexes
    return {
        "items": items,
        "bytes_per_item": per_item,
        "total_bytes_per_item": round(total, 1),
        "served_bytes_per_item": round(served, 1),
        "gib_at": {str(n): round(total * n / 2**30, 1) for n in SCALES},
        "served_gib_at": {str(n): round(served * n / 2**30, 1) for n in SCALES},
    }


def build_kind(kind: str, vectors: npt.NDArray[np.float32]) -> faiss.Index:
    n, dim = vectors.shape
    if kind == "flat":
        index: faiss.Index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction(32)
        index.hnsw.efSearch = search_breadth(128, K)
    else:
        nlist = round(4 * math.sqrt(n))
        quantiser = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantiser, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        sample = vectors[np.random.default_rng(1).choice(n, min(n, 64 * nlist), replace=False)]
        index.train(sample)
        index.nprobe = 16
    index.add(vectors)
    return index


def per_query_growth(kind: str, n: int, target: int) -> float:
    """How much one query's cost grows from n to target items, by the kind's cost law."""
    if kind == "flat":
        return target / n
    if kind == "ivf_sq8":
        return math.sqrt(target / n)
    return math.log(target) / math.log(n)


def index_kinds(n: int, queries: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    vectors = clustered_unit_vectors(n, rng)
    probe = vectors[rng.choice(n, min(queries, n), replace=False)]
    out: list[dict[str, Any]] = []
    truth: npt.NDArray[np.int64] | None = None
    flat_us = 0.0
    for kind in ("flat", "hnsw", "ivf_sq8"):
        started = time.perf_counter()
        index = build_kind(kind, vectors)
        built = time.perf_counter() - started
        started = time.perf_counter()
        _, ids = index.search(probe, K)
        us = (time.perf_counter() - started) / len(probe) * 1e6
        if truth is None:
            truth, flat_us = ids, us
        recall = float(
            np.mean([len(set(a[:10]) & set(b[:10])) / 10 for a, b in zip(ids, truth, strict=True)])
        )
        size = len(faiss.serialize_index(index))
        pass_s = {
            str(t): round(us * per_query_growth(kind, n, t) * t / 1e6 + built * t / n, 0)
            for t in SCALES
        }
        out.append(
            {
                "part": "index_kind",
                "kind": kind,
                "items": n,
                "build_s": round(built, 2),
                "bytes_per_vector": round(size / n, 1),
                "search_us_per_query_k100": round(us, 1),
                "search_vs_flat": round(us / flat_us, 3),
                "recall_at_10": round(recall, 4),
                "all_pairs_pass_s_extrapolated": pass_s,
            }
        )
        note(f"{kind}: built in {built:.1f} s, {us:.0f} µs/query, recall@10 {recall:.3f}")
        del index
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--index-items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--snapshot", type=Path, help="also measure this built snapshot folder")
    args = parser.parse_args()
    faiss.omp_set_num_threads(max(1, faiss.omp_get_max_threads()))
    with tempfile.TemporaryDirectory(prefix="sizing-") as tmp:
        build_synthetic_snapshot(Path(tmp), args.items)
        folder = next(p for p in (Path(tmp) / "snapshots").iterdir() if p.is_dir())
        emit({"part": "snapshot", "source": "synthetic", **snapshot_bytes(folder)})
    if args.snapshot:
        emit({"part": "snapshot", "source": str(args.snapshot), **snapshot_bytes(args.snapshot)})
    for row in index_kinds(args.index_items, args.queries):
        emit({**row, "machine": machine()})


if __name__ == "__main__":
    main()
