"""The ranking layer of an update: keep the lexical and hybrid lists right without recomputing them.

A full build computes, per pool, every anchor's candidates (dense top-K ∪ lexical top-K), their
blended score `h`, each anchor's neighbourhood N(a) (its `NEIGHBOURHOOD_K` best candidates) and
the related lists `h + NEIGHBOURHOOD_WEIGHT * snn` (recommender.pipeline.relate). An update does
the same work only where the change is:

1. BM25 weights of unchanged items are carried over; new and changed items are weighted with the
   stored collection statistics (document frequencies, mean length), not refreshed;
2. every list (lexical, related, neighbourhood) drops the entries naming removed or changed items;
3. new and changed items, and anchors whose lists fell below `REFILL_FRACTION` of what they held,
   are related from scratch (their candidates gathered and scored as a full build does);
4. every other anchor is related to each newcomer that entered its dense or lexical list: the
   pair is scored exactly (cosine, BM25, shared neighbours) and inserted into the anchor's
   neighbourhood and related list when it beats their last entry. The anchors a newcomer may
   enter lexically are found with a build's bounded query asked the other way round (the
   newcomer's best terms in each term's best anchors), then scored exactly; a newcomer enters
   a lexical list when it beats the list's last score *before* the change (a list that lost
   entries keeps its room rather than take a newcomer a rebuild would rank below the anchor's
   next old candidate; the dense lists' rule, recommender.pipeline.incremental).

What is *not* recomputed, and so may drift from a rebuild until the next full refresh: the BM25
weights of unchanged items (the statistics they were computed with) and the shared-neighbour
part of pairs whose two items both stayed (their neighbourhoods may have gained or lost a
newcomer). A refresh recomputes the whole layer once the items changed since the last one pass
`RANKING_REFRESH_DRIFT` of the collection, after `RANKING_REFRESH_UPDATES` updates, or when the
previous snapshot has no stored state (`refresh_reason`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from recommender.pipeline import kernels
from recommender.pipeline.incremental import REFILL_FRACTION, RowChange, capacity, carry_lists
from recommender.pipeline.kernels import list_lengths, merge, pair_dots, use_compiled
from recommender.pipeline.lexical import (
    POSTINGS,
    QUERY_TERMS,
    FieldStats,
    LexicalIndex,
    make_analyser,
    top_terms,
)
from recommender.pipeline.relate import (
    PoolLayer,
    gather_candidates,
    marks_matrix,
    neighbourhood_marks,
    overlap,
    top_related,
    uses_neighbourhood,
)
from recommender.settings import BuildSettings, JobSettings
from recommender.snapshot import BM25_FIELDS, LexicalState, Neighbours, Related

Rows = npt.NDArray[np.int64]
Lists = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]
STATE_KEY = "ranking_layer"  # the manifest's record of the layer's staleness
PAIR_BLOCK = 8192  # pairs per block of `pair_cosines` (12 MB of gathered 384-d vectors)


# --- state --------------------------------------------------------------------------------


def lexical_state(index: LexicalIndex) -> LexicalState:
    """What the snapshot stores of a lexical index."""
    stats: dict[str, Any] = {}
    for name, field_stats in (("body", index.body_stats), ("title", index.title_stats)):
        assert field_stats is not None
        stats[name] = {
            "terms": field_stats.terms,
            "df": field_stats.df,
            "docs": field_stats.docs,
            "avgdl": field_stats.avgdl,
        }
    return LexicalState({"body": index.body, "title": index.title}, stats)


def lexical_index(state: LexicalState) -> LexicalIndex:
    """The lexical index a snapshot stored."""
    fields = []
    for name in BM25_FIELDS:
        raw = state.stats[name]
        df = np.asarray(raw["df"], dtype=np.int64)
        fields.append(FieldStats(list(raw["terms"]), df, int(raw["docs"]), float(raw["avgdl"])))
    return LexicalIndex.from_weights(
        state.weights["body"], state.weights["title"], (fields[0], fields[1])
    )


def fresh_state(items: int) -> dict[str, Any]:
    """The manifest's record after the layer was computed in full."""
    return {"items_at_refresh": items, "changed_since_refresh": 0, "updates_since_refresh": 0}


