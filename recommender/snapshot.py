"""The on-disk snapshot format, in one place: file names, the manifest, the writer, the loaders.

A snapshot is a folder under `DATA_DIR/snapshots/` (versioned and flipped by `index.snapshots`):

| file                                | what                                                        |
|-------------------------------------|-------------------------------------------------------------|
| `manifest.json`                     | `schema_version`, model, counts, settings hash, timings     |
| `items.jsonl`                       | one record per item row: the item's JSON + `content_hash`   |
| `rows.json`                         | each row's id, pool, section and line offset in `items.jsonl` |
| `vectors.npy`                       | float32 (rows, dimension), unit length                      |
| `mean.npy`                          | the corpus mean subtracted before normalising (if centred)  |
| `index-{pool}.faiss`                | the pool's HNSW graph, ids = item rows (kept for updates)   |
| `neighbours-{pool}.npy`             | int32 (rows, K): the pool's dense top-K per row, -1 pads     |
| `neighbour-scores-{pool}.npy`       | float32 (rows, K): their cosines                            |
| `related-{rows,scores,parts}-{pool}.npy` | the hybrid related lists (see pipeline.relate)        |
| `lexical-{rows,scores}-{pool}.npy`  | the pool's BM25 top-K per row                               |
| `marks-{rows,scores}-{pool}.npy`    | each row's neighbourhood in the pool (for shared neighbours) |
| `bm25-{body,title}.npz`             | BM25 weights (items x terms, CSR) of each text field         |
| `bm25-stats.json`                   | their collection statistics: terms, document frequencies    |

A pool's index is kept only when it is an HNSW graph (a pool above `flat_index_max_items`), which
an update extends instead of building again. An exact (flat) index is a copy of the pool's
vectors that nothing reads back (serving never searches an index; an update makes a flat one
afresh from `vectors.npy`), so it is not written (1.5 KB an item; a snapshot written before holds
one, listed in its manifest and verified as before, which an update of it drops).

A pool without members (a publisher without videos) has no lists to keep: every one of its
lists is empty. Its list files (`neighbours`, `neighbour-scores`, `related-*`, `lexical-*`,
`marks-*`) are not written (at 1M items they would be 3.8 GB of pads); the manifest's
`empty_pools` gives their widths, and the loaders give them as pads (-1 rows, zero scores:
read-only arrays that take no memory). Schema version 3.

The last three are the ranking layer's state, read only by an update to keep that layer
incremental (recommender.pipeline.rerank); a snapshot without them (written before they
existed) is read as before, and its first update recomputes the layer in full.

`manifest.json` lists every other file of the folder under `files` with its size and checksum
(XXH3-128 since schema version 4; SHA-256 in versions 2 and 3), taken by the writer from the
bytes as they are written. `verify_snapshot` checks them: sizes and the file list before a
snapshot is published (after the rename, before CURRENT flips), sizes and checksums before the
service switches to it, before an update extends it, and in `recommender snapshots verify`.
Version 1 snapshots have no `files` and are read as before: there is nothing to verify
(`verify_snapshot` reports them as unverified).

`rows.json` lets an update read the records it changes and nothing else (`StoredItems`): it
copies the other lines as they are (`CarriedItems`) instead of parsing and writing again every
record (at 100k items, 64 MB of JSON: 0.25 s and 0.25 GB of Python objects; at 1M, ten times
that). A snapshot written before it existed is read whole, as before.

Pools are the editorial ones (`article`, `video`); sponsored items have vectors but no lists.
Nobody else spells a file name: the build, the update, the service and the benchmarks all go
through `write_snapshot` and the loaders here. This module imports no FAISS (serving never
searches it): `load_index` imports it when an update asks.
"""

from __future__ import annotations

import gc
import hashlib
import io
import itertools
import mmap
import os
import shutil
import sys
from abc import abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, cast, overload

import numpy as np
import numpy.typing as npt
import orjson
import scipy.sparse as sp
import xxhash

from index.snapshots import MANIFEST, SnapshotStore
from recommender.articles import EDITORIAL_POOLS, Article
from recommender.errors import SnapshotCorrupt, SnapshotIncompatible
from recommender.faults import crash_point

if TYPE_CHECKING:
    from index.vector_index import VectorIndex

# Version 1: the layout above. Version 2: the manifest's `files` (size and SHA-256 of each file).
# A loader refuses a newer schema instead of misreading it; snapshots written before the field
# existed are version 1 (still read; they carry no checksums to verify).
SCHEMA_VERSION = 4
FILES_KEY = "files"
# Version 3: pools without members have no list files; the manifest's `empty_pools` maps each
# to the widths of its lists (`width`: K, `marks_width`: its neighbourhoods') and the loaders
# give them as pads. Versions 1 and 2 always wrote every pool's files (still read as they are).
EMPTY_POOLS_KEY = "empty_pools"


@dataclass(frozen=True)
class Checksum:
    """A kind of file checksum a manifest may hold: its name in messages and its hash."""

    name: str
    new: Callable[[], Any]  # a hash object: `update(bytes)`, `hexdigest()`


# Version 4: each file's checksum is XXH3-128 (`xxh3_128`, the xxhash package) instead of
# SHA-256 (`sha256`, versions 2 and 3: still verified with it). The checksums guard against
# damage (a short copy, a flipped bit, a file from another snapshot), not against someone who
# can also rewrite the manifest, so a fast non-cryptographic hash does: 7 GB/s here against
# SHA-256's 1.3 GB/s, on every byte a job writes and an update or a replica verifies.
CHECKSUM = "xxh3_128"
# What a manifest may name, newest first.
CHECKSUMS = {
    "xxh3_128": Checksum("XXH3-128", xxhash.xxh3_128),
    "sha256": Checksum("SHA-256", hashlib.sha256),
}
# Arrays up to this size are read into memory at load instead of memory-mapped: a file truncated
# under a running service can then never fault it (SIGBUS). Larger ones stay mapped (see
# docs/operations.md, "Verified snapshots").
IN_MEMORY_MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20
_RECORDS_PER_WRITE = 1024  # items.jsonl lines joined per write (and per hash update)

ITEMS_FILE = "items.jsonl"
ROWS_FILE = "rows.json"  # {"ids", "pools", "sections", "starts"}: lists, `StoredItems`
VECTORS_FILE = "vectors.npy"
MEAN_FILE = "mean.npy"
# Names of the parts of an item's relevance, in the order of `Related.parts`' last axis.
PARTS = ("dense", "lexical", "neighbourhood")
# Stored fields serving never reads (they stay on disk; `Catalog.full_record` has them all).
DISK_ONLY_FIELDS = ("body", "content_hash")
# Short categorical values repeated across items: one shared string each instead of millions.
INTERNED_FIELDS = ("type", "status", "language", "section")

