"""Damaging snapshots on purpose (the red-team reproductions of #11), for the fault tests: the
helpers, and the catalogue of corruptions the fault-injection suite (tests/faults/) runs through."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.snapshots import MANIFEST, SnapshotStore, new_version
from recommender.snapshot import (
    BM25_FIELDS,
    BM25_STATS_FILE,
    ITEMS_FILE,
    MEAN_FILE,
    ROWS_FILE,
    VECTORS_FILE,
    bm25_file,
    file_digests,
    lexical_file,
    list_files,
    marks_file,
    neighbours_file,
    related_file,
    scores_file,
)


def clone(store: SnapshotStore, version: str) -> Path:
    """A sealed copy of snapshot `version` under a new (newer) version name; CURRENT unchanged."""
    target = store.path(new_version())
    shutil.copytree(store.path(version), target)
    edit_manifest(target, lambda m: m.update(version=target.name))
    return target


def current_folder(store: SnapshotStore) -> Path:
    version = store.current_version()
    assert version is not None
    return store.path(version)


def clone_current(store: SnapshotStore) -> Path:
    """A sealed copy of the current snapshot under a new (newer) version name; CURRENT unchanged."""
    return clone(store, current_folder(store).name)


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


# --- the catalogue of corruptions (the fault-injection suite, tests/faults/) ------------------

POOLS = ("article", "video")
# Every file of a snapshot of the fixture corpus (the centred tiny-encoder build of conftest).
PARTS = (
    ITEMS_FILE,
    ROWS_FILE,
    VECTORS_FILE,
    MEAN_FILE,
    *(neighbours_file(pool) for pool in POOLS),
    *(scores_file(pool) for pool in POOLS),
    *(related_file(pool, part) for pool in POOLS for part in ("rows", "scores", "parts")),
    *(lexical_file(pool, part) for pool in POOLS for part in ("rows", "scores")),
    *(marks_file(pool, part) for pool in POOLS for part in ("rows", "scores")),
    *(bm25_file(name) for name in BM25_FIELDS),
    BM25_STATS_FILE,
)


@dataclass(frozen=True)
class Corruption:
    """One way a sealed snapshot folder goes bad. `apply` damages the folder in place; `file` is
    the file a verifier must name and `reason` the runtime's label for it (`SnapshotCorrupt`'s,
    "incompatible" for a newer schema)."""

    name: str
    apply: Callable[[Path], object]
    file: str
    reason: str

    def __str__(self) -> str:
        return self.name


def truncate_half(folder: Path, name: str) -> None:
    path = folder / name
    os.truncate(path, path.stat().st_size // 2)


def flip_byte(folder: Path, name: str) -> None:
    """Flip every bit of one byte in the second half of the file (past any header): same size."""
    path = folder / name
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size * 3 // 4)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))


def delete(folder: Path, name: str) -> None:
    (folder / name).unlink()


def directory_instead(folder: Path, name: str) -> None:
    """The file replaced by a folder of the same name: it exists but cannot be read as a file."""
    (folder / name).unlink()
    (folder / name).mkdir()


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def reseal(folder: Path) -> None:
    """Rewrite the manifest's checksums to match the files (a forger who knows the format)."""
    edit_manifest(folder, lambda m: m.update({"files": file_digests(folder)}))


def forge_rows(folder: Path, value: Callable[[Path], int]) -> None:
    """related-rows-article.npy's first column set to `value(folder)`, resealed."""
    rows = np.load(folder / related_file("article", "rows"))
    rows[:, 0] = value(folder)
    garbage_related_rows(folder, rows, reseal=True)


def forge_items(folder: Path) -> None:
    """A line of items.jsonl that is not JSON, resealed."""
    path = folder / ITEMS_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    lines[3] = b"{not json\n"
    path.write_bytes(b"".join(lines))
    reseal(folder)


def forge_vectors(folder: Path) -> None:
    """vectors.npy with one row fewer than there are items, resealed."""
    vectors = np.load(folder / VECTORS_FILE)
    np.save(folder / VECTORS_FILE, vectors[:-1])
    reseal(folder)


def forge_empty_pool(folder: Path) -> None:
    """The article pool declared empty in the manifest (`empty_pools`), its list files deleted
    and the checksums resealed: every file verifies, but the pool has members."""
    for name in list_files("article"):
        (folder / name).unlink()
    widths = {"article": {"width": 10, "marks_width": 10}}
    edit_manifest(folder, lambda m: m.update(empty_pools=widths))
    reseal(folder)