def next_state(previous: Mapping[str, Any], changed: int) -> dict[str, Any]:
    """The manifest's record after an incremental update that changed `changed` items."""
    return {
        "items_at_refresh": int(previous["items_at_refresh"]),
        "changed_since_refresh": int(previous["changed_since_refresh"]) + changed,
        "updates_since_refresh": int(previous["updates_since_refresh"]) + 1,
    }


def refresh_reason(
    state: Mapping[str, Any] | None, has_stored_layer: bool, changed: int, jobs: JobSettings
) -> str | None:
    """Why this update recomputes the ranking layer in full, or None to update it in place."""
    if not has_stored_layer or state is None:
        return "the snapshot has no stored ranking state (written before it was kept)"
    after = next_state(state, changed)
    drift = after["changed_since_refresh"] / max(1, after["items_at_refresh"])
    if drift > jobs.ranking_refresh_drift:
        return f"{drift:.1%} of the items changed since the last refresh"
    if after["updates_since_refresh"] > jobs.ranking_refresh_updates:
        return f"{jobs.ranking_refresh_updates} updates since the last refresh"
    return None


# --- list surgery -------------------------------------------------------------------------


def last_score(rows: Lists, scores: Floats, full: int, length: Rows | None = None) -> Floats:
    """Per list, the score a newcomer must beat: the last one when the list holds `full`
    entries, -inf when it has room (`length`: the lists' `list_lengths`, counted when None)."""
    length = list_lengths(rows) if length is None else length
    last = scores[np.arange(len(rows)), np.maximum(length - 1, 0)]
    return np.where(length >= full, last, -np.inf).astype(np.float32)


def depleted(had: Rows, has: Rows, bound: Rows) -> npt.NDArray[np.bool_]:
    """Lists that lost entries (held `had`, hold `has`) and fell below `bound` (and below
    what they held)."""
    out: npt.NDArray[np.bool_] = (has < had) & (has < np.minimum(had, bound))
    return out


def lengths_carried(rows: Lists, change: RowChange) -> Rows:
    """Entries each old list keeps once its stale entries are dropped (`carry_lists` without
    carrying: only counted); an entry naming no old row raises ValueError."""
    return list_lengths(rows, change.stale_old | (change.old_to_new < 0))


# --- the update ---------------------------------------------------------------------------


def exact_lexical(
    lexical: LexicalIndex,
    anchors: Rows,
    items: Rows,
    settings: BuildSettings,
    compiled: bool | None = None,
) -> Floats:
    """The weighted BM25 part of the blend of each (anchor, item) pair, as a build scores it:
    `LEXICAL_WEIGHT * bm25(a, c) / self(a) + TITLE_WEIGHT * bm25_title(a, c) / self_title(a)`."""
    body = pair_dots(lexical.body, anchors, items, compiled=compiled)
    title = pair_dots(lexical.title, anchors, items, compiled=compiled)
    body_w = settings.lexical_weight / lexical.body_self[anchors]
    title_w = settings.title_weight / lexical.title_self[anchors]
    return np.maximum(np.asarray(body_w * body + title_w * title, np.float32), np.float32(0.0))


def reuse_or_score(
    known: tuple[Rows, Floats],
    keys: Rows,
    lexical: LexicalIndex,
    anchors: Rows,
    items: Rows,
    settings: BuildSettings,
    compiled: bool | None = None,
) -> Floats:
    """`exact_lexical` of the pairs `keys` (anchors[i], items[i]): read from `known` (keys and
    scores already computed) where there, computed for the rest."""
    known_keys, known_scores = known
    order = np.argsort(known_keys)
    at = np.searchsorted(known_keys[order], keys)
    at_ok = np.minimum(at, max(len(order) - 1, 0))
    hit = (at < len(order)) & (known_keys[order][at_ok] == keys) if len(order) else at < 0
    out = np.zeros(len(keys), dtype=np.float32)
    out[hit] = known_scores[order][at_ok[hit]]
    miss = ~hit
    out[miss] = exact_lexical(lexical, anchors[miss], items[miss], settings, compiled)
    return out


def reverse_postings(lexical: LexicalIndex) -> sp.csr_matrix:
    """Each term's POSTINGS best item rows of all (text terms, then title terms): where the
    anchors whose lists a newcomer may enter are looked up (a champion list, as a build's)."""
    return sp.csr_matrix(
        sp.vstack(
            [
                top_terms(lexical.body.T.tocsr(), POSTINGS),
                top_terms(lexical.title.T.tocsr(), POSTINGS),
            ]
        ),
        dtype=np.float32,
    )