Rows = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]


def index_file(pool: str) -> str:
    return f"index-{pool}.faiss"


def neighbours_file(pool: str) -> str:
    return f"neighbours-{pool}.npy"


def scores_file(pool: str) -> str:
    return f"neighbour-scores-{pool}.npy"


def related_file(pool: str, part: str) -> str:
    """A pool's hybrid related lists; part is rows, scores or parts."""
    return f"related-{part}-{pool}.npy"


def lexical_file(pool: str, part: str) -> str:
    """A pool's lexical (BM25) neighbour lists; part is rows or scores."""
    return f"lexical-{part}-{pool}.npy"


def marks_file(pool: str, part: str) -> str:
    """A pool's neighbourhoods (the best candidates of each row); part is rows or scores."""
    return f"marks-{part}-{pool}.npy"


def bm25_file(field_name: str) -> str:
    """The BM25 weights of one text field (body or title), a scipy CSR matrix."""
    return f"bm25-{field_name}.npz"


BM25_STATS_FILE = "bm25-stats.json"
BM25_FIELDS = ("body", "title")


def list_files(pool: str) -> list[str]:
    """Every list file of a pool (what a pool without members does not write)."""
    return [
        neighbours_file(pool),
        scores_file(pool),
        *(related_file(pool, part) for part in ("rows", "scores", "parts")),
        *(lexical_file(pool, part) for part in ("rows", "scores")),
        *(marks_file(pool, part) for part in ("rows", "scores")),
    ]


def pools_without_members(names: npt.NDArray[np.str_], pools: Iterable[str]) -> list[str]:
    """Those of `pools` that no row belongs to (`names`: each row's pool): their lists are not
    stored."""
    return [pool for pool in pools if not (names == pool).any()]


