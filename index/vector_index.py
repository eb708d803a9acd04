"""FAISS behind one small class: exact search for small pools, HNSW above a size, int64 ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.blas import prefer_cpu_kernels

prefer_cpu_kernels()  # before faiss loads its own OpenBLAS (see index.blas)

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

Vectors = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]

# faiss only uses BLAS for batches of at least this many queries (default ~20 in old builds, much
# higher in 1.15); below it a batched flat search runs ~9x slower on 384-dim vectors.
BLAS_THRESHOLD = 16
BATCH = 2048
WRITE_CHUNK = 1 << 22  # bytes faiss hands the snapshot writer at a time


# An HNSW graph whose removed nodes pass this share is rebuilt; below it they stay as tombstones
# (id -1: still traversed, never returned), as rebuilding a 100k graph costs ~20 s on 2 cores.
TOMBSTONE_MAX_SHARE = 0.1
LIVE = (0, 1 << 62)  # the ids a search may return: tombstones (-1) are outside


def use_hnsw(n_items: int, flat_max: int) -> bool:
    """Exact flat search is cheap up to `flat_max` items (~16 ms/query at 100k); HNSW beyond."""
    return n_items > flat_max


def ef_construction(m: int) -> int:
    """Construction breadth: 2x the graph degree, at least 40 (recall ~1.0 at 100k with M=32)."""
    return max(40, 2 * m)


def search_breadth(ef_search: int, k: int) -> int:
    """HNSW breadth for a top-k search: the configured efSearch, but at least 2k.

    A breadth below k cannot even fill the list; 2k keeps recall of the build-time top-100
    neighbour lists near 1 without slowing single queries (k ~ 10) at all.
    """
    return max(ef_search, 2 * k)


class VectorIndex:
    """Inner-product search over unit vectors, addressed by int64 ids."""

    def __init__(self, index: faiss.Index, dimension: int) -> None:
        self._index = index
        self.dimension = dimension

    @classmethod
    def build(
        cls,
        vectors: Vectors,
        ids: Ids,
        *,
        flat_max: int = 50_000,
        hnsw_m: int = 32,
        ef_search: int = 128,
    ) -> VectorIndex:
        dimension = int(vectors.shape[1])
        inner: faiss.Index
        if use_hnsw(len(vectors), flat_max):
            hnsw = faiss.IndexHNSWFlat(dimension, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = ef_construction(hnsw_m)
            hnsw.hnsw.efSearch = ef_search
            inner = hnsw
        else:
            inner = faiss.IndexFlatIP(dimension)
        index = cls(faiss.IndexIDMap2(inner), dimension)
        index.add(vectors, ids)
        return index

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def tombstones(self) -> int:
        """Nodes of removed items (id -1) still in the graph."""
        ids = faiss.vector_to_array(faiss.downcast_index(self._index).id_map)  # type: ignore[attr-defined]
        return int((ids < 0).sum())

    def relabel(self, old_to_new: Ids) -> None:
        """Renumber the ids: id i becomes old_to_new[i]; -1 leaves a tombstone, a node a search
        still passes through but never returns (graphs cannot drop nodes)."""
        mapped = faiss.downcast_index(self._index)
        ids = faiss.vector_to_array(mapped.id_map)  # type: ignore[attr-defined]
        lookup = np.asarray(old_to_new, dtype=np.int64)
        known = (ids >= 0) & (ids < len(lookup))
        new = np.where(known, lookup[np.where(known, ids, 0)], -1).astype(np.int64)
        faiss.copy_array_to_vector(new, mapped.id_map)  # type: ignore[attr-defined]
        mapped.construct_rev_map()  # type: ignore[attr-defined]

    @property
    def kind(self) -> str:
        inner = faiss.downcast_index(faiss.downcast_index(self._index).index)  # type: ignore[attr-defined]
        return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"

    def add(self, vectors: Vectors, ids: Ids) -> None:
        if len(vectors) == 0:
            return
        self._index.add_with_ids(_f32(vectors), np.ascontiguousarray(ids, dtype=np.int64))

    def search(self, queries: Vectors, k: int) -> tuple[Vectors, Ids]:
        """Top-k (scores, ids) per query row; missing slots have id -1."""
        k = max(1, min(k, self.size))
        queries = _f32(queries)
        faiss.cvar.distance_compute_blas_threshold = BLAS_THRESHOLD
        scores = np.empty((len(queries), k), dtype=np.float32)
        ids = np.empty((len(queries), k), dtype=np.int64)
        params = self._search_params(k)
        for start in range(0, len(queries), BATCH):
            stop = start + BATCH
            s, i = self._index.search(queries[start:stop], k, params=params)
            scores[start:stop], ids[start:stop] = s, i
        return scores, ids

    def _search_params(self, k: int) -> Any:
        """Per-call HNSW parameters (None for flat indexes); the stored efSearch is left as is."""
        if self.kind != "hnsw":
            return None
        inner = faiss.downcast_index(faiss.downcast_index(self._index).index)  # type: ignore[attr-defined]
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = search_breadth(int(inner.hnsw.efSearch), k)  # type: ignore[attr-defined]
        if self.tombstones:
            self._live = faiss.IDSelectorRange(*LIVE)
            params.sel = self._live  # kept alive with the index: faiss holds a raw pointer
        return params

    def write(self, out: Callable[[bytes], object], chunk: int = WRITE_CHUNK) -> None:
        """The index in faiss's own format (what `load` reads back from a file), handed to `out`
        chunk by chunk as faiss writes it: for the snapshot writer, which hashes the bytes as it
        writes them. (`faiss.serialize_index` grows a buffer of the whole index, then copies
        it: at 100k items 180 MB, three times over in fresh memory, 0.4-1.2 s against 0.1.)"""
        writer = faiss.PyCallbackIOWriter(out, chunk)  # type: ignore[attr-defined]
        faiss.write_index(self._index, writer)
        del writer  # flushes its last chunk

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = faiss.read_index(str(path))
        return cls(index, int(index.d))


def _f32(vectors: Vectors) -> Vectors:
    return np.ascontiguousarray(vectors, dtype=np.float32)