def reverse_candidates(
    lexical: LexicalIndex,
    postings: sp.csr_matrix,
    newcomers: Rows,
    settings: BuildSettings,
    threshold: Floats,
    blocked: npt.NDArray[np.bool_],
    compiled: bool | None = None,
) -> tuple[Rows, Rows]:
    """The (anchor, newcomer position) pairs worth scoring exactly: a lower bound of the
    anchor's blended lexical score for the newcomer beats the anchor's `threshold`, from the
    newcomer's QUERY_TERMS best terms looked up in `postings` (the bounded query of a build,
    asked the other way round: which anchors would find this item); `blocked` anchors and the
    newcomer itself left out. Each newcomer's pairs come together, newcomers in order (what
    `merge` needs of pairs of one anchor); the compiled path sums each newcomer into a dense
    line instead of building the product matrix (at 100k items, 9M entries for 3M pairs)."""
    body_terms = lexical.body.shape[1]  # `postings` holds the text terms' rows, then the titles'
    body_query = sp.csr_matrix(top_terms(lexical.body[newcomers], QUERY_TERMS))
    title_query = sp.csr_matrix(top_terms(lexical.title[newcomers], QUERY_TERMS))
    body_weights = settings.lexical_weight / lexical.body_self
    title_weights = settings.title_weight / lexical.title_self
    total = settings.lexical_weight + settings.title_weight or 1.0
    if use_compiled(lexical.body.shape[0] * settings.neighbours_k, compiled):
        return kernels.reverse_candidates(
            body_query, title_query, postings, body_weights, title_weights, total, threshold,
            blocked, newcomers,
        )  # fmt: skip
    body = body_query @ postings[:body_terms]
    title = title_query @ postings[body_terms:]
    # each anchor's column weighted as the blend does (what a product with a diagonal gives)
    for part, weights in ((body, body_weights), (title, title_weights)):
        part.data = part.data * weights[part.indices]
    found = sp.coo_matrix(body + title)
    anchors, cols = found.col.astype(np.int64), found.row.astype(np.int64)
    bound = np.asarray(found.data, dtype=np.float32) / total
    maybe = (bound > threshold[anchors]) & ~blocked[anchors] & (anchors != newcomers[cols])
    return anchors[maybe], cols[maybe]


def pair_cosines(vectors: Floats, left: Rows, right: Rows) -> Floats:
    """`vectors[left[i]] . vectors[right[i]]` for every i, PAIR_BLOCK pairs at a time: the
    vectors of millions of pairs are never gathered at once (at 100k items that was 0.5 GB of
    fresh memory for one product)."""
    out = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), PAIR_BLOCK):
        stop = start + PAIR_BLOCK
        out[start:stop] = np.einsum(
            "ij,ij->i", vectors[left[start:stop]], vectors[right[start:stop]]
        )
    return out