def pads(shape: tuple[int, ...], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A read-only array of `shape` holding only pads (-1 for rows, 0 for scores) that takes
    no memory (every element is the same one): the lists of a pool without members."""
    fill = -1 if np.issubdtype(dtype, np.integer) else 0
    return np.broadcast_to(np.array(fill, dtype=dtype), shape)


def empty_neighbours(n: int, width: int) -> Neighbours:
    """Lists of `n` rows that hold nothing (`pads`)."""
    return Neighbours(pads((n, width), np.int32), pads((n, width), np.float32))


def item_record(article: Article) -> dict[str, Any]:
    """An item as stored in items.jsonl: its JSON fields plus its content hash."""
    record = article.model_dump(mode="json", exclude_none=False)
    record["content_hash"] = article.content_hash()
    return record


class SavedIndex(Protocol):
    """What the writer needs of a pool's vector index (`index.vector_index.VectorIndex`)."""

    @property
    def kind(self) -> str: ...

    def write(self, out: Callable[[bytes], object]) -> None: ...


@dataclass
class Neighbours:
    """Top-K rows of one pool for every item row (-1 pads short lists), with their cosines."""

    rows: Rows
    scores: Floats


@dataclass
class Related:
    """Top-K related rows of one pool per item row (-1 pads), their relevance and its parts.

    `parts[..., i]` is the weighted contribution of PARTS[i]; they add up to `scores`.
    """

    rows: Rows
    scores: Floats
    parts: Floats

    @classmethod
    def from_dense(cls, rows: Rows, scores: Floats) -> Related:
        """Lists of a snapshot built without hybrid ranking: relevance is the cosine alone."""
        parts = np.zeros((*rows.shape, len(PARTS)), dtype=np.float32)
        parts[..., 0] = scores
        return cls(np.asarray(rows), np.asarray(scores), parts)

    @classmethod
    def empty(cls, n: int, k: int) -> Related:
        """Lists to fill in (writable)."""
        return cls(
            np.full((n, k), -1, dtype=np.int32),
            np.zeros((n, k), dtype=np.float32),
            np.zeros((n, k, len(PARTS)), dtype=np.float32),
        )

    @classmethod
    def padded(cls, n: int, k: int) -> Related:
        """Lists that hold nothing, read-only and taking no memory (`pads`)."""
        return cls(
            pads((n, k), np.int32), pads((n, k), np.float32), pads((n, k, len(PARTS)), np.float32)
        )


@dataclass
class PoolContent:
    """Everything a snapshot stores for one editorial pool."""

    index: SavedIndex
    neighbours: Neighbours
    related: Related
    lexical: Neighbours  # BM25 top-K rows and scores
    marks: Neighbours | None = None  # each row's neighbourhood rows and blended scores


@dataclass
class LexicalState:
    """The BM25 weights of each text field (items x terms) and their collection statistics
    (JSON: per field `terms`, `df`, `docs`, `avgdl`)."""

    weights: dict[str, sp.csr_matrix]
    stats: dict[str, Any]


@dataclass
class SnapshotContent:
    """A whole snapshot before it is written: item records in row order and their arrays."""

    records: Sequence[Mapping[str, Any]]
    vectors: Floats
    mean: Floats | None
    pools: dict[str, PoolContent] = field(default_factory=dict)
    lexical: LexicalState | None = None
    pools_of_rows: npt.NDArray[np.str_] | None = None  # each record's pool, when known already

    def row_pools(self) -> npt.NDArray[np.str_]:
        """Each record's pool (`pools_of_rows`, computed when not given)."""
        if self.pools_of_rows is None:
            self.pools_of_rows = pool_names(self.records)
        return self.pools_of_rows

    def empty_pools(self) -> dict[str, dict[str, int]]:
        """The pools without members, each with the widths of its lists: what the manifest's
        `empty_pools` says, and whose list files are not written."""
        out: dict[str, dict[str, int]] = {}
        for pool in pools_without_members(self.row_pools(), self.pools):
            parts = self.pools[pool]
            marks = parts.marks.rows.shape[1] if parts.marks is not None else 0
            out[pool] = {"width": int(parts.neighbours.rows.shape[1]), "marks_width": marks}
        return out


def write_snapshot(
    store: SnapshotStore,
    content: SnapshotContent,
    manifest: dict[str, Any],
    *,
    keep: int,
    replaces: Path | None = None,
) -> str:
    """Write `content` into a new staging folder, seal it and flip CURRENT to it; return its
    version. Nothing is left behind on failure. `replaces`: the snapshot an update extends; a
    file there that this writer would not write is a part the update cannot maintain, so the
    update is refused (before the flip) rather than silently dropping it.

    Crash points (tests): `index` after items and vectors, `flip` once sealed, before CURRENT.
    """
    staged = StagedSnapshot(store)
    try:
        return staged.finish(content, manifest, keep=keep, replaces=replaces)
    except BaseException:
        staged.abort()
        raise


class StagedSnapshot:
    """A snapshot being written into its staging folder. `write_snapshot` writes one at once;
    an update writes the first parts (`write_head`: records, vectors, each pool's index and
    dense lists) on a helper thread while it computes the ranking layer, then `finish`es it.
    `abort` removes the folder (every failure must call it)."""

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store
        self.staging = store.begin()
        self._files = _Files(self.staging)
        self._head = False
        self._empty: set[str] = set()
        self._lexical: LexicalState | None = None

    def write_head(
        self,
        records: Sequence[Mapping[str, Any]],
        vectors: Floats,
        mean: Floats | None,
        dense: Mapping[str, tuple[SavedIndex, Neighbours]],
        empty: Collection[str] = (),
        pools: npt.NDArray[np.str_] | None = None,
    ) -> None:
        """The parts that come first: item records (with `rows.json`; `pools`: each record's
        pool, computed when not given), vectors, the mean, each pool's HNSW index and dense
        neighbour lists, but those of the `empty` pools (without members; see the module doc)
        (crash point `index` after the vectors)."""
        files = self._files
        _write_items(files, records, pool_names(records) if pools is None else pools)
        files.array(VECTORS_FILE, vectors)
        if mean is not None:
            files.array(MEAN_FILE, mean)
        crash_point("index")
        for pool, (index, neighbours) in dense.items():
            if index.kind == "hnsw":  # a flat index is a copy of the vectors (module doc)
                with files.open(index_file(pool)) as out:
                    index.write(out.write)
            if pool not in empty:
                files.array(neighbours_file(pool), neighbours.rows)
                files.array(scores_file(pool), neighbours.scores)
        self._head = True
        self._empty = set(empty)

    def write_lexical(self, lexical: LexicalState) -> None:
        """The BM25 weights with their statistics, written before the lists: an update knows
        them once its changed items are analysed, and writes them beside its ranking layer."""
        _write_lexical(self._files, lexical)
        self._lexical = lexical

    def finish(
        self,
        content: SnapshotContent,
        manifest: dict[str, Any],
        *,
        keep: int,
        replaces: Path | None = None,
    ) -> str:
        """Write the rest of `content` (all of it when `write_head` was not called; its head
        must be what was written), check it, seal it and flip CURRENT to it (see
        `write_snapshot`); return the version."""
        empty = content.empty_pools()
        with self._files as files:
            if not self._head:
                dense = {p: (parts.index, parts.neighbours) for p, parts in content.pools.items()}
                self.write_head(
                    content.records, content.vectors, content.mean, dense, empty,
                    content.row_pools(),
                )  # fmt: skip
            elif self._empty != set(empty):
                raise ValueError(
                    f"the head was written without the lists of {sorted(self._empty)}, but the"
                    f" pools without members are {sorted(empty)}"
                )
            if self._lexical is not None and not _same_lexical(self._lexical, content.lexical):
                raise ValueError("the BM25 weights written are not those of the content")
            _write_ranking_parts(files, content, empty, lexical=self._lexical is None)
            if replaces is not None:
                _refuse_unknown_parts(replaces, self.staging, empty)
            check_content(content)  # while the last files are flushed
            files.finish()
        sealed = {
            **manifest,
            "schema_version": SCHEMA_VERSION,
            EMPTY_POOLS_KEY: empty,
            FILES_KEY: files.digests,
        }

        def before_flip(final: Path) -> None:
            # The digests were taken from the very bytes written (no file is hashed twice); a
            # read-back would only re-read the page cache. What is checked here is that the
            # sealed folder holds exactly those files at those sizes (a short write, a file
            # left over or missing).
            verify_snapshot(final, checksums=False)
            crash_point("flip")

        version = self.store.publish(self.staging, sealed, before_flip=before_flip)
        self.store.prune(keep)
        return version

    def abort(self) -> None:
        """Stop writing and remove the staging folder."""
        self._files.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def _write_items(
    files: _Files, records: Sequence[Mapping[str, Any]], pools: npt.NDArray[np.str_]
) -> None:
    """items.jsonl, a line per record, and `rows.json` (each line's id, pool, section and
    offset). The
    lines an update carries from the previous snapshot (`CarriedItems` over `StoredItems`) are
    copied as they lie, a run of consecutive ones at a time; the others are serialised."""
    ids: list[str] = []
    sections: list[str | None] = []
    lengths: list[npt.NDArray[np.int64]] = []
    with files.open(ITEMS_FILE) as out:
        for first, last, source in _item_runs(records):
            if source is not None:  # rows first..last-1 are the base's lines from `source` on
                base = cast(CarriedItems, records).base
                assert isinstance(base, StoredItems)
                end = source + last - first
                out.write(base.span(source, end))
                lengths.append(np.diff(base.starts[source : end + 1]))
                ids.extend(base.ids[source:end])
                sections.extend(base.sections[source:end])
                continue
            for start in range(first, last, _RECORDS_PER_WRITE):
                chunk = records[start : min(start + _RECORDS_PER_WRITE, last)]
                lines = [orjson.dumps(record) + b"\n" for record in chunk]
                out.write(b"".join(lines))
                lengths.append(np.fromiter(map(len, lines), np.int64, len(lines)))
                ids.extend(str(record["id"]) for record in chunk)
                sections.extend(_section(record) for record in chunk)
    starts = np.concatenate([[0], np.cumsum(np.concatenate([np.zeros(0, np.int64), *lengths]))])
    table = {
        "ids": ids,
        "pools": np.asarray(pools).tolist(),
        "sections": sections,
        "starts": starts.tolist(),
    }
    files.raw(ROWS_FILE, orjson.dumps(table))


def _item_runs(records: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, int, int | None]]:
    """(first, last, source) runs of rows in order: `source` is where rows first..last-1 lie,
    consecutive, in the stored items the records carry (`CarriedItems` over `StoredItems`), or
    None for rows to serialise."""
    n = len(records)
    if not n:
        return
    if not (isinstance(records, CarriedItems) and isinstance(records.base, StoredItems)):
        yield 0, n, None
        return
    source = records.source
    # a run ends where the next row is not the next stored line, or where carrying starts or stops
    ends = (source[1:] != source[:-1] + 1) & ((source[1:] >= 0) | (source[:-1] >= 0))
    bounds = np.concatenate([[0], np.flatnonzero(ends) + 1, [n]]).tolist()
    for first, last in itertools.pairwise(bounds):
        yield first, last, int(source[first]) if source[first] >= 0 else None


