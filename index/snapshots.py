"""Versioned snapshot folders: build into a temporary folder, then flip the CURRENT pointer."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
POINTER = "CURRENT"
TMP_PREFIX = ".tmp-"
# What a version name may be: `new_version`'s names, and any other plain folder name (tests,
# hand-made snapshots). Never a path, never hidden, never empty, no control characters.
VERSION_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,127}")
# Bytes of CURRENT read at most: a version name is short; anything longer is not one.
POINTER_MAX_BYTES = 256


class InvalidPointer(ValueError):
    """CURRENT exists but does not name a version (garbage, a path, empty, unreadable)."""


def valid_version_name(name: str) -> bool:
    return VERSION_NAME.fullmatch(name) is not None and ".." not in name


@dataclass(frozen=True)
class SnapshotInfo:
    version: str
    path: Path
    manifest: dict[str, Any]
    current: bool


def new_version(now: datetime | None = None) -> str:
    """Sortable, unique-enough version name: UTC time to the microsecond."""
    moment = now or datetime.now(UTC)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write to a sibling temp file, fsync, then rename over `path`."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class SnapshotStore:
    """The `snapshots/` folder: one sub-folder per version and a CURRENT pointer file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def begin(self) -> Path:
        """A fresh temporary folder to build the next snapshot in."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{TMP_PREFIX}{new_version()}-{os.getpid()}"
        path.mkdir()
        return path

    def publish(
        self,
        staging: Path,
        manifest: dict[str, Any],
        *,
        before_flip: Callable[[Path], None] | None = None,
    ) -> str:
        """Seal `staging` with its manifest, move it to its version name, then flip CURRENT.

        `before_flip` runs between the two with the sealed folder (the writer verifies it there;
        the crash-safety tests kill the job there); if it raises, the folder is removed and
        CURRENT is left as it was.
        """
        version = new_version()
        while (self.root / version).exists():
            version = new_version()
        manifest = {**manifest, "version": version}
        for item in staging.iterdir():
            if item.is_file():
                with item.open("rb") as handle:
                    os.fsync(handle.fileno())
        write_json_atomic(staging / MANIFEST, manifest)
        final = self.root / version
        os.replace(staging, final)
        fsync_dir(self.root)
        if before_flip is not None:
            try:
                before_flip(final)
            except BaseException:
                shutil.rmtree(final, ignore_errors=True)
                raise
        self.point_to(version)
        return version

    def point_to(self, version: str) -> None:
        """Atomically switch CURRENT to an existing, sealed version."""
        if not valid_version_name(version):
            raise FileNotFoundError(f"{version!r} is not a snapshot version name")
        if not (self.root / version / MANIFEST).is_file():
            raise FileNotFoundError(f"snapshot {version} does not exist or is not sealed")
        tmp = self.root / f"{POINTER}.tmp-{os.getpid()}"
        tmp.write_text(version + "\n", encoding="utf-8")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / POINTER)
        fsync_dir(self.root)

    def read_pointer(self) -> str | None:
        """The version CURRENT names (None when there is no CURRENT); raises `InvalidPointer` when
        CURRENT is not a valid version name or cannot be read. Says nothing of the folder."""
        try:
            with (self.root / POINTER).open("rb") as handle:
                raw = handle.read(POINTER_MAX_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InvalidPointer(f"{self.root / POINTER} cannot be read: {exc}") from exc
        try:
            if len(raw) > POINTER_MAX_BYTES:
                raise ValueError("too long")
            version = raw.decode("utf-8").strip()
            if not valid_version_name(version):
                raise ValueError("not a version name")
        except (UnicodeDecodeError, ValueError):
            raise InvalidPointer(
                f"{self.root / POINTER} does not hold a version name ({raw[:40]!r}); point it at"
                " a snapshot with `recommender snapshots rollback VERSION`"
            ) from None
        return version

    def current_version(self) -> str | None:
        """The sealed version CURRENT names; None when there is none, or when CURRENT is not a
        valid version name (garbage is "no snapshot", never an exception: see `read_pointer`)."""
        try:
            version = self.read_pointer()
            if version is None:
                return None
            return version if (self.root / version / MANIFEST).is_file() else None
        except (InvalidPointer, OSError, ValueError):
            return None

    def path(self, version: str) -> Path:
        return self.root / version

    def previous_version(self, version: str | None) -> str | None:
        """The newest sealed snapshot older than `version` (the default rollback target)."""
        older = [i.version for i in self.snapshots() if version is None or i.version < version]
        return older[0] if older else None

    def snapshots(self) -> list[SnapshotInfo]:
        """Sealed snapshots, newest first."""
        if not self.root.is_dir():
            return []
        current = self.current_version()
        out = []
        for folder in sorted(self.root.iterdir(), reverse=True):
            manifest_path = folder / MANIFEST
            if folder.name.startswith(TMP_PREFIX) or not manifest_path.is_file():
                continue
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                if not isinstance(manifest, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError) as exc:  # listed, so that `verify` can name it
                manifest = {"unreadable": f"{MANIFEST}: {exc}"}
            out.append(SnapshotInfo(folder.name, folder, manifest, folder.name == current))
        return out

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest `keep` sealed snapshots (never the current one)."""
        removed = []
        for info in self.snapshots()[keep:]:
            if not info.current:
                shutil.rmtree(info.path, ignore_errors=True)
                removed.append(info.version)
        return removed

    def clean_temporary(self) -> list[str]:
        """Remove staging folders left by crashed jobs (call while holding the job lock)."""
        if not self.root.is_dir():
            return []
        removed = []
        for folder in self.root.iterdir():
            if folder.name.startswith(TMP_PREFIX) and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
            elif folder.name.startswith(f"{POINTER}.tmp-"):
                folder.unlink(missing_ok=True)
        return removed
