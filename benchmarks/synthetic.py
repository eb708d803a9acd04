"""Synthetic snapshots for the serving benchmark: random items and vectors, no embedding model.

The snapshot is written with the builder's own writers (`write_items`, the file names of
`recommender.serving.catalog`, `VectorIndex`, `SnapshotStore.publish`) and checked by `Catalog.load`, so the
server loads it exactly like a built one. Only the content is synthetic: vectors are random unit
vectors and, unless `exact=True`, neighbour lists are random members of the pool with descending
scores. Their content does not change what a request costs (the engine reads K rows and re-ranks
them either way), and an exact top-K over 1,000,000 random vectors is O(N²) (hours on 2 cores).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from index.snapshots import SnapshotStore  # noqa: E402
from index.vector_index import VectorIndex  # noqa: E402
from recommender import __version__  # noqa: E402
from recommender.articles import EDITORIAL_POOLS, POOLS, Article, pool_of  # noqa: E402
from recommender.pipeline.index import index_pool  # noqa: E402
from recommender.serving.catalog import Catalog  # noqa: E402
from recommender.settings import Settings  # noqa: E402
from recommender.snapshot import (  # noqa: E402
    Neighbours,
    PoolContent,
    Related,
    SnapshotContent,
    item_record,
    write_snapshot,
)

DIMENSION = 384
SPONSORED_ITEMS = 60  # a publisher runs tens of campaigns, not a share of the archive
VIDEO_SHARE = 0.15
SECTIONS = ("Nasional", "Ekonomi", "Olahraga", "Teknologi", "Hiburan", "Internasional", "Otomotif")
WORDS = [
    "harga",
    "banjir",
    "pemilu",
    "timnas",
    "bank",
    "rupiah",
    "gempa",
    "jalan",
    "tol",
    "kereta",
    "cepat",
    "sekolah",
    "petani",
    "beras",
    "menteri",
    "presiden",
    "saham",
    "ekspor",
    "nikel",
    "pelabuhan",
    "bandara",
    "hujan",
    "kebakaran",
    "hutan",
    "vaksin",
    "rumah",
    "sakit",
    "guru",
    "pasar",
    "motor",
    "listrik",
    "startup",
    "pajak",
    "subsidi",
]


def synthetic_articles(n: int, rng: np.random.Generator, now: datetime) -> list[Article]:
    """`n` valid items: editorial articles and videos plus a fixed number of sponsored ones."""
    out = []
    sponsored = min(SPONSORED_ITEMS, max(1, n // 100))
    ages = rng.uniform(0, 365 * 24, size=n)
    kinds = rng.random(n)
    words = rng.integers(0, len(WORDS), size=(n, 8))
    for i in range(n):
        text = " ".join(WORDS[w] for w in words[i])
        record: dict[str, Any] = {
            "id": f"syn-{i:07d}",
            "type": "video" if kinds[i] < VIDEO_SHARE else "article",
            "title": f"Berita {i}: {text}",
            "lead": f"Ringkasan berita {i} tentang {text}.",
            "body": f"Isi berita {i}. " + text * 4,
            "url": f"https://kabarnusantara.example/berita/{i}",
            "image_url": f"/images/{i}.jpg",
            "image_caption": f"Foto {i}",
            "section": SECTIONS[i % len(SECTIONS)],
            "published_at": (now - timedelta(hours=float(ages[i]))).isoformat(),
        }
        if i < sponsored:
            record["type"] = "article"
            record["sponsor"] = {"name": f"Sponsor {i % 7}", "label": "Konten Bersponsor"}
        out.append(Article.model_validate(record))
    return sorted(out, key=lambda a: a.id)


def random_unit_vectors(n: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    vectors = np.empty((n, DIMENSION), dtype=np.float32)
    for start in range(0, n, 65536):
        block = rng.standard_normal((min(65536, n - start), DIMENSION), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start : start + len(block)] = block
    return vectors


def clustered_unit_vectors(
    n: int, rng: np.random.Generator, per_cluster: int = 50, spread: float = 0.045
) -> npt.NDArray[np.float32]:
    """Unit vectors around n / per_cluster random topics (cosine to the topic about 0.75).

    Closer to real embeddings than uniform random vectors, whose neighbours are all nearly
    equidistant (the worst case for HNSW, and unlike any real corpus).
    """
    centres = random_unit_vectors(max(1, n // per_cluster), rng)
    vectors = np.empty((n, DIMENSION), dtype=np.float32)
    for start in range(0, n, 65536):
        stop = min(n, start + 65536)
        topics = rng.integers(0, len(centres), size=stop - start)
        block = (
            centres[topics]
            + rng.standard_normal((stop - start, DIMENSION), dtype=np.float32) * spread
        )
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start:stop] = block
    return vectors


def random_neighbours(
    n: int, members: npt.NDArray[np.int64], k: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """K random pool members per row with descending scores in (0.3, 0.9)."""
    rows = np.full((n, k), -1, dtype=np.int32)
    scores = np.zeros((n, k), dtype=np.float32)
    if len(members) == 0:
        return rows, scores
    for start in range(0, n, 65536):
        stop = min(n, start + 65536)
        picks = rng.integers(0, len(members), size=(stop - start, k))
        rows[start:stop] = members[picks]
        block = np.sort(rng.uniform(0.3, 0.9, size=(stop - start, k)).astype(np.float32), axis=1)
        scores[start:stop] = block[:, ::-1]
    return rows, scores


def build_synthetic_snapshot(
    data_dir: Path, n: int, *, seed: int = 7, exact: bool = False
) -> dict[str, Any]:
    """Publish a synthetic snapshot of `n` items under `data_dir`; returns its manifest.

    Its related lists are the dense lists with all-dense parts (the catalogue would otherwise
    derive them in memory at load, which a real snapshot never does); its lexical lists are empty.
    """
    settings = Settings(data_dir=data_dir)
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    articles = synthetic_articles(n, rng, now)
    records = [item_record(a) for a in articles]
    pools = [pool_of(r) for r in records]
    vectors = random_unit_vectors(n, rng)
    k = settings.build.neighbours_k
    content = SnapshotContent(records, vectors, None)
    for pool in EDITORIAL_POOLS:
        members = np.array([i for i, p in enumerate(pools) if p == pool], dtype=np.int64)
        if exact:
            lists = index_pool(vectors, members, settings)
            index, neighbours = lists.index, lists.neighbours
        else:
            # A flat index (the exact top-K is not computed, see the module docstring).
            index = VectorIndex.build(vectors[members], members, flat_max=n + 1)
            neighbours = Neighbours(*random_neighbours(n, members, k, rng))
        related = Related.from_dense(neighbours.rows, neighbours.scores)
        no_lexical = Neighbours(np.zeros((n, 0), np.int32), np.zeros((n, 0), np.float32))
        content.pools[pool] = PoolContent(index, neighbours, related, no_lexical)
    manifest = {
        "created_at": now.isoformat(),
        "package_version": __version__,
        "model": {"name": "synthetic-random", "dimension": DIMENSION, "key": "synthetic"},
        "counts": {"items": n, **{p: pools.count(p) for p in POOLS}},
        "index": {pool: parts.index.kind for pool, parts in content.pools.items()},
        "neighbours_k": k,
        "neighbours": "exact" if exact else "random",
        "centered": False,
        "settings_hash": settings.build_hash(),
        "synthetic": True,
    }
    store = SnapshotStore(settings.snapshots_dir)
    version = write_snapshot(store, content, manifest, keep=settings.jobs.keep_snapshots)
    Catalog.load(store.path(version))  # the server must be able to load it
    return {**manifest, "version": version}