def _write_ranking_parts(
    files: _Files, content: SnapshotContent, empty: Collection[str], *, lexical: bool = True
) -> None:
    """The parts after the head: each pool's related, lexical and neighbourhood lists (but the
    `empty` pools'), and (`lexical`: unless written already) the BM25 weights with their
    statistics."""
    for pool, parts in content.pools.items():
        if pool in empty:
            continue
        files.array(related_file(pool, "rows"), parts.related.rows)
        files.array(related_file(pool, "scores"), parts.related.scores)
        files.array(related_file(pool, "parts"), parts.related.parts)
        files.array(lexical_file(pool, "rows"), parts.lexical.rows)
        files.array(lexical_file(pool, "scores"), parts.lexical.scores)
        if parts.marks is not None:
            files.array(marks_file(pool, "rows"), parts.marks.rows)
            files.array(marks_file(pool, "scores"), parts.marks.scores)
    if lexical and content.lexical is not None:
        _write_lexical(files, content.lexical)


def _write_lexical(files: _Files, lexical: LexicalState) -> None:
    for name, matrix in lexical.weights.items():
        packed = io.BytesIO()
        sp.save_npz(packed, matrix, compressed=False)
        files.raw(bm25_file(name), packed.getbuffer())
    files.raw(BM25_STATS_FILE, orjson.dumps(lexical.stats, option=orjson.OPT_SERIALIZE_NUMPY))


def _same_lexical(written: LexicalState, content: LexicalState | None) -> bool:
    """The content's BM25 weights are the very matrices written (an update's lexical index is
    final before its lists)."""
    return (
        content is not None
        and content.weights.keys() == written.weights.keys()
        and all(content.weights[name] is matrix for name, matrix in written.weights.items())
    )


def _refuse_unknown_parts(previous: Path, staging: Path, empty: Collection[str]) -> None:
    """Refuse an update whose previous snapshot has a file it did not write (the list files of
    pools that have no member now are not written: those may go; so may a pool's index that is
    not a graph now, such as the flat ones snapshots kept before)."""
    gone = {name for pool in empty for name in list_files(pool)}
    gone |= {index_file(pool) for pool in EDITORIAL_POOLS}
    unknown = sorted(
        p.name
        for p in previous.iterdir()
        if p.name != MANIFEST and p.name not in gone and not (staging / p.name).exists()
    )
    if unknown:
        raise SnapshotIncompatible(
            f"snapshot {previous.name} has parts an update cannot maintain ({unknown});"
            " run `recommender build`"
        )


_HASH_ASIDE_BYTES = 1 << 20  # chunks from this size up are hashed while being written


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


class _Digesting:
    """A file being written whose size and checksum (`CHECKSUM`) are taken from the bytes as
    they go out. A large chunk is hashed on `hasher`'s thread while this one writes it (both
    without the GIL)."""

    def __init__(self, path: Path, hasher: ThreadPoolExecutor) -> None:
        self._handle = path.open("wb")
        self._hash = CHECKSUMS[CHECKSUM].new()
        self._hasher = hasher
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        size = memoryview(data).nbytes
        if size < _HASH_ASIDE_BYTES:
            self._hash.update(data)
            written = self._handle.write(data)
        else:
            hashed = self._hasher.submit(self._hash.update, data)
            try:
                written = self._handle.write(data)
            finally:
                hashed.result()
        self.size += size
        return written

    def __enter__(self) -> _Digesting:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def digest(self) -> dict[str, Any]:
        return {"size": self.size, CHECKSUM: self._hash.hexdigest()}


class _Files:
    """The files of a staging folder as they are written, and their manifest `files` entries.
    Each file is flushed to disk (fsync) on a helper thread once closed, while the next one is
    written; `finish` waits for those flushes. A context manager: its threads end with it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.digests: dict[str, dict[str, Any]] = {}
        self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-hash")
        self._syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-fsync")
        self._synced: list[Future[None]] = []

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the helper threads (a flush not started yet is dropped)."""
        self._hasher.shutdown(wait=True)
        self._syncer.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> None:
        """Every file written so far is on disk (raises the first fsync's error)."""
        for synced in self._synced:
            synced.result()

    @contextmanager
    def open(self, name: str) -> Iterator[_Digesting]:
        with _Digesting(self.folder / name, self._hasher) as out:
            yield out
        self.digests[name] = out.digest()
        self._synced.append(self._syncer.submit(_fsync_file, self.folder / name))

    def array(self, name: str, array: npt.NDArray[Any]) -> None:
        """The bytes `np.save` writes (its version 1.0 header, then the data), the data handed
        over as it lies in memory: hashed and written without a copy."""
        contiguous: Any = np.ascontiguousarray(array)
        with self.open(name) as out:
            header = np.lib.format.header_data_from_array_1_0(contiguous)
            np.lib.format.write_array_header_1_0(cast(BinaryIO, out), header)
            out.write(memoryview(contiguous.reshape(-1)).cast("B"))  # 1-D: empty arrays too

    def raw(self, name: str, data: bytes | memoryview | npt.NDArray[np.uint8]) -> None:
        contiguous: Any = data if isinstance(data, bytes) else np.ascontiguousarray(data)
        view = contiguous if isinstance(data, bytes) else memoryview(contiguous).cast("B")
        with self.open(name) as out:
            out.write(view)


# --- verification -------------------------------------------------------------------------


def file_digest(path: Path, kind: str = CHECKSUM) -> dict[str, Any]:
    """Size and checksum of one file (`kind`: one of `CHECKSUMS`)."""
    digest = CHECKSUMS[kind].new()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, kind: digest.hexdigest()}


def checksum_kind(entry: Mapping[str, Any]) -> str:
    """The checksum a manifest's file entry holds: XXH3-128 from version 4, SHA-256 before."""
    return next((kind for kind in CHECKSUMS if kind in entry), CHECKSUM)


def file_digests(folder: Path) -> dict[str, dict[str, Any]]:
    """`files` of a manifest: every file of the folder but the manifest, by name."""
    return {
        p.name: file_digest(p)
        for p in sorted(folder.iterdir())
        if p.name != MANIFEST and p.is_file()
    }


def _manifest_or_corrupt(folder: Path) -> dict[str, Any]:
    try:
        return read_manifest(folder)
    except SnapshotIncompatible:
        raise
    except (OSError, ValueError) as exc:  # missing, unreadable, not JSON
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {MANIFEST} cannot be read ({exc})",
            reason="manifest",
            file=MANIFEST,
        ) from None


def _listed_files(folder: Path, manifest: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    files = manifest.get(FILES_KEY)
    if files is None and manifest.get("schema_version", 1) < 2:
        return None  # version 1: nothing to verify
    if not isinstance(files, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("size"), int) for v in files.values()
    ):
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {MANIFEST} has no valid `{FILES_KEY}` list",
            reason="manifest",
            file=MANIFEST,
        )
    return files


