"""A loaded snapshot: items, their vectors and precomputed neighbour lists, ready to rank."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from index.snapshots import MANIFEST
from recommender.hybrid import Related, load_related
from recommender.rendering import item_fragment

ITEMS_FILE = "items.jsonl"
VECTORS_FILE = "vectors.npy"
MEAN_FILE = "mean.npy"
EDITORIAL_POOLS = ("article", "video")
SPONSORED_POOL = "sponsored"

# Fields every rendered item carries (the API contract).
PAYLOAD_FIELDS = (
    "id",
    "type",
    "title",
    "url",
    "lead",
    "image_url",
    "image_caption",
    "section",
    "published_at",
)


def pool_of(record: dict[str, Any]) -> str:
    """Which candidate pool an item belongs to: sponsored first, else by type."""
    if record.get("sponsor"):
        return SPONSORED_POOL
    return "video" if record.get("type") == "video" else "article"


def neighbours_file(pool: str) -> str:
    return f"neighbours-{pool}.npy"


def scores_file(pool: str) -> str:
    return f"neighbour-scores-{pool}.npy"


def index_file(pool: str) -> str:
    return f"index-{pool}.faiss"


def epoch(value: str | None, default: float) -> float:
    if not value:
        return default
    return datetime.fromisoformat(value).timestamp()


@dataclass
class Neighbours:
    """Top-K rows of one pool for every item row (-1 pads short lists)."""

    rows: npt.NDArray[np.int32]
    scores: npt.NDArray[np.float32]


@dataclass
class Catalog:
    """Everything a request needs, in arrays indexed by item row."""

    version: str
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    vectors: npt.NDArray[np.float32]
    neighbours: dict[str, Neighbours]
    related: dict[str, Related] = field(default_factory=dict)
    source: Path | None = None  # items.jsonl, for `full_record`
    offsets: npt.NDArray[np.int64] | None = None  # byte offset of each row's line in `source`
    row_of: dict[str, int] = field(init=False)
    pools: npt.NDArray[np.int8] = field(init=False)
    published: npt.NDArray[np.float64] = field(init=False)
    expires: npt.NDArray[np.float64] = field(init=False)
    fragments: list[bytes] = field(init=False)  # each item's public JSON (rendering.py)
    sponsored_rows: npt.NDArray[np.int64] = field(init=False)
    campaign_start: npt.NDArray[np.float64] = field(init=False)
    campaign_end: npt.NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        self.row_of = {r["id"]: i for i, r in enumerate(self.records)}
        for pool, lists in self.neighbours.items():
            if pool not in self.related:  # a snapshot without hybrid lists: dense relevance only
                self.related[pool] = Related.from_dense(lists.rows, lists.scores)
        names = (*EDITORIAL_POOLS, SPONSORED_POOL)
        self.pools = np.array([names.index(pool_of(r)) for r in self.records], dtype=np.int8)
        self.published = np.array(
            [epoch(r["published_at"], 0.0) for r in self.records], dtype=np.float64
        )
        self.expires = np.array(
            [epoch(r.get("expires_at"), math.inf) for r in self.records], dtype=np.float64
        )
        self.fragments = [item_fragment(payload(r)) for r in self.records]
        self.sponsored_rows = np.flatnonzero(self.pools == names.index(SPONSORED_POOL))
        sponsors = [self.records[r].get("sponsor") or {} for r in self.sponsored_rows]
        self.campaign_start = np.array(
            [epoch(sp.get("starts_at"), -math.inf) for sp in sponsors], dtype=np.float64
        )
        self.campaign_end = np.array(
            [epoch(sp.get("ends_at"), math.inf) for sp in sponsors], dtype=np.float64
        )

    @property
    def size(self) -> int:
        return len(self.records)

    def pool_code(self, pool: str) -> int:
        return (*EDITORIAL_POOLS, SPONSORED_POOL).index(pool)

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        manifest = orjson.loads((folder / MANIFEST).read_bytes())
        records, offsets = read_records(folder / ITEMS_FILE)
        vectors = mapped(folder / VECTORS_FILE)
        neighbours = {
            pool: Neighbours(
                mapped(folder / neighbours_file(pool)), mapped(folder / scores_file(pool))
            )
            for pool in EDITORIAL_POOLS
        }
        catalog = cls(folder.name, manifest, records, vectors, neighbours, load_related(folder))
        catalog.source, catalog.offsets = folder / ITEMS_FILE, offsets
        return catalog

    def full_record(self, row: int) -> dict[str, Any]:
        """The item's complete stored record, with the fields kept out of memory (body)."""
        if self.source is None or self.offsets is None:
            return self.records[row]
        with self.source.open("rb") as handle:
            handle.seek(int(self.offsets[row]))
            record: dict[str, Any] = orjson.loads(handle.readline())
        return record


# Stored fields serving never reads (they stay on disk; `Catalog.full_record` has them all).
DISK_ONLY_FIELDS = ("body", "content_hash")
# Short categorical values repeated across items: one shared string each instead of millions.
INTERNED_FIELDS = ("type", "status", "language", "section")


def read_records(path: Path) -> tuple[list[dict[str, Any]], npt.NDArray[np.int64]]:
    """The records of items.jsonl without their disk-only fields, and each line's byte offset.

    Bodies are most of a news item's bytes and nothing in serving reads them: kept in memory they
    would cost gigabytes for a large archive.
    """
    records: list[dict[str, Any]] = []
    offsets: list[int] = []
    position = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                record = orjson.loads(line)
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


def mapped(path: Path) -> npt.NDArray[Any]:
    """A memory-mapped array as a plain ndarray view: the pages stay file-backed (shared, loaded
    on first touch), but indexing skips `np.memmap`'s Python-level hooks (16x faster per row)."""
    return np.asarray(np.load(path, mmap_mode="r"))


def payload(record: dict[str, Any]) -> dict[str, Any]:
    """The public fields of an item, built once per snapshot load."""
    out = {name: record.get(name) for name in PAYLOAD_FIELDS}
    if record.get("sponsor"):
        out["sponsor"] = record["sponsor"]
    return out
