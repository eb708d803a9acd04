"""The publish stage: describe a snapshot in its manifest and write it (write new, then flip).

The format itself (file names, the writer, the loaders) belongs to recommender.snapshot; this
stage decides what the manifest says about a full build or an update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.snapshots import SnapshotStore
from recommender import __version__
from recommender.articles import POOLS
from recommender.pipeline.embed import Encoder, Vectors
from recommender.pipeline.index import PoolLists
from recommender.pipeline.lexical import LexicalIndex
from recommender.pipeline.relate import PoolLayer
from recommender.pipeline.rerank import STATE_KEY, fresh_state, lexical_state
from recommender.settings import Settings
from recommender.snapshot import PoolContent, SnapshotContent, StagedSnapshot, write_snapshot


def snapshot_content(
    records: Sequence[Mapping[str, Any]],
    vectors: Vectors,
    mean: Vectors | None,
    lists: Mapping[str, PoolLists],
    layers: Mapping[str, PoolLayer],
    lexical: LexicalIndex,
) -> SnapshotContent:
    """What the stages made, gathered for the writer (with the ranking layer's state)."""
    pools = {
        pool: PoolContent(
            pool_lists.index,
            pool_lists.neighbours,
            layers[pool].related,
            layers[pool].lexical,
            layers[pool].marks,
        )
        for pool, pool_lists in lists.items()
    }
    return SnapshotContent(records, vectors, mean, pools, lexical_state(lexical))


def pool_counts(pools: Sequence[str]) -> dict[str, int]:
    return {pool: sum(1 for p in pools if p == pool) for pool in POOLS}


def build_manifest(
    embedder: Encoder, settings: Settings, pools: Sequence[str], content: SnapshotContent
) -> dict[str, Any]:
    """The manifest of a full build."""
    return {
        "created_at": datetime.now(UTC).isoformat(),
        "package_version": __version__,
        "model": {
            "name": embedder.name,
            "dimension": embedder.dimension,
            "key": embedder.key,
            "prefix": embedder.prefix,
            "max_seq_length": embedder.max_seq_length,
        },
        "counts": {"items": len(pools), **pool_counts(pools)},
        "index": {pool: parts.index.kind for pool, parts in content.pools.items()},
        "neighbours_k": settings.build.neighbours_k,
        "centered": content.mean is not None,
        "settings_hash": settings.build_hash(),
        STATE_KEY: fresh_state(len(pools)),
    }


def update_manifest(
    previous: Mapping[str, Any],
    pools: Sequence[str],
    content: SnapshotContent,
    update: dict[str, Any],
) -> dict[str, Any]:
    """The manifest of an update: the previous one's, with new counts and what changed."""
    manifest = {k: v for k, v in previous.items() if k != "version"}
    manifest.update(
        created_at=datetime.now(UTC).isoformat(),
        package_version=__version__,
        counts={"items": len(pools), **pool_counts(pools)},
        index={pool: parts.index.kind for pool, parts in content.pools.items()},
        update=update,
    )
    return manifest


def publish(
    settings: Settings,
    content: SnapshotContent,
    manifest: dict[str, Any],
    *,
    replaces: Path | None = None,
) -> str:
    """Write the snapshot and flip CURRENT to it; older ones beyond KEEP_SNAPSHOTS are pruned."""
    store = SnapshotStore(settings.snapshots_dir)
    return write_snapshot(
        store, content, manifest, keep=settings.jobs.keep_snapshots, replaces=replaces
    )


def begin_snapshot(settings: Settings) -> StagedSnapshot:
    """A new snapshot's staging folder, for a job that writes its parts as they are ready
    (`StagedSnapshot.write_head`) and then `finish_snapshot`s it; `abort` it on any failure."""
    return StagedSnapshot(SnapshotStore(settings.snapshots_dir))


def finish_snapshot(
    settings: Settings,
    staged: StagedSnapshot,
    content: SnapshotContent,
    manifest: dict[str, Any],
    replaces: Path | None,
) -> str:
    """`publish` for a snapshot begun with `begin_snapshot`."""
    return staged.finish(content, manifest, keep=settings.jobs.keep_snapshots, replaces=replaces)