def verify_snapshot(folder: Path, *, checksums: bool = True) -> bool:
    """Check every file of a snapshot against its manifest; raise `SnapshotCorrupt` naming the
    first bad file (missing, other size, other checksum, or a file the manifest does not list).
    The checksum is the one the manifest names (`checksum_kind`: XXH3-128, or SHA-256 in a
    snapshot written before version 4).

    `checksums=False` checks presence and sizes only (a stat per file: cheap enough for every
    reload tick). Returns False for a version-1 snapshot (no checksums: nothing verified), True
    when verified.
    """
    manifest = _manifest_or_corrupt(folder)
    files = _listed_files(folder, manifest)
    if files is None:
        return False
    for name, expected in sorted(files.items()):
        path = folder / name
        where = f"snapshot {folder.name}: {name}"
        if os.sep in name or name in ("", ".", "..") or not path.is_file():
            raise SnapshotCorrupt(f"{where} is missing", reason="missing", file=name)
        size = path.stat().st_size
        if size != expected["size"]:
            raise SnapshotCorrupt(
                f"{where} has {size} bytes, the manifest says {expected['size']}",
                reason="size",
                file=name,
            )
        kind = checksum_kind(expected)
        if checksums and file_digest(path, kind)[kind] != expected.get(kind):
            raise SnapshotCorrupt(
                f"{where} does not match its checksum ({CHECKSUMS[kind].name}) in the manifest",
                reason="checksum",
                file=name,
            )
    unlisted = sorted(
        p.name for p in folder.iterdir() if p.name != MANIFEST and p.name not in files
    )
    if unlisted:
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {unlisted[0]} is not in the manifest",
            reason="unlisted",
            file=unlisted[0],
        )
    return True


def check_lists(
    pool_of_row: npt.NDArray[np.integer[Any]],
    pool_codes: Mapping[str, int],
    lists: Mapping[str, Any],
) -> None:
    """Invariants of neighbour and related lists: `lists[name] = (pool, rows array, file name)`;
    each array has one line per item row and holds rows of its own pool, or -1 pads. A sponsored
    row in an editorial list, a row of another pool or out of range raises `SnapshotCorrupt`."""
    n = len(pool_of_row)
    for pool, rows, name in lists.values():
        rows = np.asarray(rows)
        if rows.ndim != 2 or rows.shape[0] != n or not np.issubdtype(rows.dtype, np.integer):
            raise SnapshotCorrupt(
                f"{name} has shape {rows.shape} ({rows.dtype}); expected ({n}, K) integers",
                reason="invariant",
                file=name,
            )
        # Reductions and one gather over the array as it lies (no compacted copy): at archive
        # scale these lists are gigabytes.
        if rows.size and (rows.min() < -1 or rows.max() >= n):
            real = rows[rows != -1]
            bad = int(real[(real < 0) | (real >= n)][0])
            raise SnapshotCorrupt(
                f"{name} holds row {bad}, outside 0..{n - 1}", reason="invariant", file=name
            )
        code = pool_codes[pool]
        if rows.size and n and not bool((pool_of_row == code).all()):
            # a -1 pad reads the last row's pool here, and is then masked out
            foreign = rows[(rows >= 0) & (pool_of_row[rows] != code)]
            if foreign.size:
                raise SnapshotCorrupt(
                    f"{name} holds row {int(foreign[0])}, an item outside the {pool} pool",
                    reason="invariant",
                    file=name,
                )


def pool_names(records: Sequence[Mapping[str, Any]]) -> npt.NDArray[np.str_]:
    """Each record's pool (`articles.pool_of`), one Python call per record: an update computes
    them once and hands them on (`SnapshotContent.pools_of_rows`, `check_stored`)."""
    from recommender.articles import pool_of

    return np.array([pool_of(r) for r in records], dtype="<U16")


def _pool_codes(names: npt.NDArray[np.str_]) -> npt.NDArray[np.int8]:
    from recommender.articles import POOLS

    codes = np.full(len(names), -1, dtype=np.int8)
    for code, pool in enumerate(POOLS):
        codes[names == pool] = code
    return codes


def check_empty_pools(
    folder: Path, manifest: Mapping[str, Any], members: Mapping[str, int], items: int
) -> None:
    """The pools the manifest says are stored without lists (`manifest_empty_pools`) have no
    member (`members`: each editorial pool's count of rows) and pads for each of the `items`
    rows: else the manifest was forged or damaged."""
    for pool, shape in manifest_empty_pools(folder, manifest).items():
        if pool not in members:
            why = f"names {pool!r} among the pools without members: it is no editorial pool"
        elif members[pool]:
            why = (
                f"says the {pool} pool has no member (its lists are not stored), but"
                f" {members[pool]} of the {items} items are in it"
            )
        elif shape[0] != items:
            why = f"gives the {pool} pool's empty lists {shape[0]} rows for {items} items"
        else:
            continue
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {MANIFEST} {why}", reason="invariant", file=MANIFEST
        )


def check_content(content: SnapshotContent) -> None:
    """The writer's side of the load-time invariants: never publish lists a loader would refuse."""
    from recommender.articles import POOLS

    pools = _pool_codes(content.row_pools())
    codes = {pool: POOLS.index(pool) for pool in POOLS}
    empty = content.empty_pools()  # not written: nothing a loader reads
    lists: dict[str, Any] = {}
    for pool, parts in content.pools.items():
        if pool in empty:
            continue
        lists[neighbours_file(pool)] = (pool, parts.neighbours.rows, neighbours_file(pool))
        lists[related_file(pool, "rows")] = (pool, parts.related.rows, related_file(pool, "rows"))
        lists[lexical_file(pool, "rows")] = (pool, parts.lexical.rows, lexical_file(pool, "rows"))
        if parts.marks is not None:
            lists[marks_file(pool, "rows")] = (pool, parts.marks.rows, marks_file(pool, "rows"))
    if len(content.vectors) != len(pools):
        raise SnapshotCorrupt(
            f"{len(content.vectors)} vectors for {len(pools)} items", reason="invariant"
        )
    check_lists(pools, codes, lists)


def check_stored(folder: Path, names: npt.NDArray[np.str_]) -> None:
    """The invariants of a stored snapshot whose records' pools are `names` (`pool_names`; what
    `check_content` checked before it was written), its arrays memory-mapped: an update never
    extends a snapshot whose lists were forged with matching checksums. Raises
    `SnapshotCorrupt` naming the file."""
    from recommender.articles import POOLS

    pools = _pool_codes(names)
    members = {pool: int((names == pool).sum()) for pool in EDITORIAL_POOLS}
    check_empty_pools(folder, read_manifest(folder), members, len(names))
    vectors = load_vectors(folder, in_memory_max_bytes=0)
    if vectors.ndim != 2 or len(vectors) != len(pools):
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {VECTORS_FILE} has shape {vectors.shape} for"
            f" {len(pools)} items",
            reason="invariant",
            file=VECTORS_FILE,
        )
    lists = {
        name: (pool, mapped(folder / name, 0), name)
        for pool in EDITORIAL_POOLS
        for name in (
            neighbours_file(pool),
            related_file(pool, "rows"),
            lexical_file(pool, "rows"),
            marks_file(pool, "rows"),
        )
        if (folder / name).exists()
    }
    check_lists(pools, {pool: POOLS.index(pool) for pool in POOLS}, lists)


