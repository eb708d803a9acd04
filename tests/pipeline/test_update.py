"""`recommender update`: incremental snapshots whose neighbour lists match a brute-force search."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.snapshots import MANIFEST, SnapshotStore
from index.vector_index import VectorIndex
from recommender.articles import EDITORIAL_POOLS
from recommender.errors import InvalidInput, SnapshotIncompatible, SnapshotMissing
from recommender.ingest.importer import import_paths
from recommender.ingest.inbox import pending, write_deletes, write_upserts
from recommender.jobs import run_build, run_rollback, run_update
from recommender.pipeline import index as index_stage
from recommender.pipeline import kernels
from recommender.pipeline.embed import center_and_normalise, embed_articles
from recommender.pipeline.incremental import REFILL_FRACTION, RowChange, capacity, update_lists
from recommender.pipeline.index import index_pool, search_neighbours
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.settings import Settings
from recommender.snapshot import (
    ITEMS_FILE,
    MEAN_FILE,
    ROWS_FILE,
    StoredItems,
    file_digest,
    index_file,
    pool_names,
    read_items,
    verify_snapshot,
)
from tests.conftest import CORPUS, current_catalog, make_settings
from tests.embedder import HashingEncoder

K = 10  # the smallest K the settings allow: the fixture pools (21 articles) overflow it


def corpus_records() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def assert_lists_exact(catalog: Catalog) -> None:
    """Every list is the exact top of its pool (by score: ties may swap ids), self excluded."""
    vectors = np.asarray(catalog.vectors)
    k = catalog.manifest["neighbours_k"]
    for pool in EDITORIAL_POOLS:
        lists = catalog.neighbours[pool]
        members = np.flatnonzero(catalog.pools == catalog.pool_code(pool))
        for row in range(catalog.size):
            length = int((lists.rows[row] >= 0).sum())
            others = members[members != row]
            assert length >= min(len(others), int(np.ceil(k * REFILL_FRACTION)))
            listed = np.asarray(lists.rows[row][:length], dtype=np.int64)
            assert set(listed) <= set(others)
            best = np.sort(vectors[others] @ vectors[row])[::-1][:length]
            got = np.asarray(lists.scores[row][:length])
            np.testing.assert_allclose(got, best, atol=1e-5)
            np.testing.assert_allclose(vectors[listed] @ vectors[row], got, atol=1e-5)


@pytest.fixture
def small_k(tmp_path: Path, encoder: HashingEncoder) -> Iterator[Settings]:
    """A fresh data dir with the fixture corpus built at K=10 (lists shorter than the pool)."""
    settings = make_settings(tmp_path / "data", neighbours_k=K)
    run_build([CORPUS], settings, embedder=encoder, progress=False)
    yield settings


def test_update_adds_changes_removes_and_keeps_lists_exact(
    small_k: Settings, encoder: HashingEncoder, tmp_path: Path
) -> None:
    settings = small_k
    before = current_catalog(settings)
    records = {r["id"]: r for r in corpus_records()}
    new = {
        **records["banjir-1"],
        "id": "banjir-9",
        "title": "Banjir Bandang Terjang Garut, Puluhan Rumah Hanyut",
        "lead": "Sungai Cimanuk meluap setelah hujan deras dan menghanyutkan rumah warga Garut.",
    }
    edited = {**records["banjir-2"], "lead": "Jumlah pengungsi banjir Bandung terus bertambah."}
    retagged = {**records["timnas-1"], "section": "Olahraga Nasional"}  # metadata only
    gone = {**records["banjir-3"], "status": "unpublished"}
    source = write_jsonl(tmp_path / "changes.jsonl", [new, edited, retagged, gone])
    deletes = tmp_path / "delete.txt"
    deletes.write_text("# takedown\nvid-timnas-2\nnot-in-snapshot\n", encoding="utf-8")

    summary, report = run_update(
        [str(source)], settings, delete_lists=[deletes], embedder=encoder, progress=False
    )

    assert not report.errors
    assert (summary.added, summary.updated, summary.removed) == (1, 2, 2)
    assert summary.embedded == 2  # the new item and the edited one; nothing else
    assert summary.items == before.size + 1 - 2
    assert summary.unchanged == summary.items - 1 - 2
    after = current_catalog(settings)
    assert after.version == summary.snapshot != before.version
    assert {"banjir-3", "vid-timnas-2"}.isdisjoint(after.row_of)
    assert after.records[after.row_of["timnas-1"]]["section"] == "Olahraga Nasional"
    assert after.manifest["update"]["base"] == before.version
    assert after.manifest["counts"]["items"] == after.size == before.size - 1
    assert_lists_exact(after)
    # the new item shows up in the lists of older items, and removed ones in none
    newcomer = after.row_of["banjir-9"]
    holders = {
        after.records[r]["id"]
        for r in range(after.size)
        if newcomer in after.neighbours["article"].rows[r]
    }
    assert {"banjir-1", "banjir-2"} <= holders
    for pool in EDITORIAL_POOLS:
        assert after.neighbours[pool].rows.max() < after.size
    # the ranking layer (hybrid related lists) is rebuilt from the updated lists: it follows too
    related = after.related["article"]
    holders = {after.records[r]["id"] for r in range(after.size) if newcomer in related.rows[r]}
    assert "banjir-1" in holders
    assert not np.isin(related.rows, [-2, after.size]).any()


def test_unchanged_vectors_are_copied_and_new_ones_use_the_stored_mean(
    small_k: Settings, encoder: HashingEncoder, tmp_path: Path
) -> None:
    settings = small_k
    before = current_catalog(settings)
    mean = np.load(SnapshotStore(settings.snapshots_dir).path(before.version) / MEAN_FILE)
    extra = {
        **corpus_records()[0],
        "id": "gempa-9",
        "title": "Gempa Magnitudo 6 Guncang Sukabumi, Warga Berhamburan",
        "lead": "Gempa terasa hingga Jakarta; BMKG memastikan tidak berpotensi tsunami.",
    }
    run_update(
        [str(write_jsonl(tmp_path / "new.jsonl", [extra]))],
        settings,
        embedder=encoder,
        progress=False,
    )
    after = current_catalog(settings)
    after_mean = np.load(SnapshotStore(settings.snapshots_dir).path(after.version) / MEAN_FILE)
    np.testing.assert_array_equal(after_mean, mean)  # never recomputed by an update
    for item_id, row in before.row_of.items():
        np.testing.assert_array_equal(after.vectors[after.row_of[item_id]], before.vectors[row])
    [article] = import_paths([tmp_path / "new.jsonl"]).items.values()
    raw, _ = embed_articles([article], encoder, None, progress=False)
    expected = center_and_normalise(raw, mean)[0]
    np.testing.assert_allclose(after.vectors[after.row_of["gempa-9"]], expected, atol=1e-5)


def test_successive_updates_stay_exact(
    small_k: Settings, encoder: HashingEncoder, tmp_path: Path
) -> None:
    """Many removals force lists below K/2; they are searched again and stay exact."""
    settings = small_k
    records = corpus_records()
    articles = [r for r in records if r.get("type") == "article" and not r.get("sponsor")]
    for step in range(3):
        victims = [r["id"] for r in articles[step * 4 : step * 4 + 4]]
        deletes = tmp_path / f"delete-{step}.txt"
        deletes.write_text("\n".join(victims) + "\n", encoding="utf-8")
        summary, _ = run_update([], settings, delete_lists=[deletes], embedder=encoder)
        assert summary.removed == 4 and summary.embedded == 0
        assert_lists_exact(current_catalog(settings))
    manifest = current_catalog(settings).manifest
    assert manifest["counts"]["article"] == 21 - 12


def test_an_emptied_snapshot_is_updated_back_to_a_full_one(
    small_k: Settings, encoder: HashingEncoder, tmp_path: Path
) -> None:
    """Every item unpublished publishes an empty snapshot; the next update, which brings items
    back, had failed ("cannot reshape array of size 0"): it gives the lists a build would (where
    two members tie exactly at a list's last place, either is its top: the hashing encoder gives
    the two wire copies one vector, and faiss's search of a build and the update's exact lists
    may keep different ones)."""
    settings = small_k
    records = corpus_records()
    size = current_catalog(settings).size
    gone = write_jsonl(tmp_path / "gone.jsonl", [{**r, "status": "unpublished"} for r in records])
    summary, _ = run_update([str(gone)], settings, embedder=encoder, progress=False)
    assert (summary.items, summary.removed) == (0, size)
    assert current_catalog(settings).size == 0
    back = write_jsonl(tmp_path / "back.jsonl", records)
    summary, report = run_update([str(back)], settings, embedder=encoder, progress=False)
    assert not report.errors and summary.published
    assert (summary.added, summary.items) == (size, size)
    after = current_catalog(settings)
    assert_lists_exact(after)
    rebuilt = make_settings(tmp_path / "rebuilt", neighbours_k=K)
    run_build([CORPUS], rebuilt, embedder=encoder, progress=False)
    fresh = current_catalog(rebuilt)
    for pool in EDITORIAL_POOLS:
        for item in fresh.row_of:
            lists = (after.neighbours[pool], fresh.neighbours[pool])
            entries = [
                [
                    (c.records[r]["id"], float(score))
                    for r, score in zip(
                        lists[i].rows[c.row_of[item]], lists[i].scores[c.row_of[item]], strict=True
                    )
                    if r >= 0
                ]
                for i, c in enumerate((after, fresh))
            ]
            got, want = entries
            np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
            last = want[-1][1] if want else 0.0
            above = [{i for i, s in e if s > last + 1e-6} for e in entries]
            assert above[0] == above[1], (pool, item)


def test_nothing_to_change_publishes_nothing(data_dir: Path, encoder: HashingEncoder) -> None:
    settings = make_settings(data_dir)
    before = SnapshotStore(settings.snapshots_dir).current_version()
    summary, _ = run_update([str(CORPUS)], settings, embedder=encoder, progress=False)
    assert summary.published is False and summary.snapshot == before
    assert summary.unchanged == 31 and summary.embedded == 0
    assert [i.version for i in SnapshotStore(settings.snapshots_dir).snapshots()] == [before]


def test_update_refuses_a_snapshot_of_another_model(
    data_dir: Path, encoder: HashingEncoder
) -> None:
    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    before = store.current_version()
    assert before is not None
    other = "gt/all-minilm-l6-v2"
    with pytest.raises(SnapshotIncompatible, match="never mixed: run `recommender build`"):
        run_update([str(CORPUS)], make_settings(data_dir, model=other))
    # same name, but the stored vectors came from another model version/dimension (key differs)
    manifest_path = store.path(before) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model"]["key"] = "0123456789abcdef"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    record = {**corpus_records()[0], "id": "baru-1", "title": "Judul yang benar-benar baru"}
    source = write_jsonl(data_dir / "new.jsonl", [record])
    with pytest.raises(SnapshotIncompatible, match="never mixed: run `recommender build`"):
        run_update([str(source)], settings, embedder=encoder)
    assert store.current_version() == before
    assert [i.version for i in store.snapshots()] == [before]


def test_update_without_a_snapshot_asks_for_a_build(tmp_path: Path) -> None:
    with pytest.raises(SnapshotMissing, match="recommender build"):
        run_update([], make_settings(tmp_path / "empty"))


def test_unreadable_sources_fail_without_publishing(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="nothing could be read"):
        run_update([str(bad)], make_settings(data_dir))


def test_inbox_files_are_applied_then_moved_to_done(
    data_dir: Path, encoder: HashingEncoder
) -> None:
    settings = make_settings(data_dir)
    article = next(iter(import_paths([CORPUS]).items.values()))
    changed = article.model_copy(update={"section": "Nasional (diperbarui)"})
    write_upserts(data_dir, [changed])
    write_deletes(data_dir, ["timnas-2"])
    batch = pending(data_dir)
    assert len(batch.files) == 2
    summary, _ = run_update([], settings, embedder=encoder)
    assert (summary.updated, summary.removed, summary.embedded) == (1, 1, 0)
    catalog = current_catalog(settings)
    assert "timnas-2" not in catalog.row_of
    assert catalog.records[catalog.row_of[article.id]]["section"] == "Nasional (diperbarui)"
    done = data_dir / "inbox" / "done"
    assert sorted(p.name for p in done.iterdir()) == sorted(p.name for p in batch.files)
    assert pending(data_dir).files == []


def test_inbox_replays_in_arrival_order(data_dir: Path, encoder: HashingEncoder) -> None:
    """PUT then DELETE removes an item; DELETE then PUT keeps it (admin API order is honoured)."""
    settings = make_settings(data_dir)
    items = import_paths([CORPUS]).items
    write_upserts(data_dir, [items["beras-2"].model_copy(update={"section": "Pangan"})])
    write_deletes(data_dir, ["beras-2"])
    write_deletes(data_dir, ["data-3"])
    write_upserts(data_dir, [items["data-3"].model_copy(update={"section": "Keamanan Siber"})])
    summary, _ = run_update([], settings, embedder=encoder)
    catalog = current_catalog(settings)
    assert "beras-2" not in catalog.row_of
    assert catalog.records[catalog.row_of["data-3"]]["section"] == "Keamanan Siber"
    assert (summary.removed, summary.updated) == (1, 1)


def test_inbox_files_stay_when_the_update_fails(data_dir: Path) -> None:
    write_deletes(data_dir, ["timnas-2"])
    with pytest.raises(SnapshotIncompatible):
        run_update([], make_settings(data_dir, neighbours_k=11))  # settings hash differs
    assert len(pending(data_dir).files) == 1


def test_build_summary_counts_changes_against_the_previous_snapshot(
    data_dir: Path, encoder: HashingEncoder
) -> None:
    summary, _ = run_build([CORPUS], make_settings(data_dir), embedder=encoder, progress=False)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 31)


def test_rollback_and_retention(small_k: Settings, encoder: HashingEncoder, tmp_path: Path) -> None:
    settings = small_k.replace(keep_snapshots=2)
    store = SnapshotStore(settings.snapshots_dir)
    versions = [store.current_version()]
    for i in range(3):
        deletes = tmp_path / f"d{i}.txt"
        deletes.write_text(f"banjir-{i + 1}\n", encoding="utf-8")
        versions.append(
            run_update([], settings, delete_lists=[deletes], embedder=encoder)[0].snapshot
        )
    assert [i.version for i in store.snapshots()] == versions[:-3:-1]  # the newest two
    result = run_rollback(settings)
    assert result["from"] == versions[-1] and result["snapshot"] == versions[-2]
    assert store.current_version() == versions[-2]
    assert "banjir-3" in current_catalog(settings).row_of
    with pytest.raises(InvalidInput):
        run_rollback(settings, versions[0])  # pruned
    run_rollback(settings, versions[-1])
    assert store.current_version() == versions[-1]
    # the next update starts from what CURRENT names
    summary, _ = run_update([], settings, embedder=encoder)
    assert summary.snapshot == versions[-1] and not summary.published


def test_expired_items_and_ended_campaigns_leave_without_a_job(
    tmp_path: Path, encoder: HashingEncoder
) -> None:
    """The engine drops items past expires_at and campaigns past ends_at at request time."""
    base = {
        "type": "article",
        "lead": "",
        "language": "id",
        "published_at": "2026-11-01T08:00:00+07:00",
    }
    rows = [
        {**base, "id": "pasar-1", "title": "Harga Beras di Pasar Induk Cipinang Naik Lagi"},
        {**base, "id": "pasar-2", "title": "Harga Beras Medium Tembus Rp14 Ribu per Kilogram",
         "expires_at": "2026-12-01T00:00:00+07:00"},
        {**base, "id": "pasar-3", "title": "Pedagang Beras Keluhkan Pasokan dari Karawang"},
        {**base, "id": "sp-1", "title": "Beras Premium Sawah Subur, Pulen dan Wangi",
         "sponsor": {"name": "Sawah Subur", "ends_at": "2026-12-01T00:00:00+07:00"}},
    ]  # fmt: skip
    for row in rows:
        row["url"] = f"https://kabar.example/{row['id']}"
    settings = make_settings(tmp_path / "data")
    run_build([write_jsonl(tmp_path / "items.jsonl", rows)], settings, embedder=encoder)
    engine = Recommender(current_catalog(settings), settings)
    req = engine.request("pasar-1", articles=5, videos=0, sponsored=3)

    def ids(now: str) -> tuple[set[str], set[str]]:
        from datetime import datetime

        body = engine.recommend(req, now=datetime.fromisoformat(now).timestamp())
        articles, _, sponsored = body["sections"]
        return {i["id"] for i in articles["items"]}, {i["id"] for i in sponsored["items"]}

    assert ids("2026-11-30T23:59:00+07:00") == ({"pasar-2", "pasar-3"}, {"sp-1"})
    assert ids("2026-12-01T00:00:00+07:00") == ({"pasar-3"}, set())


@pytest.mark.parametrize("exact_lists_max", [10**9, 0], ids=["lists-from-products", "searched"])
def test_hnsw_pools_are_extended_and_removed_rows_left_as_tombstones(
    tmp_path: Path, encoder: HashingEncoder, exact_lists_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways an update gives new rows their lists: from the products of every row against
    them (the index extended aside), and, in a pool above EXACT_LISTS_MAX, by a search of the
    extended graph. The lists stay exact against the pool's vectors either way."""
    monkeypatch.setattr(index_stage, "EXACT_LISTS_MAX", exact_lists_max)
    settings = make_settings(tmp_path / "data", neighbours_k=K, flat_index_max_items=8)
    run_build([CORPUS], settings, embedder=encoder, progress=False)
    store = SnapshotStore(settings.snapshots_dir)
    assert current_catalog(settings).manifest["index"]["article"] == "hnsw"
    extra = {**corpus_records()[0], "id": "banjir-9", "title": "Banjir Bandang Terjang Garut"}
    run_update([str(write_jsonl(tmp_path / "a.jsonl", [extra]))], settings, embedder=encoder)
    index = VectorIndex.load(store.path(store.current_version() or "") / "index-article.faiss")
    assert index.kind == "hnsw" and index.size == 22
    catalog = current_catalog(settings)
    scores, ids = index.search(np.asarray(catalog.vectors[[catalog.row_of["banjir-9"]]]), 1)
    assert ids[0, 0] == catalog.row_of["banjir-9"] and scores[0, 0] > 0.99
    deletes = tmp_path / "d.txt"
    deletes.write_text("banjir-9\nbanjir-1\n", encoding="utf-8")  # 2 of 22: kept as tombstones
    run_update([], settings, delete_lists=[deletes], embedder=encoder)
    index = VectorIndex.load(store.path(store.current_version() or "") / "index-article.faiss")
    assert index.kind == "hnsw" and index.size == 22 and index.tombstones == 2
    catalog = current_catalog(settings)
    _, found = index.search(np.asarray(catalog.vectors), 20)
    assert set(found[found >= 0].tolist()) == set(
        np.flatnonzero(catalog.pools == catalog.pool_code("article")).tolist()
    )
    assert_lists_exact(catalog)
    deletes.write_text("banjir-2\n", encoding="utf-8")  # a third: past TOMBSTONE_MAX_SHARE
    run_update([], settings, delete_lists=[deletes], embedder=encoder)
    index = VectorIndex.load(store.path(store.current_version() or "") / "index-article.faiss")
    assert index.kind == "hnsw" and index.size == 19 and index.tombstones == 0  # rebuilt


