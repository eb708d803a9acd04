"""Pending changes left for the next `recommender update` in DATA_DIR/inbox/.

Writers (the admin API) drop `items-*.jsonl` (full item records in the import format) and
`delete-*.txt` (one id a line). Write under another name and rename into place, so a job never
reads half a file. Files are read in name order (name them by time) and moved to `inbox/done/`
only after the snapshot they went into is published; a failed job leaves them for the next one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from index.snapshots import fsync_dir
from recommender.articles import ID_RE, Article
from recommender.ingest.importer import ImportReport, RowError

INBOX_DIR = "inbox"
DONE_DIR = "done"
ITEMS_GLOB = "items-*.jsonl"
DELETE_GLOB = "delete-*.txt"


def inbox_dir(data_dir: Path) -> Path:
    return data_dir / INBOX_DIR


@dataclass(frozen=True)
class InboxBatch:
    """The inbox files one job read (files arriving later wait for the next job)."""

    items: list[Path]
    deletes: list[Path]

    @property
    def files(self) -> list[Path]:
        """Every file in arrival order (by the timestamp in its name, whatever its kind)."""
        return sorted([*self.items, *self.deletes], key=arrival_key)

    def done(self) -> None:
        """Move the processed files to inbox/done/ (call after the snapshot is published)."""
        for path in self.files:
            target_dir = path.parent / DONE_DIR
            target_dir.mkdir(exist_ok=True)
            target = target_dir / path.name
            n = 1
            while target.exists():
                target = target_dir / f"{path.stem}.{n}{path.suffix}"
                n += 1
            os.replace(path, target)


def arrival_key(path: Path) -> str:
    """`items-<stamp>-…` and `delete-<stamp>-…` sort together by their UTC timestamp."""
    return path.name.split("-", 1)[-1]


def _write(data_dir: Path, prefix: str, suffix: str, payload: bytes) -> Path:
    """Write a new inbox file atomically: a hidden temp name, fsync, then rename into place."""
    folder = inbox_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{prefix}-{stamp}-{os.getpid()}-{secrets.token_hex(3)}{suffix}"
    tmp = folder / f".{name}.tmp"
    with tmp.open("wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    target = folder / name
    os.replace(tmp, target)
    fsync_dir(folder)
    return target


def write_upserts(data_dir: Path, items: Iterable[Article]) -> Path:
    """Queue full item records (added or replaced by the next update); returns the file."""
    lines = [orjson.dumps(item.model_dump(mode="json", exclude_none=True)) for item in items]
    return _write(data_dir, "items", ".jsonl", b"".join(line + b"\n" for line in lines))


def write_deletes(data_dir: Path, ids: Iterable[str]) -> Path:
    """Queue item ids to remove in the next update; returns the file."""
    return _write(data_dir, "delete", ".txt", "".join(f"{i}\n" for i in ids).encode())


def pending(data_dir: Path) -> InboxBatch:
    folder = inbox_dir(data_dir)
    if not folder.is_dir():
        return InboxBatch([], [])
    return InboxBatch(sorted(folder.glob(ITEMS_GLOB)), sorted(folder.glob(DELETE_GLOB)))


def read_ids(path: Path, report: ImportReport) -> set[str]:
    """Ids from a delete list: one a line; blank lines and `#` comments are skipped."""
    if not path.is_file():
        report.errors.append(RowError(str(path), 0, "file", "no such file"))
        return set()
    ids: set[str] = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        item_id = text.split("#", 1)[0].strip()
        if not item_id:
            continue
        report.rows += 1
        if ID_RE.match(item_id):
            ids.add(item_id)
        else:
            report.errors.append(RowError(str(path), number, "id", "not a valid item id"))
    return ids
