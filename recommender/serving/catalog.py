"""A loaded snapshot: items, their vectors and precomputed neighbour lists, ready to rank."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.articles import EDITORIAL_POOLS, POOLS, SPONSORED_POOL, pool_of
from recommender.errors import SnapshotCorrupt
from recommender.serving.rendering import item_fragment
from recommender.snapshot import (
    EMPTY_POOLS_KEY,
    IN_MEMORY_MAX_BYTES,
    Neighbours,
    Related,
    check_empty_pools,
    check_lists,
    fault_in,
    load_neighbours,
    load_related,
    load_vectors,
    neighbours_file,
    read_manifest,
    read_record_at,
    read_serving_records,
    related_file,
)

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


def epoch(value: str | None, default: float) -> float:
    if not value:
        return default
    return datetime.fromisoformat(value).timestamp()


@dataclass
class Catalog:
    """Everything a request needs, in arrays indexed by item row."""

    version: str
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    vectors: npt.NDArray[np.float32]
    neighbours: dict[str, Neighbours]
    related: dict[str, Related] = field(default_factory=dict)
    folder: Path | None = None  # the snapshot folder, for `full_record`
    offsets: npt.NDArray[np.int64] | None = None  # byte offset of each row's line in items.jsonl
    row_of: dict[str, int] = field(init=False)
    ids: list[str] = field(init=False)  # each row's item id (an answer's token lists them)
    pools: npt.NDArray[np.int8] = field(init=False)
    published: npt.NDArray[np.float64] = field(init=False)
    expires: npt.NDArray[np.float64] = field(init=False)
    fragments: list[bytes] = field(init=False)  # each item's public JSON (rendering.py)
    sponsored_rows: npt.NDArray[np.int64] = field(init=False)
    campaign_start: npt.NDArray[np.float64] = field(init=False)
    campaign_end: npt.NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = [r["id"] for r in self.records]
        self.row_of = {item: i for i, item in enumerate(self.ids)}
        for pool, lists in self.neighbours.items():
            if pool not in self.related:  # a snapshot without hybrid lists: dense relevance only
                self.related[pool] = Related.from_dense(lists.rows, lists.scores)
        self.pools = np.array([POOLS.index(pool_of(r)) for r in self.records], dtype=np.int8)
        self.published = np.array(
            [epoch(r["published_at"], 0.0) for r in self.records], dtype=np.float64
        )
        self.expires = np.array(
            [epoch(r.get("expires_at"), math.inf) for r in self.records], dtype=np.float64
        )
        self.fragments = [item_fragment(payload(r)) for r in self.records]
        self.sponsored_rows = np.flatnonzero(self.pools == POOLS.index(SPONSORED_POOL))
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
        return POOLS.index(pool)

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        in_memory_max_bytes: int = IN_MEMORY_MAX_BYTES,
        prefault: bool = False,
    ) -> Catalog:
        """A snapshot folder, read through recommender.snapshot (arrays memory-mapped, or read
        into memory up to `in_memory_max_bytes` each). Does not verify checksums (the runtime
        does, `recommender.snapshot.verify_snapshot`); checks the invariants (`check`). With
        `prefault`, every page of the arrays a request reads (vectors, related lists and their
        parts) is mapped now (`recommender.snapshot.fault_in`), not by the first requests."""
        records, offsets = read_serving_records(folder)
        catalog = cls(
            folder.name,
            read_manifest(folder),
            records,
            load_vectors(folder, in_memory_max_bytes),
            load_neighbours(folder, in_memory_max_bytes=in_memory_max_bytes),
            load_related(folder, in_memory_max_bytes),
        )
        catalog.folder, catalog.offsets = folder, offsets
        catalog.check()
        if prefault:
            fault_in(catalog.vectors)
            for related in catalog.related.values():
                fault_in(related.rows)
                fault_in(related.parts)
        return catalog

    def check(self) -> None:
        """Invariants a request relies on; a violation raises `SnapshotCorrupt` (the snapshot is
        never served): one vector per item; every neighbour and related list holds only rows of
        its own pool (so never a sponsored item in an editorial list), in range, or -1 pads."""
        if self.vectors.ndim != 2 or len(self.vectors) != self.size:
            raise SnapshotCorrupt(
                f"vectors.npy has shape {self.vectors.shape} for {self.size} items",
                reason="invariant",
                file="vectors.npy",
            )
        codes = {pool: POOLS.index(pool) for pool in POOLS}
        empty = self.manifest.get(EMPTY_POOLS_KEY) or {}  # pads, not read from any file
        if self.folder is not None:
            members = {p: int((self.pools == POOLS.index(p)).sum()) for p in EDITORIAL_POOLS}
            check_empty_pools(self.folder, self.manifest, members, self.size)
        lists: dict[str, tuple[str, npt.NDArray[Any], str]] = {}
        for pool, neighbours in self.neighbours.items():
            if pool not in empty:
                lists[f"n-{pool}"] = (pool, neighbours.rows, neighbours_file(pool))
        for pool, related in self.related.items():
            if pool in empty:
                continue
            lists[f"r-{pool}"] = (pool, related.rows, related_file(pool, "rows"))
            if related.scores.shape != related.rows.shape:
                raise SnapshotCorrupt(
                    f"{related_file(pool, 'scores')} has shape {related.scores.shape}, its rows"
                    f" {related.rows.shape}",
                    reason="invariant",
                    file=related_file(pool, "scores"),
                )
        check_lists(self.pools, codes, lists)

    def full_record(self, row: int) -> dict[str, Any]:
        """The item's complete stored record, with the fields kept out of memory (body)."""
        if self.folder is None or self.offsets is None:
            return self.records[row]
        return read_record_at(self.folder, int(self.offsets[row]))


def payload(record: dict[str, Any]) -> dict[str, Any]:
    """The public fields of an item, built once per snapshot load."""
    out = {name: record.get(name) for name in PAYLOAD_FIELDS}
    if record.get("sponsor"):
        out["sponsor"] = record["sponsor"]
    return out
