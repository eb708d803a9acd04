"""Damaging snapshots on purpose (the red-team reproductions of #11), for the fault tests."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from index.snapshots import MANIFEST, SnapshotStore, new_version
from recommender.snapshot import VECTORS_FILE, file_digests, related_file


def current_folder(store: SnapshotStore) -> Path:
    version = store.current_version()
    assert version is not None
    return store.path(version)


def clone_current(store: SnapshotStore) -> Path:
    """A sealed copy of the current snapshot under a new (newer) version name; CURRENT unchanged."""
    source = current_folder(store)
    version = new_version()
    target = store.path(version)
    shutil.copytree(source, target)
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    manifest["version"] = version
    (target / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return target


def truncate_vectors(folder: Path, size: int = 1000) -> Path:
    """`truncate -s 1000 .../vectors.npy`."""
    path = folder / VECTORS_FILE
    os.truncate(path, size)
    return path


def garbage_related_rows(folder: Path, rows: np.ndarray, *, reseal: bool = False) -> Path:
    """Overwrite related-rows-article.npy in place with `rows` (same shape, so the same size);
    `reseal` rewrites the manifest's checksums to match (a forger who knows the format)."""
    path = folder / related_file("article", "rows")
    old = np.load(path)
    assert rows.shape == old.shape
    size = path.stat().st_size
    np.save(path, rows.astype(old.dtype))
    assert path.stat().st_size == size
    if reseal:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest["files"] = file_digests(folder)
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return path


def sponsored_rows(folder: Path) -> list[int]:
    """Rows of the snapshot's sponsored items."""
    lines = (folder / "items.jsonl").read_bytes().splitlines()
    return [i for i, line in enumerate(lines) if json.loads(line).get("sponsor")]
