"""Snapshots are written whole, then published by flipping CURRENT; the live one is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.snapshots import InvalidPointer, SnapshotStore
from recommender.serving.catalog import Catalog
from tests.conftest import TINY_MODEL


def test_publish_flips_pointer_and_manifest_is_complete(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    [info] = store.snapshots()
    assert info.current and store.current_version() == info.version
    m = info.manifest
    assert m["version"] == info.version
    assert m["model"]["dimension"] > 0 and m["model"]["name"] == TINY_MODEL
    assert m["counts"] == {"items": 31, "article": 21, "video": 6, "sponsored": 4}
    assert set(m) >= {"created_at", "package_version", "settings_hash", "neighbours_k"}
    catalog = Catalog.load(info.path)
    assert "retracted-1" not in catalog.row_of  # unpublished items are never in a snapshot


def test_unsealed_folder_is_never_current_and_is_cleaned(data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    good = store.current_version()
    staging = store.begin()
    (staging / "items.jsonl").write_text("half", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        store.point_to(staging.name)
    assert store.current_version() == good
    assert [i.version for i in store.snapshots()] == [good]
    assert store.clean_temporary() == [staging.name]
    assert not staging.exists()


def test_prune_keeps_newest_and_current(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    versions = []
    for _ in range(4):
        versions.append(store.publish(store.begin(), {"n": len(versions)}))
    store.point_to(versions[0])
    removed = store.prune(2)
    left = [i.version for i in store.snapshots()]
    assert versions[0] in left and versions[3] in left and versions[2] in left
    assert removed == [versions[1]]


@pytest.mark.parametrize(
    "garbage",
    [
        bytes(range(256))[:64],
        b"\xff\xfe\x00garbage",
        b"",
        b"\n",
        b"../../etc",
        b"a/b",
        b".tmp-x",
        b"x" * 300,
    ],
)
def test_a_garbage_current_is_no_snapshot_never_an_exception(
    tmp_path: Path, garbage: bytes
) -> None:
    store = SnapshotStore(tmp_path)
    version = store.publish(store.begin(), {"n": 1})
    (tmp_path / "CURRENT").write_bytes(garbage)
    assert store.current_version() is None
    with pytest.raises(InvalidPointer):
        store.read_pointer()
    assert [i.version for i in store.snapshots()] == [version]
    store.point_to(version)  # the repair
    assert store.current_version() == version


def test_an_unreadable_manifest_is_listed_not_raised(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    version = store.publish(store.begin(), {"n": 1})
    (tmp_path / version / "manifest.json").write_bytes(b"\x00garbage")
    [info] = store.snapshots()
    assert "unreadable" in info.manifest