# --- loaders ------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a snapshot folder; a schema newer than this code's is refused."""
    manifest: dict[str, Any] = orjson.loads((folder / MANIFEST).read_bytes())
    schema = manifest.get("schema_version", 1)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise SnapshotIncompatible(
            f"snapshot {folder.name}: {MANIFEST} has format {schema!r}; this version reads up to"
            f" {SCHEMA_VERSION}: upgrade, or run `recommender build`"
        )
    return manifest


def _record(folder: Path, line: bytes, number: int) -> dict[str, Any]:
    """One line of items.jsonl; one that is not a JSON object raises `SnapshotCorrupt` naming
    the file and line (a forged or damaged snapshot whose checksums were rewritten)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        record = exc
    if not isinstance(record, dict):
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {ITEMS_FILE}:{number}: not a JSON object",
            reason="unreadable",
            file=ITEMS_FILE,
        )
    return record


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: parsed JSON makes no reference cycles, and without
    this the collector walks every record parsed so far, again and again, while a large
    snapshot's records are parsed (3 full collections, 0.4 s, for 100k records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_records(folder: Path) -> list[dict[str, Any]]:
    """Every stored record, with every field (an update carries them over)."""
    lines = (folder / ITEMS_FILE).read_bytes().split(b"\n")
    try:  # the usual case in one pass; a bad line is looked for again, slowly, to name it
        with gc_paused():
            records: list[dict[str, Any]] = [orjson.loads(line) for line in lines if line.strip()]
        if all(type(record) is dict for record in records):
            return records
    except orjson.JSONDecodeError:
        pass
    return [_record(folder, line, n) for n, line in enumerate(lines, 1) if line.strip()]


class _Rows(Sequence[Mapping[str, Any]]):
    """Records by row (`_row`): a slice gives a list, a row beyond them an IndexError. An
    abstract base (`Sequence` is one): a subclass gives `__len__` and `_row`."""

    @abstractmethod
    def _row(self, row: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, row: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, row: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, row: int | slice) -> Mapping[str, Any] | list[Mapping[str, Any]]:
        if isinstance(row, slice):
            return [self._row(i) for i in range(*row.indices(len(self)))]
        return self._row(range(len(self))[row])


class StoredItems(_Rows):
    """A snapshot's records as an update reads them (`read_items`): items.jsonl mapped, each
    record parsed when first asked for, and its id, section and line offset from `rows.json`
    (`read_items` gives the pools beside it)."""

    def __init__(
        self,
        folder: Path,
        data: bytes | mmap.mmap,
        ids: list[str],
        sections: list[str | None],
        starts: npt.NDArray[np.int64],
    ) -> None:
        self.folder = folder
        self.data = data
        self.ids = ids
        self.sections = sections
        self.starts = starts
        self._view = memoryview(data)
        self._parsed: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def _row(self, row: int) -> dict[str, Any]:
        record = self._parsed.get(row)
        if record is None:
            line = self.data[self.starts[row] : self.starts[row + 1]]
            record = _record(self.folder, line, row + 1)
            if record.get("id") != self.ids[row]:
                raise SnapshotCorrupt(
                    f"snapshot {self.folder.name}: {ITEMS_FILE}:{row + 1}: id"
                    f" {record.get('id')!r}, {ROWS_FILE} says {self.ids[row]!r}",
                    reason="invariant",
                    file=ITEMS_FILE,
                )
            self._parsed[row] = record
        return record

    def span(self, first: int, last: int) -> memoryview:
        """The bytes of lines first..last-1 (not copied)."""
        return self._view[self.starts[first] : self.starts[last]]


class CarriedItems(_Rows):
    """An update's records in their new rows: row r is `own[r]` (a new or changed record), or
    else the `base` record `source[r]` (the previous snapshot's, carried). The writer copies
    the carried ones' lines as they are when `base` is `StoredItems`."""

    def __init__(
        self,
        base: Sequence[Mapping[str, Any]],
        source: npt.NDArray[np.int64],
        own: dict[int, dict[str, Any]],
    ) -> None:
        self.base = base
        self.source = source
        self.own = own

    def __len__(self) -> int:
        return len(self.source)

    def _row(self, row: int) -> Mapping[str, Any]:
        record = self.own.get(row)
        return record if record is not None else self.base[int(self.source[row])]


def record_ids(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each record's id (stored items give theirs without parsing a record)."""
    if isinstance(records, StoredItems):
        return records.ids
    if isinstance(records, CarriedItems):
        ids = record_ids(records.base)
        return [
            str(records.own[row]["id"]) if source < 0 else ids[source]
            for row, source in enumerate(records.source.tolist())
        ]
    return [str(record["id"]) for record in records]


def read_sections(folder: Path) -> dict[str, str]:
    """Each item's section by id (casefolded, as ranking reads it; "" for none): from
    `rows.json` without parsing a record, else from every record."""
    records, _ = read_items(folder)
    if isinstance(records, StoredItems):
        pairs: Iterable[tuple[str, object]] = zip(records.ids, records.sections, strict=True)
    else:
        pairs = ((str(r["id"]), r.get("section")) for r in records)
    return {item: str(section or "").casefold() for item, section in pairs}


def read_items(folder: Path) -> tuple[Sequence[Mapping[str, Any]], npt.NDArray[np.str_]]:
    """The records of a snapshot and each one's pool, for an update: `StoredItems` (parsed as
    asked for) when the snapshot has `rows.json`, else every record parsed (`read_records`).
    `rows.json` is checked against items.jsonl for what costs no parsing (as many ids, pools
    and lines; each offset at a line's start, the last at its end); a record read is checked
    to carry the id it lists (`SnapshotCorrupt` names the file)."""
    if not (folder / ROWS_FILE).is_file():
        records = read_records(folder)
        return records, pool_names(records)
    from recommender.articles import POOLS

    def bad(why: str, name: str = ROWS_FILE) -> SnapshotCorrupt:
        return SnapshotCorrupt(
            f"snapshot {folder.name}: {name}: {why}", reason="invariant", file=name
        )

    try:
        table = orjson.loads((folder / ROWS_FILE).read_bytes())
        ids, sections = table["ids"], table["sections"]
        starts = np.asarray(table["starts"], dtype=np.int64)
        names = np.asarray(table["pools"], dtype="<U16")
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, OverflowError):
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {ROWS_FILE} cannot be read", reason="unreadable",
            file=ROWS_FILE,
        ) from None  # fmt: skip
    if not (isinstance(ids, list) and all(type(i) is str for i in ids)):
        raise bad("ids are not a list of strings")
    if not (isinstance(sections, list) and all(_text_or_none(x) for x in sections)):
        raise bad("sections are not a list of strings or nulls")
    if not (len(ids) == len(names) == len(sections) == len(starts) - 1) or starts.ndim != 1:
        raise bad(
            f"{len(ids)} ids, {len(names)} pools, {len(sections)} sections and"
            f" {len(starts)} offsets"
        )
    if len(names) and not np.isin(names, POOLS).all():
        raise bad("a pool that is not one of " + ", ".join(POOLS))
    data = _map(folder / ITEMS_FILE)
    raw = np.frombuffer(data, dtype=np.uint8)
    if (
        starts[0] != 0
        or starts[-1] != len(raw)
        or (np.diff(starts) < 2).any()  # "{}" at least, then the newline
        or (raw[starts[1:] - 1] != ord("\n")).any()
        or (raw[starts[:-1]] != ord("{")).any()
        or (raw[starts[1:] - 2] != ord("}")).any()
    ):
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {ITEMS_FILE}: its lines are not where {ROWS_FILE} says",
            reason="unreadable",
            file=ITEMS_FILE,
        )
    return StoredItems(folder, data, ids, sections, starts), names


