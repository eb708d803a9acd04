"""The relate stage: hybrid relevance, computed once per build, the related list of every item.

For an anchor `a` and a candidate `c` of one pool:

1. Candidates are the union of `a`'s dense top-K (FAISS) and lexical top-K (BM25), so a named
   entity the embedding model misses still connects two stories. The lexical top-K is found with
   the bounded query of recommender.pipeline.lexical (linear in the pool), then scored exactly.
2. Pair relevance blends three signals, each about 0..1 (score blending, weights in settings):
   `h = DENSE_WEIGHT * cos(a, c) + LEXICAL_WEIGHT * bm25(a, c) + TITLE_WEIGHT * bm25_title(a, c)`.
3. Shared neighbours: items of one story are each other's neighbours, so the overlap of the two
   items' top-`NEIGHBOURHOOD_K` lists (by `h`, each list including the item itself) is a strong,
   model-free signal. `snn(a, c) = |N(a) & N(c)| / sqrt(|N(a)| |N(c)|)`.
4. `relevance = h + NEIGHBOURHOOD_WEIGHT * snn`; the top `NEIGHBOURS_K` are stored with their
   parts, so a request only reads a list (and `explain=true` can show why an item is there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from recommender.pipeline.lexical import (
    POSTINGS,
    QUERY_TERMS,
    LexicalIndex,
    make_analyser,
    top_terms,
)
from recommender.settings import BuildSettings
from recommender.snapshot import Neighbours, Related, empty_neighbours

BLOCK = 256  # anchors per batch: bounds the (BLOCK, 2K, dimension) candidate vectors gathered
Floats = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int32]


@dataclass
class Candidates:
    """Stage one: every anchor's candidates with their blended score and its parts."""

    rows: Rows  # (n, width), -1 pads
    blended: Floats
    dense: Floats
    lexical: Floats
    lexical_rows: Rows  # (n, k): the lexical top-k (stored in the snapshot)
    lexical_scores: Floats