def newcomer_pairs(
    lists: Sequence[Lists],
    column: Rows,
    skip: npt.NDArray[np.bool_],
    compiled: bool | None = None,
) -> Rows:
    """Distinct (anchor, newcomer column) pairs, as anchor * m + column in ascending order, of
    newcomers found in any of `lists` (column[row] >= 0 for a newcomer row), anchors in `skip`
    left out. Compiled (two lists of one row each per anchor): one pass over the lists, no
    mask of their size and no sort of all the pairs."""
    m = int(column.max()) + 1 if len(column) else 0
    if len(lists) == 2 and use_compiled(np.size(lists[0]), compiled):
        found: Rows = kernels.newcomer_pairs(lists[0], lists[1], column, skip, m)
        return found
    keys_of = []
    new = np.append(column >= 0, False)  # a -1 pad indexes the last slot: no newcomer
    for lists_ in lists:
        anchors, slots = np.nonzero(new[lists_])  # a byte per entry, not the columns themselves
        keys_of.append(anchors.astype(np.int64) * m + column[lists_[anchors, slots]])
    keys = np.unique(np.concatenate(keys_of)) if keys_of else np.zeros(0, dtype=np.int64)
    return keys[~skip[keys // max(m, 1)]] if len(keys) else keys


def update_pool_layer(
    old: PoolLayer,
    old_dense: Lists,
    change: RowChange,
    vectors: Floats,
    dense_rows: Lists,
    lexical: LexicalIndex,
    members: Rows,
    settings: BuildSettings,
    postings: sp.csr_matrix,
) -> PoolLayer:
    """One pool's ranking layer after an update (see the module docstring); `postings` are
    `reverse_postings(lexical)`."""
    n, k = change.size, settings.neighbours_k
    compiled = use_compiled(n * k)  # the lists' size decides, for every step alike
    size = settings.neighbourhood_k if uses_neighbourhood(settings) else 0
    lex_total = settings.lexical_weight + settings.title_weight or 1.0
    in_pool = np.zeros(n, dtype=np.bool_)
    in_pool[members] = True
    newcomers = change.fresh[in_pool[change.fresh]]
    column = np.full(n, -1, dtype=np.int64)
    column[newcomers] = np.arange(len(newcomers))
    # 1. carry every list over, stale entries dropped
    lex_rows, lex_scores = carry_lists(old.lexical.rows, [old.lexical.scores], change, compiled)
    rel_rows, rel_scores, rel_parts = carry_lists(
        old.related.rows, [old.related.scores, old.related.parts], change, compiled
    )
    mark_rows, mark_scores = carry_lists(old.marks.rows, [old.marks.scores], change, compiled)
    # 2. anchors related from scratch: new and changed items, and depleted lists
    bound = np.minimum(capacity(k, len(members), in_pool), int(np.ceil(k * REFILL_FRACTION)))
    again = np.zeros(n, dtype=np.bool_)
    again[change.fresh] = True
    kept_old = (change.old_to_new >= 0) & ~change.stale_old
    old_of = np.full(n, -1, dtype=np.int64)
    old_of[change.old_to_new[kept_old]] = np.flatnonzero(kept_old)
    carried_rows = old_of >= 0
    old_lex_length = list_lengths(old.lexical.rows)  # also read by step 3
    for had_all, has in (
        (list_lengths(old.related.rows), list_lengths(rel_rows)[carried_rows]),
        (old_lex_length, list_lengths(lex_rows)[carried_rows]),
        (list_lengths(old_dense), lengths_carried(old_dense, change)[old_of[carried_rows]]),
    ):
        had = had_all[old_of[carried_rows]]
        again[carried_rows] |= depleted(had, has, bound[carried_rows])
    # 3. lexical newcomers into the other anchors' lexical lists: found by the bounded query
    # asked the other way round, then scored exactly
    known: tuple[Rows, Floats] = (np.zeros(0, np.int64), np.zeros(0, np.float32))
    if len(newcomers):
        # what a newcomer must beat: the list's last score before the change (a list that lost
        # entries is not filled with whatever newcomer shares a term with it; as the dense
        # lists' `thresholds`), 0 for a list that had room
        threshold = np.zeros(n, dtype=np.float32)
        old_last = last_score(old.lexical.rows, old.lexical.scores, k, old_lex_length)
        threshold[carried_rows] = np.maximum(old_last[old_of[carried_rows]], 0.0)
        anchors, cols = reverse_candidates(
            lexical, postings, newcomers, settings, threshold, again, compiled
        )
        raw = exact_lexical(lexical, anchors, newcomers[cols], settings, compiled)
        known = (anchors * max(len(newcomers), 1) + cols, raw)  # reused for the pairs of step 5
        exact = raw / lex_total
        take = exact > threshold[anchors]
        anchors, cols, exact = anchors[take], cols[take], exact[take]
        merge(
            lex_rows, lex_scores, None, anchors, newcomers[cols], exact.astype(np.float32), None,
            compiled=compiled,
        )  # fmt: skip
    # 4. the anchors related from scratch
    redo = np.flatnonzero(again).astype(np.int64)
    cands = gather_candidates(vectors, dense_rows[redo], lexical, members, settings, redo)
    lex_rows[redo] = cands.lexical_rows
    lex_scores[redo] = cands.lexical_scores
    if size:
        mark_rows[redo], mark_scores[redo] = neighbourhood_marks(cands, size)
    # 5. pairs of the other anchors with the newcomers that entered their dense or lexical lists
    keys = newcomer_pairs([dense_rows, lex_rows], column, again, compiled)
    m = max(len(newcomers), 1)
    pair_anchor, pair_col = keys // m, keys % m
    pair_item = newcomers[pair_col] if len(keys) else pair_col
    cos = pair_cosines(vectors, pair_anchor, pair_item)
    dense_part = (settings.dense_weight * cos).astype(np.float32)
    if compiled:  # scoring the pairs again costs less than looking the known ones up
        lex_part = exact_lexical(lexical, pair_anchor, pair_item, settings, compiled)
    else:
        lex_part = reuse_or_score(known, keys, lexical, pair_anchor, pair_item, settings, compiled)
    h = (dense_part + lex_part).astype(np.float32)
    if size:
        better = h > last_score(mark_rows, mark_scores, size)[pair_anchor]
        merge(
            mark_rows, mark_scores, None, pair_anchor[better], pair_item[better], h[better], None,
            compiled=compiled,
        )  # fmt: skip
    # 6. shared neighbours and the related lists
    snn_redo = np.zeros_like(cands.blended)
    snn_pairs = np.zeros(len(keys), dtype=np.float32)
    if size and len(members):
        matrix = marks_matrix(mark_rows, np.arange(n, dtype=np.int64), n)
        sizes = np.asarray(matrix.sum(axis=1), dtype=np.float32).ravel()
        if len(redo):
            snn_redo = overlap(matrix[redo], matrix.T.tocsr(), sizes, redo, cands.rows)
        if len(keys):
            common = np.asarray(matrix[pair_anchor].multiply(matrix[pair_item]).sum(axis=1))
            norm = np.sqrt(sizes[pair_anchor] * sizes[pair_item])
            snn_pairs = (common.ravel() / np.maximum(norm, 1.0)).astype(np.float32)
    fresh_related = top_related(cands, settings.neighbourhood_weight * snn_redo, k)
    rel_rows[redo], rel_scores[redo] = fresh_related.rows, fresh_related.scores
    rel_parts[redo] = fresh_related.parts
    hood = (settings.neighbourhood_weight * snn_pairs).astype(np.float32)
    final = h + hood
    better = final > last_score(rel_rows, rel_scores, k)[pair_anchor]
    parts = np.stack([dense_part, lex_part, hood], axis=1).astype(np.float32)
    merge(
        rel_rows, rel_scores, rel_parts,
        pair_anchor[better], pair_item[better], final[better], parts[better], compiled=compiled,
    )  # fmt: skip
    return PoolLayer(
        Related(rel_rows, rel_scores, rel_parts),
        Neighbours(lex_rows, lex_scores),
        Neighbours(mark_rows, mark_scores),
    )


def extend_lexical(
    previous_lexical: LexicalIndex,
    change: RowChange,
    records: Sequence[Mapping[str, Any]],
    settings: BuildSettings,
) -> tuple[LexicalIndex, sp.csr_matrix]:
    """The lexical index after an update (unchanged rows keep their weights, fresh rows are
    weighted with the stored statistics) and its `reverse_postings`: what `rerank` reads, and
    needs nothing of the dense lists (an update prepares it while those are updated)."""
    kept = np.full(change.size, -1, dtype=np.int64)
    alive = (change.old_to_new >= 0) & ~change.stale_old
    kept[change.old_to_new[alive]] = np.flatnonzero(alive)
    analyser = make_analyser(settings.lexical_stemming)
    lexical = previous_lexical.extend(kept, change.fresh, records, analyser)
    return lexical, reverse_postings(lexical)


def rerank(
    lexical: LexicalIndex,
    postings: sp.csr_matrix,
    previous_layers: Mapping[str, PoolLayer],
    previous_dense: Mapping[str, Lists],
    change: RowChange,
    vectors: Floats,
    dense_rows: Mapping[str, Lists],
    pools: Sequence[str],
    settings: BuildSettings,
    advance: Callable[[int], None] = lambda _: None,
) -> dict[str, PoolLayer]:
    """The ranking layer after an update, from the previous snapshot's (see the module doc),
    with the lexical index and postings `extend_lexical` made; `advance(1)` after each pool."""
    names = np.asarray(pools)
    out: dict[str, PoolLayer] = {}
    for pool, rows in dense_rows.items():
        members = np.flatnonzero(names == pool).astype(np.int64)
        out[pool] = update_pool_layer(
            previous_layers[pool],
            np.asarray(previous_dense[pool]),
            change,
            vectors,
            rows,
            lexical,
            members,
            settings,
            postings,
        )
        advance(1)
    return out
