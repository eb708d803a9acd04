"""Incremental update: apply new, changed and removed items to the current snapshot, publish a new one.

It composes the full build's stages (recommender.pipeline.build) over a plan of what changed:

- embed: only new items and items whose text changed are embedded, with the previous snapshot's
  corpus mean, so old and new vectors live in one space; unchanged items keep their vectors;
- index: each pool's lists are carried over and kept exact by `index.update_pool`
  (recommender.pipeline.incremental), relating only new, changed and depleted rows; its index is
  extended (or rebuilt) aside, while the ranking layer is computed, as no list reads it (but in a
  pool above `index.EXACT_LISTS_MAX`, where the new rows' lists are searched in it);
- relate: the lexical and hybrid lists are updated in place by recommender.pipeline.rerank (only
  new, changed and depleted anchors are related from scratch), or recomputed in full when the
  stored state is missing or has drifted past `RANKING_REFRESH_DRIFT` / `RANKING_REFRESH_UPDATES`;
- publish: the same writer, refusing to drop a part of the previous snapshot it cannot maintain.

A snapshot made with another model, or other settings that shape the build, is never extended:
the update refuses and asks for a full build.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from index.snapshots import MANIFEST, POINTER, InvalidPointer, SnapshotStore
from index.vector_index import VectorIndex
from recommender.articles import EDITORIAL_POOLS, Article, pool_of
from recommender.errors import SnapshotIncompatible, SnapshotMissing
from recommender.pipeline import kernels
from recommender.pipeline.embed import (
    EmbeddingCache,
    Encoder,
    Vectors,
    center_and_normalise,
    embed_articles,
)
from recommender.pipeline.incremental import RowChange
from recommender.pipeline.index import PoolLists, update_pool, updated_index
from recommender.pipeline.lexical import LexicalIndex
from recommender.pipeline.publish import (
    begin_snapshot,
    finish_snapshot,
    snapshot_content,
    update_manifest,
)
from recommender.pipeline.relate import PoolLayer, empty_layer, relate_layer
from recommender.pipeline.rerank import (
    STATE_KEY,
    extend_lexical,
    fresh_state,
    lexical_index,
    lexical_state,
    next_state,
    refresh_reason,
    rerank,
)
from recommender.progress import NO_PROGRESS, Progress
from recommender.settings import Settings
from recommender.snapshot import (
    MEAN_FILE,
    CarriedItems,
    check_stored,
    item_record,
    load_lexical_lists,
    load_mean,
    load_neighbours,
    load_ranking_state,
    load_related,
    pool_names,
    pools_without_members,
    read_items,
    read_manifest,
    read_vector_rows,
    record_ids,
    verify_snapshot,
)

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Previous:
    """The snapshot an update starts from."""

    version: str
    path: Path
    manifest: dict[str, Any]
    records: Sequence[Mapping[str, Any]]  # `StoredItems` (parsed as asked for), or a list
    pools: npt.NDArray[np.str_]  # each record's pool (from rows.json, or computed once)
    checks: tuple[Future[Any], ...] = ()  # its files' checks, when still running (`load_previous`)
    held: threading.Event | None = None  # set: the checks may start (`load_previous`'s `hold`)

    @property
    def centered(self) -> bool:
        return bool(self.manifest.get("centered"))

    def release(self) -> None:
        """Let checks held back by `load_previous(hold=True)` start (again: nothing)."""
        if self.held is not None:
            self.held.set()

    def wait_checked(self) -> None:
        """Wait for the checks of the snapshot's files (released first, if held); raise
        `SnapshotCorrupt` naming the first bad one (checksums are checked before the lists'
        invariants)."""
        self.release()
        for check in self.checks:
            check.result()


def after(event: threading.Event | None, work: Callable[..., Any]) -> Callable[..., Any]:
    """`work` that first waits for `event` (when there is one): helper work held back."""
    if event is None:
        return work

    def held(*args: Any, **kwargs: Any) -> Any:
        event.wait()
        return work(*args, **kwargs)

    return held


@dataclass
class Plan:
    """What changes, row by row. New rows: surviving old rows in order, then new items by id."""

    records: CarriedItems  # the previous snapshot's records carried, and the new and changed
    pools: npt.NDArray[np.str_]  # per new row: its pool
    change: RowChange
    copy_from: Rows  # per new row: the old row whose vector it keeps, or -1
    to_embed: list[tuple[int, Article]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def unchanged(self) -> int:
        return len(self.records) - self.added - self.updated

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed

    @property
    def empty(self) -> bool:
        return not self.changed


@dataclass(frozen=True)
class UpdateResult:
    version: str
    published: bool
    items: int
    added: int
    updated: int
    removed: int
    unchanged: int
    embedded: int
    refilled: int
    seconds: float


def load_previous(
    store: SnapshotStore, *, verify: bool = True, background: bool = False, hold: bool = False
) -> Previous:
    """The current snapshot, checked against its manifest's checksums and its lists'
    invariants (`verify`): an update never extends a corrupt snapshot (`SnapshotCorrupt` names
    the file).

    The checks run on another thread (hashlib and numpy work without the GIL: on two cores they
    overlap the update's own work). They are waited for here, or with `background=True` by the
    caller, through `Previous.wait_checked`, before anything is published and before any other
    error is raised (`update_snapshot` does both). With `hold` (and `background`) they start
    only at `Previous.release` (or when waited for): `update_snapshot` releases them once the
    model has embedded the changed items, as the embedding runtime's threads lose more to a
    helper beside them than the helper's own time."""
    try:
        named = store.read_pointer()
    except InvalidPointer as exc:
        raise SnapshotMissing(str(exc)) from None
    version = store.current_version()
    if version is None:
        why = f"{POINTER} names {named}, not a sealed snapshot (no {MANIFEST})" if named else ""
        raise SnapshotMissing(
            f"no snapshot under {store.root} to update{': ' + why if why else ''};"
            " run `recommender build` first"
        )
    path = store.path(version)
    if not verify:
        records, pools = read_items(path)
        return Previous(version, path, read_manifest(path), records, pools)
    held = threading.Event() if hold and background else None
    checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-check")
    checks: list[Future[Any]] = [checker.submit(after(held, verify_snapshot), path)]
    try:
        records, pools = read_items(path)
        checks.append(checker.submit(after(held, check_stored), path, pools))
        manifest = read_manifest(path)
        previous = Previous(version, path, manifest, records, pools, tuple(checks), held)
    except BaseException:
        if held is not None:
            held.set()
        checks[0].result()  # a corrupt file is named by its checksum first
        raise
    finally:
        checker.shutdown(wait=False)  # what was submitted still runs
    if not background:
        previous.wait_checked()
    return previous


def check_settings(previous: Previous, settings: Settings) -> None:
    """Refuse before any work if the snapshot was built with another model or index settings."""
    model = previous.manifest.get("model", {})
    build = settings.build
    if model.get("name") != build.model or model.get("prefix") != build.resolved_embedding_prefix:
        raise SnapshotIncompatible(
            f"snapshot {previous.version} was built with model {model.get('name')!r}"
            f" (prefix {model.get('prefix')!r}); the configured model is {build.model!r}"
            f" (prefix {build.resolved_embedding_prefix!r}). Vectors of two models are never"
            " mixed: run `recommender build` for a full rebuild."
        )
    if previous.manifest.get("settings_hash") != settings.build_hash():
        raise SnapshotIncompatible(
            f"snapshot {previous.version} was built with other index settings (model, prefix,"
            " max sequence length, centring, neighbours K, index sizing); run `recommender build`"
            " for a full rebuild with the current ones."
        )


def check_model(previous: Previous, embedder: Encoder) -> None:
    """The loaded model makes vectors of the same kind as the snapshot's (name, size, dimension)."""
    model = previous.manifest.get("model", {})
    if model.get("key") != embedder.key or model.get("dimension") != embedder.dimension:
        raise SnapshotIncompatible(
            f"snapshot {previous.version} holds {model.get('dimension')}-d vectors of"
            f" {model.get('name')!r} (key {model.get('key')}); the loaded model makes"
            f" {embedder.dimension}-d vectors (key {embedder.key}). Vectors of two models are"
            " never mixed: run `recommender build` for a full rebuild."
        )


def plan_changes(
    previous: Sequence[Mapping[str, Any]],
    incoming: Mapping[str, Article],
    deletes: set[str],
    previous_pools: npt.NDArray[np.str_] | None = None,
) -> Plan:
    """Sort incoming items into added / updated / unchanged / removed against `previous`
    (whose pools are `previous_pools`, computed when not given). Unchanged records are
    carried from `previous` (`CarriedItems`), neither copied nor parsed; only the records of
    incoming and deleted ids are read."""
    if previous_pools is None:
        previous_pools = pool_names(previous)
    row_of = {item: i for i, item in enumerate(record_ids(previous))}
    removed: set[int] = {row_of[i] for i in deletes if i in row_of}
    replaced: dict[int, tuple[Article, dict[str, Any], bool]] = {}
    new: list[tuple[Article, dict[str, Any]]] = []
    for article in incoming.values():
        old = row_of.get(article.id)
        if article.id in deletes or not article.published:
            if old is not None:
                removed.add(old)
            continue
        record = item_record(article)
        if old is None:
            new.append((article, record))
        elif record != previous[old]:
            before = previous[old]
            moved = pool_of(record) != pool_of(dict(before))
            rehash = record["content_hash"] != before.get("content_hash")
            replaced[old] = (article, record, rehash or moved)
    # Surviving old rows keep their order (rows, vectors and lists shared as they are), then
    # new items by id. Only the changed rows are visited one by one.
    for old in removed:  # a stored record is read (its id checked) before its row goes
        previous[old]
    n_old = len(previous)
    stale = np.zeros(n_old, dtype=np.bool_)
    stale[sorted(removed)] = True
    survivors = np.flatnonzero(~stale)
    old_to_new = np.full(n_old, -1, dtype=np.int64)
    old_to_new[survivors] = np.arange(len(survivors))
    own: dict[int, dict[str, Any]] = {}  # new rows' records that are not carried
    pools = previous_pools[survivors].astype("<U16")
    copy_from = survivors.astype(np.int64)
    to_embed: list[tuple[int, Article]] = []
    fresh: list[int] = []
    for old in sorted(set(replaced) - removed):
        row = int(old_to_new[old])
        article, record, relisted = replaced[old]
        own[row] = record
        pools[row] = pool_of(record)
        stale[old] = relisted
        if relisted:
            fresh.append(row)
        if record["content_hash"] != previous[old].get("content_hash"):
            to_embed.append((row, article))
            copy_from[row] = -1
    added_pools: list[str] = []
    for article, record in sorted(new, key=lambda pair: pair[0].id):
        row = len(survivors) + len(added_pools)
        own[row] = record
        added_pools.append(pool_of(record))
        to_embed.append((row, article))
        fresh.append(row)
    copy_from = np.concatenate([copy_from, np.full(len(added_pools), -1, dtype=np.int64)])
    source = np.concatenate([survivors, np.full(len(added_pools), -1, dtype=np.int64)])
    source[sorted(own)] = -1
    records = CarriedItems(previous, source, own)
    change = RowChange(old_to_new, stale, np.array(fresh, dtype=np.int64), len(records))
    names = np.concatenate([pools, np.array(added_pools, dtype="<U16")])
    plan = Plan(records, names, change, copy_from, to_embed)
    plan.added, plan.updated, plan.removed = len(new), len(replaced), len(removed)
    return plan


def new_vectors(
    plan: Plan,
    previous: Previous,
    get_embedder: Callable[[], Encoder],
    cache: EmbeddingCache | None,
    progress: bool | None,
    reporter: Progress = NO_PROGRESS,
) -> tuple[Vectors, int]:
    """Vectors of the new rows: copied where the text is unchanged, embedded (or cached) else."""
    fresh = np.zeros((0, 0), dtype=np.float32)
    embedded = 0
    if plan.to_embed:
        embedder = get_embedder()
        check_model(previous, embedder)
        raw, embedded = embed_articles(
            [a for _, a in plan.to_embed], embedder, cache, progress=progress, reporter=reporter
        )
        mean = load_mean(previous.path) if previous.centered else None
        if previous.centered and mean is None:
            raise SnapshotIncompatible(
                f"snapshot {previous.version} is centred but lacks {MEAN_FILE}; run"
                " `recommender build`"
            )
        fresh = center_and_normalise(raw, mean)
    out = read_vector_rows(previous.path, plan.copy_from)  # the rows kept, in runs
    if plan.to_embed:
        out[np.array([row for row, _ in plan.to_embed], dtype=np.int64)] = fresh
    return out, embedded


@dataclass
class RankingLayer:
    """The update's ranking layer, and what the manifest records of its staleness."""

    lexical: LexicalIndex
    layers: dict[str, PoolLayer]
    state: dict[str, Any]
    refreshed: str | None  # why it was recomputed in full; None when updated in place


@dataclass
class RankingInputs:
    """What an in-place update of the ranking layer reads of the previous snapshot, and the
    extended lexical index: nothing of it depends on the dense lists, so an update prepares it
    (`prepare_ranking`) on a helper thread while those are updated. With `refresh` set (why the
    layer is recomputed in full instead) nothing else is read."""

    refresh: str | None
    state: dict[str, Any] = field(default_factory=dict)
    old: dict[str, PoolLayer] = field(default_factory=dict)  # the active pools' lists
    old_dense: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    idle: list[str] = field(default_factory=list)  # pools without items before and after
    lexical: LexicalIndex | None = None
    postings: sp.csr_matrix | None = None


def prepare_ranking(previous: Previous, plan: Plan, settings: Settings) -> RankingInputs:
    """Decide between an in-place update and a refresh of the ranking layer, and for the
    former read the previous lists and extend the lexical index."""
    stored = load_ranking_state(previous.path)
    state = previous.manifest.get(STATE_KEY)
    reason = refresh_reason(state, stored is not None, plan.changed, settings.jobs)
    if reason is not None or stored is None or state is None:
        return RankingInputs(reason or "the snapshot has no stored ranking state")
    bm25, marks = stored
    # A pool without items before and after (a publisher without videos) keeps empty lists:
    # nothing of it is read or carried.
    before = pools_without_members(previous.pools, EDITORIAL_POOLS)
    idle = [p for p in pools_without_members(plan.pools, EDITORIAL_POOLS) if p in before]
    active = [p for p in EDITORIAL_POOLS if p not in idle]
    # Mapped, not copied: the carry reads each list once (at 1M items the related lists alone
    # are 2 GB of the update's memory otherwise).
    related = load_related(previous.path, pools=active)
    lexical_lists = load_lexical_lists(previous.path, pools=active)
    old = {p: PoolLayer(related[p], lexical_lists[p], marks[p]) for p in active}
    # Only counted (read-only): mapped, so the pages the dense-list update reads are not copied
    # a second time.
    loaded = load_neighbours(previous.path, in_memory_max_bytes=0, pools=active)
    old_dense = {p: lists.rows for p, lists in loaded.items()}
    lexical, postings = extend_lexical(
        lexical_index(bm25), plan.change, plan.records, settings.build
    )
    return RankingInputs(None, state, old, old_dense, idle, lexical, postings)


def ranking_layer(
    inputs: RankingInputs,
    plan: Plan,
    vectors: Vectors,
    dense_rows: Mapping[str, npt.NDArray[np.int32]],
    pools: Sequence[str],
    settings: Settings,
    reporter: Progress = NO_PROGRESS,
) -> RankingLayer:
    """The lexical and hybrid lists after the change: updated in place from the previous
    snapshot's (recommender.pipeline.rerank), or recomputed when a refresh is due."""
    if inputs.refresh is not None or inputs.lexical is None or inputs.postings is None:
        total = len(plan.records) * len(dense_rows)
        with reporter.step("ranking layer", total) as step:
            lexical, layers = relate_layer(
                plan.records, vectors, dense_rows, pools, settings.build, step.advance
            )
        return RankingLayer(lexical, layers, fresh_state(len(plan.records)), inputs.refresh)
    with reporter.step("ranking layer", len(dense_rows), unit="pools") as step:
        layers = rerank(
            inputs.lexical, inputs.postings, inputs.old, inputs.old_dense, plan.change, vectors,
            {p: dense_rows[p] for p in inputs.old}, pools, settings.build, step.advance,
        )  # fmt: skip
        for pool in inputs.idle:
            layers[pool] = empty_layer(len(plan.records), settings.build)
            step.advance(1)
    return RankingLayer(inputs.lexical, layers, next_state(inputs.state, plan.changed), None)


def update_snapshot(
    previous: Previous,
    incoming: Mapping[str, Article],
    deletes: set[str],
    settings: Settings,
    get_embedder: Callable[[], Encoder],
    *,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
    note: Callable[[str], None] = lambda _: None,
    reporter: Progress = NO_PROGRESS,
) -> UpdateResult:
    """Publish `previous` plus the changes as a new snapshot (or nothing, if nothing changed).
    The checks of `previous` (`load_previous`) are waited for before the publish; a caller
    waits for them too when this raises (`run_update` does), so that a corrupt base is reported
    as such rather than as whatever its damage made fail first."""
    started = time.perf_counter()
    check_settings(previous, settings)
    plan = plan_changes(previous.records, incoming, deletes, previous.pools)
    if plan.empty:
        previous.wait_checked()
        return UpdateResult(
            previous.version, False, len(plan.records), 0, 0, 0, plan.unchanged, 0, 0,
            time.perf_counter() - started,
        )  # fmt: skip
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 3)
        clock = now

    # Once the changed items are embedded, the previous snapshot's checks (if held) and the
    # ranking layer's inputs run on helper threads (numpy, scipy, hashlib and the compiled
    # loops leave the GIL: on two cores they overlap the dense lists' update).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ranking-inputs") as aside:
        if kernels.use_compiled(plan.change.size * settings.build.neighbours_k):
            # The kernels' load happens beside the embedding: a millisecond when `make setup`
            # built them ahead of time; just in time, numba's import and each kernel's load from
            # its cache (~0.7 s, on the critical path otherwise), while the embedding holds the
            # GIL little and OpenVINO's streams lose only their share of one core (at 100k:
            # update -0.5 to -1.5 s, embedding +0.1 s). A failure is left to the first real call.
            aside.submit(kernels.warm_up)
        note(f"embedding {len(plan.to_embed)} new or changed item(s)")
        vectors, embedded = new_vectors(plan, previous, get_embedder, cache, progress, reporter)
        previous.release()
        prepared = aside.submit(prepare_ranking, previous, plan, settings)
        lap("embedding")
        note("updating neighbour lists")
        old_pools, new_pools = previous.pools, plan.pools
        with reporter.step("indexing", len(EDITORIAL_POOLS), unit="pools") as step:
            dense_update = {}
            for pool in EDITORIAL_POOLS:
                dense_update[pool] = update_pool(
                    previous.path, pool, plan.change, vectors, old_pools, new_pools, settings
                )
                step.advance()
            refilled = sum(part.refilled for part in dense_update.values())
        lap("neighbour_lists")
        inputs = prepared.result()
    note("ranking signals (lexical, hybrid related lists)")
    dense_rows = {pool: part.neighbours.rows for pool, part in dense_update.items()}
    pools = new_pools.tolist()
    mean = load_mean(previous.path)
    staged = begin_snapshot(settings)
    try:
        # The snapshot's first parts (records, vectors, indexes, dense lists) are final once
        # each pool's index is extended (where no list was searched in it: faiss leaves the GIL
        # meanwhile): both on a helper thread while the ranking layer is computed.
        empty = pools_without_members(plan.pools, EDITORIAL_POOLS)

        def pool_index(pool: str) -> VectorIndex:
            made = dense_update[pool].index
            if made is not None:
                return made
            return updated_index(previous.path, pool, vectors, plan.change, new_pools, settings)

        def head() -> dict[str, PoolLists]:
            lists = {
                pool: PoolLists(pool_index(pool), dense_update[pool].neighbours)
                for pool in EDITORIAL_POOLS
            }
            dense = {pool: (part.index, part.neighbours) for pool, part in lists.items()}
            staged.write_head(plan.records, vectors, mean, dense, empty, plan.pools)
            return lists

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-head") as writer:
            written = writer.submit(head)
            # So are the BM25 weights, unless the ranking layer is recomputed in full.
            lexical = None
            if inputs.refresh is None and inputs.lexical is not None:
                lexical = writer.submit(staged.write_lexical, lexical_state(inputs.lexical))
            ranking = ranking_layer(inputs, plan, vectors, dense_rows, pools, settings, reporter)
            lists = written.result()
            if lexical is not None:
                lexical.result()
        if ranking.refreshed:
            note(f"ranking layer recomputed in full: {ranking.refreshed}")
        lap("ranking_layer")
        note("writing the snapshot")
        content = snapshot_content(
            plan.records, vectors, mean, lists, ranking.layers, ranking.lexical
        )
        content.pools_of_rows = plan.pools
        changes = {
            "base": previous.version,
            "added": plan.added,
            "updated": plan.updated,
            "removed": plan.removed,
            "refilled_lists": refilled,
            "ranking_layer": "refreshed" if ranking.refreshed else "incremental",
            "seconds": dict(stages),
        }
        manifest = update_manifest(previous.manifest, pools, content, changes)
        manifest[STATE_KEY] = ranking.state
        with reporter.step("publish", len(plan.records)) as step:
            previous.wait_checked()
            version = finish_snapshot(settings, staged, content, manifest, previous.path)
            step.advance(len(plan.records))
    except BaseException:
        staged.abort()
        raise
    seconds = time.perf_counter() - started
    return UpdateResult(
        version, True, len(plan.records), plan.added, plan.updated, plan.removed,
        plan.unchanged, embedded, refilled, seconds,
    )  # fmt: skip


def compare(previous: Sequence[Mapping[str, Any]], live: Sequence[Article]) -> dict[str, int]:
    """What a full build changed against the previous snapshot (for the job summary)."""
    before = {str(r["id"]): r for r in previous}
    added = updated = 0
    for article in live:
        record = before.get(article.id)
        if record is None:
            added += 1
        elif item_record(article) != record:
            updated += 1
    ids = {a.id for a in live}
    removed = sum(1 for i in before if i not in ids)
    return {
        "added": added,
        "updated": updated,
        "removed": removed,
        "unchanged": len(live) - added - updated,
    }