def top_k_rows(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    """Column positions of each row's k best scores, best first."""
    k = min(k, scores.shape[1])
    if k <= 0:
        return np.zeros((scores.shape[0], 0), dtype=np.intp)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


class LexicalScores:
    """Weighted BM25 "more like this" of anchors against one pool's items:
    `LEXICAL_WEIGHT * bm25(text) + TITLE_WEIGHT * bm25(title)`, each normalised by the anchor's
    self score. `found` finds neighbours with the bounded query of recommender.pipeline.lexical; `pairs`
    scores the pairs kept exactly."""

    def __init__(
        self,
        lexical: LexicalIndex,
        members: npt.NDArray[np.int64],
        settings: BuildSettings,
        *,
        query_terms: int = QUERY_TERMS,
        postings: int = POSTINGS,
    ) -> None:
        self.body_w = settings.lexical_weight / lexical.body_self
        self.title_w = settings.title_weight / lexical.title_self
        self.body, self.title = lexical.body, lexical.title
        self.query_terms = query_terms
        self.postings = sp.csr_matrix(
            sp.vstack(
                [
                    top_terms(lexical.body[members].T.tocsr(), postings),
                    top_terms(lexical.title[members].T.tocsr(), postings),
                ]
            ),
            dtype=np.float32,
        )

    def found(self, anchors: npt.NDArray[np.int64]) -> sp.csr_matrix:
        """Anchors x pool positions: the bounded query's scores, a lower bound of the exact
        ones, stored only for the items it reaches."""
        body_q = sp.diags(self.body_w[anchors]) @ top_terms(self.body[anchors], self.query_terms)
        title_q = sp.diags(self.title_w[anchors]) @ top_terms(self.title[anchors], self.query_terms)
        # Text and title terms side by side: one product adds the two fields' scores.
        query = sp.csr_matrix(sp.hstack([body_q, title_q]), dtype=np.float32)
        return sp.csr_matrix(query @ self.postings)

    def pairs(self, anchors: npt.NDArray[np.int64], items: npt.NDArray[np.int64]) -> Floats:
        """The exact score of each (anchor row, item row) pair; its cost does not grow with N."""
        body = np.asarray(self.body[anchors].multiply(self.body[items]).sum(axis=1)).ravel()
        title = np.asarray(self.title[anchors].multiply(self.title[items]).sum(axis=1)).ravel()
        scores = self.body_w[anchors] * body + self.title_w[anchors] * title
        return np.asarray(scores, dtype=np.float32)


def sparse_top_k(matrix: sp.csr_matrix, k: int, banned: Rows) -> tuple[Rows, Floats]:
    """Column positions (-1 pads) and values of each row's k best positive values, best first;
    row i never gets column `banned[i]` (the anchor itself; -1 bans nothing). Linear in the
    stored values: a partition of each row's slice, a sort of its k best only."""
    matrix = sp.csr_matrix(matrix)
    n = matrix.shape[0]
    indptr, indices = matrix.indptr, matrix.indices
    data = matrix.data.copy()
    data[indices == np.repeat(banned, np.diff(indptr))] = 0.0
    cols = np.full((n, k), -1, dtype=np.int32)
    values = np.zeros((n, k), dtype=np.float32)
    for i in range(n):
        start, stop = indptr[i], indptr[i + 1]
        row = data[start:stop]
        best = np.argpartition(-row, k - 1)[:k] if len(row) > k else np.arange(len(row))
        best = best[row[best] > 0]
        best = best[np.lexsort((indices[start + best], -row[best]))]  # ties: lower column first
        cols[i, : len(best)] = indices[start + best]
        values[i, : len(best)] = row[best]
    return cols, values


def sample(matrix: sp.csr_matrix, cols: Rows) -> Floats:
    """`matrix[i, cols[i, j]]` for every (i, j), 0 where `cols` is -1. Each stored value is looked
    up among the few wanted positions (scipy's own lookup scans whole unsorted rows per value)."""
    matrix = sp.csr_matrix(matrix)
    out = np.zeros(cols.shape, dtype=np.float32)
    valid = cols >= 0
    if not valid.any() or matrix.nnz == 0:
        return out
    width = np.int64(matrix.shape[1])
    wanted = (np.arange(cols.shape[0], dtype=np.int64)[:, None] * width + cols)[valid]
    order = np.argsort(wanted)
    ordered = wanted[order]
    stored = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    keys = stored * width + matrix.indices
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    hit = ordered[at] == keys
    found = np.bincount(order[at[hit]], weights=matrix.data[hit], minlength=len(wanted))
    out[valid] = found
    return out


def union_rows(parts: Rows, banned: Rows) -> Rows:
    """Each row's distinct non-negative values, ascending, without `banned[i]`; -1 pads at the end."""
    pad = np.iinfo(np.int32).max
    merged = np.where((parts >= 0) & (parts != banned[:, None]), parts, pad)
    merged.sort(axis=1)
    merged[:, 1:][merged[:, 1:] == merged[:, :-1]] = pad
    merged.sort(axis=1)
    return np.where(merged == pad, -1, merged).astype(np.int32)


def gather_candidates(
    vectors: Floats,
    dense_rows: Rows,
    lexical: LexicalIndex,
    members: npt.NDArray[np.int64],
    settings: BuildSettings,
    anchors: npt.NDArray[np.int64] | None = None,
    advance: Callable[[int], None] = lambda _: None,
) -> Candidates:
    """Union of dense and lexical top-K per anchor, scored by the blended relevance. `anchors`:
    the item rows to gather for (default: every row); `dense_rows` has one line per anchor."""
    anchors = np.arange(len(vectors), dtype=np.int64) if anchors is None else anchors
    n, k = len(anchors), settings.neighbours_k
    width = 2 * k
    out = Candidates(
        np.full((n, width), -1, dtype=np.int32),
        np.full((n, width), -np.inf, dtype=np.float32),
        np.zeros((n, width), dtype=np.float32),
        np.zeros((n, width), dtype=np.float32),
        np.full((n, k), -1, dtype=np.int32),
        np.zeros((n, k), dtype=np.float32),
    )
    if len(members) == 0:
        return out
    position = np.full(len(vectors), -1, dtype=np.int32)
    position[members] = np.arange(len(members))
    scores = LexicalScores(lexical, members, settings)
    lex_total = settings.lexical_weight + settings.title_weight
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        block = anchors[start:stop]
        own = position[block]  # the anchor's own column: never its own neighbour
        lex_top, _ = sparse_top_k(scores.found(block), k, own)
        dense = dense_rows[start:stop]
        dense_pos = np.where(dense >= 0, position[np.maximum(dense, 0)], -1)
        pad = np.full((stop - start, max(0, width - dense_pos.shape[1] - k)), -1, np.int32)
        cand = union_rows(np.concatenate([dense_pos, lex_top, pad], axis=1), own)[:, :width]
        valid = cand >= 0
        rows = np.where(valid, members[np.maximum(cand, 0)], -1).astype(np.int32)
        cos = np.einsum("ijd,id->ij", vectors[np.maximum(rows, 0)], vectors[block])
        dense_part = np.where(valid, settings.dense_weight * cos, 0.0)
        pair_anchors = np.broadcast_to(block[:, None], cand.shape)[valid]
        exact = np.maximum(scores.pairs(pair_anchors, rows[valid].astype(np.int64)), 0.0)
        lex_part = np.zeros(cand.shape, dtype=np.float32)
        lex_part[valid] = exact
        out.rows[start:stop] = rows
        out.dense[start:stop] = dense_part
        out.lexical[start:stop] = lex_part
        out.blended[start:stop] = np.where(valid, dense_part + lex_part, -np.inf)
        # The lexical top-K, ranked by their exact scores (read back from the candidates).
        by_cand = sp.csr_matrix(
            (exact, (np.nonzero(valid)[0], cand[valid])), shape=(stop - start, len(members))
        )
        lex_exact = np.where(lex_top >= 0, sample(by_cand, lex_top), -np.inf)
        order = np.argsort(-lex_exact, axis=1, kind="stable")
        lex_top = np.take_along_axis(lex_top, order, axis=1)
        lex_exact = np.take_along_axis(lex_exact, order, axis=1)
        found = (lex_top >= 0) & (lex_exact > 0)
        out.lexical_rows[start:stop] = np.where(found, members[np.maximum(lex_top, 0)], -1)
        out.lexical_scores[start:stop] = np.where(found, lex_exact / (lex_total or 1.0), 0.0)
        advance(stop - start)
    return out


def neighbourhood_marks(cands: Candidates, size: int) -> tuple[Rows, Floats]:
    """Each anchor's `size` best candidates by blended score (-1 pads) and those scores: its
    neighbourhood N(a), less the anchor itself."""
    best = top_k_rows(cands.blended, size)
    picked = np.take_along_axis(cands.rows, best, axis=1)
    blended = np.take_along_axis(cands.blended, best, axis=1)
    valid = picked >= 0
    return np.where(valid, picked, -1).astype(np.int32), np.where(valid, blended, 0.0).astype(
        np.float32
    )


def marks_matrix(marks: Rows, anchors: npt.NDArray[np.int64], n_items: int) -> sp.csr_matrix:
    """Binary anchors x items matrix: each row marks the anchor itself and its neighbourhood."""
    # Built as CSR directly, each row's columns sorted (what the COO route's conversion gave):
    # a row's marks are distinct and never the anchor itself.
    lines = np.concatenate([np.asarray(marks, dtype=np.int64), anchors[:, None]], axis=1)
    lines[lines < 0] = np.iinfo(np.int64).max  # pads sort last, then are left out
    lines.sort(axis=1)
    valid = lines != np.iinfo(np.int64).max
    indptr = np.concatenate([[0], np.cumsum(valid.sum(axis=1))])
    indices = lines[valid]
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(anchors), n_items))