def _section(record: Mapping[str, Any]) -> str | None:
    section = record.get("section")
    return section if isinstance(section, str) else None


def _text_or_none(value: object) -> bool:
    return value is None or type(value) is str


def check_rows(
    folder: Path, records: Sequence[Mapping[str, Any]], offsets: npt.NDArray[np.int64]
) -> None:
    """`rows.json` against items.jsonl read whole (`records` and their lines' `offsets`, as
    `read_serving_records` gives them): the same ids, pools, sections and offsets, in `recommender
    snapshots verify` (an update checks only what costs no parsing, `read_items`). Nothing to
    check in a snapshot without it."""
    if not (folder / ROWS_FILE).is_file():
        return
    items, pools = read_items(folder)
    assert isinstance(items, StoredItems)
    if items.ids != [record.get("id") for record in records]:
        why = "its ids are not those of items.jsonl, line by line"
    elif not np.array_equal(pools, pool_names(records)):
        why = "its pools are not those of the records of items.jsonl"
    elif items.sections != [_section(record) for record in records]:
        why = "its sections are not those of the records of items.jsonl"
    elif not np.array_equal(items.starts[:-1], offsets):
        why = "its offsets are not those of the lines of items.jsonl"
    else:
        return
    raise SnapshotCorrupt(
        f"snapshot {folder.name}: {ROWS_FILE}: {why}", reason="invariant", file=ROWS_FILE
    )