# --- the list maintenance itself, on random vectors against a numpy oracle ---------------------


def random_unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def search_in(index: VectorIndex, vectors: np.ndarray, k: int) -> Any:
    return lambda queries: search_neighbours(index, vectors, queries, k)


@pytest.mark.parametrize("searched", [False, True], ids=["from-products", "searched"])
@pytest.mark.parametrize("compiled", [False, True], ids=["numpy", "compiled"])
@pytest.mark.parametrize("seed", range(4))
def test_update_lists_equals_a_fresh_search(
    seed: int, compiled: bool, searched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists kept by an update (insertions, the newcomers' own lists from the same products,
    exact searches of other fresh rows and depleted lists; or those searched in the pool's
    index) against a fresh exact search."""
    threshold = 0 if compiled else 10**18
    monkeypatch.setattr(kernels, "COMPILED_FROM", threshold)
    monkeypatch.setattr(kernels, "AHEAD_FROM", threshold)
    rng = np.random.default_rng(seed)
    k, n_old, d = 12, 300, 16
    settings = Settings(data_dir=Path("unused"), neighbours_k=k)
    vectors = random_unit(rng, n_old, d)
    in_pool = rng.random(n_old) < 0.7
    members = np.flatnonzero(in_pool).astype(np.int64)
    found = index_pool(vectors, members, settings).neighbours
    rows, scores = found.rows, found.scores
    for _ in range(3):  # successive updates, each on the result of the last
        n_old = len(vectors)
        removed = rng.random(n_old) < 0.05
        changed = ~removed & (rng.random(n_old) < 0.03)
        old_to_new = np.full(n_old, -1, dtype=np.int64)
        old_to_new[~removed] = np.arange(int((~removed).sum()))
        n_added = int(rng.integers(1, 12))
        size = int((~removed).sum()) + n_added
        new_vectors = np.empty((size, d), dtype=np.float32)
        new_vectors[old_to_new[~removed]] = vectors[~removed]
        fresh = np.concatenate([old_to_new[changed], np.arange(size - n_added, size)])
        new_vectors[fresh] = random_unit(rng, len(fresh), d)
        new_in_pool = np.zeros(size, dtype=np.bool_)
        new_in_pool[old_to_new[~removed]] = in_pool[~removed]
        new_in_pool[size - n_added :] = rng.random(n_added) < 0.7
        change = RowChange(old_to_new, removed | changed, fresh.astype(np.int64), size)
        new_members = np.flatnonzero(new_in_pool).astype(np.int64)
        rows, scores, _ = update_lists(
            rows,
            scores,
            capacity(k, int(in_pool.sum()), in_pool),
            capacity(k, int(new_in_pool.sum()), new_in_pool),
            change,
            new_vectors,
            new_in_pool,
            search_in(index_pool(new_vectors, new_members, settings).index, new_vectors, k)
            if searched
            else None,
        )
        vectors, in_pool = new_vectors, new_in_pool
        want = index_pool(vectors, new_members, settings).neighbours
        want_rows, want_scores = want.rows, want.scores
        for r in range(size):
            length = int((rows[r] >= 0).sum())
            full = int((want_rows[r] >= 0).sum())
            assert length >= min(full, int(np.ceil(k * REFILL_FRACTION)))
            np.testing.assert_allclose(scores[r, :length], want_scores[r, :length], atol=1e-5)


def test_updater_checks_every_snapshot_part(data_dir: Path, encoder: HashingEncoder) -> None:
    """A snapshot holding a part the updater does not know is never half-updated."""
    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    before = store.current_version()
    assert before is not None
    folder = store.path(before)
    shutil.copyfile(folder / MEAN_FILE, folder / "future-part.npy")
    # A newer writer lists its parts in the manifest (an unlisted file fails verification).
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["future-part.npy"] = file_digest(folder / "future-part.npy")
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    deletes = data_dir / "d.txt"
    deletes.write_text("timnas-1\n", encoding="utf-8")
    with pytest.raises(SnapshotIncompatible, match=r"future-part\.npy"):
        run_update([], settings, delete_lists=[deletes], embedder=encoder)
    assert store.current_version() == before
    assert not [p for p in store.root.iterdir() if p.name.startswith(".tmp-")]


def test_an_update_drops_the_flat_indexes_a_snapshot_kept_before(
    data_dir: Path, encoder: HashingEncoder
) -> None:
    """Snapshots written before kept every pool's index, the flat ones too (copies of the
    vectors nothing read back): an update of one drops them, instead of refusing the parts."""
    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    before = store.current_version()
    assert before is not None
    folder = store.path(before)
    catalog = current_catalog(settings)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for pool in EDITORIAL_POOLS:
        members = np.flatnonzero(catalog.pools == catalog.pool_code(pool)).astype(np.int64)
        flat = VectorIndex.build(np.asarray(catalog.vectors)[members], members, flat_max=10**6)
        with (folder / index_file(pool)).open("wb") as out:
            flat.write(out.write)
        manifest["files"][index_file(pool)] = file_digest(folder / index_file(pool))
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert verify_snapshot(folder)
    deletes = data_dir / "d.txt"
    deletes.write_text("timnas-1\n", encoding="utf-8")
    run_update([], settings, delete_lists=[deletes], embedder=encoder)
    after = store.path(store.current_version() or "")
    assert after != folder and verify_snapshot(after)
    assert not list(after.glob("index-*.faiss"))
    assert "timnas-1" not in current_catalog(settings).row_of


def test_an_update_copies_the_lines_it_does_not_change_and_indexes_every_line(
    small_k: Settings, encoder: HashingEncoder, tmp_path: Path
) -> None:
    """items.jsonl after an update: each unchanged record's line as it was (copied, not parsed
    and written again), the changed and new ones serialised; rows.json gives every line's id,
    pool and offset. From a snapshot without rows.json (an older writer's), the same bytes."""
    records = {r["id"]: r for r in corpus_records()}
    changes = [
        {**records["banjir-1"], "id": "banjir-9", "lead": "Sungai Cimanuk meluap lagi."},
        {**records["banjir-2"], "lead": "Jumlah pengungsi banjir Bandung terus bertambah."},
        {**records["timnas-1"], "section": "Olahraga Nasional"},
        {**records["banjir-3"], "status": "unpublished"},
    ]
    source = write_jsonl(tmp_path / "changes.jsonl", changes)
    older = make_settings(tmp_path / "older", neighbours_k=K)  # the same base without rows.json
    shutil.copytree(small_k.data_dir, older.data_dir)
    base = current_catalog(older).folder
    assert base is not None
    (base / ROWS_FILE).unlink()
    manifest = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
    del manifest["files"][ROWS_FILE]
    (base / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = current_catalog(small_k).folder
    assert before is not None
    old_lines = {json.loads(line)["id"]: line for line in lines_of(before)}

    written = []
    for settings in (small_k, older):
        summary, report = run_update([str(source)], settings, embedder=encoder, progress=False)
        assert not report.errors and summary.added == 1
        folder = current_catalog(settings).folder
        assert folder is not None
        written.append(((folder / ITEMS_FILE).read_bytes(), (folder / ROWS_FILE).read_bytes()))
        items, pools = read_items(folder)
        assert isinstance(items, StoredItems)
        lines = lines_of(folder)
        stored = [json.loads(line) for line in lines]
        assert items.ids == [r["id"] for r in stored]
        assert pools.tolist() == pool_names(stored).tolist()
        assert items.starts.tolist() == np.cumsum([0] + [len(x) + 1 for x in lines]).tolist()
        assert [items[i] for i in range(len(items))] == stored
        changed = {"banjir-9", "banjir-2", "timnas-1", "banjir-3"}
        for line, record in zip(lines, stored, strict=True):
            if record["id"] not in changed:
                assert line == old_lines[record["id"]]
        by_id = {r["id"]: r for r in stored}
        assert by_id["timnas-1"]["section"] == "Olahraga Nasional" and "banjir-3" not in by_id
        assert by_id["banjir-2"]["lead"] == changes[1]["lead"]
    assert written[0] == written[1]


def lines_of(folder: Path) -> list[bytes]:
    return (folder / ITEMS_FILE).read_bytes().splitlines()