def shared_neighbours(cands: Candidates, size: int, n_items: int) -> sp.csr_matrix:
    """Binary items x items matrix: each row marks the item itself and its `size` best candidates."""
    marks, _ = neighbourhood_marks(cands, size)
    return marks_matrix(marks, np.arange(cands.rows.shape[0], dtype=np.int64), n_items)


def overlap(
    marks: sp.csr_matrix, marks_t: sp.csr_matrix, sizes: Floats, anchors: npt.NDArray[np.int64],
    rows: Rows,
) -> Floats:  # fmt: skip
    """snn(a, c) = |N(a) & N(c)| / sqrt(|N(a)| |N(c)|) for each anchor's rows (0 at -1 pads);
    `marks` has a line per anchor, `marks_t` is the items' marks transposed, `sizes` per item."""
    common = sample(marks @ marks_t, rows)  # sparse: shared marks only
    safe = np.where(rows >= 0, rows, 0)
    norm = np.sqrt(sizes[anchors][:, None] * sizes[safe])
    return np.where(rows >= 0, common / np.maximum(norm, 1.0), 0.0).astype(np.float32)


@dataclass
class PoolLayer:
    """One pool's ranking layer: related lists, lexical top-K, and each anchor's neighbourhood
    (its best candidates by blended score, kept so that an update can compute shared neighbours
    without gathering every anchor's candidates again)."""

    related: Related
    lexical: Neighbours
    marks: Neighbours


