"""The snapshot format (recommender.snapshot): its parts, its schema version, and the loaders'
answers for snapshots that lack a part. (Versioned folders and CURRENT: tests/index/.)"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.snapshots import SnapshotStore
from recommender.articles import EDITORIAL_POOLS
from recommender.errors import SnapshotIncompatible
from recommender.jobs import run_update
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.snapshot import (
    ITEMS_FILE,
    MEAN_FILE,
    SCHEMA_VERSION,
    VECTORS_FILE,
    index_file,
    lexical_file,
    load_index,
    load_neighbours,
    neighbours_file,
    read_manifest,
    related_file,
    scores_file,
)
from tests.conftest import make_settings
from tests.embedder import HashingEncoder


def current(data_dir: Path) -> Path:
    store = SnapshotStore(data_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    return store.path(version)


def test_a_build_writes_every_part(data_dir: Path) -> None:
    folder = current(data_dir)
    expected = {"manifest.json", ITEMS_FILE, VECTORS_FILE, MEAN_FILE}
    for pool in EDITORIAL_POOLS:
        expected |= {index_file(pool), neighbours_file(pool), scores_file(pool)}
        expected |= {related_file(pool, part) for part in ("rows", "scores", "parts")}
        expected |= {lexical_file(pool, part) for part in ("rows", "scores")}
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


def test_the_index_is_loaded_only_when_present(data_dir: Path) -> None:
    folder = current(data_dir)
    index = load_index(folder, "video")
    assert index is not None and index.size == 6
    (folder / index_file("video")).unlink()
    assert load_index(folder, "video") is None