def _map(path: Path) -> bytes | mmap.mmap:
    """A file's bytes, mapped (read-only; an empty file as b"")."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def read_serving_records(folder: Path) -> tuple[list[dict[str, Any]], npt.NDArray[np.int64]]:
    """The records without their disk-only fields, and each line's byte offset in items.jsonl.

    Bodies are most of a news item's bytes and nothing in serving reads them: kept in memory they
    would cost gigabytes for a large archive.
    """
    records: list[dict[str, Any]] = []
    offsets: list[int] = []
    position = 0
    with (folder / ITEMS_FILE).open("rb") as handle, gc_paused():
        for number, line in enumerate(handle, 1):
            if line.strip():
                record = _record(folder, line, number)
                for name in DISK_ONLY_FIELDS:
                    record.pop(name, None)
                for name in INTERNED_FIELDS:
                    value = record.get(name)
                    if isinstance(value, str):
                        record[name] = sys.intern(value)
                records.append(record)
                offsets.append(position)
            position += len(line)
    return records, np.asarray(offsets, dtype=np.int64)


def read_record_at(folder: Path, offset: int) -> dict[str, Any]:
    """The complete record whose line starts at `offset` in items.jsonl."""
    with (folder / ITEMS_FILE).open("rb") as handle:
        handle.seek(offset)
        record: dict[str, Any] = orjson.loads(handle.readline())
    return record


def fault_in(array: npt.NDArray[Any]) -> None:
    """Read one byte of every page of `array` (a memory-mapped one: its pages are then mapped
    into the process now, at load, instead of by the requests that first touch them). At 1M
    items an uncached answer otherwise took ~3 page faults (~40 µs of kernel time) until the
    whole catalogue had been asked for once (issue #15). Arrays that are not C-contiguous are
    left alone (a flat view of them would be a copy)."""
    if array.size and array.flags.c_contiguous:
        array.reshape(-1).view(np.uint8)[:: mmap.PAGESIZE].max()


def mapped(path: Path, in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES) -> npt.NDArray[Any]:
    """A memory-mapped array as a plain ndarray view: the pages stay file-backed (shared, loaded
    on first touch), but indexing skips `np.memmap`'s Python-level hooks (16x faster per row).

    A file up to `in_memory_max_bytes` is read into memory instead (copy-on-load): truncating it
    later cannot fault the process. A short or malformed file raises `SnapshotCorrupt`.
    """
    try:
        if path.stat().st_size <= in_memory_max_bytes:
            loaded: npt.NDArray[Any] = np.load(path)
            return loaded
        return np.asarray(np.load(path, mmap_mode="r"))
    except FileNotFoundError:
        raise SnapshotCorrupt(
            f"snapshot {path.parent.name}: {path.name} is missing", reason="missing", file=path.name
        ) from None
    except (OSError, ValueError, EOFError) as exc:
        raise SnapshotCorrupt(
            f"snapshot {path.parent.name}: {path.name} cannot be read ({exc})",
            reason="unreadable",
            file=path.name,
        ) from None


def load_vectors(folder: Path, in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES) -> Floats:
    """The item vectors, memory-mapped (read into memory when small: see `mapped`)."""
    return mapped(folder / VECTORS_FILE, in_memory_max_bytes)


def read_vector_rows(folder: Path, sources: npt.NDArray[np.int64]) -> Floats:
    """Row `sources[i]` of the stored vectors as row i (zeros where `sources[i]` is -1), read in
    runs of consecutive rows: an update keeps most rows in order, and one read per run costs a
    fraction of faulting the file in through a mapping (0.06 s against 0.43 s for 100k 384-d
    rows). A file shorter than its header says raises `SnapshotCorrupt`."""
    path = folder / VECTORS_FILE

    def corrupt(why: str, reason: str = "unreadable") -> SnapshotCorrupt:
        return SnapshotCorrupt(
            f"snapshot {folder.name}: {VECTORS_FILE} {why}", reason=reason, file=VECTORS_FILE
        )

    try:
        handle = path.open("rb", buffering=0)
    except FileNotFoundError:
        raise corrupt("is missing", "missing") from None
    with handle:
        try:
            version = np.lib.format.read_magic(handle)
            reader = np.lib.format.read_array_header_1_0
            if version != (1, 0):
                reader = np.lib.format.read_array_header_2_0
            shape, fortran, dtype = reader(handle)
        except (OSError, ValueError, EOFError) as exc:
            raise corrupt(f"cannot be read ({exc})") from None
        if len(shape) != 2 or fortran or np.dtype(dtype) != np.float32:
            raise corrupt(f"holds {shape} {dtype}, not float32 rows", "invariant")
        n, width = shape
        start, row_bytes = handle.tell(), width * 4
        out = np.zeros((len(sources), width), dtype=np.float32)
        kept = np.flatnonzero(sources >= 0)
        if len(kept) == 0 or row_bytes == 0:
            return out
        if int(sources[kept].max()) >= n:
            raise corrupt(f"has {n} rows, row {int(sources[kept].max())} was asked", "invariant")
        # runs: consecutive positions of `kept` whose sources are consecutive too
        step = (np.diff(kept) != 1) | (np.diff(sources[kept]) != 1)
        bounds = np.concatenate([[0], np.flatnonzero(step) + 1, [len(kept)]]).tolist()
        for a, b in itertools.pairwise(bounds):
            first, count = int(kept[a]), b - a
            handle.seek(start + int(sources[first]) * row_bytes)
            rows: Any = out[first : first + count]
            if handle.readinto(memoryview(rows).cast("B")) != count * row_bytes:
                raise corrupt(f"is shorter than its {n} rows", "size")
    return out


def load_mean(folder: Path) -> Floats | None:
    """The corpus mean of a centred snapshot (None when it has none)."""
    path = folder / MEAN_FILE
    return np.load(path) if path.exists() else None


def empty_pool_shapes(folder: Path) -> dict[str, tuple[int, int, int]]:
    """The pools of a snapshot stored without lists (see the module doc), each with the shape
    of its lists: (rows, K, neighbourhood width)."""
    try:
        manifest = read_manifest(folder)
    except FileNotFoundError:  # not a sealed snapshot: its list files are all there, or missing
        return {}
    return manifest_empty_pools(folder, manifest)


def manifest_empty_pools(
    folder: Path, manifest: Mapping[str, Any]
) -> dict[str, tuple[int, int, int]]:
    """`empty_pool_shapes` from the folder's manifest, already read."""
    empty = manifest.get(EMPTY_POOLS_KEY) or {}
    if not empty:
        return {}
    try:
        n = int(manifest["counts"]["items"])
        return {
            pool: (n, int(widths["width"]), int(widths["marks_width"]))
            for pool, widths in empty.items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: {MANIFEST} has an invalid `{EMPTY_POOLS_KEY}` ({exc!r})",
            reason="manifest",
            file=MANIFEST,
        ) from None


def load_neighbours(
    folder: Path,
    *,
    in_memory: bool = False,
    in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES,
    pools: Sequence[str] = EDITORIAL_POOLS,
) -> dict[str, Neighbours]:
    """The dense top-K lists of `pools` (memory-mapped, or read when `in_memory` or small;
    pads for a pool without members)."""
    limit = sys.maxsize if in_memory else in_memory_max_bytes
    empty = empty_pool_shapes(folder)
    return {
        pool: empty_neighbours(*empty[pool][:2])
        if pool in empty
        else Neighbours(
            mapped(folder / neighbours_file(pool), limit), mapped(folder / scores_file(pool), limit)
        )
        for pool in pools
    }


def load_related(
    folder: Path,
    in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES,
    pools: Sequence[str] = EDITORIAL_POOLS,
) -> dict[str, Related]:
    """The related lists of `pools` (memory-mapped unless small; pads for a pool without
    members); pools without them (a snapshot from before they existed) are left out."""
    empty = empty_pool_shapes(folder)
    found: dict[str, Related] = {}
    for pool in pools:
        if pool in empty:
            found[pool] = Related.padded(*empty[pool][:2])
        elif (folder / related_file(pool, "rows")).exists():
            found[pool] = Related(
                mapped(folder / related_file(pool, "rows"), in_memory_max_bytes),
                mapped(folder / related_file(pool, "scores"), in_memory_max_bytes),
                mapped(folder / related_file(pool, "parts"), in_memory_max_bytes),
            )
    return found


def load_index(folder: Path, pool: str) -> VectorIndex | None:
    """The pool's stored FAISS index (None where the snapshot holds none: a flat pool's is not
    written); imports FAISS."""
    path = folder / index_file(pool)
    if not path.exists():
        return None
    from index.vector_index import VectorIndex

    return VectorIndex.load(path)


def load_lexical_lists(
    folder: Path, pools: Sequence[str] = EDITORIAL_POOLS
) -> dict[str, Neighbours]:
    """The lexical (BM25) top-K lists of `pools`, memory-mapped unless small (an update's
    input, read once by its carry; pads for a pool without members)."""
    empty = empty_pool_shapes(folder)
    return {
        pool: empty_neighbours(*empty[pool][:2])
        if pool in empty
        else Neighbours(
            mapped(folder / lexical_file(pool, "rows")),
            mapped(folder / lexical_file(pool, "scores")),
        )
        for pool in pools
        if pool in empty or (folder / lexical_file(pool, "rows")).exists()
    }


def load_ranking_state(folder: Path) -> tuple[LexicalState, dict[str, Neighbours]] | None:
    """The ranking layer's state (BM25 weights and statistics, each pool's neighbourhoods), or
    None when the snapshot was written without it (an update then recomputes the layer)."""
    empty = empty_pool_shapes(folder)
    names = [bm25_file(f) for f in BM25_FIELDS] + [BM25_STATS_FILE]
    names += [
        marks_file(pool, part)
        for pool in EDITORIAL_POOLS
        if pool not in empty
        for part in ("rows", "scores")
    ]
    if not all((folder / name).exists() for name in names):
        return None
    try:
        weights = {f: sp.csr_matrix(sp.load_npz(folder / bm25_file(f))) for f in BM25_FIELDS}
        stats: dict[str, Any] = orjson.loads((folder / BM25_STATS_FILE).read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotCorrupt(
            f"snapshot {folder.name}: the BM25 state cannot be read ({exc})",
            reason="unreadable",
            file=BM25_STATS_FILE,
        ) from None
    marks = {
        pool: empty_neighbours(empty[pool][0], empty[pool][2])
        if pool in empty
        else Neighbours(
            mapped(folder / marks_file(pool, "rows"), sys.maxsize),
            mapped(folder / marks_file(pool, "scores"), sys.maxsize),
        )
        for pool in EDITORIAL_POOLS
    }
    return LexicalState(weights, stats), marks