def forge_row_table(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """rows.json edited by `change`, resealed."""
    path = folder / ROWS_FILE
    table = json.loads(path.read_bytes())
    change(table)
    path.write_text(json.dumps(table), encoding="utf-8")
    reseal(folder)


def _swap_ids(table: dict[str, Any]) -> None:
    table["ids"][1], table["ids"][2] = table["ids"][2], table["ids"][1]


def _shift_offsets(table: dict[str, Any]) -> None:
    table["starts"][1:-1] = [start + 1 for start in table["starts"][1:-1]]


def _video_pool(table: dict[str, Any]) -> None:
    table["pools"][0] = "video" if table["pools"][0] == "article" else "article"


# rows.json forged (resealed): what `snapshots verify` and an update refuse. The service never
# reads rows.json (an update's index of items.jsonl): these are not in CORRUPTIONS.
FORGED_ROW_TABLES = {
    "forged-rows-ids-swapped": partial(forge_row_table, change=_swap_ids),
    "forged-rows-offsets": partial(forge_row_table, change=_shift_offsets),
    "forged-rows-pool": partial(forge_row_table, change=_video_pool),
    "forged-rows-not-json": lambda folder: (
        (folder / ROWS_FILE).write_bytes(b"[not json"),
        reseal(folder),
    ),
}


def _file_cases() -> list[Corruption]:
    cases = []
    for name in PARTS:
        cases += [
            Corruption(f"truncated-{name}", partial(truncate_half, name=name), name, "size"),
            Corruption(f"bitflip-{name}", partial(flip_byte, name=name), name, "checksum"),
            Corruption(f"missing-{name}", partial(delete, name=name), name, "missing"),
        ]
    return cases


def _manifest_cases() -> list[Corruption]:
    rows = related_file("article", "rows")
    return [
        Corruption(
            "directory-instead-of-vectors.npy",
            partial(directory_instead, name=VECTORS_FILE),
            VECTORS_FILE,
            "missing",
        ),
        Corruption(
            "unlisted-extra-file",
            lambda f: (f / "stray.npy").write_bytes(b"x"),
            "stray.npy",
            "unlisted",
        ),
        Corruption(
            "manifest-not-json",
            lambda f: (f / MANIFEST).write_bytes(b"\x00{garbage"),
            MANIFEST,
            "manifest",
        ),
        Corruption(
            "manifest-without-files",
            partial(edit_manifest, change=lambda m: m.pop("files")),
            MANIFEST,
            "manifest",
        ),
        Corruption(
            "manifest-newer-schema",
            partial(edit_manifest, change=lambda m: m.update(schema_version=99)),
            MANIFEST,
            "incompatible",
        ),
        Corruption(
            "manifest-wrong-size",
            partial(edit_manifest, change=lambda m: m["files"][VECTORS_FILE].update(size=1)),
            VECTORS_FILE,
            "size",
        ),
        Corruption(
            "manifest-wrong-checksum",
            partial(edit_manifest, change=lambda m: m["files"][rows].update(xxh3_128="0" * 32)),
            rows,
            "checksum",
        ),
        Corruption(
            "manifest-lists-a-path",
            partial(edit_manifest, change=lambda m: m["files"].update({"../x": {"size": 1}})),
            "../x",
            "missing",
        ),
        Corruption("manifest-missing", partial(delete, name=MANIFEST), MANIFEST, "missing"),
        Corruption(
            "forged-sponsored-in-editorial",
            partial(forge_rows, value=lambda f: sponsored_rows(f)[0]),
            rows,
            "invariant",
        ),
        Corruption(
            "forged-row-out-of-range",
            partial(forge_rows, value=lambda f: 10_000),
            rows,
            "invariant",
        ),
        Corruption("forged-items-not-json", forge_items, ITEMS_FILE, "unreadable"),
        Corruption("forged-vectors-short", forge_vectors, VECTORS_FILE, "invariant"),
        Corruption("forged-empty-pool", forge_empty_pool, MANIFEST, "invariant"),
    ]


CORRUPTIONS = _file_cases() + _manifest_cases()
# The default run's representative subset (the slow suite runs them all): one of each kind.
FAST = {
    "truncated-vectors.npy",
    "bitflip-related-rows-article.npy",
    "missing-items.jsonl",
    "manifest-newer-schema",
    "manifest-missing",
    "forged-sponsored-in-editorial",
    "forged-items-not-json",
    "forged-empty-pool",
}


def corruption_params() -> list[Any]:
    """`CORRUPTIONS` as pytest params: the FAST ones in the default run, the others slow."""
    return [
        pytest.param(c, id=c.name, marks=() if c.name in FAST else pytest.mark.slow)
        for c in CORRUPTIONS
    ]


@dataclass(frozen=True)
class BadPointer:
    """CURRENT made to name no loadable snapshot: `apply(snapshots_root)`."""

    name: str
    apply: Callable[[Path], object]
    names_a_version: bool = False  # a valid name, of a snapshot that does not exist

    def __str__(self) -> str:
        return self.name


def _pointer_dir(root: Path) -> None:
    (root / "CURRENT").unlink()
    (root / "CURRENT").mkdir()


BAD_POINTERS = [
    BadPointer("random-bytes", lambda r: (r / "CURRENT").write_bytes(bytes(range(256))[100:164])),
    BadPointer("empty", lambda r: (r / "CURRENT").write_bytes(b"")),
    BadPointer("a-path", lambda r: (r / "CURRENT").write_text("../../etc\n")),
    BadPointer("too-long", lambda r: (r / "CURRENT").write_text("2" * 4000)),
    BadPointer("a-directory", _pointer_dir),
    BadPointer(
        "missing-version",
        lambda r: (r / "CURRENT").write_text("20000101T000000000000Z\n"),
        names_a_version=True,
    ),
]
FAST_POINTERS = {"random-bytes", "missing-version"}


def pointer_params() -> list[Any]:
    return [
        pytest.param(p, id=p.name, marks=() if p.name in FAST_POINTERS else pytest.mark.slow)
        for p in BAD_POINTERS
    ]