def top_related(cands: Candidates, neighbourhood: Floats, k: int) -> Related:
    """Each anchor's top-k candidates by `blended + neighbourhood`, with their parts."""
    n = cands.rows.shape[0]
    final = np.where(cands.rows >= 0, cands.blended + neighbourhood, -np.inf).astype(np.float32)
    best = top_k_rows(final, k)
    out = Related.empty(n, k)
    take = best.shape[1]
    rows = np.take_along_axis(cands.rows, best, axis=1)
    valid = rows >= 0
    out.rows[:, :take] = np.where(valid, rows, -1)
    out.scores[:, :take] = np.where(valid, np.take_along_axis(final, best, axis=1), 0.0)
    for i, part in enumerate((cands.dense, cands.lexical, neighbourhood)):
        values = np.take_along_axis(part, best, axis=1)
        out.parts[:, :take, i] = np.where(valid, values, 0.0)
    return out


def uses_neighbourhood(settings: BuildSettings) -> bool:
    return settings.neighbourhood_k > 0 and settings.neighbourhood_weight > 0


def pool_layer(
    vectors: Floats,
    dense_rows: Rows,
    lexical: LexicalIndex,
    members: npt.NDArray[np.int64],
    settings: BuildSettings,
    advance: Callable[[int], None] = lambda _: None,
) -> PoolLayer:
    """The ranking layer of one pool for every item row; `advance(rows)` as anchors are done."""
    n = len(vectors)
    if len(members) == 0:  # nothing to relate
        advance(n)
        return empty_layer(n, settings)
    size = settings.neighbourhood_k if uses_neighbourhood(settings) else 0
    anchors = np.arange(n, dtype=np.int64)
    cands = gather_candidates(vectors, dense_rows, lexical, members, settings, advance=advance)
    snn = np.zeros_like(cands.blended)
    marks, marks_h = neighbourhood_marks(cands, size)
    if size:
        matrix = marks_matrix(marks, anchors, n)
        sizes = np.asarray(matrix.sum(axis=1), dtype=np.float32).ravel()
        matrix_t = matrix.T.tocsr()
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            block = anchors[start:stop]
            snn[start:stop] = overlap(matrix[start:stop], matrix_t, sizes, block, cands.rows[block])
    related = top_related(cands, settings.neighbourhood_weight * snn, settings.neighbours_k)
    lexical_lists = Neighbours(cands.lexical_rows, cands.lexical_scores)
    return PoolLayer(related, lexical_lists, Neighbours(marks, marks_h))


def empty_layer(n: int, settings: BuildSettings) -> PoolLayer:
    """The ranking layer of a pool without members: every list pads (which the writer does not
    store), the neighbourhoods as wide as `neighbourhood_marks` makes them (at most the 2K
    candidates `gather_candidates` gives an anchor)."""
    k = settings.neighbours_k
    size = settings.neighbourhood_k if uses_neighbourhood(settings) else 0
    return PoolLayer(
        Related.padded(n, k), empty_neighbours(n, k), empty_neighbours(n, min(size, 2 * k))
    )


def related_lists(
    vectors: Floats,
    dense_rows: Rows,
    lexical: LexicalIndex,
    members: npt.NDArray[np.int64],
    settings: BuildSettings,
) -> tuple[Related, Rows, Floats]:
    """The stored related lists of one pool, plus its lexical top-K (rows, scores)."""
    layer = pool_layer(vectors, dense_rows, lexical, members, settings)
    return layer.related, layer.lexical.rows, layer.lexical.scores


def relate_layer(
    records: Sequence[Mapping[str, Any]],
    vectors: Floats,
    dense_rows: Mapping[str, Rows],
    pools: Sequence[str],
    settings: BuildSettings,
    advance: Callable[[int], None] = lambda _: None,
) -> tuple[LexicalIndex, dict[str, PoolLayer]]:
    """The whole ranking layer, computed from scratch (a full build, or an update's refresh):
    the lexical index and each editorial pool's layer (`advance(rows)` as anchors are done)."""
    lexical = LexicalIndex.build(records, make_analyser(settings.lexical_stemming))
    names = np.asarray(pools)
    out: dict[str, PoolLayer] = {}
    for pool, rows in dense_rows.items():
        members = np.flatnonzero(names == pool).astype(np.int64)
        out[pool] = pool_layer(vectors, rows, lexical, members, settings, advance)
    return lexical, out


def relate(
    records: Sequence[Mapping[str, Any]],
    vectors: Floats,
    dense_rows: Mapping[str, Rows],
    pools: Sequence[str],
    settings: BuildSettings,
) -> dict[str, tuple[Related, Neighbours]]:
    """For each editorial pool in `dense_rows`: its related lists and its lexical neighbours.
    `records` are the items in row order (dicts with title, lead, body, language), `pools`
    their pool names, `dense_rows` each pool's dense top-K (the index stage's lists)."""
    _, layers = relate_layer(records, vectors, dense_rows, pools, settings)
    return {pool: (layer.related, layer.lexical) for pool, layer in layers.items()}
