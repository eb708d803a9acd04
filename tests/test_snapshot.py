"""The snapshot format (recommender.snapshot): its parts, its schema version, and the loaders'
answers for snapshots that lack a part. (Versioned folders and CURRENT: tests/index/.)"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
import xxhash
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from index.snapshots import SnapshotStore
from recommender.articles import EDITORIAL_POOLS
from recommender.errors import SnapshotCorrupt, SnapshotIncompatible
from recommender.jobs import run_build, run_update
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.snapshot import (
    BM25_FIELDS,
    BM25_STATS_FILE,
    ITEMS_FILE,
    MEAN_FILE,
    ROWS_FILE,
    SCHEMA_VERSION,
    VECTORS_FILE,
    CarriedItems,
    StoredItems,
    _Files,
    _write_items,
    bm25_file,
    check_content,
    check_empty_pools,
    index_file,
    lexical_file,
    load_index,
    load_neighbours,
    marks_file,
    neighbours_file,
    pool_names,
    read_items,
    read_manifest,
    read_sections,
    read_vector_rows,
    record_ids,
    related_file,
    scores_file,
    verify_snapshot,
)
from tests.conftest import CORPUS, make_settings
from tests.embedder import HashingEncoder
from tests.snapshot_faults import garbage_related_rows, sponsored_rows, truncate_vectors


def current(data_dir: Path) -> Path:
    store = SnapshotStore(data_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    return store.path(version)


def test_a_build_writes_every_part(data_dir: Path) -> None:
    folder = current(data_dir)
    expected = {"manifest.json", ITEMS_FILE, ROWS_FILE, VECTORS_FILE, MEAN_FILE}
    for pool in EDITORIAL_POOLS:
        expected |= {neighbours_file(pool), scores_file(pool)}  # no flat index: see below
        expected |= {related_file(pool, part) for part in ("rows", "scores", "parts")}
        expected |= {lexical_file(pool, part) for part in ("rows", "scores")}
        expected |= {marks_file(pool, part) for part in ("rows", "scores")}
    expected |= {bm25_file(name) for name in BM25_FIELDS} | {BM25_STATS_FILE}
    assert {p.name for p in folder.iterdir()} == expected
    assert read_manifest(folder)["schema_version"] == SCHEMA_VERSION


def test_a_newer_format_is_refused_not_misread(data_dir: Path, encoder: HashingEncoder) -> None:
    folder = current(data_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SnapshotIncompatible, match="upgrade, or run `recommender build`"):
        Catalog.load(folder)
    deletes = data_dir / "d.txt"
    deletes.write_text("timnas-1\n", encoding="utf-8")
    with pytest.raises(SnapshotIncompatible):
        run_update([], make_settings(data_dir), delete_lists=[deletes], embedder=encoder)
    assert current(data_dir) == folder  # nothing published over it


def test_without_hybrid_lists_relevance_is_the_cosine(data_dir: Path) -> None:
    folder = current(data_dir)
    for pool in EDITORIAL_POOLS:
        for part in ("rows", "scores", "parts"):
            (folder / related_file(pool, part)).unlink()
    catalog = Catalog.load(folder)
    dense = load_neighbours(folder)["article"]
    related = catalog.related["article"]
    assert np.array_equal(related.rows, dense.rows)
    assert np.array_equal(related.parts[..., 0], dense.scores)
    assert not related.parts[..., 1:].any()
    engine = Recommender(catalog, make_settings(data_dir))
    body = engine.recommend(engine.request("banjir-1", explain=True))
    items = body["sections"][0]["items"]
    assert items and all(i["explain"]["lexical"] == 0 for i in items)


def test_only_an_hnsw_index_is_kept_and_it_is_loaded_only_when_present(
    tmp_path: Path, encoder: HashingEncoder
) -> None:
    # The fixture's pools are small: their exact indexes are copies of `vectors.npy` that nothing
    # reads back, and are not written. With a lower flat limit the article pool is a graph, kept
    # for updates to extend.
    assert load_index(current_build(tmp_path / "flat", encoder), "article") is None
    folder = current_build(tmp_path / "hnsw", encoder, flat_index_max_items=8)
    manifest = read_manifest(folder)
    assert manifest["index"] == {"article": "hnsw", "video": "flat"}
    assert index_file("article") in manifest["files"]
    assert index_file("video") not in manifest["files"]
    index = load_index(folder, "article")
    assert index is not None and index.kind == "hnsw" and index.size == 21
    assert load_index(folder, "video") is None
    (folder / index_file("article")).unlink()
    assert load_index(folder, "article") is None


def current_build(data_dir: Path, encoder: HashingEncoder, **overrides: object) -> Path:
    """The snapshot a build of the fixture corpus publishes under `data_dir`."""
    run_build([CORPUS], make_settings(data_dir, **overrides), embedder=encoder, progress=False)
    return current(data_dir)


# --- verification and load-time invariants (#11) ----------------------------------------------


def test_the_manifest_records_size_and_checksum_of_every_file(data_dir: Path) -> None:
    folder = current(data_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == SCHEMA_VERSION == 4
    on_disk = {p.name for p in folder.iterdir() if p.name != "manifest.json"}
    assert set(manifest["files"]) == on_disk
    # The writer hashes the bytes as it writes them (arrays through np.save, the FAISS index
    # serialised, BM25 archives packed in memory): each digest must be the file's own.
    for name, expected in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert expected == {"size": len(data), "xxh3_128": xxhash.xxh3_128(data).hexdigest()}, name
    assert verify_snapshot(folder) is True


def test_a_snapshot_with_sha256_checksums_is_still_verified_by_them(data_dir: Path) -> None:
    """Versions 2 and 3 recorded SHA-256: such a snapshot verifies, and a byte changed in one of
    its files is caught by its SHA-256 (the error names the file and the checksum)."""
    folder = current(data_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = 3
    for name in manifest["files"]:
        data = (folder / name).read_bytes()
        manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_snapshot(folder) is True
    assert Catalog.load(folder).size == manifest["counts"]["items"]
    path = folder / VECTORS_FILE
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotCorrupt, match="SHA-256") as caught:
        verify_snapshot(folder)
    assert caught.value.file == VECTORS_FILE and caught.value.reason == "checksum"


def test_a_version_1_snapshot_has_nothing_to_verify_and_still_loads(data_dir: Path) -> None:
    folder = current(data_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]
    manifest["schema_version"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_snapshot(folder) is False
    assert Catalog.load(folder).size == manifest["counts"]["items"]


def test_a_truncated_file_fails_verification_naming_it(data_dir: Path) -> None:
    folder = current(data_dir)
    truncate_vectors(folder)
    with pytest.raises(SnapshotCorrupt, match=r"vectors\.npy has 1000 bytes") as caught:
        verify_snapshot(folder, checksums=False)
    assert (caught.value.reason, caught.value.file) == ("size", "vectors.npy")
    with pytest.raises(SnapshotCorrupt, match=r"vectors\.npy"):  # and never a crash at load
        Catalog.load(folder)


def test_same_size_garbage_fails_its_checksum(data_dir: Path) -> None:
    folder = current(data_dir)
    rows = np.load(folder / related_file("article", "rows"))
    garbage_related_rows(folder, np.roll(rows, 1, axis=0))
    with pytest.raises(SnapshotCorrupt, match=r"related-rows-article\.npy") as caught:
        verify_snapshot(folder)
    assert caught.value.reason == "checksum"
    verify_snapshot(folder, checksums=False)  # the sizes still match
    garbage_related_rows(folder, rows)
    verify_snapshot(folder)  # restored
    (folder / "stray.npy").write_bytes(b"x")
    with pytest.raises(SnapshotCorrupt, match=r"stray\.npy is not in the manifest"):
        verify_snapshot(folder)


@pytest.mark.parametrize("kind", ["sponsored", "video", "out_of_range", "negative"])
def test_lists_holding_foreign_rows_are_refused_at_load(data_dir: Path, kind: str) -> None:
    """Garbage that matches its checksums (resealed) still never puts a sponsored item, an item
    of another pool or a row out of range into an editorial list."""
    folder = current(data_dir)
    rows = np.load(folder / related_file("article", "rows"))
    lines = (folder / "items.jsonl").read_bytes().splitlines()
    videos = [i for i, line in enumerate(lines) if json.loads(line).get("type") == "video"]
    bad = {
        "sponsored": sponsored_rows(folder)[0],
        "video": videos[0],
        "out_of_range": len(lines) + 5,
        "negative": -7,
    }[kind]
    garbage = rows.copy()
    garbage[0, 0] = bad
    garbage_related_rows(folder, garbage, reseal=True)
    verify_snapshot(folder)  # the checksums match: the invariants are what catches it
    with pytest.raises(SnapshotCorrupt, match=r"related-rows-article\.npy") as caught:
        Catalog.load(folder)
    assert caught.value.reason == "invariant"


def test_the_writer_refuses_lists_the_loader_would_refuse(data_dir: Path) -> None:
    from recommender.snapshot import Neighbours, PoolContent, Related, SnapshotContent

    folder = current(data_dir)
    records = [json.loads(line) for line in (folder / "items.jsonl").read_bytes().splitlines()]
    n = len(records)
    rows = np.full((n, 2), -1, dtype=np.int32)
    rows[0, 0] = sponsored_rows(folder)[0]
    lists = Neighbours(rows, np.zeros((n, 2), dtype=np.float32))
    content = SnapshotContent(
        records,
        np.zeros((n, 4), dtype=np.float32),
        None,
        {"article": PoolContent(None, lists, Related.from_dense(rows, lists.scores), lists)},  # type: ignore[arg-type]
    )
    with pytest.raises(SnapshotCorrupt, match="outside the article pool"):
        check_content(content)


def test_small_arrays_are_copied_on_load_large_ones_mapped(data_dir: Path) -> None:
    folder = current(data_dir)
    mapped = Catalog.load(folder, in_memory_max_bytes=0)
    assert isinstance(mapped.neighbours["article"].rows.base, np.memmap)
    del mapped
    copied = Catalog.load(folder)
    assert not isinstance(copied.vectors.base, np.memmap)
    truncate_vectors(folder)  # a copied array is unaffected: no SIGBUS, same answers
    assert float(np.abs(copied.vectors).sum()) > 0


def _minor_faults_reading(array: np.ndarray) -> int:
    import mmap
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    array.reshape(-1).view(np.uint8)[:: mmap.PAGESIZE].max()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_fault_in_maps_a_mapped_arrays_pages_at_load(tmp_path: Path) -> None:
    """#15: `fault_in` maps every page of a memory-mapped array, so that reading it later
    takes no page fault; a fresh mapping read the same way does take them."""
    from recommender.snapshot import fault_in, mapped

    path = tmp_path / "big.npy"
    np.save(path, np.arange(4 * 1024 * 1024, dtype=np.float32))  # 16 MiB: 4,096 pages
    cold = mapped(path, in_memory_max_bytes=0)
    cold_faults = _minor_faults_reading(cold)  # the kernel maps many pages around each fault
    warm = mapped(path, in_memory_max_bytes=0)
    fault_in(warm)
    warm_faults = _minor_faults_reading(warm)
    assert cold_faults >= 4 and warm_faults <= 1, (cold_faults, warm_faults)
    assert np.array_equal(warm, np.arange(4 * 1024 * 1024, dtype=np.float32))


@pytest.mark.parametrize(
    "sources",
    [
        [0, 1, 2, 3, 4, 5, 6, 7],  # every row in order: one read
        [0, 1, 3, 4, 5, -1, -1, 7],  # rows removed, new rows (-1) in between
        [7, 6, 5, -1, 0, 0, 2, 3],  # out of order, repeated
        [-1, -1],  # nothing kept
        [],
    ],
)
def test_vector_rows_are_read_in_runs_as_a_gather_gives_them(
    tmp_path: Path, sources: list[int]
) -> None:
    vectors = np.arange(8 * 5, dtype=np.float32).reshape(8, 5) + 0.5
    np.save(tmp_path / VECTORS_FILE, vectors)
    wanted = np.array(sources, dtype=np.int64)
    got = read_vector_rows(tmp_path, wanted)
    expected = np.where(wanted[:, None] >= 0, vectors[np.maximum(wanted, 0)], 0.0)
    np.testing.assert_array_equal(got, expected.reshape(len(wanted), 5))
    assert got.dtype == np.float32


def test_reading_vector_rows_of_a_damaged_file_names_it(tmp_path: Path) -> None:
    np.save(tmp_path / VECTORS_FILE, np.ones((8, 5), dtype=np.float32))
    truncate_vectors(tmp_path, (tmp_path / VECTORS_FILE).stat().st_size - 10)
    with pytest.raises(SnapshotCorrupt) as short:
        read_vector_rows(tmp_path, np.arange(8, dtype=np.int64))
    assert (short.value.reason, short.value.file) == ("size", VECTORS_FILE)
    np.save(tmp_path / VECTORS_FILE, np.ones((8, 5), dtype=np.float64))
    with pytest.raises(SnapshotCorrupt, match="not float32"):
        read_vector_rows(tmp_path, np.arange(8, dtype=np.int64))
    with pytest.raises(SnapshotCorrupt, match="row 9 was asked"):
        np.save(tmp_path / VECTORS_FILE, np.ones((8, 5), dtype=np.float32))
        read_vector_rows(tmp_path, np.array([0, 9], dtype=np.int64))
    (tmp_path / VECTORS_FILE).unlink()
    with pytest.raises(SnapshotCorrupt, match="missing"):
        read_vector_rows(tmp_path, np.arange(2, dtype=np.int64))


@pytest.mark.parametrize(
    ("empty", "says"),
    [
        ({"article": {"width": 10, "marks_width": 10}}, "2 of the 5 items are in it"),
        ({"sponsored": {"width": 10, "marks_width": 10}}, "it is no editorial pool"),
        ({"video": {"width": 10, "marks_width": 10}}, None),  # right: no video, 5 rows
        ({"video": {"width": "wide"}}, "invalid `empty_pools`"),
    ],
)
def test_a_manifest_naming_pools_without_members_is_checked(
    tmp_path: Path, empty: dict[str, Any], says: str | None
) -> None:
    manifest = {"counts": {"items": 5}, "empty_pools": empty}
    members = {"article": 2, "video": 0}
    if says is None:
        check_empty_pools(tmp_path, manifest, members, 5)
        with pytest.raises(SnapshotCorrupt, match="3 rows for 4 items"):
            check_empty_pools(tmp_path, {**manifest, "counts": {"items": 3}}, members, 4)
        return
    with pytest.raises(SnapshotCorrupt, match=re.escape(says)) as caught:
        check_empty_pools(tmp_path, manifest, members, 5)
    assert caught.value.file == "manifest.json"


def test_bm25_parts_written_ahead_are_the_writers_bytes_and_must_be_the_contents(
    data_dir: Path, tmp_path: Path
) -> None:
    """An update writes the BM25 weights beside its ranking layer (`write_lexical`): the same
    files the writer writes at the end, and only for the content it then finishes."""
    import dataclasses

    from recommender.snapshot import LexicalState, StagedSnapshot, _same_lexical, load_ranking_state

    folder = current(data_dir)
    stored = load_ranking_state(folder)
    assert stored is not None
    bm25 = stored[0]
    staged = StagedSnapshot(SnapshotStore(tmp_path / "snapshots"))
    try:
        staged.write_lexical(bm25)
        for name in [bm25_file(f) for f in BM25_FIELDS] + [BM25_STATS_FILE]:
            assert (staged.staging / name).read_bytes() == (folder / name).read_bytes()
    finally:
        staged.abort()
    assert _same_lexical(bm25, LexicalState(dict(bm25.weights), bm25.stats))
    other = {**bm25.weights, "title": bm25.weights["title"].copy()}
    assert not _same_lexical(bm25, dataclasses.replace(bm25, weights=other))
    assert not _same_lexical(bm25, None)


def write_items_to(folder: Path, records: Any) -> None:
    folder.mkdir(parents=True)
    with _Files(folder) as files:
        _write_items(files, records, pool_names(records))
        files.finish()


@hsettings(max_examples=60, deadline=None)
@given(st.integers(0, 25), st.data())
def test_carried_records_are_written_as_if_each_were_serialised(
    tmp_path_factory: pytest.TempPathFactory, n: int, data: st.DataObject
) -> None:
    """Whatever rows an update keeps, drops, replaces or adds, the items it writes (the kept
    lines copied from the stored file in runs) are the bytes of serialising every record, and
    rows.json indexes them."""
    tmp = tmp_path_factory.mktemp("items")
    base = [
        {
            "id": f"a{i}",
            "type": "video" if i % 3 == 0 else "article",
            "title": "é" * (i % 4),
            "section": [None, "Berita", "Olahraga"][i % 3],
        }
        for i in range(n)
    ]
    write_items_to(tmp / "base", base)
    stored, _ = read_items(tmp / "base")
    assert isinstance(stored, StoredItems)
    kept = [i for i in range(n) if data.draw(st.booleans())]
    source = np.array(kept + [-1] * data.draw(st.integers(0, 4)), dtype=np.int64)
    own: dict[int, dict[str, Any]] = {
        row: {"id": f"new{row}", "type": "article", "sponsor": "X" if row % 2 else None}
        for row in range(len(kept), len(source))
    }
    for row in data.draw(st.sets(st.integers(0, max(len(kept) - 1, 0)))) if kept else ():
        own[row] = {**base[kept[row]], "title": "changed"}
        source[row] = -1
    records = CarriedItems(stored, source, own)
    expected = [dict(records[row]) for row in range(len(records))]
    write_items_to(tmp / "after", records)
    lines = [orjson.dumps(record) + b"\n" for record in expected]
    assert (tmp / "after" / ITEMS_FILE).read_bytes() == b"".join(lines)
    items, pools = read_items(tmp / "after")
    assert isinstance(items, StoredItems)
    assert items.ids == [r["id"] for r in expected] == record_ids(records)
    assert pools.tolist() == pool_names(expected).tolist()
    assert items.sections == [r.get("section") for r in expected]
    assert items.starts.tolist() == np.cumsum([0] + [len(line) for line in lines]).tolist()
    assert list(items) == expected
    sections = {r["id"]: str(r.get("section") or "").casefold() for r in expected}
    assert read_sections(tmp / "after") == sections
    (tmp / "after" / ROWS_FILE).unlink()  # a snapshot written before rows.json: records parsed
    assert read_sections(tmp / "after") == sections
